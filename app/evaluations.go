package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/store"
)

// The evaluation workflow (DESIGN.md §6): a district creates a draft for one
// of its circles, edits it and submits it; a reviewer returns or approves it
// and certifies an approved one, fixing the tier and the award. Every step
// appends an event in the same store transaction as the change.
//
// Metrics snapshots: drafts and returned evaluations are scored on live
// metrics (recomputed on create, edit and submit). From approval on the
// snapshot taken at submission is frozen: approve and certify re-score that
// snapshot, never live data, so the certificate states what the reviewer saw.
//
// Award year: the evaluation's year, the year whose results are certified,
// must be an award year; a 2024 evaluation earns nothing under jining-2023.
// When the scheme's award says must_be_certified_in_year (jining-2023: the
// plan's "2023年经认定为高品质的" rewards circles certified in 2023), the
// calendar year in which the certification is recorded must be an award year
// as well, so a 2023 circle certified in 2024 earns nothing either. The
// result's award section says so beforehand: it is scored with the current
// year as the certification year until the evaluation is certified.

// EvaluationStatuses lists every status of an evaluation, in workflow order.
var EvaluationStatuses = []string{quarterhour.EvalDraft, quarterhour.EvalSubmitted, quarterhour.EvalReturned,
	quarterhour.EvalApproved, quarterhour.EvalCertified}

// evaluationActions maps each action on an evaluation to the status it
// moves to.
var evaluationActions = map[string]string{
	"submit":  quarterhour.EvalSubmitted,
	"return":  quarterhour.EvalReturned,
	"approve": quarterhour.EvalApproved,
	"certify": quarterhour.EvalCertified,
}

// EvaluationDraft is what a district sends to open an evaluation.
type EvaluationDraft struct {
	CircleID  int64             `json:"circle_id"`
	Scheme    string            `json:"scheme"`
	Year      int               `json:"year"`
	Submitted scoring.Submitted `json:"submitted"`
}

// EvaluationEdit replaces the submitted values of the evaluation at Version.
type EvaluationEdit struct {
	Version   int               `json:"version"`
	Submitted scoring.Submitted `json:"submitted"`
}

// EvaluationMove moves the evaluation at Version on, with a comment for the
// audit trail and, when certifying, the award.
type EvaluationMove struct {
	Version   int    `json:"version"`
	Comment   string `json:"comment"`
	AwardYuan int64  `json:"award_yuan"`
}

// CreateEvaluation opens a draft evaluation of a circle of u's district
// (admins: any), scored on the circle's live metrics.
func (a *App) CreateEvaluation(ctx context.Context, u *quarterhour.User, d EvaluationDraft) (quarterhour.Evaluation, error) {
	var e quarterhour.Evaluation
	if u == nil {
		return e, errLoginRequired
	}
	if d.CircleID <= 0 {
		return e, quarterhour.Invalid("circle_id", "circle_id is required")
	}
	c, err := a.store.GetCircle(ctx, d.CircleID)
	if errors.Is(err, quarterhour.ErrNotFound) {
		return e, quarterhour.Invalid("circle_id", "no circle %d", d.CircleID)
	}
	if err != nil {
		return e, fmt.Errorf("get circle %d: %w", d.CircleID, err)
	}
	if err := CanWrite(u, c.District); err != nil {
		return e, err
	}
	sch, err := a.ParsedScheme(ctx, d.Scheme)
	if err != nil {
		return e, err
	}
	if err := checkYear(sch, d.Year); err != nil {
		return e, err
	}
	if err := validateSubmitted(d.Submitted); err != nil {
		return e, err
	}
	if err := checkEvidenceRefs(d.Submitted, sch, nil, false); err != nil {
		return e, err
	}
	m, err := a.liveMetrics(ctx, c, sch, d.Year)
	if err != nil {
		return e, err
	}
	e = quarterhour.Evaluation{CircleID: c.ID, District: c.District, Scheme: sch.Code, Year: d.Year,
		Status: quarterhour.EvalDraft, CreatedBy: u.Username}
	if _, err := a.score(ctx, &e, sch, m, d.Submitted, nil); err != nil {
		return e, err
	}
	ev := quarterhour.EvaluationEvent{Actor: u.Username, To: quarterhour.EvalDraft, Comment: "created"}
	if err := a.store.CreateEvaluation(ctx, &e, ev); err != nil {
		if errors.Is(err, quarterhour.ErrConflict) {
			return e, quarterhour.Errorf(quarterhour.EConflict, "circle_id",
				"circle %d already has an evaluation under %s for %d; edit that one", c.ID, sch.Code, d.Year)
		}
		return e, fmt.Errorf("create evaluation: %w", err)
	}
	return e, nil
}

// UpdateEvaluation replaces the submitted values of a draft or returned
// evaluation of u's district and rescores it on live metrics. Evidence must
// name files uploaded to the evaluation; those uploaded for an indicator stay
// referenced.
func (a *App) UpdateEvaluation(ctx context.Context, u *quarterhour.User, id int64, ed EvaluationEdit) (quarterhour.Evaluation, error) {
	if u == nil {
		return quarterhour.Evaluation{}, errLoginRequired
	}
	if ed.Version <= 0 {
		return quarterhour.Evaluation{}, quarterhour.Invalid("version", "version (as read) is required to update")
	}
	e, err := a.Evaluation(ctx, u, id)
	if err != nil {
		return e, err
	}
	if err := CanWrite(u, e.District); err != nil {
		return e, err
	}
	if err := districtMayChange(e, "only a draft or a returned evaluation can be changed"); err != nil {
		return e, err
	}
	if e.Version != ed.Version {
		return e, staleVersion(e)
	}
	if err := validateSubmitted(ed.Submitted); err != nil {
		return e, err
	}
	sch, c, err := a.schemeAndCircle(ctx, e)
	if err != nil {
		return e, err
	}
	files, err := a.store.ListEvidence(ctx, e.ID)
	if err != nil {
		return e, fmt.Errorf("list evidence of evaluation %d: %w", e.ID, err)
	}
	if err := checkEvidenceRefs(ed.Submitted, sch, files, true); err != nil {
		return e, err
	}
	sub := withEvidenceRefs(ed.Submitted, files)
	m, err := a.liveMetrics(ctx, c, sch, e.Year)
	if err != nil {
		return e, err
	}
	if _, err := a.score(ctx, &e, sch, m, sub, files); err != nil {
		return e, err
	}
	ev := quarterhour.EvaluationEvent{Actor: u.Username, From: e.Status, To: e.Status, Comment: "submitted values changed"}
	if err := a.store.UpdateEvaluation(ctx, &e, ev); err != nil {
		return e, fmt.Errorf("update evaluation %d: %w", e.ID, err)
	}
	return e, nil
}

// MoveEvaluation takes action (submit, return, approve or certify) on
// evaluation id, checking role, district, version, the allowed moves and, on
// certification, the award. The district submits; a reviewer or an admin
// does the rest.
func (a *App) MoveEvaluation(ctx context.Context, u *quarterhour.User, id int64, action string, mv EvaluationMove) (quarterhour.Evaluation, error) {
	var e quarterhour.Evaluation
	to, ok := evaluationActions[action]
	if !ok {
		return e, quarterhour.Errorf(quarterhour.ENotFound, "action", "unknown action %q; use submit, return, approve or certify", action)
	}
	if u == nil {
		return e, errLoginRequired
	}
	if mv.Version <= 0 {
		return e, quarterhour.Invalid("version", "version (as read) is required")
	}
	if mv.AwardYuan != 0 && to != quarterhour.EvalCertified {
		return e, quarterhour.Invalid("award_yuan", "an award is set only when certifying")
	}
	e, err := a.Evaluation(ctx, u, id)
	if err != nil {
		return e, err
	}
	if to == quarterhour.EvalSubmitted {
		err = CanWrite(u, e.District)
	} else {
		err = CanReview(u, action)
	}
	if err != nil {
		return e, err
	}
	if e.Version != mv.Version {
		return e, staleVersion(e)
	}
	if !quarterhour.CanTransition(e.Status, to) {
		return e, quarterhour.Errorf(quarterhour.EConflict, "status", "cannot %s evaluation %d: it is %s, and %s", action, e.ID, e.Status, allowedFrom(to))
	}
	if to == quarterhour.EvalCertified {
		if err := a.fourEyes(ctx, u, e); err != nil {
			return e, err
		}
	}
	from := e.Status
	sch, c, err := a.schemeAndCircle(ctx, e)
	if err != nil {
		return e, err
	}
	sub, m, err := decodeStored(e)
	if err != nil {
		return e, err
	}
	if to == quarterhour.EvalSubmitted {
		// The district submits the circle as it is now.
		if m, err = a.liveMetrics(ctx, c, sch, e.Year); err != nil {
			return e, err
		}
	}
	if to == quarterhour.EvalCertified {
		now := a.now().UTC()
		e.CertifiedAt, e.AwardYuan = &now, mv.AwardYuan
	}
	files, err := a.store.ListEvidence(ctx, e.ID)
	if err != nil {
		return e, fmt.Errorf("list evidence of evaluation %d: %w", e.ID, err)
	}
	res, err := a.score(ctx, &e, sch, m, sub, files)
	if err != nil {
		return e, err
	}
	if to == quarterhour.EvalCertified {
		if err := a.checkAward(ctx, sch, e, res, mv.AwardYuan); err != nil {
			return e, err
		}
	}
	e.Status = to
	switch to {
	case quarterhour.EvalApproved:
		e.ApprovedBy = u.Username
	case quarterhour.EvalCertified:
		e.CertifiedBy = u.Username
	}
	ev := quarterhour.EvaluationEvent{Actor: u.Username, From: from, To: to, Comment: mv.Comment}
	if err := a.store.UpdateEvaluation(ctx, &e, ev); err != nil {
		if errors.Is(err, quarterhour.ErrConflict) && mv.AwardYuan > 0 {
			return e, quarterhour.Errorf(quarterhour.EConflict, "award_yuan",
				"evaluation %d changed meanwhile or circle %d already holds an award; reload and check", e.ID, e.CircleID)
		}
		return e, fmt.Errorf("%s evaluation %d: %w", action, e.ID, err)
	}
	return e, nil
}

// Evaluation returns evaluation id if u may read it. Another district's
// evaluation is not found for a district user, in the very words of one that
// does not exist: whether it exists is none of their business.
func (a *App) Evaluation(ctx context.Context, u *quarterhour.User, id int64) (quarterhour.Evaluation, error) {
	if u == nil {
		return quarterhour.Evaluation{}, errLoginRequired
	}
	e, err := a.store.GetEvaluation(ctx, id)
	if errors.Is(err, quarterhour.ErrNotFound) {
		return quarterhour.Evaluation{}, noEvaluation(id)
	}
	if err != nil {
		return e, fmt.Errorf("get evaluation %d: %w", id, err)
	}
	if CanRead(u, e.District) != nil {
		return quarterhour.Evaluation{}, noEvaluation(id)
	}
	return e, nil
}

// noEvaluation answers for an evaluation that does not exist or that the
// user may not know of.
func noEvaluation(id int64) error {
	return quarterhour.Errorf(quarterhour.ENotFound, "", "no evaluation %d", id)
}

// Evaluations lists the evaluations f selects that u may see: district
// users only their own district's.
func (a *App) Evaluations(ctx context.Context, u *quarterhour.User, f store.EvaluationFilter) ([]quarterhour.Evaluation, error) {
	if u == nil {
		return nil, errLoginRequired
	}
	if f.Status != "" && !slices.Contains(EvaluationStatuses, f.Status) {
		return nil, quarterhour.Invalid("status", "unknown evaluation status %q; one of %s", f.Status, strings.Join(EvaluationStatuses, ", "))
	}
	if u.Role == quarterhour.RoleDistrict {
		if f.District != "" && f.District != u.District {
			return nil, quarterhour.Forbidden("district", "user %s may only see evaluations of district %s", u.Username, u.District)
		}
		f.District = u.District
	}
	es, err := a.store.ListEvaluations(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	if es == nil {
		es = []quarterhour.Evaluation{}
	}
	return es, nil
}

// EvaluationEvents returns the audit trail of evaluation id, oldest first, if
// u may read the evaluation.
func (a *App) EvaluationEvents(ctx context.Context, u *quarterhour.User, id int64) ([]quarterhour.EvaluationEvent, error) {
	e, err := a.Evaluation(ctx, u, id)
	if err != nil {
		return nil, err
	}
	evs, err := a.store.ListEvaluationEvents(ctx, e.ID)
	if err != nil {
		return nil, fmt.Errorf("list events of evaluation %d: %w", e.ID, err)
	}
	if evs == nil {
		evs = []quarterhour.EvaluationEvent{}
	}
	return evs, nil
}

// Preview scores circle id live under scheme code (DefaultScheme when empty)
// for year (0: the scheme's first year): metrics computed now, with the
// submitted values of the circle's evaluation of that year, else its latest
// under the scheme, else none. Those values may be a draft, so u needs to be
// allowed to read the circle's evaluations.
func (a *App) Preview(ctx context.Context, u *quarterhour.User, id int64, code string, year int) (scoring.Result, error) {
	if u == nil {
		return scoring.Result{}, errLoginRequired
	}
	c, err := a.store.GetCircle(ctx, id)
	if err != nil {
		return scoring.Result{}, fmt.Errorf("get circle %d: %w", id, err)
	}
	if err := CanRead(u, c.District); err != nil {
		return scoring.Result{}, err
	}
	if code == "" {
		code = DefaultScheme
	}
	sch, err := a.ParsedScheme(ctx, code)
	if err != nil {
		return scoring.Result{}, err
	}
	if year == 0 && len(sch.Years) > 0 {
		year = sch.Years[0]
	}
	if err := checkYear(sch, year); err != nil {
		return scoring.Result{}, err
	}
	es, err := a.store.ListEvaluations(ctx, store.EvaluationFilter{CircleID: id, Scheme: sch.Code})
	if err != nil {
		return scoring.Result{}, fmt.Errorf("evaluations of circle %d: %w", id, err)
	}
	e := quarterhour.Evaluation{CircleID: id, Year: year}
	var files []quarterhour.Evidence
	if latest, ok := latestEvaluation(es, year); ok {
		e.Submitted = latest.Submitted
		if files, err = a.store.ListEvidence(ctx, latest.ID); err != nil {
			return scoring.Result{}, fmt.Errorf("list evidence of evaluation %d: %w", latest.ID, err)
		}
	}
	sub, _, err := decodeStored(e)
	if err != nil {
		return scoring.Result{}, err
	}
	m, err := a.liveMetrics(ctx, c, sch, year)
	if err != nil {
		return scoring.Result{}, err
	}
	return a.score(ctx, &e, sch, m, sub, files)
}

// latestEvaluation picks the evaluation of year, else the most recently
// updated one.
func latestEvaluation(es []quarterhour.Evaluation, year int) (quarterhour.Evaluation, bool) {
	var best quarterhour.Evaluation
	found := false
	for _, e := range es {
		switch {
		case !found:
		case (e.Year == year) != (best.Year == year):
			if e.Year != year {
				continue
			}
		case !e.UpdatedAt.After(best.UpdatedAt):
			continue
		}
		best, found = e, true
	}
	return best, found
}

// checkYear refuses a year the scheme does not cover.
func checkYear(sch *scoring.Scheme, year int) error {
	if !slices.Contains(sch.Years, year) {
		return quarterhour.Invalid("year", "scheme %s covers the years %v, not %d", sch.Code, sch.Years, year)
	}
	return nil
}

// validateSubmitted turns scoring's field errors into one EInvalid error
// naming the first field and listing every problem.
func validateSubmitted(sub scoring.Submitted) error {
	errs := scoring.ValidateSubmitted(sub)
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return quarterhour.Invalid(errs[0].Field, "invalid submitted values: %s", strings.Join(msgs, "; "))
}

// districtMayChange refuses a change by the district to an evaluation it no
// longer holds, one neither a draft nor returned; rule says what is refused.
func districtMayChange(e quarterhour.Evaluation, rule string) error {
	if e.Status != quarterhour.EvalDraft && e.Status != quarterhour.EvalReturned {
		return quarterhour.Errorf(quarterhour.EConflict, "status", "evaluation %d is %s; %s", e.ID, e.Status, rule)
	}
	return nil
}

func staleVersion(e quarterhour.Evaluation) error {
	return quarterhour.Errorf(quarterhour.EConflict, "version",
		"evaluation %d is at version %d now; reload it and apply your change again", e.ID, e.Version)
}

// allowedFrom says from which statuses an evaluation may move to status to.
func allowedFrom(to string) string {
	from := quarterhour.TransitionSources(to)
	if len(from) == 0 {
		return "no evaluation may move to " + to
	}
	return fmt.Sprintf("only a %s evaluation can become %s", strings.Join(from, " or "), to)
}

// fourEyes refuses the certification of e by u when u created, submitted or
// approved it, at any time: the certificate fixes the tier and the money, so
// it needs a second person besides those who prepared or approved the
// evaluation.
func (a *App) fourEyes(ctx context.Context, u *quarterhour.User, e quarterhour.Evaluation) error {
	did := ""
	switch u.Username {
	case e.ApprovedBy:
		did = "approved"
	case e.CreatedBy:
		did = "created"
	}
	if did == "" {
		evs, err := a.store.ListEvaluationEvents(ctx, e.ID)
		if err != nil {
			return fmt.Errorf("list events of evaluation %d: %w", e.ID, err)
		}
		for _, ev := range evs {
			if ev.Actor == u.Username && (ev.To == quarterhour.EvalSubmitted || ev.To == quarterhour.EvalApproved) {
				did = ev.To
			}
		}
	}
	if did == "" {
		return nil
	}
	return quarterhour.Forbidden("", "%s %s evaluation %d and so may not certify it: another reviewer or admin must (four eyes on the award)",
		u.Username, did, e.ID)
}

// circleAwarded reports whether any evaluation of the circle, other than
// except, holds an award.
func (a *App) circleAwarded(ctx context.Context, circleID, except int64) (bool, error) {
	es, err := a.store.ListEvaluations(ctx, store.EvaluationFilter{CircleID: circleID})
	if err != nil {
		return false, fmt.Errorf("list evaluations of circle %d: %w", circleID, err)
	}
	for _, e := range es {
		if e.ID != except && e.AwardYuan > 0 {
			return true, nil
		}
	}
	return false, nil
}

// checkAward refuses an award the scheme does not allow for e, certified at
// e.CertifiedAt: above the cap, for the wrong tier, evaluation year or
// certification year (EInvalid), or a second award for the circle
// (EConflict).
func (a *App) checkAward(ctx context.Context, sch *scoring.Scheme, e quarterhour.Evaluation, res scoring.Result, amount int64) error {
	if amount == 0 {
		return nil
	}
	if sch.Award == nil {
		return quarterhour.Invalid("award_yuan", "scheme %s carries no award", sch.Code)
	}
	awarded, err := a.circleAwarded(ctx, e.CircleID, e.ID)
	if err != nil {
		return err
	}
	claim := scoring.AwardClaim{Tier: res.Tier, Year: e.Year, CertifiedYear: a.certificationYear(e), Amount: amount, AlreadyAwarded: awarded}
	if err := scoring.CheckAward(*sch.Award, claim); err != nil {
		code := quarterhour.EInvalid
		if awarded && sch.Award.OncePerCircle {
			code = quarterhour.EConflict
		}
		return quarterhour.Errorf(code, "award_yuan", "%s", err.Error())
	}
	return nil
}

// chinaTime is China Standard Time, which dates certifications: one
// recorded on 31 December at 20:00 UTC is a certification of 1 January.
var chinaTime = time.FixedZone("CST", 8*60*60)

// certificationYear is the year, in China, of e's certification: when it
// was certified, or today for an evaluation not yet certified.
func (a *App) certificationYear(e quarterhour.Evaluation) int {
	at := a.now()
	if e.CertifiedAt != nil {
		at = *e.CertifiedAt
	}
	return at.In(chinaTime).Year()
}

// schemeAndCircle loads the scheme and circle of e.
func (a *App) schemeAndCircle(ctx context.Context, e quarterhour.Evaluation) (*scoring.Scheme, quarterhour.Circle, error) {
	sch, err := a.ParsedScheme(ctx, e.Scheme)
	if err != nil {
		return nil, quarterhour.Circle{}, err
	}
	c, err := a.store.GetCircle(ctx, e.CircleID)
	if err != nil {
		return nil, c, fmt.Errorf("get circle %d of evaluation %d: %w", e.CircleID, e.ID, err)
	}
	return sch, c, nil
}

// liveMetrics computes the circle's metrics now, with the complaints
// residents posted about it in year.
func (a *App) liveMetrics(ctx context.Context, c quarterhour.Circle, sch *scoring.Scheme, year int) (scoring.Metrics, error) {
	if err := a.access.EnsureLoaded(ctx); err != nil {
		return scoring.Metrics{}, circleMetricsError(c, err)
	}
	m, err := a.CircleMetrics(ctx, c, sch)
	if err != nil {
		return scoring.Metrics{}, circleMetricsError(c, err)
	}
	received, resolved, err := a.circleComplaints(ctx, c.ID, year)
	if err != nil {
		return scoring.Metrics{}, err
	}
	m.Set(scoring.MetricPlatformComplaintsReceived, float64(received))
	m.Set(scoring.MetricPlatformComplaintsResolved, float64(resolved))
	return m, nil
}

// circleMetricsError says why a circle's metrics cannot be computed: no
// walking network (EUnavailable), a centre away from every street
// (EUnprocessable), or a failure.
func circleMetricsError(c quarterhour.Circle, err error) error {
	var off *geo.OffNetworkError
	switch {
	case errors.Is(err, access.ErrNotReady):
		return quarterhour.Errorf(quarterhour.EUnavailable, "", "no walking network is loaded, so circle metrics cannot be computed")
	case errors.As(err, &off):
		return quarterhour.Errorf(quarterhour.EUnprocessable, "circle_id", "circle %d has a centre off the walking network: %v", c.ID, off)
	}
	return fmt.Errorf("metrics of circle %d: %w", c.ID, err)
}

// score evaluates m and sub for e's circle and year, counting evidence only
// when it names one of files (the evaluation's), and writes the snapshot,
// result, total and tier into e.
func (a *App) score(ctx context.Context, e *quarterhour.Evaluation, sch *scoring.Scheme, m scoring.Metrics, sub scoring.Submitted, files []quarterhour.Evidence) (scoring.Result, error) {
	ectx, err := a.scoreContext(ctx, *e, files)
	if err != nil {
		return scoring.Result{}, err
	}
	return rescore(e, sch, m, sub, ectx)
}

// scoreContext gathers what scoring e needs besides metrics and submitted
// values: its year, whether its circle already holds an award, its
// certification year and the references of its files.
func (a *App) scoreContext(ctx context.Context, e quarterhour.Evaluation, files []quarterhour.Evidence) (scoring.EvalContext, error) {
	awarded, err := a.circleAwarded(ctx, e.CircleID, e.ID)
	if err != nil {
		return scoring.EvalContext{}, err
	}
	return scoring.EvalContext{Year: e.Year, CircleAwarded: awarded, CertifiedYear: a.certificationYear(e),
		Files: fileRefs(files)}, nil
}

// rescore is score with what it gathers given: it reads nothing, so it may
// run inside a store transaction.
func rescore(e *quarterhour.Evaluation, sch *scoring.Scheme, m scoring.Metrics, sub scoring.Submitted, ectx scoring.EvalContext) (scoring.Result, error) {
	res := scoring.Evaluate(sch, m, sub, ectx)
	var err error
	if e.Metrics, err = json.Marshal(m); err != nil {
		return scoring.Result{}, fmt.Errorf("encode metrics: %w", err)
	}
	if e.Result, err = json.Marshal(res); err != nil {
		return scoring.Result{}, fmt.Errorf("encode result: %w", err)
	}
	if e.Submitted, err = json.Marshal(sub); err != nil {
		return scoring.Result{}, fmt.Errorf("encode submitted values: %w", err)
	}
	e.Total, e.Tier = res.Total, res.Tier
	return res, nil
}

// decodeStored reads the submitted values and metrics snapshot of e.
func decodeStored(e quarterhour.Evaluation) (scoring.Submitted, scoring.Metrics, error) {
	var sub scoring.Submitted
	if len(e.Submitted) > 0 {
		if err := json.Unmarshal(e.Submitted, &sub); err != nil {
			return sub, scoring.Metrics{}, fmt.Errorf("decode submitted values of evaluation %d: %w", e.ID, err)
		}
	}
	m := scoring.NewMetrics()
	if len(e.Metrics) > 0 {
		if err := json.Unmarshal(e.Metrics, &m); err != nil {
			return sub, m, fmt.Errorf("decode metrics snapshot of evaluation %d: %w", e.ID, err)
		}
	}
	return sub, m, nil
}

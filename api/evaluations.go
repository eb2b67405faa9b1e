package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
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
// Award year: CheckAward is given the evaluation's year, the year whose
// circle is certified, not the calendar year in which the reviewer records
// the certification. Certification of a year's results necessarily happens
// after the work is done, often early the next year, and the plan's
// "2023年经认定为高品质" names the 2023 round. A 2024 evaluation therefore earns
// nothing under jining-2023, whenever it is certified.

// evaluationActions maps the action of POST /evaluations/{id}/{action} to the
// status it moves to.
var evaluationActions = map[string]string{
	"submit":  quarterhour.EvalSubmitted,
	"return":  quarterhour.EvalReturned,
	"approve": quarterhour.EvalApproved,
	"certify": quarterhour.EvalCertified,
}

var knownEvaluationStatuses = []string{quarterhour.EvalDraft, quarterhour.EvalSubmitted, quarterhour.EvalReturned, quarterhour.EvalApproved, quarterhour.EvalCertified}

// createEvaluationRequest is the body of POST /api/v1/evaluations.
type createEvaluationRequest struct {
	CircleID  int64             `json:"circle_id"`
	Scheme    string            `json:"scheme"`
	Year      int               `json:"year"`
	Submitted scoring.Submitted `json:"submitted"`
}

// updateEvaluationRequest is the body of PUT /api/v1/evaluations/{id}.
type updateEvaluationRequest struct {
	Version   int               `json:"version"`
	Submitted scoring.Submitted `json:"submitted"`
}

// transitionRequest is the body of POST /api/v1/evaluations/{id}/{action}.
type transitionRequest struct {
	Version   int    `json:"version"`
	Comment   string `json:"comment"`
	AwardYuan int64  `json:"award_yuan"`
}

// loadScheme returns the latest stored version of the scheme code, parsed.
// An unknown code is a 400 naming field.
func (s *Server) loadScheme(ctx context.Context, code, field string) (*scoring.Scheme, error) {
	if code == "" {
		return nil, badRequest(field, "scheme is required (for example jining-2023)")
	}
	row, err := s.store.GetScheme(ctx, code)
	if isNotFound(err) {
		return nil, badRequest(field, "unknown scheme %q", code)
	}
	if err != nil {
		return nil, fmt.Errorf("get scheme %s: %w", code, err)
	}
	sch, err := scoring.ParseScheme(row.Document)
	if err != nil {
		return nil, fmt.Errorf("parse stored scheme %s v%d: %w", code, row.Version, err)
	}
	sch.Version = row.Version
	return sch, nil
}

// checkYear refuses a year the scheme does not cover.
func checkYear(sch *scoring.Scheme, year int) error {
	if !slices.Contains(sch.Years, year) {
		return badRequest("year", "scheme %s covers the years %v, not %d", sch.Code, sch.Years, year)
	}
	return nil
}

// validateSubmitted turns scoring's field errors into a 400 naming the first
// field and listing every problem.
func validateSubmitted(sub scoring.Submitted) error {
	errs := scoring.ValidateSubmitted(sub)
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return badRequest(errs[0].Field, "invalid submitted values: %s", strings.Join(msgs, "; "))
}

// circleAwarded reports whether any evaluation of the circle, other than
// except, holds an award.
func (s *Server) circleAwarded(ctx context.Context, circleID, except int64) (bool, error) {
	es, err := s.store.ListEvaluations(ctx, store.EvaluationFilter{CircleID: circleID})
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

// liveMetrics computes the circle's metrics now.
func (s *Server) liveMetrics(ctx context.Context, c quarterhour.Circle, sch *scoring.Scheme) (scoring.Metrics, error) {
	if _, err := s.geoEngine(ctx); err != nil {
		return scoring.Metrics{}, metricsError(c, err)
	}
	m, err := s.app.CircleMetrics(ctx, c, sch)
	if err != nil {
		return scoring.Metrics{}, metricsError(c, err)
	}
	return m, nil
}

// metricsError says why a circle's metrics cannot be computed: no walking
// network (503), a centre away from every street (422), or a failure.
func metricsError(c quarterhour.Circle, err error) error {
	var off *geo.OffNetworkError
	switch {
	case errors.Is(err, access.ErrNotReady):
		return &Error{Code: quarterhour.EUnavailable, Message: "no walking network is loaded, so circle metrics cannot be computed"}
	case errors.As(err, &off):
		return &Error{Code: quarterhour.EUnprocessable, Field: "circle_id",
			Message: fmt.Sprintf("circle %d has a centre off the walking network: %v", c.ID, off)}
	}
	return fmt.Errorf("metrics of circle %d: %w", c.ID, err)
}

// score evaluates m and sub for e's circle and year and writes the snapshot,
// result, total and tier into e.
func (s *Server) score(ctx context.Context, e *quarterhour.Evaluation, sch *scoring.Scheme, m scoring.Metrics, sub scoring.Submitted) (scoring.Result, error) {
	awarded, err := s.circleAwarded(ctx, e.CircleID, e.ID)
	if err != nil {
		return scoring.Result{}, err
	}
	res := scoring.Evaluate(sch, m, sub, scoring.EvalContext{Year: e.Year, CircleAwarded: awarded})
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

// canRead checks that the caller may see evaluations of district (app.CanRead).
func canRead(p *principal, district string) error { return app.CanRead(p.user(), district) }

// canReview checks that the caller is a reviewer or an admin (app.CanReview).
func canReview(p *principal, action string) error { return app.CanReview(p.user(), action) }

// evaluationFor loads evaluation {id} and checks the caller may read it.
func (s *Server) evaluationFor(r *http.Request) (quarterhour.Evaluation, error) {
	id, err := pathID(r)
	if err != nil {
		return quarterhour.Evaluation{}, err
	}
	e, err := s.store.GetEvaluation(r.Context(), id)
	if err != nil {
		return quarterhour.Evaluation{}, fmt.Errorf("get evaluation %d: %w", id, err)
	}
	if err := canRead(principalFrom(r.Context()), e.District); err != nil {
		return quarterhour.Evaluation{}, err
	}
	return e, nil
}

func (s *Server) handleCreateEvaluation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	var req createEvaluationRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.createEvaluation(ctx, w, p, req); err != nil {
		s.writeError(w, r, err)
	}
}

func (s *Server) createEvaluation(ctx context.Context, w http.ResponseWriter, p *principal, req createEvaluationRequest) error {
	if req.CircleID <= 0 {
		return badRequest("circle_id", "circle_id is required")
	}
	c, err := s.store.GetCircle(ctx, req.CircleID)
	if isNotFound(err) {
		return badRequest("circle_id", "no circle %d", req.CircleID)
	}
	if err != nil {
		return fmt.Errorf("get circle %d: %w", req.CircleID, err)
	}
	if err := canWrite(p, c.District); err != nil {
		return err
	}
	sch, err := s.loadScheme(ctx, req.Scheme, "scheme")
	if err != nil {
		return err
	}
	if err := checkYear(sch, req.Year); err != nil {
		return err
	}
	if err := validateSubmitted(req.Submitted); err != nil {
		return err
	}
	m, err := s.liveMetrics(ctx, c, sch)
	if err != nil {
		return err
	}
	e := quarterhour.Evaluation{CircleID: c.ID, District: c.District, Scheme: sch.Code, Year: req.Year,
		Status: quarterhour.EvalDraft, CreatedBy: p.User.Username}
	if _, err := s.score(ctx, &e, sch, m, req.Submitted); err != nil {
		return err
	}
	ev := quarterhour.EvaluationEvent{Actor: p.User.Username, To: quarterhour.EvalDraft, Comment: "created"}
	if err := s.store.CreateEvaluation(ctx, &e, ev); err != nil {
		if errors.Is(err, quarterhour.ErrConflict) {
			return &Error{Code: quarterhour.EConflict, Field: "circle_id",
				Message: fmt.Sprintf("circle %d already has an evaluation under %s for %d; edit that one", c.ID, sch.Code, req.Year)}
		}
		return fmt.Errorf("create evaluation: %w", err)
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/evaluations/%d", e.ID))
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) handleUpdateEvaluation(w http.ResponseWriter, r *http.Request) {
	var req updateEvaluationRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.updateEvaluation(r, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) updateEvaluation(r *http.Request, req updateEvaluationRequest) (quarterhour.Evaluation, error) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		return quarterhour.Evaluation{}, errUnauthenticated
	}
	if req.Version <= 0 {
		return quarterhour.Evaluation{}, badRequest("version", "version (as read) is required to update")
	}
	e, err := s.evaluationFor(r)
	if err != nil {
		return e, err
	}
	if err := canWrite(p, e.District); err != nil {
		return e, err
	}
	if e.Status != quarterhour.EvalDraft && e.Status != quarterhour.EvalReturned {
		return e, &Error{Code: quarterhour.EConflict, Field: "status",
			Message: fmt.Sprintf("evaluation %d is %s; only a draft or a returned evaluation can be changed", e.ID, e.Status)}
	}
	if e.Version != req.Version {
		return e, staleVersion(e)
	}
	if err := validateSubmitted(req.Submitted); err != nil {
		return e, err
	}
	sub, err := s.storedEvidenceRefs(ctx, e, req.Submitted)
	if err != nil {
		return e, err
	}
	sch, c, err := s.schemeAndCircle(ctx, e)
	if err != nil {
		return e, err
	}
	m, err := s.liveMetrics(ctx, c, sch)
	if err != nil {
		return e, err
	}
	if _, err := s.score(ctx, &e, sch, m, sub); err != nil {
		return e, err
	}
	ev := quarterhour.EvaluationEvent{Actor: p.User.Username, From: e.Status, To: e.Status, Comment: "submitted values changed"}
	if err := s.store.UpdateEvaluation(ctx, &e, ev); err != nil {
		return e, fmt.Errorf("update evaluation %d: %w", e.ID, err)
	}
	return e, nil
}

// schemeAndCircle loads the scheme and circle of e.
func (s *Server) schemeAndCircle(ctx context.Context, e quarterhour.Evaluation) (*scoring.Scheme, quarterhour.Circle, error) {
	sch, err := s.loadScheme(ctx, e.Scheme, "scheme")
	if err != nil {
		return nil, quarterhour.Circle{}, err
	}
	c, err := s.store.GetCircle(ctx, e.CircleID)
	if err != nil {
		return nil, c, fmt.Errorf("get circle %d of evaluation %d: %w", e.CircleID, e.ID, err)
	}
	return sch, c, nil
}

func staleVersion(e quarterhour.Evaluation) *Error {
	return &Error{Code: quarterhour.EConflict, Field: "version",
		Message: fmt.Sprintf("evaluation %d is at version %d now; reload it and apply your change again", e.ID, e.Version)}
}

func (s *Server) handleTransitionEvaluation(w http.ResponseWriter, r *http.Request) {
	action := chi.URLParam(r, "action")
	to, ok := evaluationActions[action]
	if !ok {
		s.writeError(w, r, &Error{Code: quarterhour.ENotFound, Field: "action", Message: fmt.Sprintf("unknown action %q; use submit, return, approve or certify", action)})
		return
	}
	var req transitionRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.transition(r, action, to, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// transition moves evaluation {id} to status to, checking role, district,
// version, the allowed moves and, on certification, the award.
func (s *Server) transition(r *http.Request, action, to string, req transitionRequest) (quarterhour.Evaluation, error) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		return quarterhour.Evaluation{}, errUnauthenticated
	}
	if req.Version <= 0 {
		return quarterhour.Evaluation{}, badRequest("version", "version (as read) is required")
	}
	if req.AwardYuan != 0 && to != quarterhour.EvalCertified {
		return quarterhour.Evaluation{}, badRequest("award_yuan", "an award is set only when certifying")
	}
	e, err := s.evaluationFor(r)
	if err != nil {
		return e, err
	}
	if to == quarterhour.EvalSubmitted {
		err = canWrite(p, e.District)
	} else {
		err = canReview(p, action)
	}
	if err != nil {
		return e, err
	}
	if e.Version != req.Version {
		return e, staleVersion(e)
	}
	if !quarterhour.CanTransition(e.Status, to) {
		return e, &Error{Code: quarterhour.EConflict, Field: "status",
			Message: fmt.Sprintf("cannot %s evaluation %d: it is %s, and %s", action, e.ID, e.Status, allowedFrom(to))}
	}
	from := e.Status
	sch, c, err := s.schemeAndCircle(ctx, e)
	if err != nil {
		return e, err
	}
	sub, m, err := decodeStored(e)
	if err != nil {
		return e, err
	}
	if to == quarterhour.EvalSubmitted {
		// The district submits the circle as it is now.
		if m, err = s.liveMetrics(ctx, c, sch); err != nil {
			return e, err
		}
	}
	res, err := s.score(ctx, &e, sch, m, sub)
	if err != nil {
		return e, err
	}
	if to == quarterhour.EvalCertified {
		if err := s.checkAward(ctx, sch, e, res, req.AwardYuan); err != nil {
			return e, err
		}
		now := time.Now().UTC()
		e.CertifiedAt, e.AwardYuan = &now, req.AwardYuan
	}
	e.Status = to
	ev := quarterhour.EvaluationEvent{Actor: p.User.Username, From: from, To: to, Comment: req.Comment}
	if err := s.store.UpdateEvaluation(ctx, &e, ev); err != nil {
		if errors.Is(err, quarterhour.ErrConflict) && req.AwardYuan > 0 {
			return e, &Error{Code: quarterhour.EConflict, Field: "award_yuan",
				Message: fmt.Sprintf("evaluation %d changed meanwhile or circle %d already holds an award; reload and check", e.ID, e.CircleID)}
		}
		return e, fmt.Errorf("%s evaluation %d: %w", action, e.ID, err)
	}
	return e, nil
}

// checkAward refuses an award the scheme does not allow for e: above the cap,
// for the wrong tier or year (400), or a second award for the circle (409).
func (s *Server) checkAward(ctx context.Context, sch *scoring.Scheme, e quarterhour.Evaluation, res scoring.Result, amount int64) error {
	if amount == 0 {
		return nil
	}
	if sch.Award == nil {
		return badRequest("award_yuan", "scheme %s carries no award", sch.Code)
	}
	awarded, err := s.circleAwarded(ctx, e.CircleID, e.ID)
	if err != nil {
		return err
	}
	if err := scoring.CheckAward(*sch.Award, res.Tier, e.Year, amount, awarded); err != nil {
		code := quarterhour.EInvalid
		if awarded && sch.Award.OncePerCircle {
			code = quarterhour.EConflict
		}
		return &Error{Code: code, Field: "award_yuan", Message: err.Error()}
	}
	return nil
}

// allowedFrom says from which statuses an evaluation may move to status to.
func allowedFrom(to string) string {
	var from []string
	for _, st := range knownEvaluationStatuses {
		if quarterhour.CanTransition(st, to) {
			from = append(from, st)
		}
	}
	if len(from) == 0 {
		return "no evaluation may move to " + to
	}
	return fmt.Sprintf("only a %s evaluation can become %s", strings.Join(from, " or "), to)
}

func (s *Server) handleListEvaluations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	f, err := evaluationFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.User.Role == quarterhour.RoleDistrict {
		if f.District != "" && f.District != p.User.District {
			s.writeError(w, r, forbidden("district", "user %s may only see evaluations of district %s", p.User.Username, p.User.District))
			return
		}
		f.District = p.User.District
	}
	es, err := s.store.ListEvaluations(ctx, f)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list evaluations: %w", err))
		return
	}
	if es == nil {
		es = []quarterhour.Evaluation{}
	}
	writeJSON(w, http.StatusOK, es)
}

// evaluationFilter reads ?status=&district=&circle_id=&scheme=&year=.
func evaluationFilter(r *http.Request) (store.EvaluationFilter, error) {
	q := r.URL.Query()
	var f store.EvaluationFilter
	var err error
	if f.District, err = queryDistrict(r); err != nil {
		return f, err
	}
	if f.Status = q.Get("status"); f.Status != "" && !slices.Contains(knownEvaluationStatuses, f.Status) {
		return f, badRequest("status", "unknown evaluation status %q; one of %s", f.Status, strings.Join(knownEvaluationStatuses, ", "))
	}
	if raw := q.Get("circle_id"); raw != "" {
		if f.CircleID, err = strconv.ParseInt(raw, 10, 64); err != nil || f.CircleID <= 0 {
			return f, badRequest("circle_id", "%q is not a circle id", raw)
		}
	}
	f.Scheme = q.Get("scheme")
	if raw := q.Get("year"); raw != "" {
		if f.Year, err = strconv.Atoi(raw); err != nil {
			return f, badRequest("year", "%q is not a year", raw)
		}
	}
	return f, nil
}

func (s *Server) handleGetEvaluation(w http.ResponseWriter, r *http.Request) {
	e, err := s.evaluationFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handleListEvaluationEvents(w http.ResponseWriter, r *http.Request) {
	e, err := s.evaluationFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	evs, err := s.store.ListEvaluationEvents(r.Context(), e.ID)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list events of evaluation %d: %w", e.ID, err))
		return
	}
	if evs == nil {
		evs = []quarterhour.EvaluationEvent{}
	}
	writeJSON(w, http.StatusOK, evs)
}

var pEvalID = param{name: "id", in: "path", typ: "integer", required: true, desc: "evaluation id"}

// evaluationOperations documents the scheme, evaluation, progress and report
// routes.
var evaluationOperations = []operation{
	{method: "GET", path: "/api/v1/schemes", summary: "Indicator schemes, latest version of each, with the reconstructed flag and notice", tag: "evaluation", ok: 200, result: "SchemeList"},
	{method: "GET", path: "/api/v1/schemes/{code}", summary: "One scheme with its full document", tag: "evaluation", ok: 200, result: "Scheme", params: []param{
		{name: "code", in: "path", typ: "string", required: true, desc: "scheme code, e.g. jining-2023"},
	}},
	{method: "POST", path: "/api/v1/schemes", summary: "Load a scheme document (YAML or JSON) after validation (admin); refused with the reason", tag: "evaluation", body: "SchemeDocument", ok: 201, result: "Scheme", write: true},
	{method: "GET", path: "/api/v1/circles/{id}/evaluation", summary: "Live scoring of a circle: metrics now, submitted values of its evaluation if any; district users only for their own district", tag: "evaluation", ok: 200, result: "EvaluationResult", write: true, params: []param{
		pID,
		{name: "scheme", in: "query", typ: "string", desc: "scheme code, default jining-2023"},
		{name: "year", in: "query", typ: "integer", desc: "evaluation year, default the scheme's first"},
	}},
	{method: "GET", path: "/api/v1/evaluations", summary: "Evaluations; district users see only their district", tag: "evaluation", ok: 200, result: "EvaluationList", write: true, params: []param{
		pDistrict,
		{name: "status", in: "query", typ: "string", desc: "draft | submitted | returned | approved | certified"},
		{name: "circle_id", in: "query", typ: "integer"},
		{name: "scheme", in: "query", typ: "string"},
		{name: "year", in: "query", typ: "integer"},
	}},
	{method: "POST", path: "/api/v1/evaluations", summary: "Create a draft evaluation of a circle of the caller's district, scored on live metrics", tag: "evaluation", body: "EvaluationCreate", ok: 201, result: "Evaluation", write: true},
	{method: "GET", path: "/api/v1/evaluations/{id}", summary: "One evaluation with its metrics snapshot and result", tag: "evaluation", ok: 200, result: "Evaluation", write: true, params: []param{pEvalID}},
	{method: "PUT", path: "/api/v1/evaluations/{id}", summary: "Change the submitted values of a draft or returned evaluation (rescored); 409 once submitted", tag: "evaluation", body: "EvaluationUpdate", ok: 200, result: "Evaluation", write: true, params: []param{pEvalID}},
	{method: "POST", path: "/api/v1/evaluations/{id}/{action}", summary: "Move an evaluation: submit (district), return, approve, certify (reviewer; certify sets award_yuan within the cap, once per circle); 409 when not allowed or stale", tag: "evaluation", body: "Transition", ok: 200, result: "Evaluation", write: true, params: []param{
		pEvalID, {name: "action", in: "path", typ: "string", required: true, desc: "submit | return | approve | certify"},
	}},
	{method: "GET", path: "/api/v1/evaluations/{id}/events", summary: "The evaluation's audit trail", tag: "evaluation", ok: 200, result: "EvaluationEvents", write: true, params: []param{pEvalID}},
	{method: "GET", path: "/api/v1/evaluations/{id}/report.xlsx", summary: "The evaluation as an Excel workbook (indicators, gates, tier, award, events)", tag: "evaluation", ok: 200, write: true, params: []param{pEvalID}},
	{method: "GET", path: "/api/v1/progress", summary: "Circles built and certified high-quality and awards committed per year and district, against the targets and the yearly award budget", tag: "evaluation", ok: 200, result: "Progress", write: true},
	{method: "GET", path: "/api/v1/reports/progress.xlsx", summary: "Progress as an Excel workbook: a 全市 sheet and one per district", tag: "evaluation", ok: 200, write: true},
}

// withEvaluationSchemas adds the schemas of the evaluation routes to s.
func withEvaluationSchemas(s map[string]any) map[string]any {
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	free := map[string]any{"type": "object", "additionalProperties": true}
	submitted := obj(map[string]any{
		"satisfaction_rate": tNum, "survey_sample_size": tInt, "management_system": tBool, "complaint_channel": tBool,
		"complaints_received": tInt, "complaints_resolved": tInt,
		"evidence": arr(obj(map[string]any{"indicator": tString, "ref": tString, "note": tString}, "indicator", "ref")),
	})
	summary := obj(map[string]any{"code": tString, "version": tInt, "name": tString, "name_en": tString, "years": tInts,
		"reconstructed": tBool, "notice": tString, "total_points": tNum, "tiers": tStrings})
	progressYear := obj(map[string]any{"year": tInt, "circles_built": tInt, "circles_built_to_date": tInt,
		"high_quality_certified": tInt, "high_quality_certified_to_date": tInt,
		"target_circles": tInt, "target_high_quality": tInt, "target_circles_to_date": tInt, "target_high_quality_to_date": tInt,
		"award_committed_yuan": tInt, "award_committed_yuan_to_date": tInt,
		"award_budget_yuan": tInt, "award_budget_yuan_to_date": tInt})
	progressDistrict := obj(map[string]any{"district": tString, "name": tString, "years": arr(progressYear)})
	evaluation := obj(map[string]any{
		"id": tInt, "circle_id": tInt, "district": tString, "scheme": tString, "year": tInt,
		"status":    map[string]any{"type": "string", "enum": knownEvaluationStatuses},
		"submitted": submitted, "metrics": free, "result": ref("EvaluationResult"),
		"total": tNum, "tier": tString, "award_yuan": tInt, "version": tInt, "created_by": tString,
		"created_at": tTime, "updated_at": tTime, "certified_at": tTime,
	})
	maps.Copy(s, map[string]any{
		"SchemeList":     arr(summary),
		"Scheme":         obj(map[string]any{"code": tString, "version": tInt, "name": tString, "years": tInts, "reconstructed": tBool, "document": free, "created_at": tTime}),
		"SchemeDocument": map[string]any{"type": "object", "description": "a scheme document as in seeds/schemes/*.yaml, sent as YAML or JSON"},
		"EvaluationResult": obj(map[string]any{
			"scheme": tString, "scheme_version": tInt, "reconstructed": tBool, "notice": tString, "year": tInt,
			"total": tNum, "max_total": tNum, "tier": tString, "tier_name": tString, "tier_reason": tString,
			"indicators": arr(obj(map[string]any{"id": tString, "name": tString, "group": tString, "value": tNum, "unit": tString,
				"points": tNum, "max_points": tNum, "rule": tString, "explanation": tString, "missing": tStrings, "basis": tString})),
			"gates": arr(obj(map[string]any{"tier": tString, "condition": tString, "held": tBool, "message": tString})),
			"award": obj(map[string]any{"eligible": tBool, "cap_yuan": tInt, "reason": tString}),
		}, "scheme", "year", "total", "tier", "indicators", "gates", "award"),
		"Evaluation":       evaluation,
		"EvaluationList":   arr(evaluation),
		"EvaluationCreate": obj(map[string]any{"circle_id": tInt, "scheme": tString, "year": tInt, "submitted": submitted}, "circle_id", "scheme", "year"),
		"EvaluationUpdate": obj(map[string]any{"version": tInt, "submitted": submitted}, "version", "submitted"),
		"Transition":       obj(map[string]any{"version": tInt, "comment": tString, "award_yuan": tInt}, "version"),
		"EvaluationEvents": arr(obj(map[string]any{"id": tInt, "evaluation_id": tInt, "actor": tString, "at": tTime, "from": tString, "to": tString, "comment": tString})),
		"Progress":         obj(map[string]any{"years": tInts, "city": progressDistrict, "districts": arr(progressDistrict)}),
	})
	return s
}

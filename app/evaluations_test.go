package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
)

// The acting users of the workflow tests, one per role.
var (
	wfAdmin    = &quarterhour.User{Username: "admin", Role: quarterhour.RoleAdmin}
	wfReviewer = &quarterhour.User{Username: "reviewer", Role: quarterhour.RoleReviewer}
	wfSecond   = &quarterhour.User{Username: "reviewer2", Role: quarterhour.RoleReviewer}
	wfRencheng = &quarterhour.User{Username: "rencheng", Role: quarterhour.RoleDistrict, District: "370811"}
	wfYanzhou  = &quarterhour.User{Username: "yanzhou", Role: quarterhour.RoleDistrict, District: "370812"}
)

// inAwardYear is the clock of the workflow tests: certifications are
// recorded in 2023, the award year of jining-2023.
func inAwardYear() time.Time { return time.Date(2023, 11, 20, 9, 30, 0, 0, time.UTC) }

// workflowFixture is the metrics demo with the shipped schemes loaded and
// its demo circles rated under jining-2023 with the realistic submission.
// The workflow tests write only schemes, evaluations, evidence and
// feedback, which the metrics tests never read.
type workflowFixture struct {
	a     *App
	tiers map[string]map[string][]int64 // district -> tier -> circle IDs
}

var workflowDemo = sync.OnceValues(func() (*workflowFixture, error) {
	ctx := context.Background()
	a, err := metricsDemo()
	if err != nil {
		return nil, err
	}
	a.now = inAwardYear
	shipped, err := seeds.Schemes()
	if err != nil {
		return nil, err
	}
	for i := range shipped {
		if err := a.store.UpsertScheme(ctx, &shipped[i]); err != nil {
			return nil, err
		}
	}
	sch, err := a.ParsedScheme(ctx, DefaultScheme)
	if err != nil {
		return nil, err
	}
	cs, err := a.store.ListCircles(ctx, store.CircleFilter{})
	if err != nil {
		return nil, err
	}
	f := &workflowFixture{a: a, tiers: map[string]map[string][]int64{}}
	for _, c := range cs {
		if !c.Synthetic {
			continue
		}
		m, err := a.CircleMetrics(ctx, c, sch)
		if err != nil {
			return nil, err
		}
		tier := scoring.Evaluate(sch, m, realisticSubmission(), scoring.EvalContext{Year: 2023}).Tier
		if f.tiers[c.District] == nil {
			f.tiers[c.District] = map[string][]int64{}
		}
		f.tiers[c.District][tier] = append(f.tiers[c.District][tier], c.ID)
	}
	return f, nil
})

func workflow(t *testing.T) *workflowFixture {
	t.Helper()
	f, err := workflowDemo()
	if err != nil {
		t.Fatalf("workflow fixture: %v", err)
	}
	return f
}

// circle returns the n-th demo circle of district rated tier.
func (f *workflowFixture) circle(t *testing.T, district, tier string, n int) int64 {
	t.Helper()
	ids := f.tiers[district][tier]
	if len(ids) <= n {
		t.Fatalf("district %s has %d %s circles, need %d", district, len(ids), tier, n+1)
	}
	return ids[n]
}

// draft opens an evaluation of circle as u, failing the test on error.
func (f *workflowFixture) draft(t *testing.T, u *quarterhour.User, circle int64, scheme string, year int, sub scoring.Submitted) quarterhour.Evaluation {
	t.Helper()
	e, err := f.a.CreateEvaluation(context.Background(), u, EvaluationDraft{CircleID: circle, Scheme: scheme, Year: year, Submitted: sub})
	if err != nil {
		t.Fatalf("create evaluation of circle %d as %s: %v", circle, u.Username, err)
	}
	return e
}

// surveyed is the realistic submission as a district types it: the values
// without the evidence, which it uploads as files.
func surveyed() scoring.Submitted {
	sub := realisticSubmission()
	sub.Evidence = nil
	return sub
}

// A minimal PDF: its first bytes are what type sniffing reads.
var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\n")

// attachAll uploads a PDF as the evidence of E1, E2 and E3 to e as u and
// returns the evaluation rescored with them.
func (f *workflowFixture) attachAll(t *testing.T, u *quarterhour.User, e quarterhour.Evaluation) quarterhour.Evaluation {
	t.Helper()
	for _, ind := range []string{"E1", "E2", "E3"} {
		var err error
		if _, e, err = f.a.AddEvidence(context.Background(), u, e.ID, EvidenceUpload{Name: ind + ".pdf", ContentType: "application/pdf", Indicator: ind, Data: pdf}); err != nil {
			t.Fatalf("attach %s evidence to evaluation %d: %v", ind, e.ID, err)
		}
	}
	return e
}

// evidenced opens an evaluation of circle as u with the surveyed values
// and uploads its evidence: the realistic submission, as the district
// makes it.
func (f *workflowFixture) evidenced(t *testing.T, u *quarterhour.User, circle int64, scheme string, year int) quarterhour.Evaluation {
	t.Helper()
	return f.attachAll(t, u, f.draft(t, u, circle, scheme, year, surveyed()))
}

// move takes action on e as u with award, failing the test on error.
func (f *workflowFixture) move(t *testing.T, u *quarterhour.User, e quarterhour.Evaluation, action string, award int64) quarterhour.Evaluation {
	t.Helper()
	out, err := f.a.MoveEvaluation(context.Background(), u, e.ID, action, EvaluationMove{Version: e.Version, AwardYuan: award, Comment: action})
	if err != nil {
		t.Fatalf("%s evaluation %d as %s: %v", action, e.ID, u.Username, err)
	}
	return out
}

// wantErrorCode fails unless err carries code and, when field is set, names
// field.
func wantErrorCode(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	var e *quarterhour.Error
	if got := quarterhour.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
		return
	}
	if field != "" && (!errors.As(err, &e) || e.Field != field) {
		t.Errorf("%s: error %v, want field %q", what, err, field)
	}
}

func indicatorScore(t *testing.T, e quarterhour.Evaluation, id string) float64 {
	t.Helper()
	var res scoring.Result
	if err := json.Unmarshal(e.Result, &res); err != nil {
		t.Fatalf("result of evaluation %d: %v", e.ID, err)
	}
	for _, ind := range res.Indicators {
		if ind.ID == id {
			return ind.Points
		}
	}
	t.Fatalf("no indicator %s in evaluation %d", id, e.ID)
	return 0
}

func progressOfDistrict(t *testing.T, a *App, district string, year int) ProgressYear {
	t.Helper()
	p, err := a.Progress(context.Background(), wfReviewer)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range append([]ProgressDistrict{p.City}, p.Districts...) {
		for _, y := range d.Years {
			if d.District == district && y.Year == year {
				return y
			}
		}
	}
	t.Fatalf("progress has no %s %d", district, year)
	return ProgressYear{}
}

func TestWorkflow_DraftSubmittedApprovedCertifiedWithAwardWithinCap(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	circle := f.circle(t, "370811", "high_quality", 0)
	before := progressOfDistrict(t, f.a, "370811", 2023)

	e := f.evidenced(t, wfRencheng, circle, DefaultScheme, 2023)
	if e.Status != quarterhour.EvalDraft || e.Version != 4 || e.Tier != "high_quality" || e.District != "370811" || e.CreatedBy != "rencheng" {
		t.Fatalf("created with three files %+v", e)
	}
	e = f.move(t, wfRencheng, e, "submit", 0)
	e = f.move(t, wfReviewer, e, "approve", 0)
	if e.Status != quarterhour.EvalApproved || e.Version != 6 {
		t.Fatalf("after approval %+v", e)
	}

	_, err := f.a.MoveEvaluation(ctx, wfAdmin, e.ID, "certify", EvaluationMove{Version: e.Version, AwardYuan: 300001})
	wantErrorCode(t, "award over the cap", err, quarterhour.EInvalid, "award_yuan")
	if got, _ := f.a.Evaluation(ctx, wfReviewer, e.ID); got.Status != quarterhour.EvalApproved || got.Version != e.Version {
		t.Errorf("after a refused award: %+v, want approved v%d", got, e.Version)
	}

	e = f.move(t, wfAdmin, e, "certify", 300000)
	if e.Status != quarterhour.EvalCertified || e.AwardYuan != 300000 || e.CertifiedAt == nil ||
		e.ApprovedBy != "reviewer" || e.CertifiedBy != "admin" {
		t.Fatalf("after certification %+v", e)
	}
	evs, err := f.a.EvaluationEvents(ctx, wfRencheng, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, ev := range evs {
		trail = append(trail, ev.Actor+":"+ev.From+">"+ev.To)
	}
	if got, want := strings.Join(trail, " "), "rencheng:>draft rencheng:draft>draft rencheng:draft>draft rencheng:draft>draft rencheng:draft>submitted reviewer:submitted>approved admin:approved>certified"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	after := progressOfDistrict(t, f.a, "370811", 2023)
	if after.HighQuality != before.HighQuality+1 || after.AwardCommittedYuan != before.AwardCommittedYuan+300000 {
		t.Errorf("progress %+v -> %+v, want one more high-quality circle and ¥300,000 more", before, after)
	}

	_, err = f.a.UpdateEvaluation(ctx, wfRencheng, e.ID, EvaluationEdit{Version: e.Version, Submitted: surveyed()})
	wantErrorCode(t, "edit a certified evaluation", err, quarterhour.EConflict, "status")
	book, err := f.a.EvaluationWorkbook(ctx, wfRencheng, e.ID)
	if err != nil || !bytes.HasPrefix(book, []byte("PK")) {
		t.Errorf("evaluation workbook: %d bytes, %v", len(book), err)
	}
}

func TestWorkflow_FourEyes_TheApproverOrTheCreatorCannotCertify(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	certify := func(u *quarterhour.User, e quarterhour.Evaluation, award int64) error {
		_, err := f.a.MoveEvaluation(ctx, u, e.ID, "certify", EvaluationMove{Version: e.Version, AwardYuan: award})
		return err
	}

	// A reviewer approves; the same reviewer may not certify, even without
	// money, a second one may.
	e := f.draft(t, wfYanzhou, f.circle(t, "370812", "basic", 1), DefaultScheme, 2023, surveyed())
	e = f.move(t, wfYanzhou, e, "submit", 0)
	e = f.move(t, wfReviewer, e, "approve", 0)
	if e.ApprovedBy != "reviewer" || e.CertifiedBy != "" {
		t.Errorf("approved: approved_by %q certified_by %q", e.ApprovedBy, e.CertifiedBy)
	}
	err := certify(wfReviewer, e, 0)
	wantErrorCode(t, "the approver certifies", err, quarterhour.EForbidden, "")
	if err != nil && !strings.Contains(err.Error(), "reviewer approved evaluation") {
		t.Errorf("refusal %q does not say why", err)
	}
	done, err := f.a.MoveEvaluation(ctx, wfSecond, e.ID, "certify", EvaluationMove{Version: e.Version, Comment: "复核通过"})
	if err != nil || done.CertifiedBy != "reviewer2" || done.ApprovedBy != "reviewer" {
		t.Fatalf("a second reviewer certifies: %+v %v", done, err)
	}
	evs, err := f.a.EvaluationEvents(ctx, wfYanzhou, e.ID)
	if err != nil || len(evs) != 4 || evs[2].Actor != "reviewer" || evs[3].Actor != "reviewer2" || evs[3].Comment != "复核通过" {
		t.Errorf("events %+v %v, want the approval by reviewer and the certification by reviewer2", evs, err)
	}

	// An admin who created the evaluation, or approved it, may not certify it.
	e = f.draft(t, wfAdmin, f.circle(t, "370812", "none", 1), DefaultScheme, 2023, surveyed())
	e = f.move(t, wfYanzhou, e, "submit", 0)
	e = f.move(t, wfReviewer, e, "approve", 0)
	err = certify(wfAdmin, e, 0)
	wantErrorCode(t, "the admin who created it certifies", err, quarterhour.EForbidden, "")
	if err != nil && !strings.Contains(err.Error(), "admin created evaluation") {
		t.Errorf("refusal %q does not say why", err)
	}
	e = f.draft(t, wfYanzhou, f.circle(t, "370812", "high_quality", 1), DefaultScheme, 2023, surveyed())
	e = f.move(t, wfAdmin, e, "submit", 0)
	e = f.move(t, wfReviewer, e, "approve", 0)
	err = certify(wfAdmin, e, 0)
	wantErrorCode(t, "the admin who submitted it certifies", err, quarterhour.EForbidden, "")
	if err != nil && !strings.Contains(err.Error(), "admin submitted evaluation") {
		t.Errorf("refusal %q does not say why", err)
	}
	e = f.draft(t, wfYanzhou, f.circle(t, "370812", "none", 2), DefaultScheme, 2023, surveyed())
	e = f.move(t, wfYanzhou, e, "submit", 0)
	e = f.move(t, wfAdmin, e, "approve", 0)
	wantErrorCode(t, "the admin who approved it certifies", certify(wfAdmin, e, 0), quarterhour.EForbidden, "")
	if got, _ := f.a.Evaluation(ctx, wfAdmin, e.ID); got.Status != quarterhour.EvalApproved || got.Version != e.Version {
		t.Errorf("after the refusals: %+v, want still approved at v%d", got, e.Version)
	}
	if got := f.move(t, wfReviewer, e, "certify", 0); got.ApprovedBy != "admin" || got.CertifiedBy != "reviewer" {
		t.Errorf("certified %+v, want approved by admin and certified by reviewer", got)
	}
}

// twiceAwardable is jining-2023 under code with the award open in 2023 and
// 2024, so one circle can be certified high-quality twice.
func twiceAwardable(t *testing.T, code string) []byte {
	t.Helper()
	s := *jiningScheme(t)
	award := *s.Award
	award.Years = []int{2023, 2024}
	s.Code, s.Award = code, &award
	doc, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestWorkflow_AwardOnlyWhenCertifiedInTheAwardYear(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	// The same data, with the certification recorded on 1 January 2024 in
	// China (16:30 UTC on New Year's Eve).
	late, err := New(Config{Store: f.a.raw, Access: f.a.access, Logger: f.a.log,
		Now: func() time.Time { return time.Date(2023, 12, 31, 16, 30, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	e := f.evidenced(t, wfRencheng, f.circle(t, "370811", "high_quality", 2), DefaultScheme, 2023)
	e = f.move(t, wfRencheng, e, "submit", 0)
	e = f.move(t, wfReviewer, e, "approve", 0)

	res, err := late.Preview(ctx, wfReviewer, e.CircleID, DefaultScheme, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if res.Tier != "high_quality" || res.Award.Eligible || !strings.Contains(res.Award.ReasonEN, "certified in an award year (2023); a certification in 2024 is too late") {
		t.Errorf("preview in 2024: tier %s, award %+v; want high quality, not eligible, naming the certification year", res.Tier, res.Award)
	}
	_, err = late.MoveEvaluation(ctx, wfAdmin, e.ID, "certify", EvaluationMove{Version: e.Version, AwardYuan: 300000})
	wantErrorCode(t, "award certified in 2024", err, quarterhour.EInvalid, "award_yuan")
	if err != nil && !strings.Contains(err.Error(), "a certification in 2024 is too late") {
		t.Errorf("refusal %q does not give the reason", err)
	}
	done, err := late.MoveEvaluation(ctx, wfAdmin, e.ID, "certify", EvaluationMove{Version: e.Version})
	if err != nil || done.Status != quarterhour.EvalCertified || done.AwardYuan != 0 {
		t.Fatalf("certified without an award in 2024: %+v %v", done, err)
	}
	var stored scoring.Result
	if err := json.Unmarshal(done.Result, &stored); err != nil || stored.Award.Eligible {
		t.Errorf("certified result's award %+v (%v), want not eligible", stored.Award, err)
	}
}

func TestWorkflow_SecondAwardForACircleIsAConflict(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	code := "jining-app-award-twice"
	if _, err := f.a.LoadScheme(ctx, wfReviewer, twiceAwardable(t, code)); quarterhour.ErrorCode(err) != quarterhour.EForbidden {
		t.Errorf("a reviewer loads a scheme: %v", err)
	}
	if _, err := f.a.LoadScheme(ctx, wfAdmin, twiceAwardable(t, code)); err != nil {
		t.Fatal(err)
	}
	circle := f.circle(t, "370811", "high_quality", 1)
	certified := func(year int) quarterhour.Evaluation {
		e := f.evidenced(t, wfRencheng, circle, code, year)
		e = f.move(t, wfRencheng, e, "submit", 0)
		return f.move(t, wfReviewer, e, "approve", 0)
	}

	f.move(t, wfAdmin, certified(2023), "certify", 250000)
	second := certified(2024)
	_, err := f.a.MoveEvaluation(ctx, wfAdmin, second.ID, "certify", EvaluationMove{Version: second.Version, AwardYuan: 100000})
	wantErrorCode(t, "second award", err, quarterhour.EConflict, "award_yuan")

	res, err := f.a.Preview(ctx, wfReviewer, circle, code, 2024)
	if err != nil || res.Award.Eligible {
		t.Errorf("preview of an awarded circle: award %+v, %v; want not eligible", res.Award, err)
	}
	if e := f.move(t, wfAdmin, second, "certify", 0); e.Status != quarterhour.EvalCertified || e.AwardYuan != 0 {
		t.Errorf("certified without an award: %+v", e)
	}
}

func TestWorkflow_DistrictUserActingOnAnotherDistrictIsRefused(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	circle := f.circle(t, "370811", "basic", 0)
	e := f.evidenced(t, wfRencheng, circle, DefaultScheme, 2023)

	// Another district's evaluation is not found, in the words used for one
	// that does not exist.
	_, err := f.a.Evaluation(ctx, wfYanzhou, e.ID)
	wantErrorCode(t, "read", err, quarterhour.ENotFound, "")
	_, missing := f.a.Evaluation(ctx, wfYanzhou, e.ID+100000)
	if want := strings.Replace(missing.Error(), fmt.Sprint(e.ID+100000), fmt.Sprint(e.ID), 1); err == nil || err.Error() != want {
		t.Errorf("another district's evaluation: %v; an unknown one: %v; want the same words", err, missing)
	}
	_, err = f.a.UpdateEvaluation(ctx, wfYanzhou, e.ID, EvaluationEdit{Version: e.Version, Submitted: surveyed()})
	wantErrorCode(t, "edit", err, quarterhour.ENotFound, "")
	_, err = f.a.MoveEvaluation(ctx, wfYanzhou, e.ID, "submit", EvaluationMove{Version: e.Version})
	wantErrorCode(t, "submit", err, quarterhour.ENotFound, "")
	_, _, err = f.a.AddEvidence(ctx, wfYanzhou, e.ID, EvidenceUpload{Name: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")})
	wantErrorCode(t, "attach evidence", err, quarterhour.ENotFound, "")
	_, err = f.a.EvaluationEvents(ctx, wfYanzhou, e.ID)
	wantErrorCode(t, "events", err, quarterhour.ENotFound, "")
	_, err = f.a.EvidenceFiles(ctx, wfYanzhou, e.ID)
	wantErrorCode(t, "evidence list", err, quarterhour.ENotFound, "")
	_, err = f.a.EvaluationWorkbook(ctx, wfYanzhou, e.ID)
	wantErrorCode(t, "workbook", err, quarterhour.ENotFound, "")
	_, err = f.a.Preview(ctx, wfYanzhou, circle, "", 0)
	wantErrorCode(t, "preview", err, quarterhour.EForbidden, "district")
	_, err = f.a.CreateEvaluation(ctx, wfYanzhou, EvaluationDraft{CircleID: circle, Scheme: DefaultScheme, Year: 2024, Submitted: surveyed()})
	wantErrorCode(t, "create", err, quarterhour.EForbidden, "district")
	_, err = f.a.Evaluations(ctx, wfYanzhou, store.EvaluationFilter{District: "370811"})
	wantErrorCode(t, "list", err, quarterhour.EForbidden, "district")

	_, err = f.a.CreateEvaluation(ctx, wfReviewer, EvaluationDraft{CircleID: circle, Scheme: DefaultScheme, Year: 2024, Submitted: surveyed()})
	wantErrorCode(t, "a reviewer creates", err, quarterhour.EForbidden, "")
	_, err = f.a.MoveEvaluation(ctx, wfRencheng, e.ID, "approve", EvaluationMove{Version: e.Version})
	wantErrorCode(t, "a district approves", err, quarterhour.EForbidden, "")
	_, err = f.a.Evaluation(ctx, nil, e.ID)
	wantErrorCode(t, "anonymous read", err, quarterhour.EUnauthenticated, "")

	mine, err := f.a.Evaluations(ctx, wfYanzhou, store.EvaluationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range mine {
		if x.District != "370812" {
			t.Errorf("yanzhou sees evaluation %d of %s", x.ID, x.District)
		}
	}
	if got, err := f.a.Evaluation(ctx, wfRencheng, e.ID); err != nil || got.Version != e.Version || got.Status != quarterhour.EvalDraft {
		t.Errorf("after the refused requests: %+v %v, want the unchanged draft", got, err)
	}
}

func TestWorkflow_RefusesStaleVersionsAndMovesNotAllowed(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	e := f.evidenced(t, wfYanzhou, f.circle(t, "370812", "basic", 0), DefaultScheme, 2023)
	mv := func(u *quarterhour.User, action string, m EvaluationMove) error {
		_, err := f.a.MoveEvaluation(ctx, u, e.ID, action, m)
		return err
	}

	err := mv(wfReviewer, "approve", EvaluationMove{Version: e.Version})
	wantErrorCode(t, "approve a draft", err, quarterhour.EConflict, "status")
	if err != nil && !strings.Contains(err.Error(), "only a submitted evaluation can become approved") {
		t.Errorf("approve a draft: %v, want the allowed source named", err)
	}
	wantErrorCode(t, "stale", mv(wfYanzhou, "submit", EvaluationMove{Version: e.Version + 5}), quarterhour.EConflict, "version")
	wantErrorCode(t, "no version", mv(wfYanzhou, "submit", EvaluationMove{}), quarterhour.EInvalid, "version")
	wantErrorCode(t, "award on submit", mv(wfYanzhou, "submit", EvaluationMove{Version: e.Version, AwardYuan: 5}), quarterhour.EInvalid, "award_yuan")
	wantErrorCode(t, "unknown action", mv(wfYanzhou, "publish", EvaluationMove{Version: e.Version}), quarterhour.ENotFound, "action")

	bad := surveyed()
	rate := 1.3
	bad.SatisfactionRate = &rate
	_, err = f.a.UpdateEvaluation(ctx, wfYanzhou, e.ID, EvaluationEdit{Version: e.Version, Submitted: bad})
	wantErrorCode(t, "invalid values", err, quarterhour.EInvalid, "satisfaction_rate")
	_, err = f.a.CreateEvaluation(ctx, wfYanzhou, EvaluationDraft{CircleID: e.CircleID, Scheme: DefaultScheme, Year: 2023, Submitted: surveyed()})
	wantErrorCode(t, "a second evaluation", err, quarterhour.EConflict, "circle_id")
	_, err = f.a.CreateEvaluation(ctx, wfYanzhou, EvaluationDraft{CircleID: e.CircleID, Scheme: DefaultScheme, Year: 2031})
	wantErrorCode(t, "a year the scheme lacks", err, quarterhour.EInvalid, "year")
	_, err = f.a.CreateEvaluation(ctx, wfYanzhou, EvaluationDraft{CircleID: e.CircleID, Scheme: "no-such", Year: 2023})
	wantErrorCode(t, "an unknown scheme", err, quarterhour.EInvalid, "scheme")

	// A returned evaluation can be edited and submitted again.
	e = f.move(t, wfYanzhou, e, "submit", 0)
	e = f.move(t, wfReviewer, e, "return", 0)
	lower := surveyed()
	rate = 0.75
	lower.SatisfactionRate = &rate
	edited, err := f.a.UpdateEvaluation(ctx, wfYanzhou, e.ID, EvaluationEdit{Version: e.Version, Submitted: lower})
	if err != nil || edited.Status != quarterhour.EvalReturned || edited.Version != e.Version+1 || edited.Total >= e.Total {
		t.Fatalf("edited %+v %v (total %v before), want returned, next version, lower total", edited, err, e.Total)
	}
	f.move(t, wfYanzhou, edited, "submit", 0)
}

func TestEvidence_AttachedFileMeetsTheIndicatorAndSurvivesAnEdit(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	e := f.draft(t, wfRencheng, f.circle(t, "370811", "basic", 1), DefaultScheme, 2025, surveyed())
	if p := indicatorScore(t, e, "E2"); p != 0 {
		t.Fatalf("E2 scores %v without evidence", p)
	}
	attach := func(u *quarterhour.User, up EvidenceUpload) (quarterhour.Evidence, quarterhour.Evaluation, error) {
		return f.a.AddEvidence(ctx, u, e.ID, up)
	}

	for _, c := range []struct {
		what        string
		up          EvidenceUpload
		code, field string
	}{
		{"HTML", EvidenceUpload{ContentType: "text/html; charset=utf-8", Data: []byte("<html>")}, quarterhour.EUnsupportedMedia, "file"},
		{"empty", EvidenceUpload{ContentType: "application/pdf"}, quarterhour.EInvalid, "file"},
		{"too large", EvidenceUpload{ContentType: "application/pdf", Data: make([]byte, MaxEvidenceBytes+1)}, quarterhour.ETooLarge, "file"},
		{"unknown indicator", EvidenceUpload{ContentType: "application/pdf", Data: pdf, Indicator: "Z9"}, quarterhour.EInvalid, "indicator"},
	} {
		_, _, err := attach(wfRencheng, c.up)
		wantErrorCode(t, c.what, err, c.code, c.field)
	}
	_, _, err := attach(wfReviewer, EvidenceUpload{ContentType: "application/pdf", Data: pdf})
	wantErrorCode(t, "a reviewer attaches", err, quarterhour.EForbidden, "")

	ev, got, err := attach(wfRencheng, EvidenceUpload{Name: `C:\文件\管理制度.pdf`, ContentType: "application/pdf", Indicator: "E2", Data: pdf})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Name != "管理制度.pdf" || ev.Size != int64(len(pdf)) || len(ev.SHA256) != 64 || ev.UploadedBy != "rencheng" || ev.Data != nil {
		t.Errorf("stored evidence %+v", ev)
	}
	if p := indicatorScore(t, got, "E2"); p != 2 || got.Version != e.Version+1 {
		t.Errorf("after the upload E2 scores %v at version %d, want 2 at %d", p, got.Version, e.Version+1)
	}
	edited, err := f.a.UpdateEvaluation(ctx, wfRencheng, e.ID, EvaluationEdit{Version: got.Version, Submitted: surveyed()})
	if err != nil {
		t.Fatal(err)
	}
	if p := indicatorScore(t, edited, "E2"); p != 2 {
		t.Errorf("E2 scores %v after an edit without the reference, want 2", p)
	}
	file, err := f.a.EvidenceFile(ctx, wfReviewer, ev.ID)
	if err != nil || !bytes.Equal(file.Data, pdf) {
		t.Errorf("download: %d bytes, %v", len(file.Data), err)
	}
	_, err = f.a.EvidenceFile(ctx, wfYanzhou, ev.ID)
	wantErrorCode(t, "another district downloads", err, quarterhour.ENotFound, "")
	if err != nil && err.Error() != fmt.Sprintf("no evidence file %d", ev.ID) {
		t.Errorf("another district's file: %q, want it answered as one that does not exist", err)
	}

	f.move(t, wfRencheng, edited, "submit", 0)
	_, _, err = attach(wfRencheng, EvidenceUpload{ContentType: "application/pdf", Data: pdf})
	wantErrorCode(t, "attach to a submitted evaluation", err, quarterhour.EConflict, "status")
}

// withEvidence is the surveyed values with evidence entries of indicator and
// ref, in pairs.
func withEvidence(pairs ...string) scoring.Submitted {
	sub := surveyed()
	for i := 0; i+1 < len(pairs); i += 2 {
		sub.Evidence = append(sub.Evidence, scoring.Evidence{Indicator: pairs[i], Ref: pairs[i+1]})
	}
	return sub
}

func TestEvidence_ReferencesMustNameFilesOfTheEvaluation(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	mine := f.draft(t, wfRencheng, f.circle(t, "370811", "none", 1), DefaultScheme, 2025, surveyed())
	theirs := f.draft(t, wfRencheng, f.circle(t, "370811", "none", 2), DefaultScheme, 2025, surveyed())
	other, _, err := f.a.AddEvidence(ctx, wfRencheng, theirs.ID, EvidenceUpload{Name: "survey.pdf", ContentType: "application/pdf", Data: pdf})
	if err != nil {
		t.Fatal(err)
	}

	// A new evaluation has no files, so it carries no evidence.
	for _, ref := range []string{"anything", "https://example.org/survey.pdf", EvidenceRef(other.ID)} {
		_, err := f.a.CreateEvaluation(ctx, wfRencheng, EvaluationDraft{CircleID: f.circle(t, "370811", "basic", 2), Scheme: DefaultScheme,
			Year: 2025, Submitted: withEvidence("E2", EvidenceRef(other.ID), "E1", ref)})
		wantErrorCode(t, "create with evidence "+ref, err, quarterhour.EInvalid, "evidence[0].ref")
	}
	for _, c := range []struct {
		what, indicator, ref, field, says string
	}{
		{"a sentence", "E1", "anything", "evidence[0].ref", `"anything" is not an uploaded file`},
		{"a URL", "E1", "https://example.org/survey.pdf", "evidence[0].ref", "is not an uploaded file"},
		{"a file of another evaluation", "E1", EvidenceRef(other.ID), "evidence[0].ref", "is not a file of this evaluation"},
		{"an unknown file", "E1", EvidenceRef(other.ID + 100000), "evidence[0].ref", "is not a file of this evaluation"},
		{"a reference written otherwise", "E1", "/api/v1/evidence/0" + fmt.Sprint(other.ID), "evidence[0].ref", "is not an uploaded file"},
		{"an unknown indicator", "Z9", EvidenceRef(other.ID), "evidence[0].indicator", `no indicator "Z9"`},
	} {
		_, err := f.a.UpdateEvaluation(ctx, wfRencheng, mine.ID, EvaluationEdit{Version: mine.Version, Submitted: withEvidence(c.indicator, c.ref)})
		wantErrorCode(t, c.what, err, quarterhour.EInvalid, c.field)
		if err != nil && !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %q does not say %q", c.what, err, c.says)
		}
	}

	// A file uploaded without an indicator counts once the district names
	// it for one.
	survey, e, err := f.a.AddEvidence(ctx, wfRencheng, mine.ID, EvidenceUpload{Name: "问卷.pdf", ContentType: "application/pdf", Data: pdf})
	if err != nil {
		t.Fatal(err)
	}
	if p := indicatorScore(t, e, "E1"); p != 0 {
		t.Errorf("E1 scores %v with an unreferenced file", p)
	}
	e, err = f.a.UpdateEvaluation(ctx, wfRencheng, mine.ID, EvaluationEdit{Version: e.Version, Submitted: withEvidence("E1", EvidenceRef(survey.ID))})
	if err != nil {
		t.Fatal(err)
	}
	if p := indicatorScore(t, e, "E1"); p != 6 {
		t.Errorf("E1 scores %v with its file referenced, want 6", p)
	}

	// Scoring counts only files of the evaluation, whatever is stored: a
	// reference written before these rules earns nothing, and says why.
	legacy := e
	legacy.Submitted = json.RawMessage(`{"satisfaction_rate": 0.93, "survey_sample_size": 400, "management_system": true,
		"complaint_channel": true, "evidence": [{"indicator": "E1", "ref": "` + EvidenceRef(survey.ID) + `"},
		{"indicator": "E2", "ref": "rules-2023.pdf"}, {"indicator": "E3", "ref": "` + EvidenceRef(other.ID) + `"}]}`)
	if err := f.a.raw.UpdateEvaluation(ctx, &legacy, quarterhour.EvaluationEvent{Actor: "rencheng", From: e.Status, To: e.Status}); err != nil {
		t.Fatal(err)
	}
	submitted := f.move(t, wfRencheng, legacy, "submit", 0)
	var res scoring.Result
	if err := json.Unmarshal(submitted.Result, &res); err != nil {
		t.Fatal(err)
	}
	for _, ind := range res.Indicators {
		switch ind.ID {
		case "E1":
			if ind.Points != 6 {
				t.Errorf("E1 with its own file: %v, %q", ind.Points, ind.ExplanationEN)
			}
		case "E2", "E3":
			if ind.Points != 0 || !strings.Contains(ind.ExplanationEN, "is not a file uploaded to this evaluation") {
				t.Errorf("%s with a reference to no file of the evaluation: %v, %q", ind.ID, ind.Points, ind.ExplanationEN)
			}
		}
	}
}

func TestEvidence_RemovedWithItsReferenceWhileTheDistrictHoldsTheEvaluation(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	e := f.evidenced(t, wfYanzhou, f.circle(t, "370812", "high_quality", 0), DefaultScheme, 2025)
	files, err := f.a.EvidenceFiles(ctx, wfYanzhou, e.ID)
	if err != nil || len(files) != 3 {
		t.Fatalf("files %+v %v, want three", files, err)
	}
	rules := files[1] // E2
	if indicatorScore(t, e, "E2") != 2 {
		t.Fatalf("E2 scores %v with its file", indicatorScore(t, e, "E2"))
	}

	_, err = f.a.DeleteEvidence(ctx, wfReviewer, rules.ID)
	wantErrorCode(t, "a reviewer removes", err, quarterhour.EForbidden, "")
	_, err = f.a.DeleteEvidence(ctx, wfRencheng, rules.ID)
	wantErrorCode(t, "another district removes", err, quarterhour.ENotFound, "")
	_, err = f.a.DeleteEvidence(ctx, wfYanzhou, rules.ID+100000)
	wantErrorCode(t, "an unknown file", err, quarterhour.ENotFound, "")

	got, err := f.a.DeleteEvidence(ctx, wfYanzhou, rules.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != e.Version+1 || indicatorScore(t, got, "E2") != 0 || indicatorScore(t, got, "E1") != 6 {
		t.Errorf("after removing E2's file: version %d, E2 %v, E1 %v; want %d, 0, 6",
			got.Version, indicatorScore(t, got, "E2"), indicatorScore(t, got, "E1"), e.Version+1)
	}
	var sub scoring.Submitted
	if err := json.Unmarshal(got.Submitted, &sub); err != nil {
		t.Fatal(err)
	}
	for _, ev := range sub.Evidence {
		if ev.Ref == EvidenceRef(rules.ID) {
			t.Errorf("the removed file is still referenced: %+v", sub.Evidence)
		}
	}
	if left, _ := f.a.EvidenceFiles(ctx, wfYanzhou, e.ID); len(left) != 2 {
		t.Errorf("%d files left, want 2", len(left))
	}
	_, err = f.a.EvidenceFile(ctx, wfAdmin, rules.ID)
	wantErrorCode(t, "download a removed file", err, quarterhour.ENotFound, "")
	evs, _ := f.a.EvaluationEvents(ctx, wfYanzhou, e.ID)
	if last := evs[len(evs)-1]; last.Actor != "yanzhou" || !strings.Contains(last.Comment, "evidence removed: E2.pdf") {
		t.Errorf("last event %+v, want the removal", last)
	}

	got = f.move(t, wfYanzhou, got, "submit", 0)
	_, err = f.a.DeleteEvidence(ctx, wfYanzhou, files[0].ID)
	wantErrorCode(t, "remove from a submitted evaluation", err, quarterhour.EConflict, "status")
	if err != nil && !strings.Contains(err.Error(), "evidence can be removed only from a draft or a returned evaluation") {
		t.Errorf("refusal %q does not say why", err)
	}
	// Returned, it is the district's again; admins may remove too.
	got = f.move(t, wfReviewer, got, "return", 0)
	back, err := f.a.DeleteEvidence(ctx, wfAdmin, files[0].ID)
	if err != nil || indicatorScore(t, back, "E1") != 0 || back.Status != quarterhour.EvalReturned {
		t.Errorf("admin removes E1's file from the returned evaluation: %v, E1 %v", err, indicatorScore(t, back, "E1"))
	}
}

func TestEvidence_QuotaPerEvaluation(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	a, err := New(Config{Store: f.a.raw, Access: f.a.access, Logger: f.a.log, Now: inAwardYear})
	if err != nil {
		t.Fatal(err)
	}
	a.evidenceFiles, a.evidenceBytes = 3, int64(3*len(pdf)+10)
	e := f.draft(t, wfYanzhou, f.circle(t, "370812", "basic", 2), DefaultScheme, 2025, surveyed())
	upload := func(data []byte) (quarterhour.Evidence, error) {
		ev, _, err := a.AddEvidence(ctx, wfYanzhou, e.ID, EvidenceUpload{Name: "a.pdf", ContentType: "application/pdf", Data: data})
		return ev, err
	}
	var first quarterhour.Evidence
	for i := range 3 {
		ev, err := upload(pdf)
		if err != nil {
			t.Fatalf("file %d: %v", i+1, err)
		}
		if i == 0 {
			first = ev
		}
	}
	_, err = upload(pdf)
	wantErrorCode(t, "a fourth file", err, quarterhour.EInvalid, "file")
	if err != nil && !strings.Contains(err.Error(), "already holds 3 evidence files") {
		t.Errorf("refusal %q does not say why", err)
	}
	if _, err := a.DeleteEvidence(ctx, wfYanzhou, first.ID); err != nil {
		t.Fatal(err)
	}
	_, err = upload(append(append([]byte{}, pdf...), make([]byte, 20)...))
	wantErrorCode(t, "a file beyond the bytes allowed", err, quarterhour.ETooLarge, "file")
	if _, err := upload(pdf); err != nil {
		t.Errorf("a file within both limits: %v", err)
	}
	if files, _ := a.EvidenceFiles(ctx, wfYanzhou, e.ID); len(files) != 3 {
		t.Errorf("%d files, want 3", len(files))
	}
}

// failingAttach is a store whose attachments fail after the file is
// inserted: the reference step reports an error, or a concurrent edit moves
// the evaluation on first.
type failingAttach struct {
	store.Store
	race bool
}

func (s failingAttach) AttachEvidence(ctx context.Context, ev *quarterhour.Evidence, ref store.EvidenceReference) error {
	if s.race {
		e, err := s.Store.GetEvaluation(ctx, ev.EvaluationID)
		if err != nil {
			return err
		}
		if err := s.Store.UpdateEvaluation(ctx, &e, quarterhour.EvaluationEvent{Actor: "yanzhou", From: e.Status, To: e.Status, Comment: "concurrent edit"}); err != nil {
			return err
		}
		return s.Store.AttachEvidence(ctx, ev, ref)
	}
	return s.Store.AttachEvidence(ctx, ev, func(id int64) (*quarterhour.Evaluation, quarterhour.EvaluationEvent, error) {
		if _, _, err := ref(id); err != nil {
			return nil, quarterhour.EvaluationEvent{}, err
		}
		return nil, quarterhour.EvaluationEvent{}, errors.New("rescoring failed")
	})
}

func TestEvidence_AFailedUploadKeepsNoFile(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	e := f.draft(t, wfYanzhou, f.circle(t, "370812", "high_quality", 1), DefaultScheme, 2025, surveyed())
	for _, race := range []bool{false, true} {
		a, err := New(Config{Store: failingAttach{Store: f.a.raw, race: race}, Access: f.a.access, Logger: f.a.log, Now: inAwardYear})
		if err != nil {
			t.Fatal(err)
		}
		_, got, err := a.AddEvidence(ctx, wfYanzhou, e.ID, EvidenceUpload{Name: "survey.pdf", ContentType: "application/pdf", Indicator: "E1", Data: pdf})
		if err == nil {
			t.Fatalf("race %v: the upload succeeded: %+v", race, got)
		}
		if race {
			wantErrorCode(t, "always overtaken", err, quarterhour.EConflict, "")
		}
		files, err := f.a.EvidenceFiles(ctx, wfYanzhou, e.ID)
		if err != nil || len(files) != 0 {
			t.Errorf("race %v: %d files kept after a failed upload (%v)", race, len(files), err)
		}
		stored, _ := f.a.Evaluation(ctx, wfYanzhou, e.ID)
		if indicatorScore(t, stored, "E1") != 0 || strings.Contains(string(stored.Submitted), "/api/v1/evidence/") {
			t.Errorf("race %v: the evaluation references a file that was not kept: %s", race, stored.Submitted)
		}
	}
	evs, _ := f.a.EvaluationEvents(ctx, wfYanzhou, e.ID)
	for _, ev := range evs {
		if strings.Contains(ev.Comment, "evidence attached") {
			t.Errorf("event %+v for an attachment that failed", ev)
		}
	}
}

func TestFeedback_ValidatedScopedToTheDistrictAndResolved(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	circle := f.circle(t, "370811", "none", 0)
	for _, c := range []struct {
		what  string
		post  FeedbackPost
		field string
	}{
		{"no target", FeedbackPost{Rating: 3}, "outlet_id"},
		{"rating too high", FeedbackPost{CircleID: circle, Rating: 6}, "rating"},
		{"neither rating nor complaint", FeedbackPost{CircleID: circle, Text: "一般"}, "rating"},
		{"complaint without text", FeedbackPost{CircleID: circle, Complaint: true, Text: "  "}, "text"},
		{"text too long", FeedbackPost{CircleID: circle, Rating: 2, Text: strings.Repeat("长", MaxFeedbackText+1)}, "text"},
		{"unknown circle", FeedbackPost{CircleID: 987654321, Rating: 2}, "circle_id"},
	} {
		_, err := f.a.PostFeedback(ctx, c.post)
		wantErrorCode(t, c.what, err, quarterhour.EInvalid, c.field)
	}
	fb, err := f.a.PostFeedback(ctx, FeedbackPost{CircleID: circle, Rating: 4, Text: " 买菜很方便 "})
	if err != nil || fb.ID == 0 || fb.Text != "买菜很方便" || fb.Status != quarterhour.FeedbackOpen {
		t.Fatalf("posted %+v %v", fb, err)
	}

	has := func(u *quarterhour.User, circleID int64) bool {
		t.Helper()
		list, err := f.a.Feedback(ctx, u, circleID, "")
		if err != nil {
			t.Fatalf("feedback as %s: %v", u.Username, err)
		}
		for _, x := range list {
			if x.ID == fb.ID {
				return true
			}
		}
		return false
	}
	if !has(wfRencheng, 0) || !has(wfRencheng, circle) || !has(wfReviewer, 0) || has(wfYanzhou, 0) {
		t.Error("feedback on a 370811 circle not seen by exactly rencheng and the reviewer")
	}
	_, err = f.a.Feedback(ctx, wfYanzhou, circle, "")
	wantErrorCode(t, "another district's circle", err, quarterhour.EForbidden, "circle_id")
	_, err = f.a.Feedback(ctx, wfReviewer, 0, "closed")
	wantErrorCode(t, "unknown status", err, quarterhour.EInvalid, "status")
	_, err = f.a.ResolveFeedback(ctx, wfYanzhou, fb.ID)
	wantErrorCode(t, "another district resolves", err, quarterhour.EForbidden, "")
	_, err = f.a.ResolveFeedback(ctx, wfReviewer, fb.ID)
	wantErrorCode(t, "a reviewer resolves", err, quarterhour.EForbidden, "")
	if done, err := f.a.ResolveFeedback(ctx, wfRencheng, fb.ID); err != nil || done.Status != quarterhour.FeedbackResolved {
		t.Errorf("resolved %+v %v", done, err)
	}
}

func TestProgressWorkbook_NeedsALogin(t *testing.T) {
	f := workflow(t)
	_, err := f.a.ProgressWorkbook(context.Background(), nil)
	wantErrorCode(t, "anonymous", err, quarterhour.EUnauthenticated, "")
	book, err := f.a.ProgressWorkbook(context.Background(), wfYanzhou)
	if err != nil || !bytes.HasPrefix(book, []byte("PK")) {
		t.Errorf("progress workbook: %d bytes, %v", len(book), err)
	}
}

func TestAllowedFrom_NamesTheSourcesOfAMove(t *testing.T) {
	for to, want := range map[string]string{
		quarterhour.EvalSubmitted: "only a draft or returned evaluation can become submitted",
		quarterhour.EvalDraft:     "no evaluation may move to draft",
	} {
		if got := allowedFrom(to); got != want {
			t.Errorf("allowedFrom(%s) = %q, want %q", to, got, want)
		}
	}
}

func TestLatestEvaluation_PrefersTheYearThenTheLatestUpdate(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	es := []quarterhour.Evaluation{
		{ID: 1, Year: 2023, UpdatedAt: t0},
		{ID: 2, Year: 2024, UpdatedAt: t0.Add(time.Hour)},
		{ID: 3, Year: 2025, UpdatedAt: t0.Add(2 * time.Hour)},
	}
	for year, want := range map[int]int64{2023: 1, 2024: 2, 2030: 3} {
		if got, ok := latestEvaluation(es, year); !ok || got.ID != want {
			t.Errorf("year %d: evaluation %d, want %d", year, got.ID, want)
		}
	}
	if _, ok := latestEvaluation(nil, 2023); ok {
		t.Error("found an evaluation among none")
	}
}

func TestEvidenceName_KeepsTheBaseWithoutControlCharactersAndTakesTheRealType(t *testing.T) {
	for _, c := range []struct{ in, ext, want string }{
		{`C:\文件\管理制度.pdf`, ".pdf", "管理制度.pdf"},
		{"../../etc/passwd", ".pdf", "passwd.pdf"},
		{"a\x00b\r\n.png", ".png", "ab.png"},
		{"", ".pdf", "evidence.pdf"},
		{".pdf", ".pdf", "evidence.pdf"},
		{strings.Repeat("长", 130) + ".pdf", ".pdf", strings.Repeat("长", 116) + ".pdf"},
		// The extension is the one of the type the content reads as.
		{"report.pdf.exe", ".png", "report.png"},
		{"photo.JPEG", ".jpg", "photo.jpg"},
		{"2023.11.20 满意度调查.pdf", ".pdf", "2023.11.20 满意度调查.pdf"},
		{"管理制度 v1.2", ".pdf", "管理制度 v1.2.pdf"},
		// Bidirectional overrides and isolates, marks, C1 controls.
		{"report\u202egnp.exe", ".pdf", "reportgnp.pdf"},
		{"\u2066a\u2067b\u2068c\u2069\u202a\u202b\u202c\u202d\u200e\u200f.pdf", ".pdf", "abc.pdf"},
		{"a\u0085b\u009bc\u007f.png", ".png", "abc.png"},
		{"a\x85b\xffc.png", ".png", "abc.png"},
		{"\ufeff公示栏 .png", ".png", "公示栏.png"},
	} {
		if got := evidenceName(c.in, c.ext); got != c.want {
			t.Errorf("evidenceName(%q, %s) = %q, want %q", c.in, c.ext, got, c.want)
		}
	}
}

func TestChangesSinceSubmission_ShowsWhatMovedUnderTheReviewer(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	gaoxin := &quarterhour.User{Username: "gaoxin", Role: quarterhour.RoleDistrict, District: "370871"}
	e := f.draft(t, gaoxin, f.circle(t, "370871", "basic", 0), DefaultScheme, 2025, surveyed())

	before, err := f.a.ChangesSinceSubmission(ctx, wfReviewer, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if before.SubmittedAt != nil || len(before.Communities) == 0 || len(before.Outlets) != 0 || before.WalkM != 1000 {
		t.Fatalf("before submission: %+v, want no submission, the communities and no outlets within 1000 m", before)
	}
	for _, c := range before.Communities {
		if c.Changed {
			t.Errorf("community %d changed before any submission", c.ID)
		}
	}
	e = f.move(t, gaoxin, e, "submit", 0)

	// After the submission a community's figures and two outlets change.
	c, err := f.a.raw.GetCircle(ctx, e.CircleID)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := f.a.raw.GetCommunity(ctx, c.CommunityIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	original := cm
	cm.Name += "（改）"
	cm.BuildingAreaM2 = float64(cm.Population) // 1 m² per resident
	if err := f.a.raw.UpdateCommunity(ctx, &cm); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		original.Version = cm.Version
		if err := f.a.raw.UpdateCommunity(ctx, &original); err != nil {
			t.Errorf("restore community %d: %v", original.ID, err)
		}
	})
	hits, err := f.a.access.OutletsWithin(ctx, c.Centers, 1000)
	if err != nil || len(hits) < 2 {
		t.Fatalf("outlets within the walk: %d, %v", len(hits), err)
	}
	edited, closed := hits[0].Outlet, hits[1].Outlet
	edited.Address = "新地址 1 号"
	if err := f.a.store.UpdateOutlet(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	closed.Status = quarterhour.OutletClosed
	if err := f.a.store.UpdateOutlet(ctx, &closed); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		closed.Status = quarterhour.OutletOpen
		if err := f.a.store.UpdateOutlet(ctx, &closed); err != nil {
			t.Errorf("reopen outlet %d: %v", closed.ID, err)
		}
	})

	for _, u := range []*quarterhour.User{wfReviewer, wfAdmin, gaoxin} {
		got, err := f.a.ChangesSinceSubmission(ctx, u, e.ID)
		if err != nil {
			t.Fatalf("as %s: %v", u.Username, err)
		}
		if got.SubmittedAt == nil {
			t.Fatalf("as %s: no submission time", u.Username)
		}
		for _, x := range got.Communities {
			if (x.ID == cm.ID) != x.Changed {
				t.Errorf("as %s: community %d changed=%v", u.Username, x.ID, x.Changed)
			}
			if x.ID == cm.ID && (len(x.Implausible) == 0 || !strings.Contains(x.Implausible[0], "m² each")) {
				t.Errorf("as %s: community %d with 1 m² per resident: implausible %q", u.Username, x.ID, x.Implausible)
			}
		}
		seen := map[int64]OutletChange{}
		for _, o := range got.Outlets {
			seen[o.ID] = o
		}
		if o, ok := seen[edited.ID]; !ok || o.WalkM == nil || o.Status != quarterhour.OutletOpen {
			t.Errorf("as %s: edited outlet %d: %+v (listed %v), want it with its walk", u.Username, edited.ID, o, ok)
		}
		if o, ok := seen[closed.ID]; !ok || o.WalkM != nil || o.Status != quarterhour.OutletClosed {
			t.Errorf("as %s: closed outlet %d: %+v (listed %v), want it closed and out of the walk", u.Username, closed.ID, o, ok)
		}
		if len(got.Outlets) != 2 {
			t.Errorf("as %s: %d outlets changed, want 2: %+v", u.Username, len(got.Outlets), got.Outlets)
		}
	}
	_, err = f.a.ChangesSinceSubmission(ctx, wfYanzhou, e.ID)
	wantErrorCode(t, "another district", err, quarterhour.ENotFound, "")
	_, err = f.a.ChangesSinceSubmission(ctx, nil, e.ID)
	wantErrorCode(t, "anonymous", err, quarterhour.EUnauthenticated, "")
}

func TestComplaints_PostedOnThePlatformCountInTheResolutionRate(t *testing.T) {
	f := workflow(t)
	ctx := context.Background()
	// Feedback is dated by the store's clock, so the scheme covers this year.
	year := time.Now().In(chinaTime).Year()
	s := *jiningScheme(t)
	s.Code, s.Years = "jining-app-complaints", nil
	for y := 2023; y <= year; y++ {
		s.Years = append(s.Years, y)
	}
	doc, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.LoadScheme(ctx, wfAdmin, doc); err != nil {
		t.Fatal(err)
	}
	circle := f.circle(t, "370812", "basic", 0)
	var complaints []quarterhour.Feedback
	for _, text := range []string{"菜市场缺斤短两", "快递点经常关门", "早餐店卫生差"} {
		fb, err := f.a.PostFeedback(ctx, FeedbackPost{CircleID: circle, Complaint: true, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		complaints = append(complaints, fb)
	}
	if _, err := f.a.PostFeedback(ctx, FeedbackPost{CircleID: circle, Rating: 5, Text: "很方便"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.ResolveFeedback(ctx, wfYanzhou, complaints[0].ID); err != nil {
		t.Fatal(err)
	}
	e3 := func(res scoring.Result) scoring.IndicatorResult {
		for _, ind := range res.Indicators {
			if ind.ID == "E3" {
				return ind
			}
		}
		t.Fatal("no E3")
		return scoring.IndicatorResult{}
	}

	// The district sees them in its preview before it has an evaluation...
	res, err := f.a.Preview(ctx, wfYanzhou, circle, s.Code, year)
	if err != nil {
		t.Fatal(err)
	}
	if got := e3(res); got.Value == nil || *got.Value != 1.0/3 || !strings.Contains(got.ExplanationEN, "residents posted 3 complaints on the platform (1 resolved)") {
		t.Errorf("preview E3 = %v, %q; want 1 of 3 resolved, from the platform", got.Value, got.ExplanationEN)
	}
	// ...and in its evaluation, where they join its own figures (10 of 10)
	// in the metrics snapshot.
	e := f.evidenced(t, wfYanzhou, circle, s.Code, year)
	var m scoring.Metrics
	if err := json.Unmarshal(e.Metrics, &m); err != nil {
		t.Fatal(err)
	}
	if m.Values[scoring.MetricPlatformComplaintsReceived] != 3 || m.Values[scoring.MetricPlatformComplaintsResolved] != 1 {
		t.Errorf("metrics snapshot %v, want 3 platform complaints, 1 resolved", m.Values)
	}
	var res2 scoring.Result
	if err := json.Unmarshal(e.Result, &res2); err != nil {
		t.Fatal(err)
	}
	if got := e3(res2); got.Value == nil || *got.Value != 11.0/13 ||
		!strings.Contains(got.ExplanationEN, "11 of 13 complaints resolved, including 3 residents posted on the platform (1 resolved)") {
		t.Errorf("evaluation E3 = %v, %q; want 11 of 13", got.Value, got.ExplanationEN)
	}
	// Complaints count in the year they were posted.
	res, err = f.a.Preview(ctx, wfYanzhou, circle, s.Code, year-1)
	if err != nil {
		t.Fatal(err)
	}
	if got := e3(res); strings.Contains(got.ExplanationEN, "platform") {
		t.Errorf("E3 of %d counts this year's complaints: %q", year-1, got.ExplanationEN)
	}
}

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
)

// inAwardYear is the clock of the test servers: certifications are recorded
// in 2023, the award year of jining-2023.
func inAwardYear() time.Time { return time.Date(2023, 11, 20, 9, 30, 0, 0, time.UTC) }

// realistic is what a well-run district submits: 93% of 400 surveyed
// satisfied, management system and complaint channel in place, 10 of 10
// complaints resolved. The evidence is not among the values: it is uploaded
// as files (attachEvidence).
func realistic() map[string]any {
	return map[string]any{
		"satisfaction_rate": 0.93, "survey_sample_size": 400, "management_system": true, "complaint_channel": true,
		"complaints_received": 10, "complaints_resolved": 10,
	}
}

// attachEvidence uploads a PDF for each of E1, E2 and E3 to e as user and
// returns the evaluation rescored with them.
func attachEvidence(t *testing.T, f *fixture, user string, e quarterhour.Evaluation) quarterhour.Evaluation {
	t.Helper()
	for _, ind := range []string{"E1", "E2", "E3"} {
		status, body := f.upload(t, e.ID, user, ind+".pdf", pdfFile, map[string]string{"indicator": ind})
		if status != http.StatusCreated {
			t.Fatalf("upload %s evidence: %d %s", ind, status, body)
		}
		var up evidenceUpload
		if err := json.Unmarshal(body, &up); err != nil {
			t.Fatal(err)
		}
		e = up.Evaluation
	}
	return e
}

// demoTiers maps district -> tier -> circle IDs of the shared fixture, as
// jining-2023 rates them with the realistic submission.
var (
	demoTiersOnce sync.Once
	demoTiers     map[string]map[string][]int64
)

// tierCircles loads the shipped schemes into the shared fixture (serve
// seeds them; the test bundle does not) and rates its demo circles.
func tierCircles(t *testing.T, f *fixture) map[string]map[string][]int64 {
	t.Helper()
	demoTiersOnce.Do(func() {
		ctx := context.Background()
		shipped, err := seeds.Schemes()
		if err != nil {
			t.Fatalf("shipped schemes: %v", err)
		}
		for i := range shipped {
			if err := f.st.UpsertScheme(ctx, &shipped[i]); err != nil {
				t.Fatalf("store scheme %s: %v", shipped[i].Code, err)
			}
		}
		if err := f.api.app.Access().EnsureLoaded(ctx); err != nil {
			t.Fatalf("load the access index: %v", err)
		}
		sch, err := f.api.app.ParsedScheme(ctx, "jining-2023")
		if err != nil {
			t.Fatalf("load scheme: %v", err)
		}
		// Rated as with the evidence attached.
		var sub scoring.Submitted
		data, _ := json.Marshal(realistic())
		if err := json.Unmarshal(data, &sub); err != nil {
			t.Fatal(err)
		}
		sub.Evidence = []scoring.Evidence{{Indicator: "E1", Ref: "survey"}, {Indicator: "E2", Ref: "rules"}, {Indicator: "E3", Ref: "register"}}
		cs, err := f.st.ListCircles(ctx, store.CircleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		demoTiers = map[string]map[string][]int64{}
		for _, c := range cs {
			if !c.Synthetic {
				continue
			}
			m, err := f.api.app.CircleMetrics(ctx, c, sch)
			if err != nil {
				t.Fatalf("metrics of circle %d: %v", c.ID, err)
			}
			r := scoring.Evaluate(sch, m, sub, scoring.EvalContext{Year: 2023})
			if demoTiers[c.District] == nil {
				demoTiers[c.District] = map[string][]int64{}
			}
			demoTiers[c.District][r.Tier] = append(demoTiers[c.District][r.Tier], c.ID)
		}
	})
	if demoTiers == nil {
		t.Fatal("demo tiers not computed")
	}
	return demoTiers
}

// pickCircle returns the n-th demo circle of district rated tier.
func pickCircle(t *testing.T, f *fixture, district, tier string, n int) int64 {
	t.Helper()
	ids := tierCircles(t, f)[district][tier]
	if len(ids) <= n {
		t.Fatalf("district %s has %d %s circles, need %d", district, len(ids), tier, n+1)
	}
	return ids[n]
}

// createEval opens an evaluation of circle as user with the realistic
// values and uploads its evidence.
func createEval(t *testing.T, f *fixture, user string, circle int64, year int) quarterhour.Evaluation {
	t.Helper()
	var e quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", user,
		map[string]any{"circle_id": circle, "scheme": "jining-2023", "year": year, "submitted": realistic()},
		http.StatusCreated, &e)
	return attachEvidence(t, f, user, e)
}

func move(t *testing.T, f *fixture, user string, e quarterhour.Evaluation, action string, body map[string]any, want int) quarterhour.Evaluation {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	body["version"] = e.Version
	var out quarterhour.Evaluation
	if want != http.StatusOK {
		f.do(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/%s", e.ID, action), user, body, want, nil)
		return e
	}
	f.do(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/%s", e.ID, action), user, body, want, &out)
	return out
}

func getEval(t *testing.T, f *fixture, user string, id int64) quarterhour.Evaluation {
	t.Helper()
	var e quarterhour.Evaluation
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d", id), user, nil, http.StatusOK, &e)
	return e
}

func progressCell(t *testing.T, f *fixture, district string, year int) app.ProgressYear {
	t.Helper()
	var rep app.Progress
	f.do(t, http.MethodGet, "/api/v1/progress", "reviewer", nil, http.StatusOK, &rep)
	all := append([]app.ProgressDistrict{rep.City}, rep.Districts...)
	for _, d := range all {
		if d.District != district {
			continue
		}
		for _, y := range d.Years {
			if y.Year == year {
				return y
			}
		}
	}
	t.Fatalf("progress has no %s %d", district, year)
	return app.ProgressYear{}
}

func TestEvaluationWorkflow_DistrictSubmitsReviewerCertifiesWithAward(t *testing.T) {
	f := sqliteAPI(t)
	circle := pickCircle(t, f, "370811", "high_quality", 0)
	before := progressCell(t, f, "370811", 2023)
	cityBefore := progressCell(t, f, app.CityDistrict, 2023)

	e := createEval(t, f, "rencheng", circle, 2023)
	if e.ID == 0 || e.Version != 4 || e.Status != quarterhour.EvalDraft || e.Tier != "high_quality" || e.District != "370811" {
		t.Fatalf("created with three files: version %d, status %s, tier %s, district %s", e.Version, e.Status, e.Tier, e.District)
	}
	var res scoring.Result
	decodeRaw(t, e.Result, &res)
	if !res.Award.Eligible || res.Award.CapYuan != 300000 {
		t.Errorf("award %+v, want eligible with cap 300000", res.Award)
	}

	// Another district's evaluation is answered as one that does not exist.
	other := f.wantError(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d", e.ID), "yanzhou", nil, http.StatusNotFound, "")
	unknown := f.wantError(t, http.MethodGet, "/api/v1/evaluations/987654", "yanzhou", nil, http.StatusNotFound, "")
	if other.Error != fmt.Sprintf("no evaluation %d", e.ID) || unknown.Error != "no evaluation 987654" {
		t.Errorf("another district's evaluation: %q, an unknown one: %q; want the same words", other.Error, unknown.Error)
	}
	f.wantError(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/submit", e.ID), "yanzhou", map[string]any{"version": 1}, http.StatusNotFound, "")
	f.wantError(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d/events", e.ID), "yanzhou", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/approve", e.ID), "rencheng", map[string]any{"version": 1}, http.StatusForbidden, "")

	e = move(t, f, "rencheng", e, "submit", map[string]any{"comment": "请审核"}, http.StatusOK)
	if e.Status != quarterhour.EvalSubmitted || e.Version != 5 {
		t.Fatalf("after submit %+v", e)
	}
	e = move(t, f, "reviewer", e, "approve", map[string]any{"comment": "材料齐全"}, http.StatusOK)

	// Four eyes: whoever approved does not certify.
	same := f.wantError(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/certify", e.ID), "reviewer",
		map[string]any{"version": e.Version, "award_yuan": 300000}, http.StatusForbidden, "")
	if !strings.Contains(same.Error, "reviewer approved evaluation") {
		t.Errorf("four-eyes refusal %q", same.Error)
	}
	over := f.wantError(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/certify", e.ID), "admin",
		map[string]any{"version": e.Version, "award_yuan": 300001}, http.StatusBadRequest, "award_yuan")
	t.Logf("award 300001: %s", over.Error)
	if got := getEval(t, f, "reviewer", e.ID); got.Status != quarterhour.EvalApproved || got.Version != e.Version || got.AwardYuan != 0 {
		t.Errorf("after refused award: %+v, want unchanged approved v%d", got, e.Version)
	}

	e = move(t, f, "admin", e, "certify", map[string]any{"award_yuan": 300000, "comment": "认定为高品质"}, http.StatusOK)
	if e.Status != quarterhour.EvalCertified || e.AwardYuan != 300000 || e.CertifiedAt == nil || e.Tier != "high_quality" ||
		e.ApprovedBy != "reviewer" || e.CertifiedBy != "admin" {
		t.Fatalf("after certify %+v", e)
	}

	f.wantError(t, http.MethodPut, fmt.Sprintf("/api/v1/evaluations/%d", e.ID), "rencheng",
		map[string]any{"version": e.Version, "submitted": realistic()}, http.StatusConflict, "status")
	f.wantError(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/return", e.ID), "reviewer",
		map[string]any{"version": e.Version}, http.StatusConflict, "status")

	var evs []quarterhour.EvaluationEvent
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d/events", e.ID), "rencheng", nil, http.StatusOK, &evs)
	want := []struct{ actor, from, to string }{
		{"rencheng", "", "draft"}, {"rencheng", "draft", "draft"}, {"rencheng", "draft", "draft"}, {"rencheng", "draft", "draft"},
		{"rencheng", "draft", "submitted"}, {"reviewer", "submitted", "approved"}, {"admin", "approved", "certified"},
	}
	if len(evs) != len(want) {
		t.Fatalf("events %+v, want %d", evs, len(want))
	}
	for i, w := range want {
		if evs[i].Actor != w.actor || evs[i].From != w.from || evs[i].To != w.to {
			t.Errorf("event %d = %+v, want %+v", i, evs[i], w)
		}
	}
	if evs[6].Comment != "认定为高品质" {
		t.Errorf("certify comment %q", evs[6].Comment)
	}

	after := progressCell(t, f, "370811", 2023)
	cityAfter := progressCell(t, f, app.CityDistrict, 2023)
	if after.HighQuality != before.HighQuality+1 || after.AwardCommittedYuan != before.AwardCommittedYuan+300000 {
		t.Errorf("370811 2023 progress %+v -> %+v, want one more high-quality circle and ¥300,000 more", before, after)
	}
	if cityAfter.HighQualityToDate != cityBefore.HighQualityToDate+1 || cityAfter.AwardCommittedYuanToDate != cityBefore.AwardCommittedYuanToDate+300000 {
		t.Errorf("city 2023 progress %+v -> %+v", cityBefore, cityAfter)
	}
	if after.TargetCircles == nil || *after.TargetCircles != 10 || cityAfter.TargetCircles == nil || *cityAfter.TargetCircles != 40 {
		t.Errorf("targets: district %v city %v, want 10 and 40 from seeds/targets.yaml", after.TargetCircles, cityAfter.TargetCircles)
	}
	// The money committed is set against the city's 2023 award budget.
	if b := cityAfter.AwardBudgetYuan; b == nil || *b != 3_300_000 || after.AwardBudgetYuan != nil {
		t.Errorf("2023 award budget: city %v, district %v; want 3300000 from seeds/targets.yaml and none", b, after.AwardBudgetYuan)
	}
	if cityAfter.AwardCommittedYuan > *cityAfter.AwardBudgetYuan {
		t.Errorf("committed %d over the budget %d", cityAfter.AwardCommittedYuan, *cityAfter.AwardBudgetYuan)
	}
}

// jiningWithYears is jining-2023 under another code with the award open
// for 2023 and 2024, so one circle can be certified high-quality twice.
func jiningWithYears(t *testing.T, code string) []byte {
	t.Helper()
	ss, err := seeds.ParsedSchemes()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Code == "jining-2023" {
			s.Code = code
			s.Award.Years = []int{2023, 2024}
			doc, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
	}
	t.Fatal("jining-2023 not shipped")
	return nil
}

func certifyUnder(t *testing.T, f *fixture, scheme string, circle int64, year int, award int64, want int) quarterhour.Evaluation {
	t.Helper()
	var e quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "rencheng",
		map[string]any{"circle_id": circle, "scheme": scheme, "year": year, "submitted": realistic()}, http.StatusCreated, &e)
	e = attachEvidence(t, f, "rencheng", e)
	e = move(t, f, "rencheng", e, "submit", nil, http.StatusOK)
	e = move(t, f, "reviewer", e, "approve", nil, http.StatusOK)
	return move(t, f, "admin", e, "certify", map[string]any{"award_yuan": award}, want)
}

func TestEvaluationWorkflow_SecondAwardForACircleRefused(t *testing.T) {
	f := sqliteAPI(t)
	code := "jining-award-twice"
	f.do(t, http.MethodPost, "/api/v1/schemes", "admin", jiningWithYears(t, code), http.StatusCreated, nil)
	circle := pickCircle(t, f, "370811", "high_quality", 1)

	first := certifyUnder(t, f, code, circle, 2023, 250000, http.StatusOK)
	if first.AwardYuan != 250000 {
		t.Fatalf("first award %+v", first)
	}
	second := certifyUnder(t, f, code, circle, 2024, 100000, http.StatusConflict)
	if got := getEval(t, f, "reviewer", second.ID); got.Status != quarterhour.EvalApproved || got.AwardYuan != 0 {
		t.Errorf("after refused second award: %+v, want approved without award", got)
	}
	var res scoring.Result
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d/evaluation?scheme=%s&year=2024", circle, code), "reviewer", nil, http.StatusOK, &res)
	if res.Award.Eligible {
		t.Errorf("preview of an awarded circle says eligible: %+v", res.Award)
	}
	// Certifying without an award is still allowed.
	move(t, f, "admin", getEval(t, f, "reviewer", second.ID), "certify", nil, http.StatusOK)
}

func TestEvaluationWorkflow_AwardOnlyForHighQualityInAwardYear(t *testing.T) {
	f := sqliteAPI(t)
	basic := pickCircle(t, f, "370811", "basic", 0)
	e := certifyUnder(t, f, "jining-2023", basic, 2023, 1000, http.StatusBadRequest)
	if got := getEval(t, f, "reviewer", e.ID); got.Status != quarterhour.EvalApproved {
		t.Errorf("status %s after refused award, want approved", got.Status)
	}
	hq := pickCircle(t, f, "370812", "high_quality", 0)
	var e2 quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "yanzhou",
		map[string]any{"circle_id": hq, "scheme": "jining-2023", "year": 2024, "submitted": realistic()}, http.StatusCreated, &e2)
	e2 = attachEvidence(t, f, "yanzhou", e2)
	e2 = move(t, f, "yanzhou", e2, "submit", nil, http.StatusOK)
	e2 = move(t, f, "admin", e2, "approve", nil, http.StatusOK)
	f.wantError(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/certify", e2.ID), "reviewer",
		map[string]any{"version": e2.Version, "award_yuan": 300000}, http.StatusBadRequest, "award_yuan")
}

func TestEvaluationWorkflow_RacingApprovalsOneWins(t *testing.T) {
	f := sqliteAPI(t)
	circle := pickCircle(t, f, "370811", "basic", 1)
	e := createEval(t, f, "rencheng", circle, 2023)
	e = move(t, f, "rencheng", e, "submit", nil, http.StatusOK)
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _, err := f.raw(http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/approve", e.ID), "reviewer",
				map[string]any{"version": e.Version, "comment": fmt.Sprintf("racer %d", i)})
			if err != nil {
				t.Error(err)
			}
			statuses[i] = st
		}()
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			conflict++
		}
	}
	if ok != 1 || conflict != 1 {
		t.Fatalf("statuses %v, want one 200 and one 409", statuses)
	}
	var evs []quarterhour.EvaluationEvent
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d/events", e.ID), "reviewer", nil, http.StatusOK, &evs)
	if len(evs) != 6 {
		t.Errorf("%d events, want created, three files attached, submitted and one approval", len(evs))
	}
}

func TestEvaluationWorkflow_RefusesWhatIsNotAllowed(t *testing.T) {
	f := sqliteAPI(t)
	circle := pickCircle(t, f, "370812", "basic", 0)
	e := createEval(t, f, "yanzhou", circle, 2023)
	path := func(action string) string { return fmt.Sprintf("/api/v1/evaluations/%d/%s", e.ID, action) }

	f.wantError(t, http.MethodPost, path("approve"), "reviewer", map[string]any{"version": e.Version}, http.StatusConflict, "status")
	f.wantError(t, http.MethodPost, path("certify"), "reviewer", map[string]any{"version": e.Version}, http.StatusConflict, "status")
	f.wantError(t, http.MethodPost, path("submit"), "yanzhou", map[string]any{"version": e.Version + 5}, http.StatusConflict, "version")
	f.wantError(t, http.MethodPost, path("submit"), "yanzhou", map[string]any{"version": e.Version, "award_yuan": 5}, http.StatusBadRequest, "award_yuan")
	f.wantError(t, http.MethodPost, path("submit"), "yanzhou", map[string]any{}, http.StatusBadRequest, "version")
	f.wantError(t, http.MethodPost, path("publish"), "yanzhou", map[string]any{"version": e.Version}, http.StatusNotFound, "action")
	f.wantError(t, http.MethodPost, path("submit"), "", map[string]any{"version": e.Version}, http.StatusUnauthorized, "")

	bad := realistic()
	bad["satisfaction_rate"] = 1.3
	f.wantError(t, http.MethodPut, fmt.Sprintf("/api/v1/evaluations/%d", e.ID), "yanzhou",
		map[string]any{"version": e.Version, "submitted": bad}, http.StatusBadRequest, "satisfaction_rate")
	f.wantError(t, http.MethodPost, "/api/v1/evaluations", "yanzhou",
		map[string]any{"circle_id": pickCircle(t, f, "370812", "none", 0), "scheme": "jining-2023", "year": 2023, "submitted": bad},
		http.StatusBadRequest, "satisfaction_rate")
	f.wantError(t, http.MethodPost, "/api/v1/evaluations", "yanzhou",
		map[string]any{"circle_id": circle, "scheme": "jining-2023", "year": 2023, "submitted": realistic()}, http.StatusConflict, "circle_id")
	f.wantError(t, http.MethodPost, "/api/v1/evaluations", "yanzhou",
		map[string]any{"circle_id": circle, "scheme": "jining-2023", "year": 2031, "submitted": realistic()}, http.StatusBadRequest, "year")
	f.wantError(t, http.MethodPost, "/api/v1/evaluations", "yanzhou",
		map[string]any{"circle_id": circle, "scheme": "no-such", "year": 2023, "submitted": realistic()}, http.StatusBadRequest, "scheme")
	f.wantError(t, http.MethodPost, "/api/v1/evaluations", "rencheng",
		map[string]any{"circle_id": circle, "scheme": "jining-2023", "year": 2024, "submitted": realistic()}, http.StatusForbidden, "district")
	f.wantError(t, http.MethodPost, "/api/v1/evaluations", "reviewer",
		map[string]any{"circle_id": circle, "scheme": "jining-2023", "year": 2024, "submitted": realistic()}, http.StatusForbidden, "")

	if got := getEval(t, f, "yanzhou", e.ID); got.Version != e.Version || got.Status != quarterhour.EvalDraft {
		t.Errorf("after refused requests: %+v, want unchanged draft v%d", got, e.Version)
	}

	// A returned evaluation can be edited and submitted again.
	e = move(t, f, "yanzhou", e, "submit", nil, http.StatusOK)
	e = move(t, f, "reviewer", e, "return", map[string]any{"comment": "补充满意度问卷"}, http.StatusOK)
	lower := realistic()
	lower["satisfaction_rate"] = 0.75
	var edited quarterhour.Evaluation
	f.do(t, http.MethodPut, fmt.Sprintf("/api/v1/evaluations/%d", e.ID), "yanzhou",
		map[string]any{"version": e.Version, "submitted": lower}, http.StatusOK, &edited)
	if edited.Status != quarterhour.EvalReturned || edited.Version != e.Version+1 || edited.Total >= e.Total {
		t.Errorf("edited %+v (total %v before), want returned, next version, lower total", edited, e.Total)
	}
	move(t, f, "yanzhou", edited, "submit", nil, http.StatusOK)
}

func TestEvaluations_ListIsScopedToTheDistrict(t *testing.T) {
	f := sqliteAPI(t)
	createEval(t, f, "gaoxin", pickCircle(t, f, "370871", "basic", 0), 2023)
	createEval(t, f, "rencheng", pickCircle(t, f, "370811", "none", 0), 2023)

	var mine []quarterhour.Evaluation
	f.do(t, http.MethodGet, "/api/v1/evaluations", "gaoxin", nil, http.StatusOK, &mine)
	if len(mine) == 0 {
		t.Fatal("gaoxin sees no evaluation")
	}
	for _, e := range mine {
		if e.District != "370871" {
			t.Errorf("gaoxin sees evaluation %d of %s", e.ID, e.District)
		}
	}
	f.wantError(t, http.MethodGet, "/api/v1/evaluations?district=370811", "gaoxin", nil, http.StatusForbidden, "district")
	f.wantError(t, http.MethodGet, "/api/v1/evaluations", "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodGet, "/api/v1/evaluations?status=done", "reviewer", nil, http.StatusBadRequest, "status")

	var all []quarterhour.Evaluation
	f.do(t, http.MethodGet, "/api/v1/evaluations", "reviewer", nil, http.StatusOK, &all)
	districts := map[string]bool{}
	for _, e := range all {
		districts[e.District] = true
	}
	if !districts["370871"] || !districts["370811"] {
		t.Errorf("reviewer sees districts %v, want 370811 and 370871", districts)
	}
	var drafts []quarterhour.Evaluation
	f.do(t, http.MethodGet, "/api/v1/evaluations?status=draft&district=370811", "reviewer", nil, http.StatusOK, &drafts)
	for _, e := range drafts {
		if e.Status != quarterhour.EvalDraft || e.District != "370811" {
			t.Errorf("filtered list holds %d %s %s", e.ID, e.District, e.Status)
		}
	}
}

func TestEvaluationWorkflow_AwardRefusedWhenCertifiedAfterTheAwardYear(t *testing.T) {
	f := sqliteAPI(t)
	e := createEval(t, f, "rencheng", pickCircle(t, f, "370811", "high_quality", 2), 2023)
	e = move(t, f, "rencheng", e, "submit", nil, http.StatusOK)
	e = move(t, f, "reviewer", e, "approve", nil, http.StatusOK)

	// The same data served by a server whose clock reads 2024.
	late, err := app.New(app.Config{Store: f.st, Access: f.api.app.Access(),
		Now: func() time.Time { return time.Date(2024, 1, 5, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{App: late, LoginAttemptsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	lateFixture := &fixture{srv: httptest.NewServer(srv), api: srv, st: f.st, tokens: f.tokens}
	defer lateFixture.srv.Close()

	var res scoring.Result
	lateFixture.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d/evaluation?year=2023", e.CircleID), "admin", nil, http.StatusOK, &res)
	if res.Award.Eligible || !strings.Contains(res.Award.ReasonEN, "a certification in 2024 is too late") {
		t.Errorf("preview in 2024: award %+v, want not eligible for the certification year", res.Award)
	}
	refused := lateFixture.wantError(t, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/certify", e.ID), "admin",
		map[string]any{"version": e.Version, "award_yuan": 300000}, http.StatusBadRequest, "award_yuan")
	if !strings.Contains(refused.Error, "certified in an award year (2023)") {
		t.Errorf("refusal %q does not give the reason", refused.Error)
	}
	// In 2023 the same award is granted.
	if got := move(t, f, "admin", e, "certify", map[string]any{"award_yuan": 300000}, http.StatusOK); got.AwardYuan != 300000 {
		t.Errorf("certified in 2023: %+v", got)
	}
}

func TestEvaluationChanges_ShowTheReviewerWhatChangedAfterSubmission(t *testing.T) {
	f := sqliteAPI(t)
	var e quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "gaoxin",
		map[string]any{"circle_id": pickCircle(t, f, "370871", "basic", 1), "scheme": "jining-2023", "year": 2025, "submitted": realistic()},
		http.StatusCreated, &e)
	path := fmt.Sprintf("/api/v1/evaluations/%d/changes", e.ID)
	var changes app.EvaluationChanges
	f.do(t, http.MethodGet, path, "reviewer", nil, http.StatusOK, &changes)
	if changes.SubmittedAt != nil || len(changes.Communities) == 0 {
		t.Fatalf("a draft's changes: %+v", changes)
	}
	move(t, f, "gaoxin", e, "submit", nil, http.StatusOK)

	ctx := context.Background()
	cm, err := f.st.GetCommunity(ctx, changes.Communities[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	name := cm.Name
	cm.Name += "（改）"
	if err := f.st.UpdateCommunity(ctx, &cm); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cm.Name = name
		if err := f.st.UpdateCommunity(ctx, &cm); err != nil {
			t.Errorf("restore community %d: %v", cm.ID, err)
		}
	})
	for _, user := range []string{"reviewer", "admin", "gaoxin"} {
		var got app.EvaluationChanges
		f.do(t, http.MethodGet, path, user, nil, http.StatusOK, &got)
		if got.SubmittedAt == nil || got.EvaluationID != e.ID || got.WalkM != 1000 {
			t.Errorf("as %s: %+v", user, got)
		}
		for _, c := range got.Communities {
			if (c.ID == cm.ID) != c.Changed {
				t.Errorf("as %s: community %d changed=%v", user, c.ID, c.Changed)
			}
		}
	}
	f.wantError(t, http.MethodGet, path, "yanzhou", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodGet, path, "", nil, http.StatusUnauthorized, "")
}

func TestPreview_CountsComplaintsPostedOnThePlatform(t *testing.T) {
	f := sqliteAPI(t)
	ctx := context.Background()
	// Feedback is dated by the store's clock, so the scheme covers this year.
	year := time.Now().Year()
	ss, err := seeds.ParsedSchemes()
	if err != nil {
		t.Fatal(err)
	}
	var doc []byte
	for _, s := range ss {
		if s.Code == "jining-2023" {
			s.Code, s.Years = "jining-api-complaints", nil
			for y := 2023; y <= year+1; y++ {
				s.Years = append(s.Years, y)
			}
			if doc, err = json.Marshal(s); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.do(t, http.MethodPost, "/api/v1/schemes", "admin", doc, http.StatusCreated, nil)
	circle := pickCircle(t, f, "370811", "none", 0)
	for _, text := range []string{"药店价格不标", "维修点找不到"} {
		if _, err := f.api.app.PostFeedback(ctx, app.FeedbackPost{CircleID: circle, Complaint: true, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	var res scoring.Result
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d/evaluation?scheme=jining-api-complaints&year=%d", circle, time.Now().In(time.FixedZone("CST", 8*3600)).Year()),
		"rencheng", nil, http.StatusOK, &res)
	for _, ind := range res.Indicators {
		if ind.ID == "E3" && (ind.Value == nil || *ind.Value != 0 || !strings.Contains(ind.ExplanationEN, "residents posted 2 complaints on the platform (0 resolved)")) {
			t.Errorf("E3 = %v, %q; want none of the 2 platform complaints resolved", ind.Value, ind.ExplanationEN)
		}
	}
}

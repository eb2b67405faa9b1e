package storetest

import (
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

func testUsersSessions(t *testing.T, s store.Store) {
	u := quarterhour.User{Username: "rencheng", PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA",
		Role: quarterhour.RoleDistrict, District: county}
	must(t, s.CreateUser(ctx(t), &u), "create user")
	if u.ID == 0 || u.CreatedAt.IsZero() {
		t.Fatalf("after create: %+v", u)
	}
	dup := quarterhour.User{Username: "rencheng", PasswordHash: "x", Role: quarterhour.RoleAdmin}
	wantErr(t, s.CreateUser(ctx(t), &dup), quarterhour.ErrConflict, "second user with the same name")

	byName, err := s.GetUserByName(ctx(t), "rencheng")
	must(t, err, "get by name")
	byID, err := s.GetUser(ctx(t), u.ID)
	must(t, err, "get by id")
	for _, got := range []quarterhour.User{byName, byID} {
		if got.ID != u.ID || got.PasswordHash != u.PasswordHash || got.Role != u.Role ||
			got.District != county || !sameTime(got.CreatedAt, u.CreatedAt) {
			t.Errorf("got %+v, want %+v", got, u)
		}
	}
	_, err = s.GetUserByName(ctx(t), "nobody")
	wantErr(t, err, quarterhour.ErrNotFound, "get missing user by name")
	_, err = s.GetUser(ctx(t), u.ID+100)
	wantErr(t, err, quarterhour.ErrNotFound, "get missing user")

	now := time.Now().UTC()
	live := quarterhour.Session{TokenHash: "live-hash", UserID: u.ID, CSRFToken: "csrf", ExpiresAt: now.Add(time.Hour)}
	expired := quarterhour.Session{TokenHash: "old-hash", UserID: u.ID, CSRFToken: "csrf2",
		CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Minute)}
	must(t, s.CreateSession(ctx(t), &live), "create session")
	must(t, s.CreateSession(ctx(t), &expired), "create expired session")
	got, err := s.GetSession(ctx(t), "live-hash")
	must(t, err, "get session")
	if got.UserID != u.ID || got.CSRFToken != "csrf" || got.CreatedAt.IsZero() ||
		got.ExpiresAt.Sub(live.ExpiresAt).Abs() > time.Microsecond {
		t.Errorf("GetSession = %+v, want %+v", got, live)
	}
	_, err = s.GetSession(ctx(t), "old-hash")
	wantErr(t, err, quarterhour.ErrNotFound, "expired session")
	_, err = s.GetSession(ctx(t), "no-such-hash")
	wantErr(t, err, quarterhour.ErrNotFound, "unknown session")
	must(t, s.DeleteSession(ctx(t), "live-hash"), "delete session")
	_, err = s.GetSession(ctx(t), "live-hash")
	wantErr(t, err, quarterhour.ErrNotFound, "deleted session")
}

func testSchemes(t *testing.T, s store.Store) {
	v1 := fixtureScheme(`{"walk": {"minutes": 15, "kmh": 4.0}, "indicators": [{"id": "basic"}]}`)
	must(t, s.UpsertScheme(ctx(t), &v1), "first upsert")
	if v1.Version != 1 || v1.CreatedAt.IsZero() {
		t.Fatalf("first upsert: version %d created %v, want version 1", v1.Version, v1.CreatedAt)
	}
	same := fixtureScheme(`{"indicators":[{"id":"basic"}],"walk":{"kmh":4.0,"minutes":15}}`)
	must(t, s.UpsertScheme(ctx(t), &same), "same document again")
	if same.Version != 1 {
		t.Errorf("the same document (reformatted) got version %d, want 1", same.Version)
	}
	changed := fixtureScheme(`{"walk": {"minutes": 15, "kmh": 5.0}, "indicators": [{"id": "basic"}]}`)
	must(t, s.UpsertScheme(ctx(t), &changed), "changed document")
	if changed.Version != 2 {
		t.Errorf("a changed document got version %d, want 2", changed.Version)
	}
	other := quarterhour.Scheme{Code: "national-2023", Name: "国家", Document: json.RawMessage(`{"a": 1}`)}
	must(t, s.UpsertScheme(ctx(t), &other), "other scheme")

	got, err := s.GetScheme(ctx(t), "jining-2023")
	must(t, err, "get scheme")
	if got.Version != 2 || !jsonEqual(t, got.Document, changed.Document) || got.Name != "济宁 2023" ||
		!reflect.DeepEqual(got.Years, []int{2023, 2024, 2025}) || !got.Reconstructed {
		t.Errorf("GetScheme = %+v, want version 2 with the changed document", got)
	}
	list, err := s.ListSchemes(ctx(t))
	must(t, err, "list schemes")
	versions := map[string]int{}
	for _, sc := range list {
		versions[sc.Code] = sc.Version
	}
	if len(list) != 2 || versions["jining-2023"] != 2 || versions["national-2023"] != 1 {
		t.Errorf("ListSchemes = %v, want the latest version of each code", versions)
	}
	_, err = s.GetScheme(ctx(t), "missing")
	wantErr(t, err, quarterhour.ErrNotFound, "get missing scheme")

	// A document that carries its version is written once: the same again is
	// a no-op, another document under that version or an older one refused.
	v3 := fixtureScheme(`{"walk": {"minutes": 15, "kmh": 4.5}}`)
	v3.Version, v3.CreatedBy = 3, "admin1"
	must(t, s.UpsertScheme(ctx(t), &v3), "versioned document")
	again := fixtureScheme(`{"walk": {"kmh": 4.5, "minutes": 15}}`)
	again.Version = 3
	must(t, s.UpsertScheme(ctx(t), &again), "the same versioned document again")
	if again.Version != 3 || again.CreatedBy != "admin1" {
		t.Errorf("reloading version 3 gave version %d by %q, want 3 by admin1", again.Version, again.CreatedBy)
	}
	inPlace := fixtureScheme(`{"walk": {"minutes": 15, "kmh": 6}}`)
	inPlace.Version = 3
	wantErr(t, s.UpsertScheme(ctx(t), &inPlace), quarterhour.ErrConflict, "another document as version 3")
	older := fixtureScheme(`{"walk": {"minutes": 10}}`)
	older.Version = 2
	wantErr(t, s.UpsertScheme(ctx(t), &older), quarterhour.ErrConflict, "a new document as an older version")
	got, err = s.GetScheme(ctx(t), "jining-2023")
	must(t, err, "get scheme")
	if got.Version != 3 || got.CreatedBy != "admin1" || !jsonEqual(t, got.Document, v3.Document) {
		t.Errorf("GetScheme after the refused loads = v%d by %q %s, want version 3 by admin1 unchanged", got.Version, got.CreatedBy, got.Document)
	}
}

// evalFixture creates two circles and returns their IDs.
func evalFixture(t *testing.T, s store.Store) (int64, int64) {
	t.Helper()
	cm := fixtureCommunity("甲", 116.58, 35.41)
	must(t, s.CreateCommunity(ctx(t), &cm), "create community")
	a, b := fixtureCircle(cm.ID), fixtureCircle(cm.ID)
	b.Name = "第二个圈"
	must(t, s.CreateCircle(ctx(t), &a), "create circle a")
	must(t, s.CreateCircle(ctx(t), &b), "create circle b")
	return a.ID, b.ID
}

func draft(circleID int64, year int) quarterhour.Evaluation {
	return quarterhour.Evaluation{CircleID: circleID, District: county, Scheme: "jining-2023", Year: year,
		Status: quarterhour.EvalDraft, Submitted: json.RawMessage(`{"satisfaction": 0.93, "note": "<问卷>"}`),
		CreatedBy: "rencheng"}
}

func testEvaluations(t *testing.T, s store.Store) {
	circleA, circleB := evalFixture(t, s)
	e := draft(circleA, 2023)
	must(t, s.CreateEvaluation(ctx(t), &e, quarterhour.EvaluationEvent{Actor: "rencheng", To: quarterhour.EvalDraft}), "create")
	if e.ID == 0 || e.Version != 1 || e.CreatedAt.IsZero() {
		t.Fatalf("after create: %+v", e)
	}
	dup := draft(circleA, 2023)
	wantErr(t, s.CreateEvaluation(ctx(t), &dup, quarterhour.EvaluationEvent{Actor: "rencheng"}), quarterhour.ErrConflict,
		"second evaluation of the same circle, scheme and year")

	stale := e
	e.Status = quarterhour.EvalSubmitted
	e.Metrics = json.RawMessage(`{"coverage": 0.87}`)
	e.Result = json.RawMessage(`{"indicators": [{"id": "basic", "points": 20}]}`)
	e.Total, e.Tier = 86.5, "basic"
	must(t, s.UpdateEvaluation(ctx(t), &e, quarterhour.EvaluationEvent{Actor: "rencheng", From: quarterhour.EvalDraft,
		To: quarterhour.EvalSubmitted, Comment: "提交"}), "submit")
	if e.Version != 2 {
		t.Errorf("version after update = %d, want 2", e.Version)
	}
	got, err := s.GetEvaluation(ctx(t), e.ID)
	must(t, err, "get")
	if got.Status != quarterhour.EvalSubmitted || got.Version != 2 || got.Total != 86.5 || got.Tier != "basic" ||
		!jsonEqual(t, got.Submitted, e.Submitted) || !jsonEqual(t, got.Metrics, e.Metrics) ||
		!jsonEqual(t, got.Result, e.Result) || got.CertifiedAt != nil || got.CreatedBy != "rencheng" ||
		!sameTime(got.CreatedAt, e.CreatedAt) {
		t.Errorf("GetEvaluation = %+v,\nwant %+v", got, e)
	}

	stale.Status = quarterhour.EvalApproved
	wantErr(t, s.UpdateEvaluation(ctx(t), &stale, quarterhour.EvaluationEvent{Actor: "reviewer", From: quarterhour.EvalDraft,
		To: quarterhour.EvalApproved}), quarterhour.ErrConflict, "stale evaluation update")
	missing := e
	missing.ID = e.ID + 100
	wantErr(t, s.UpdateEvaluation(ctx(t), &missing, quarterhour.EvaluationEvent{Actor: "x"}), quarterhour.ErrNotFound,
		"update of a missing evaluation")
	_, err = s.GetEvaluation(ctx(t), missing.ID)
	wantErr(t, err, quarterhour.ErrNotFound, "get missing evaluation")

	evs, err := s.ListEvaluationEvents(ctx(t), e.ID)
	must(t, err, "events")
	if len(evs) != 2 || evs[0].To != quarterhour.EvalDraft || evs[1].From != quarterhour.EvalDraft ||
		evs[1].To != quarterhour.EvalSubmitted || evs[1].Comment != "提交" || evs[1].EvaluationID != e.ID ||
		evs[1].At.IsZero() {
		t.Errorf("events = %+v, want create then submit (the stale update appended nothing)", evs)
	}

	other := draft(circleB, 2024)
	other.District = "370812"
	must(t, s.CreateEvaluation(ctx(t), &other, quarterhour.EvaluationEvent{Actor: "yanzhou", To: quarterhour.EvalDraft}), "create other")
	for _, tc := range []struct {
		name string
		f    store.EvaluationFilter
		want []int64
	}{
		{"all", store.EvaluationFilter{}, []int64{e.ID, other.ID}},
		{"district", store.EvaluationFilter{District: county}, []int64{e.ID}},
		{"status", store.EvaluationFilter{Status: quarterhour.EvalDraft}, []int64{other.ID}},
		{"circle", store.EvaluationFilter{CircleID: circleB}, []int64{other.ID}},
		{"scheme and year", store.EvaluationFilter{Scheme: "jining-2023", Year: 2023}, []int64{e.ID}},
	} {
		list, err := s.ListEvaluations(ctx(t), tc.f)
		must(t, err, tc.name)
		var ids []int64
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		if !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, ids, tc.want)
		}
	}
}

func testEvaluationRace(t *testing.T, s store.Store) {
	circle, _ := evalFixture(t, s)
	e := draft(circle, 2023)
	must(t, s.CreateEvaluation(ctx(t), &e, quarterhour.EvaluationEvent{Actor: "rencheng", To: quarterhour.EvalDraft}), "create")
	const racers = 2
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := e
			mine.Status = quarterhour.EvalSubmitted
			<-start
			errs[i] = s.UpdateEvaluation(ctx(t), &mine, quarterhour.EvaluationEvent{Actor: "racer", From: quarterhour.EvalDraft,
				To: quarterhour.EvalSubmitted})
		}()
	}
	close(start)
	wg.Wait()
	var won, conflicted int
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, quarterhour.ErrConflict):
			conflicted++
		default:
			t.Errorf("racing update failed with %v, want nil or ErrConflict", err)
		}
	}
	if won != 1 || conflicted != 1 {
		t.Errorf("racing updates: %d won, %d conflicted; want exactly one of each", won, conflicted)
	}
	evs, err := s.ListEvaluationEvents(ctx(t), e.ID)
	must(t, err, "events")
	if len(evs) != 2 {
		t.Errorf("%d events after the race, want 2 (the loser appended nothing)", len(evs))
	}
}

func testOneAward(t *testing.T, s store.Store) {
	circleA, circleB := evalFixture(t, s)
	first := draft(circleA, 2023)
	must(t, s.CreateEvaluation(ctx(t), &first, quarterhour.EvaluationEvent{Actor: "a", To: quarterhour.EvalDraft}), "create first")
	first.Status, first.Tier, first.AwardYuan = quarterhour.EvalApproved, "high_quality", 300000
	must(t, s.UpdateEvaluation(ctx(t), &first, quarterhour.EvaluationEvent{Actor: "reviewer", To: quarterhour.EvalApproved}), "award first")

	second := draft(circleA, 2024)
	must(t, s.CreateEvaluation(ctx(t), &second, quarterhour.EvaluationEvent{Actor: "a", To: quarterhour.EvalDraft}), "create second")
	second.AwardYuan = 100000
	wantErr(t, s.UpdateEvaluation(ctx(t), &second, quarterhour.EvaluationEvent{Actor: "reviewer", To: quarterhour.EvalApproved}),
		quarterhour.ErrConflict, "second award for the same circle")
	got, err := s.GetEvaluation(ctx(t), second.ID)
	must(t, err, "get second")
	if got.AwardYuan != 0 || got.Version != 1 {
		t.Errorf("the refused award was written: %+v", got)
	}
	third := draft(circleA, 2025)
	third.AwardYuan = 1
	wantErr(t, s.CreateEvaluation(ctx(t), &third, quarterhour.EvaluationEvent{Actor: "a"}), quarterhour.ErrConflict,
		"creating an evaluation with a second award")

	otherCircle := draft(circleB, 2023)
	otherCircle.AwardYuan = 300000
	must(t, s.CreateEvaluation(ctx(t), &otherCircle, quarterhour.EvaluationEvent{Actor: "a", To: quarterhour.EvalDraft}),
		"award for another circle")
}

func testCertifiedImmutable(t *testing.T, s store.Store) {
	circle, _ := evalFixture(t, s)
	e := draft(circle, 2023)
	must(t, s.CreateEvaluation(ctx(t), &e, quarterhour.EvaluationEvent{Actor: "a", To: quarterhour.EvalDraft}), "create")
	e.Status, e.ApprovedBy = quarterhour.EvalApproved, "reviewer"
	must(t, s.UpdateEvaluation(ctx(t), &e, quarterhour.EvaluationEvent{Actor: "reviewer", From: quarterhour.EvalDraft,
		To: quarterhour.EvalApproved}), "approve")
	at := time.Date(2023, 12, 20, 9, 30, 0, 123456000, time.UTC)
	e.Status, e.CertifiedAt, e.AwardYuan, e.CertifiedBy = quarterhour.EvalCertified, &at, 300000, "admin"
	must(t, s.UpdateEvaluation(ctx(t), &e, quarterhour.EvaluationEvent{Actor: "admin", From: quarterhour.EvalApproved,
		To: quarterhour.EvalCertified}), "certify")
	got, err := s.GetEvaluation(ctx(t), e.ID)
	must(t, err, "get")
	if got.CertifiedAt == nil || !got.CertifiedAt.Equal(at) {
		t.Errorf("CertifiedAt = %v, want %v", got.CertifiedAt, at)
	}
	if got.ApprovedBy != "reviewer" || got.CertifiedBy != "admin" {
		t.Errorf("approved by %q, certified by %q; want reviewer and admin", got.ApprovedBy, got.CertifiedBy)
	}
	list, err := s.ListEvaluations(ctx(t), store.EvaluationFilter{CircleID: circle})
	must(t, err, "list")
	if len(list) != 1 || list[0].ApprovedBy != "reviewer" || list[0].CertifiedBy != "admin" {
		t.Errorf("listed %+v, want approved by reviewer and certified by admin", list)
	}
	e.AwardYuan = 1
	wantErr(t, s.UpdateEvaluation(ctx(t), &e, quarterhour.EvaluationEvent{Actor: "reviewer", From: quarterhour.EvalCertified,
		To: quarterhour.EvalCertified}), quarterhour.ErrConflict, "update of a certified evaluation")
}

func testTargets(t *testing.T, s store.Store) {
	ts := []quarterhour.Target{
		{Year: 2025, District: "370800", Circles: 120, HighQuality: 60, Cumulative: true, Source: "plan"},
		{Year: 2023, District: "370811", Circles: 8},
		{Year: 2023, District: "370800", Circles: 40, AwardBudgetYuan: 3_300_000, Source: "plan"},
		{Year: 2025, District: "370800", Circles: 40, Source: "plan"},
	}
	must(t, s.UpsertTargets(ctx(t), ts), "upsert")
	ts[1].Circles, ts[1].AwardBudgetYuan = 9, 600_000
	must(t, s.UpsertTargets(ctx(t), ts[1:2]), "upsert again")
	got, err := s.ListTargets(ctx(t))
	must(t, err, "list")
	want := []quarterhour.Target{ts[2], ts[1], ts[3], ts[0]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListTargets = %+v,\nwant %+v (by year, district, yearly before cumulative; updated in place)", got, want)
	}
}

func testImports(t *testing.T, s store.Store) {
	for _, f := range []string{"one.csv", "two.csv", "three.csv"} {
		imp := &quarterhour.Import{Kind: "outlets-csv", File: f, CRS: "GCJ-02", RowsOK: 1}
		_, err := s.UpsertOutletsBySource(ctx(t), nil, imp)
		must(t, err, "record "+f)
	}
	got, err := s.ListImports(ctx(t), 2)
	must(t, err, "list")
	if len(got) != 2 || got[0].File != "three.csv" || got[1].File != "two.csv" || got[0].CRS != "GCJ-02" ||
		got[0].CreatedAt.IsZero() {
		t.Errorf("ListImports(2) = %+v, want three.csv then two.csv", got)
	}
	all, err := s.ListImports(ctx(t), 0)
	must(t, err, "list all")
	if len(all) != 3 {
		t.Errorf("ListImports(0) returned %d, want all 3", len(all))
	}
}

func testFeedback(t *testing.T, s store.Store) {
	circle, other := evalFixture(t, s)
	o := fixtureOutlet("药店", "pharmacy", 116.58, 35.41)
	must(t, s.CreateOutlet(ctx(t), &o), "create outlet")
	fs := []quarterhour.Feedback{
		{CircleID: circle, Rating: 5, Text: "很方便"},
		{OutletID: o.ID, Complaint: true, Text: "不收现金", Status: "open"},
		{CircleID: other, Rating: 2, Text: "太远", Status: "resolved"},
		{CircleID: circle, OutletID: o.ID, Rating: 4, Text: "还行"},
	}
	for i := range fs {
		must(t, s.CreateFeedback(ctx(t), &fs[i]), "create feedback")
		if fs[i].ID == 0 || fs[i].CreatedAt.IsZero() || fs[i].Status == "" {
			t.Fatalf("after create: %+v", fs[i])
		}
	}
	got, err := s.ListFeedback(ctx(t), circle)
	must(t, err, "list by circle")
	if len(got) != 2 || got[0].Text != "很方便" || got[1].OutletID != o.ID || got[0].Status != "open" ||
		got[0].Rating != 5 {
		t.Errorf("ListFeedback(circle) = %+v, want the two on that circle, oldest first", got)
	}
	all, err := s.ListFeedback(ctx(t), 0)
	must(t, err, "list all")
	if len(all) != 4 || !all[1].Complaint || all[1].OutletID != o.ID || all[2].Status != "resolved" {
		t.Errorf("ListFeedback(0) = %+v, want all four", all)
	}
	bad := quarterhour.Feedback{Rating: 9, Text: "x"}
	if err := s.CreateFeedback(ctx(t), &bad); err == nil {
		t.Error("feedback with rating 9 accepted, want an error (ratings are 1..5)")
	}
}

package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/store"
)

// feedbackAPI is a second server over the shared store, with its own
// feedback rate limit (negative: none), so feedback tests do not share a
// limit with each other. The shared fixture's tokens stay valid.
func feedbackAPI(t *testing.T, perMinute int) *fixture {
	t.Helper()
	base := sqliteAPI(t)
	a, err := New(Config{Store: base.st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		LoginAttemptsPerMinute: -1, FeedbackPerMinute: perMinute})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, api: a, st: base.st, tokens: base.tokens}
}

// circleOf returns a circle of district from the demo data.
func circleOf(t *testing.T, st store.Store, district string) quarterhour.Circle {
	t.Helper()
	cs, err := st.ListCircles(context.Background(), store.CircleFilter{District: district})
	if err != nil || len(cs) == 0 {
		t.Fatalf("circles of %s: %v (%d)", district, err, len(cs))
	}
	return cs[0]
}

func feedbackIDs(t *testing.T, f *fixture, path, user string) []int64 {
	t.Helper()
	var out feedbackList
	f.do(t, http.MethodGet, path, user, nil, http.StatusOK, &out)
	ids := make([]int64, len(out.Feedback))
	for i, fb := range out.Feedback {
		ids[i] = fb.ID
	}
	return ids
}

func TestFeedback_AnonymousPostsDistrictsHandleTheirOwn(t *testing.T) {
	f := feedbackAPI(t, -1)
	circle := circleOf(t, f.st, "370811")
	outlet := createOutlet(t, f, "admin", countyPoint(t, f.st, "370812"), map[string]any{"name": "兖州不收现金店"})

	var praise, complaint quarterhour.Feedback
	f.do(t, http.MethodPost, "/api/v1/feedback", "", map[string]any{"circle_id": circle.ID, "rating": 4, "text": " 买菜很方便 "},
		http.StatusCreated, &praise)
	f.do(t, http.MethodPost, "/api/v1/feedback", "", map[string]any{"outlet_id": outlet.ID, "complaint": true, "text": "不收现金，老人不方便"},
		http.StatusCreated, &complaint)
	if praise.ID == 0 || praise.Status != quarterhour.FeedbackOpen || praise.Text != "买菜很方便" || praise.Rating != 4 || praise.CircleID != circle.ID {
		t.Errorf("created praise %+v", praise)
	}
	if !complaint.Complaint || complaint.OutletID != outlet.ID || complaint.Rating != 0 {
		t.Errorf("created complaint %+v", complaint)
	}

	f.wantError(t, http.MethodGet, "/api/v1/feedback", "", nil, http.StatusUnauthorized, "")
	byCircle := fmt.Sprintf("/api/v1/feedback?circle_id=%d", circle.ID)
	for _, user := range []string{"admin", "reviewer", "rencheng"} {
		if ids := feedbackIDs(t, f, byCircle, user); !slices.Contains(ids, praise.ID) || slices.Contains(ids, complaint.ID) {
			t.Errorf("%s: circle %d feedback %v, want %d and not %d", user, circle.ID, ids, praise.ID, complaint.ID)
		}
	}
	f.wantError(t, http.MethodGet, byCircle, "yanzhou", nil, http.StatusForbidden, "circle_id")
	if ids := feedbackIDs(t, f, "/api/v1/feedback", "rencheng"); !slices.Contains(ids, praise.ID) || slices.Contains(ids, complaint.ID) {
		t.Errorf("rencheng sees %v, want its circle's %d and not 370812's %d", ids, praise.ID, complaint.ID)
	}
	if ids := feedbackIDs(t, f, "/api/v1/feedback", "yanzhou"); slices.Contains(ids, praise.ID) || !slices.Contains(ids, complaint.ID) {
		t.Errorf("yanzhou sees %v, want its outlet's %d and not 370811's %d", ids, complaint.ID, praise.ID)
	}
	if ids := feedbackIDs(t, f, "/api/v1/feedback", "reviewer"); !slices.Contains(ids, praise.ID) || !slices.Contains(ids, complaint.ID) {
		t.Errorf("reviewer sees %v, want both", ids)
	}

	resolve := func(id int64) string { return fmt.Sprintf("/api/v1/feedback/%d/resolve", id) }
	f.wantError(t, http.MethodPost, resolve(praise.ID), "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPost, resolve(praise.ID), "reviewer", nil, http.StatusForbidden, "")
	f.wantError(t, http.MethodPost, resolve(praise.ID), "yanzhou", nil, http.StatusForbidden, "")
	f.wantError(t, http.MethodPost, resolve(complaint.ID), "rencheng", nil, http.StatusForbidden, "")
	var done quarterhour.Feedback
	f.do(t, http.MethodPost, resolve(complaint.ID), "yanzhou", nil, http.StatusOK, &done)
	if done.ID != complaint.ID || done.Status != quarterhour.FeedbackResolved {
		t.Errorf("resolved complaint %+v", done)
	}
	f.do(t, http.MethodPost, resolve(praise.ID), "admin", nil, http.StatusOK, &done)
	f.do(t, http.MethodPost, resolve(praise.ID), "admin", nil, http.StatusOK, &done)
	f.wantError(t, http.MethodPost, resolve(complaint.ID+100000), "admin", nil, http.StatusNotFound, "")

	if ids := feedbackIDs(t, f, "/api/v1/feedback?status=open", "reviewer"); slices.Contains(ids, praise.ID) || slices.Contains(ids, complaint.ID) {
		t.Errorf("open feedback %v still lists resolved %d or %d", ids, praise.ID, complaint.ID)
	}
	if ids := feedbackIDs(t, f, "/api/v1/feedback?status=resolved", "yanzhou"); !slices.Contains(ids, complaint.ID) {
		t.Errorf("yanzhou's resolved feedback %v lacks %d", ids, complaint.ID)
	}
	f.wantError(t, http.MethodGet, "/api/v1/feedback?status=closed", "admin", nil, http.StatusBadRequest, "status")
}

func TestFeedback_RejectsBadInput(t *testing.T) {
	f := feedbackAPI(t, -1)
	circle := circleOf(t, f.st, "370811")
	for _, tt := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no target", map[string]any{"rating": 3}, "outlet_id"},
		{"rating too high", map[string]any{"circle_id": circle.ID, "rating": 6}, "rating"},
		{"negative rating", map[string]any{"circle_id": circle.ID, "rating": -1}, "rating"},
		{"neither rating nor complaint", map[string]any{"circle_id": circle.ID, "text": "一般"}, "rating"},
		{"complaint without text", map[string]any{"circle_id": circle.ID, "complaint": true, "text": "  "}, "text"},
		{"text too long", map[string]any{"circle_id": circle.ID, "rating": 2, "text": strings.Repeat("长", app.MaxFeedbackText+1)}, "text"},
		{"unknown outlet", map[string]any{"outlet_id": 987654321, "rating": 2}, "outlet_id"},
		{"unknown circle", map[string]any{"circle_id": 987654321, "rating": 2}, "circle_id"},
		{"unknown field", map[string]any{"circle_id": circle.ID, "rating": 2, "phone": "13800000000"}, "phone"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f.wantError(t, http.MethodPost, "/api/v1/feedback", "", tt.body, http.StatusBadRequest, tt.field)
		})
	}
	var fb quarterhour.Feedback
	f.do(t, http.MethodPost, "/api/v1/feedback", "", map[string]any{"circle_id": circle.ID, "rating": 1, "text": strings.Repeat("长", app.MaxFeedbackText)},
		http.StatusCreated, &fb)
}

func TestFeedback_RateLimitedPerClientAddress(t *testing.T) {
	f := feedbackAPI(t, 2)
	circle := circleOf(t, f.st, "370811")
	body := map[string]any{"circle_id": circle.ID, "rating": 5}
	f.do(t, http.MethodPost, "/api/v1/feedback", "", body, http.StatusCreated, nil)
	f.do(t, http.MethodPost, "/api/v1/feedback", "", body, http.StatusCreated, nil)
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/feedback", strings.NewReader(`{"circle_id":1,"rating":5}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("third post in a minute: status %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

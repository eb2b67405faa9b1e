package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour/store/sqlite"
)

func TestHealthz_ReportsStoreAndSchemaVersion(t *testing.T) {
	f := sqliteAPI(t)
	var h healthResponse
	f.do(t, http.MethodGet, "/healthz", "", nil, http.StatusOK, &h)
	if h.Status != "ok" || h.Store != "sqlite" || h.SchemaVersion < 1 {
		t.Errorf("healthz = %+v, want ok, sqlite, schema_version >= 1", h)
	}
}

func TestHealthz_UnavailableWhenStoreIsDown(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "down.db"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
	var h healthResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
		t.Fatal(err)
	}
	if h.Status != "unavailable" {
		t.Errorf("status %q, want unavailable", h.Status)
	}
}

func TestNew_RequiresStore(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without a store: want an error")
	}
}

func TestBody_Over10MBIs413(t *testing.T) {
	f := sqliteAPI(t)
	huge := []byte(`{"type":"Feature","properties":{"name":"` + strings.Repeat("x", MaxBodyBytes) + `"}}`)
	f.wantError(t, http.MethodPost, "/api/v1/outlets", "admin", huge, http.StatusRequestEntityTooLarge, "")
}

func TestBody_Over10MBWithoutLengthIs413(t *testing.T) {
	f := sqliteAPI(t)
	pr, pw := newChunkedBody(MaxBodyBytes + 1024)
	defer pr.Close()
	go pw()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/outlets", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}

func TestUnknownAPIRouteIsJSON404(t *testing.T) {
	f := sqliteAPI(t)
	f.wantError(t, http.MethodGet, "/api/v1/nothing-here", "", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodPatch, "/api/v1/outlets", "", nil, http.StatusMethodNotAllowed, "")
}

func TestDemoLayers_AreListedForThePublic(t *testing.T) {
	f := sqliteAPI(t)
	var outlets collectionOut
	f.do(t, http.MethodGet, "/api/v1/outlets?limit=5000", "", nil, http.StatusOK, &outlets)
	if outlets.Total < 2500 || len(outlets.Features) < 2500 {
		t.Errorf("outlets: total %d, page %d; want the ~3,000 demo outlets", outlets.Total, len(outlets.Features))
	}
	var communities struct {
		Features []communityOut `json:"features"`
	}
	f.do(t, http.MethodGet, "/api/v1/communities", "", nil, http.StatusOK, &communities)
	var circles struct {
		Features []circleOut `json:"features"`
	}
	f.do(t, http.MethodGet, "/api/v1/circles", "", nil, http.StatusOK, &circles)
	if len(communities.Features) == 0 || len(circles.Features) < 40 {
		t.Errorf("%d communities and %d circles; want demo communities and 40+ circles", len(communities.Features), len(circles.Features))
	}
	synthetic := 0
	for _, c := range circles.Features {
		if c.Properties.Synthetic {
			synthetic++
			if len(c.Properties.CommunityIDs) == 0 {
				t.Errorf("demo circle %d lists no communities", c.ID)
			}
		}
	}
	if synthetic < 40 {
		t.Errorf("%d synthetic circles, want 40+", synthetic)
	}
}

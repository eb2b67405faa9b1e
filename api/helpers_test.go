package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/postgres"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// Test users, one per role; every password is "secret".
var testUsers = []quarterhour.User{
	{Username: "admin", Role: quarterhour.RoleAdmin},
	{Username: "reviewer", Role: quarterhour.RoleReviewer},
	{Username: "rencheng", Role: quarterhour.RoleDistrict, District: "370811"},
	{Username: "yanzhou", Role: quarterhour.RoleDistrict, District: "370812"},
	{Username: "gaoxin", Role: quarterhour.RoleDistrict, District: "370871"},
}

const testPassword = "secret"

// fixture is a running API on a seeded store with a bearer token per user.
type fixture struct {
	srv    *httptest.Server
	api    *Server
	st     store.Store
	tokens map[string]string
}

var (
	sqliteOnce    sync.Once
	sqliteFixture *fixture
	sqliteErr     error
	tempDirs      []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sqliteFixture != nil {
		sqliteFixture.srv.Close()
		sqliteFixture.st.Close()
	}
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// testBundle is the Jining reference data plus the demo, as serve --demo
// loads it.
var testBundle = sync.OnceValues(func() (*store.Bundle, error) {
	b, err := seeds.Reference()
	if err != nil {
		return nil, fmt.Errorf("reference seeds: %w", err)
	}
	d, err := seeds.Demo(20230309)
	if err != nil {
		return nil, fmt.Errorf("demo seeds: %w", err)
	}
	b.Communities, b.Outlets, b.Networks, b.Circles = d.Communities, d.Outlets, d.Networks, d.Circles
	return b, nil
})

// sqliteAPI returns the shared API over a seeded SQLite file. Tests write
// only rows they create, so they can share it.
func sqliteAPI(t *testing.T) *fixture {
	t.Helper()
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "qh-api-test-")
		if err != nil {
			sqliteErr = err
			return
		}
		tempDirs = append(tempDirs, dir)
		st, err := sqlite.Open(context.Background(), filepath.Join(dir, "qh.db"))
		if err != nil {
			sqliteErr = err
			return
		}
		sqliteFixture, sqliteErr = newFixture(st, Config{})
	})
	if sqliteErr != nil {
		t.Fatalf("sqlite fixture: %v", sqliteErr)
	}
	return sqliteFixture
}

// newFixture seeds st, creates the test users, starts the API and logs
// every user in.
func newFixture(st store.Store, cfg Config) (*fixture, error) {
	ctx := context.Background()
	b, err := testBundle()
	if err != nil {
		return nil, err
	}
	if _, err := st.Seed(ctx, b); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	hash, err := app.HashPassword(testPassword)
	if err != nil {
		return nil, err
	}
	for _, u := range testUsers {
		u.PasswordHash = hash
		u.CreatedAt = time.Now().UTC()
		if err := st.CreateUser(ctx, &u); err != nil {
			return nil, fmt.Errorf("create user %s: %w", u.Username, err)
		}
	}
	cfg.Store = st
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.LoginAttemptsPerMinute = -1
	if cfg.LoginAttemptsPerAccount == 0 {
		cfg.LoginAttemptsPerAccount = -1
	}
	if cfg.App == nil {
		if cfg.App, err = app.New(app.Config{Store: st, Logger: cfg.Logger, Now: inAwardYear}); err != nil {
			return nil, err
		}
	}
	a, err := New(cfg)
	if err != nil {
		return nil, err
	}
	f := &fixture{srv: httptest.NewServer(a), api: a, st: st, tokens: map[string]string{}}
	for _, u := range testUsers {
		status, body, err := f.raw(http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": testPassword})
		if err != nil || status != http.StatusOK {
			return nil, fmt.Errorf("login %s: %d %s %v", u.Username, status, body, err)
		}
		var lr loginResponse
		if err := json.Unmarshal(body, &lr); err != nil {
			return nil, err
		}
		f.tokens[u.Username] = lr.Token
	}
	return f, nil
}

// raw sends a request as user ("" = anonymous) with body marshalled to JSON
// (or sent as is when []byte).
func (f *fixture) raw(method, path, user string, body any) (int, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	// The tests read the application's own (English) messages; i18n_test.go
	// checks the Chinese answers given by default.
	req.Header.Set("Accept-Language", "en")
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// do sends a request and decodes the JSON answer into out (when non-nil),
// failing the test unless the status is want.
func (f *fixture) do(t *testing.T, method, path, user string, body any, want int, out any) {
	t.Helper()
	status, data, err := f.raw(method, path, user, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if status != want {
		t.Fatalf("%s %s as %q: status %d, want %d; body %s", method, path, user, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// wantError checks an error answer's status and field.
func (f *fixture) wantError(t *testing.T, method, path, user string, body any, status int, field string) errorBody {
	t.Helper()
	var e errorBody
	f.do(t, method, path, user, body, status, &e)
	if e.Error == "" {
		t.Errorf("%s %s: empty error message", method, path)
	}
	if e.Field != field {
		t.Errorf("%s %s: field %q, want %q (error %q)", method, path, e.Field, field, e.Error)
	}
	return e
}

// get sends a GET as user ("" = anonymous) with extra header lines given as
// name, value pairs, and returns the answer with its body read.
func (f *fixture) get(t testing.TB, path, user string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		header = append(header, "Authorization", "Bearer "+f.tokens[user])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp, data
}

// featureOut is a Feature as the API returns it, with properties P.
type featureOut[P any] struct {
	Type       string          `json:"type"`
	ID         int64           `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties P               `json:"properties"`
}

// listFeatures fetches a FeatureCollection anonymously, checks its type and
// returns its features by ID.
func listFeatures[P any](t *testing.T, f *fixture, path string) map[int64]featureOut[P] {
	t.Helper()
	var fc struct {
		Type     string          `json:"type"`
		Features []featureOut[P] `json:"features"`
	}
	f.do(t, http.MethodGet, path, "", nil, http.StatusOK, &fc)
	if fc.Type != "FeatureCollection" {
		t.Errorf("GET %s: type %q, want FeatureCollection", path, fc.Type)
	}
	byID := make(map[int64]featureOut[P], len(fc.Features))
	for _, x := range fc.Features {
		byID[x.ID] = x
	}
	return byID
}

// postgresFixture is an API over a new store on the PostgreSQL database at
// url, closed when the test ends.
func postgresFixture(t *testing.T, url string) *fixture {
	t.Helper()
	st, err := postgres.Open(context.Background(), url)
	var f *fixture
	if err == nil {
		if f, err = newFixture(st, Config{}); err != nil {
			st.Close()
		}
	}
	if err != nil {
		t.Fatalf("postgres fixture: %v", err)
	}
	t.Cleanup(func() { f.srv.Close(); st.Close() })
	return f
}

// countyPoint is a point inside county code (6 digits), from its boundary.
func countyPoint(t *testing.T, st store.Store, code string) orb.Point {
	t.Helper()
	r, err := st.GetRegion(context.Background(), code+"000000")
	if err != nil {
		t.Fatalf("get county %s: %v", code, err)
	}
	if len(r.Boundary) == 0 {
		t.Fatalf("county %s has no boundary", code)
	}
	return app.RepresentativePoint(r.Boundary)
}

// townOf returns the code of a town-level unit of county.
func townOf(t *testing.T, st store.Store, county string) string {
	t.Helper()
	rs, err := st.ListRegions(context.Background(), store.RegionFilter{Level: quarterhour.LevelTown, Parent: county + "000000"})
	if err != nil || len(rs) == 0 {
		t.Fatalf("towns of %s: %v (%d)", county, err, len(rs))
	}
	return rs[0].Code
}

// square is a closed ~100 m square polygon with its south-west corner at p.
func square(p orb.Point) orb.Polygon {
	const d = 0.001
	return orb.Polygon{{p, {p[0] + d, p[1]}, {p[0] + d, p[1] + d}, {p[0], p[1] + d}, p}}
}

// outletBody is an outlet Feature as a client sends it.
func outletBody(p orb.Point, props map[string]any) map[string]any {
	base := map[string]any{"name": "测试便利店", "category": "convenience_store"}
	for k, v := range props {
		base[k] = v
	}
	return map[string]any{
		"type":       "Feature",
		"geometry":   map[string]any{"type": "Point", "coordinates": []float64{p[0], p[1]}},
		"properties": base,
	}
}

// outletOut is an outlet Feature as the API returns it.
type outletOut struct {
	Type       string             `json:"type"`
	ID         int64              `json:"id"`
	Geometry   json.RawMessage    `json:"geometry"`
	Properties quarterhour.Outlet `json:"properties"`
}

// newChunkedBody streams n bytes of a JSON string with no Content-Length.
func newChunkedBody(n int) (*io.PipeReader, func()) {
	pr, pw := io.Pipe()
	return pr, func() {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		if _, err := pw.Write([]byte(`{"type":"Feature","properties":{"name":"`)); err != nil {
			return
		}
		for sent := 0; sent < n; sent += len(chunk) {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}
}

func decodeRaw(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

// rawWithHeader sends a GET-style request with one extra header.
func (f *fixture) rawWithHeader(method, path, name, value string) (int, []byte, error) {
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set(name, value)
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

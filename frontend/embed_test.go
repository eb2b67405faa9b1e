package frontend

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func builtFS() fstest.MapFS {
	return fstest.MapFS{
		"index.html":            {Data: []byte("<!doctype html><title>app</title>")},
		"assets/index-abc1.js":  {Data: []byte("console.log(1)")},
		"assets/index-abc1.css": {Data: []byte("body{}")},
		"favicon.svg":           {Data: []byte("<svg/>")},
	}
}

func get(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestHandler_ServesFilesAndFallsBackToIndex(t *testing.T) {
	h := newHandler(builtFS())
	tests := []struct {
		name, target string
		status       int
		body         string
		cache        string
		ctype        string
	}{
		{"root is index", "/", 200, "<title>app</title>", "no-cache", "text/html"},
		{"hashed asset is immutable", "/assets/index-abc1.js", 200, "console.log(1)", "public, max-age=31536000, immutable", "javascript"},
		{"css has its type", "/assets/index-abc1.css", 200, "body{}", "immutable", "text/css"},
		{"plain file is revalidated", "/favicon.svg", 200, "<svg/>", "no-cache", "image/svg+xml"},
		{"unknown app path gets index", "/planner/outlets", 200, "<title>app</title>", "no-cache", "text/html"},
		{"missing asset is 404", "/assets/index-old.js", 404, "", "", ""},
		{"api paths are not the app's", "/api/v1/nope", 404, "", "", ""},
		{"bare api is not the app's", "/api", 404, "", "", ""},
		{"tiles are not the app's", "/tiles/outlets/1/2/3.mvt", 404, "", "", ""},
		{"dot-dot cannot escape", "/../../etc/passwd", 200, "<title>app</title>", "no-cache", "text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, http.MethodGet, tt.target)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			if tt.body != "" && !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body = %q, want it to contain %q", rec.Body.String(), tt.body)
			}
			if got := rec.Header().Get("Cache-Control"); !strings.Contains(got, tt.cache) {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cache)
			}
			if got := rec.Header().Get("Content-Type"); !strings.Contains(got, tt.ctype) {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
		})
	}
}

func TestHandler_RejectsUnsafeMethods(t *testing.T) {
	rec := get(t, newHandler(builtFS()), http.MethodPost, "/")
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("status = %d, want 405", rec.Code)
	}
	if rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("Allow = %q", rec.Header().Get("Allow"))
	}
}

func TestHandler_NotBuiltExplainsHowToBuild(t *testing.T) {
	h := newHandler(fstest.MapFS{".gitkeep": {Data: nil}})
	rec := get(t, h, http.MethodGet, "/")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), "make frontend") {
		t.Errorf("body does not say how to build: %q", rec.Body.String())
	}
	if rec := get(t, h, http.MethodGet, "/api/v1/me"); rec.Code != http.StatusNotFound {
		t.Errorf("api path status = %d, want 404", rec.Code)
	}
}

func TestHandler_EmbeddedBuildIsServed(t *testing.T) {
	rec := get(t, Handler(), http.MethodGet, "/")
	switch rec.Code {
	case http.StatusOK:
		if !strings.Contains(rec.Body.String(), "<div id=\"app\"") {
			t.Errorf("index.html has no app root: %.200q", rec.Body.String())
		}
	case http.StatusServiceUnavailable:
		if !strings.Contains(rec.Body.String(), "make frontend") {
			t.Errorf("not-built page does not say how to build")
		}
	default:
		t.Fatalf("status = %d, want 200 (built) or 503 (not built)", rec.Code)
	}
}

package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quarterhour/quarterhour/store/sqlite"
)

func TestSecurityHeaders_OnEveryResponseTheAppIncluded(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<!doctype html>") })
	a, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Frontend: app})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/index.html", "/healthz", "/api/v1/regions", "/api/v1/nope", "/tiles/outlets.json"} {
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		h := rec.Header()
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin"} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
	}
}

// slowServer serves a fresh API through its own http.Server with short
// timeouts and returns its address.
func slowServer(t *testing.T, cfg Config) string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg.Store, cfg.Logger = st, slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := a.HTTPServer(ln.Addr().String(), context.Background())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// trickle opens a connection, sends the headers of a POST declaring a
// body of n bytes, then sends one byte every gap until the server closes
// the connection or n bytes went out; it returns how long the server kept
// the connection.
func trickle(t *testing.T, addr, path, token string, n int, gap time.Duration) (time.Duration, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	auth := ""
	if token != "" {
		auth = "Authorization: Bearer " + token + "\r\n"
	}
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%sContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n", path, auth, n)
	answered := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(c)
		answered <- string(b)
	}()
	for i := 0; i < n; i++ {
		select {
		case resp := <-answered:
			return time.Since(start), resp
		case <-time.After(gap):
		}
		if _, err := c.Write([]byte("x")); err != nil {
			break
		}
	}
	select {
	case resp := <-answered:
		return time.Since(start), resp
	case <-time.After(10 * time.Second):
		return time.Since(start), "still open"
	}
}

func TestTimeouts_ASlowBodyLosesItsConnection(t *testing.T) {
	addr := slowServer(t, Config{Timeouts: Timeouts{Read: 300 * time.Millisecond, Upload: 2 * time.Second}})
	held, resp := trickle(t, addr, "/api/v1/auth/login", "", 1000, 100*time.Millisecond)
	if held > 3*time.Second {
		t.Fatalf("a body at 10 bytes/s held its connection %v (response %q); want it cut after the 300 ms read timeout", held, resp)
	}
}

func TestTimeouts_UploadsGetLonger(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := newFixture(st, Config{Timeouts: Timeouts{Read: 200 * time.Millisecond, Upload: 1500 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.srv.Close()
	addr := strings.TrimPrefix(f.srv.URL, "http://")
	held, resp := trickle(t, addr, "/api/v1/imports/outlets?crs=wgs84&source=csv", f.tokens["admin"], 1000, 100*time.Millisecond)
	if held < time.Second || held > 4*time.Second {
		t.Fatalf("an upload was held %v (%q); want about the 1.5 s upload timeout, not the 200 ms read timeout", held, resp)
	}
}

func TestUploads_CappedAtOnce(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := newFixture(st, Config{MaxConcurrentUploads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer f.srv.Close()
	addr := strings.TrimPrefix(f.srv.URL, "http://")
	hold := make(chan struct{})
	go func() {
		defer close(hold)
		trickle(t, addr, "/api/v1/imports/outlets?crs=wgs84&source=csv", f.tokens["admin"], 15, 100*time.Millisecond)
	}()
	time.Sleep(400 * time.Millisecond)
	status, body, err := f.raw(http.MethodPost, "/api/v1/imports/outlets?crs=wgs84&source=csv", "admin", []byte("name,category,lon,lat\n"))
	if err != nil || status != http.StatusServiceUnavailable {
		t.Errorf("second upload while one is running: %d %s %v, want 503", status, body, err)
	}
	<-hold
}

func TestMetrics_CountRequestsByRouteForLoopbackAndAdminsOnly(t *testing.T) {
	f := sqliteAPI(t)
	if _, _, err := f.raw(http.MethodGet, "/api/v1/outlets/1", "", nil); err != nil {
		t.Fatal(err)
	}
	status, body, err := f.raw(http.MethodGet, "/metrics", "", nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET /metrics from loopback: %d %v", status, err)
	}
	for _, want := range []string{`quarterhour_http_requests_total{method="GET",route="/api/v1/outlets/{id}"`, "quarterhour_http_request_duration_seconds_bucket", "quarterhour_access_edges", "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/metrics", nil) // RemoteAddr 192.0.2.1
	f.api.ServeHTTP(rec, r)
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /metrics from another host without a login: %d, want 404", rec.Code)
	}
	rec = httptest.NewRecorder()
	r = httptest.NewRequest(http.MethodGet, "/metrics", nil)
	r.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
	f.api.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		t.Errorf("GET /metrics from another host as admin: %d, want 200", rec.Code)
	}
}

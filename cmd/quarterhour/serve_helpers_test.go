package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// testPG is the shared PostgreSQL server of the tests; empty skips them.
func testPG(t *testing.T) string {
	t.Helper()
	u := os.Getenv("QUARTERHOUR_TEST_PG")
	if u == "" {
		t.Skip("QUARTERHOUR_TEST_PG is not set")
	}
	return u
}

func randomSuffix() string {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// databaseURL returns server with its database replaced by name.
func databaseURL(t *testing.T, server, name string) string {
	t.Helper()
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("parse %s: %v", server, err)
	}
	u.Path = "/" + name
	return u.String()
}

// freshDatabase creates database prefix<random> on server, dropped when the
// test ends, and returns its URL.
func freshDatabase(t *testing.T, server, prefix string) string {
	t.Helper()
	ctx := context.Background()
	name := prefix + randomSuffix()
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return databaseURL(t, server, name)
}

// freeAddr returns a loopback address with a port free just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is a serve command running in this process.
type server struct {
	base string
	stop context.CancelFunc
	done chan error
}

// startServe runs "serve --db db --addr <free>" in process with extra
// arguments and waits until it answers /healthz; the test's end stops it.
func startServe(t *testing.T, db string, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	e, _, _ := testEnv(nil)
	logs := &lockedBuffer{}
	e.log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve on %s logged:\n%s", addr, logs.String())
		}
	})
	s := &server{base: "http://" + addr, stop: stop, done: make(chan error, 1)}
	args := append([]string{"serve", "--db", db, "--addr", addr}, extra...)
	go func() { s.done <- run(ctx, args, e) }()
	t.Cleanup(func() { s.shutdown(t) })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("serve stopped before answering: %v", err)
		default:
		}
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve on %s did not become healthy", addr)
	return nil
}

// shutdown stops the server and waits for it; safe to call twice.
func (s *server) shutdown(t *testing.T) error {
	s.stop()
	select {
	case err, ok := <-s.done:
		if ok {
			close(s.done)
		}
		return err
	case <-time.After(30 * time.Second):
		t.Error("serve did not stop within 30 s")
		return nil
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// client calls a server's API with a bearer token.
type client struct {
	base  string
	token string
	http  *http.Client
}

func newClient(base string) *client {
	return &client{base: base, http: &http.Client{Timeout: 10 * time.Second}}
}

// call sends body as JSON and decodes a 2xx answer into out; it returns the
// status and the raw answer.
func (c *client) call(ctx context.Context, method, path string, body, out any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, raw, err
	}
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, raw, fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, raw, nil
}

// must calls and fails the test unless the answer has status want.
func (c *client) must(t *testing.T, method, path string, body any, want int, out any) {
	t.Helper()
	st, raw, err := c.call(context.Background(), method, path, body, out)
	if err != nil || st != want {
		t.Fatalf("%s %s = %d %s (%v), want %d", method, path, st, raw, err, want)
	}
}

// login logs in as a demo user (password "demo").
func (c *client) login(t *testing.T, username string) {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	c.must(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": username, "password": "demo"}, http.StatusOK, &out)
	c.token = out.Token
}

// outletFeature is the body of POST /api/v1/outlets.
func outletFeature(name string, lon, lat float64) map[string]any {
	return map[string]any{
		"type":       "Feature",
		"geometry":   map[string]any{"type": "Point", "coordinates": []float64{lon, lat}},
		"properties": map[string]any{"name": name, "category": "convenience_store"},
	}
}

// nearbyIDs returns the ids of the outlets GET /api/v1/nearby finds from
// lon,lat.
// nearDemoStore returns a spot about 25 m east of a demo convenience store,
// so that the walking network reaches it; c must be logged in.
func (c *client) nearDemoStore(t *testing.T) (lon, lat float64) {
	t.Helper()
	var list struct {
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	c.must(t, http.MethodGet, "/api/v1/outlets?limit=1&category=convenience_store", nil, http.StatusOK, &list)
	if len(list.Features) == 0 {
		t.Fatal("the demo has no convenience store")
	}
	return list.Features[0].Geometry.Coordinates[0] + 0.0003, list.Features[0].Geometry.Coordinates[1]
}

func (c *client) nearbyIDs(ctx context.Context, lon, lat float64) (map[int64]bool, int, error) {
	var out struct {
		Outlets []struct {
			ID int64 `json:"id"`
		} `json:"outlets"`
	}
	st, raw, err := c.call(ctx, http.MethodGet, fmt.Sprintf("/api/v1/nearby?lon=%f&lat=%f&limit=500", lon, lat), nil, &out)
	if err == nil && st != http.StatusOK {
		err = fmt.Errorf("nearby: %d %s", st, raw)
	}
	ids := map[int64]bool{}
	for _, o := range out.Outlets {
		ids[o.ID] = true
	}
	return ids, st, err
}

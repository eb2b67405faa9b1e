package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgBin is where Debian and Ubuntu install the PostgreSQL 15 programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// cluster is a throwaway PostgreSQL cluster of this test, run as the
// postgres system user on a free loopback port.
type cluster struct {
	t    *testing.T
	dir  string
	port string
}

// startCluster initdb's and starts a throwaway cluster; it skips the test
// unless run as root with the PostgreSQL 15 programs installed.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a throwaway PostgreSQL cluster as the postgres user")
	}
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Skipf("PostgreSQL 15 programs not installed: %v", err)
	}
	if _, err := exec.LookPath("runuser"); err != nil {
		t.Skip("runuser not found")
	}
	parent, err := os.MkdirTemp("", "qh-outage-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: filepath.Join(parent, "data")}
	_, c.port, _ = strings.Cut(freeAddr(t), ":")
	if err := exec.Command("chown", "postgres:postgres", parent).Run(); err != nil {
		t.Fatalf("chown: %v", err)
	}
	c.pg(filepath.Join(pgBin, "initdb"), "-D", c.dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
	c.start()
	t.Cleanup(func() {
		cmd := exec.Command("runuser", "-u", "postgres", "--", filepath.Join(pgBin, "pg_ctl"), "-D", c.dir, "-m", "immediate", "-w", "stop")
		_ = cmd.Run() // already stopped is fine
	})
	return c
}

func (c *cluster) pg(args ...string) {
	c.t.Helper()
	out, err := exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...).CombinedOutput()
	if err != nil {
		c.t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (c *cluster) start() {
	c.t.Helper()
	c.pg(filepath.Join(pgBin, "pg_ctl"), "-D", c.dir, "-w", "-l", filepath.Join(c.dir, "server.log"), "start",
		"-o", fmt.Sprintf("-p %s -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir))
}

// stop shuts the cluster down the way an operator's restart does:
// sessions are terminated (57P01) and new connections refused.
func (c *cluster) stop() {
	c.t.Helper()
	c.pg(filepath.Join(pgBin, "pg_ctl"), "-D", c.dir, "-m", "fast", "-w", "stop")
}

func (c *cluster) url() string {
	return "postgres://postgres@127.0.0.1:" + c.port + "/postgres?sslmode=disable"
}

// outageFigures are what TestServe_PostgresOutage measured.
type outageFigures struct {
	Requests         int           `json:"requests"`
	Writes2xx        int           `json:"writes_2xx"`
	Failed503        int           `json:"failed_503"`
	Failed5xxOther   int           `json:"failed_5xx_other"`
	ReadsInOutage    int           `json:"nearby_during_outage"`
	ReadsInOutageOK  int           `json:"nearby_during_outage_200"`
	SlowestInOutage  time.Duration `json:"slowest_answer_during_outage_ns"`
	TimeTo503        time.Duration `json:"time_to_first_503_ns"`
	OutageFor        time.Duration `json:"outage_ns"`
	TimeToRecover    time.Duration `json:"time_to_first_2xx_write_after_restart_ns"`
	Health           string        `json:"healthz_during_outage"`
	WritesLost       int           `json:"accepted_writes_lost"`
	WritesAfterwards int           `json:"accepted_writes_checked"`
}

// PostgreSQL stops under load and comes back: requests get 503 (not 500,
// not a hang) within a second, /healthz says why, the access index goes on
// answering nearby from memory, the service resumes by itself, and every
// write that got a 2xx is in the database afterwards.
func TestServe_PostgresOutage(t *testing.T) {
	c := startCluster(t)
	s := startServe(t, c.url(), "--demo")
	admin := newClient(s.base)
	admin.login(t, "demo-admin")
	admin.http.Timeout = 5 * time.Second
	// Nearby is public: an anonymous caller needs no session from the store.
	public := newClient(s.base)
	public.http.Timeout = 5 * time.Second

	lon, lat := admin.nearDemoStore(t)

	type result struct {
		at, took time.Duration
		write    bool
		status   int
		id       int64
		err      error
	}
	var (
		mu      sync.Mutex
		results []result
		stopped = make(chan struct{})
		begin   = time.Now()
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil && i < 100000; i++ {
				r := result{write: (w+i)%2 == 0}
				t0 := time.Now()
				r.at = t0.Sub(begin)
				if r.write {
					var out struct {
						ID int64 `json:"id"`
					}
					r.status, _, r.err = admin.call(ctx, http.MethodPost, "/api/v1/outlets", outletFeature(fmt.Sprintf("停机测试 %d-%d", w, i), lon, lat), &out)
					r.id = out.ID
				} else {
					_, r.status, r.err = public.nearbyIDs(ctx, lon, lat)
					if r.status != 0 {
						r.err = nil
					}
				}
				r.took = time.Since(t0)
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}

	time.Sleep(1500 * time.Millisecond)
	c.stop()
	down := time.Since(begin)
	close(stopped)
	time.Sleep(500 * time.Millisecond)
	var health struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}
	st, raw, err := newClient(s.base).call(ctx, http.MethodGet, "/healthz", nil, nil)
	if err != nil || st != http.StatusServiceUnavailable {
		t.Errorf("/healthz during the outage = %d %s (%v), want 503", st, raw, err)
	}
	_ = json.Unmarshal(raw, &health)
	if health.Status != "unavailable" || !strings.HasPrefix(health.Error, "store unreachable") {
		t.Errorf("/healthz during the outage says %s", raw)
	}
	time.Sleep(2500 * time.Millisecond)
	c.start()
	up := time.Since(begin)
	time.Sleep(3 * time.Second)
	cancel()
	wg.Wait()

	f := outageFigures{Health: string(raw), OutageFor: up - down}
	first503, recovered := time.Duration(-1), time.Duration(-1)
	var accepted []int64
	for _, r := range results {
		f.Requests++
		if r.err != nil {
			t.Errorf("request at %v failed without an answer: %v", r.at, r.err)
			continue
		}
		if r.write && r.status/100 == 2 {
			f.Writes2xx++
			accepted = append(accepted, r.id)
		}
		switch {
		case r.status == http.StatusServiceUnavailable:
			f.Failed503++
			if end := r.at + r.took; first503 < 0 || end-down < first503 {
				first503 = end - down
			}
		case r.status >= 500:
			f.Failed5xxOther++
			t.Errorf("request at %v answered %d", r.at, r.status)
		}
		if r.at > down && r.at+r.took < up {
			f.SlowestInOutage = max(f.SlowestInOutage, r.took)
			if !r.write {
				f.ReadsInOutage++
				if r.status == http.StatusOK {
					f.ReadsInOutageOK++
				}
			}
		}
		if r.write && r.status/100 == 2 && r.at > up && (recovered < 0 || r.at+r.took-up < recovered) {
			recovered = r.at + r.took - up
		}
	}
	f.TimeTo503, f.TimeToRecover = first503, recovered
	switch {
	case f.Failed503 == 0:
		t.Error("no request got 503 while PostgreSQL was down")
	case first503 > time.Second:
		t.Errorf("first 503 came %v after PostgreSQL stopped, want within 1 s", first503)
	}
	if f.SlowestInOutage > time.Second {
		t.Errorf("a request during the outage took %v, want under 1 s", f.SlowestInOutage)
	}
	if f.ReadsInOutageOK == 0 {
		t.Error("no nearby answer during the outage: the access index should answer from memory")
	}
	if recovered < 0 {
		t.Error("no write succeeded after PostgreSQL came back")
	}

	conn, err := pgx.Connect(context.Background(), c.url())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, id := range accepted {
		var n int
		if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM outlets WHERE id = $1", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		f.WritesAfterwards++
		if n != 1 {
			f.WritesLost++
			t.Errorf("outlet %d was answered 201 but is not in the database", id)
		}
	}
	t.Logf("outage figures: %+v", f)
	if out := os.Getenv("QUARTERHOUR_OUTAGE_REPORT"); out != "" {
		b, _ := json.MarshalIndent(f, "", "  ")
		if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
			t.Error(err)
		}
	}
}

package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
)

// openSecond opens another Store (its own pool, as another process would)
// on the database of s.
func openSecond(t *testing.T, s *Store) *Store {
	t.Helper()
	ctx := context.Background()
	var name string
	if err := s.pool.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	u, err := withDatabase(serverURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, u)
	if err != nil {
		t.Fatalf("open %s again: %v", name, err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

// listen starts Listen on s and returns the tables it reports.
func listen(t *testing.T, s *Store) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan string, 100)
	done := make(chan error, 1)
	go func() { done <- s.Listen(ctx, func(table string) { got <- table }) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Listen after cancel: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Listen did not return after its context ended")
		}
	})
	waitListening(t, s)
	return got
}

// waitListening waits until a session of the database listens on the
// changes channel.
func waitListening(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := s.pool.QueryRow(context.Background(),
			`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN `+ChangesChannel+`'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no session listens on " + ChangesChannel)
}

// expect waits a few seconds for the table to be reported.
func expect(t *testing.T, got <-chan string, table string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case tb := <-got:
			if tb == table {
				return
			}
		case <-timeout:
			t.Fatalf("no notice for %q within 5 s", table)
		}
	}
}

func TestListen_ReportsCommittedWritesOfAnotherProcess(t *testing.T) {
	a := openFresh(t)
	b := openSecond(t, a)
	got := listen(t, a)
	ctx := context.Background()

	o := quarterhour.Outlet{Name: "洗衣店", Category: "laundry", Point: orb.Point{116.59, 35.42}, Status: quarterhour.OutletOpen}
	if err := b.CreateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	expect(t, got, "outlets")
	c := quarterhour.Community{Name: "锦绣社区", District: "370811", Polygon: orb.MultiPolygon{{{{116.58, 35.41}, {116.59, 35.41}, {116.59, 35.42}, {116.58, 35.41}}}}, Population: 100}
	if err := b.CreateCommunity(ctx, &c); err != nil {
		t.Fatal(err)
	}
	expect(t, got, "communities")

	// A rolled-back write announces nothing.
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE outlets SET name = 'x'`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case tb := <-got:
		t.Errorf("notice %q for a rolled-back write", tb)
	case <-time.After(300 * time.Millisecond):
	}
}

func TestListen_ReconnectsAndSaysChangesMayHaveBeenMissed(t *testing.T) {
	a := openFresh(t)
	got := listen(t, a)
	ctx := context.Background()
	if _, err := a.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN `+ChangesChannel+`'`); err != nil {
		t.Fatal(err)
	}
	expect(t, got, "")
	o := quarterhour.Outlet{Name: "药店", Category: "pharmacy", Point: orb.Point{116.59, 35.42}, Status: quarterhour.OutletOpen}
	if err := a.CreateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	expect(t, got, "outlets")
}

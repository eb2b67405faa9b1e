package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
	"github.com/quarterhour/quarterhour/store/storetest"
)

func openTemp(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "quarterhour.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestStore_Contract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestOpen_ReopenKeepsDataAndSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := s.UpsertTargets(t.Context(), []quarterhour.Target{{Year: 2023, District: "370800", Circles: 40}}); err != nil {
		t.Fatalf("upsert: %v", err)
	}
	v1, err := s.SchemaVersion(t.Context())
	if err != nil {
		t.Fatalf("schema version: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	v2, err := s.SchemaVersion(t.Context())
	if err != nil {
		t.Fatalf("schema version after reopen: %v", err)
	}
	ts, err := s.ListTargets(t.Context())
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if v1 != v2 || v1 < 1 || len(ts) != 1 || ts[0].Circles != 40 {
		t.Errorf("after reopen: version %d -> %d, targets %+v", v1, v2, ts)
	}
}

func TestOpen_MemoryDatabase(t *testing.T) {
	s, err := sqlite.Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	u := quarterhour.User{Username: "admin", PasswordHash: "h", Role: quarterhour.RoleAdmin}
	if err := s.CreateUser(t.Context(), &u); err != nil {
		t.Fatalf("create user: %v", err)
	}
	if _, err := s.GetUser(t.Context(), u.ID); err != nil {
		t.Errorf("get user from the in-memory database: %v", err)
	}
}

// Many goroutines writing at once must queue behind the single writer, never
// fail with "database is locked", while readers keep reading.
func TestStore_ConcurrentWritersAndReaders(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	const writers, perWriter = 6, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter*2)
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				o := quarterhour.Outlet{Name: fmt.Sprintf("w%d-%d", w, i), Category: "pharmacy",
					Point: orb.Point{116.5, 35.4}, Status: quarterhour.OutletOpen, Source: "manual"}
				if err := s.CreateOutlet(t.Context(), &o); err != nil {
					errs <- err
					continue
				}
				o.Name += "+"
				if err := s.UpdateOutlet(t.Context(), &o); err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range perWriter {
				if _, err := s.CountOutlets(t.Context(), store.OutletFilter{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent access: %v", err)
	}
	n, err := s.CountOutlets(t.Context(), store.OutletFilter{})
	if err != nil {
		t.Fatalf("count: %v", err)
	}
	if n != writers*perWriter {
		t.Errorf("%d outlets, want %d", n, writers*perWriter)
	}
}

// demoBundle is the size of the Jining demo: about 3,000 outlets and a
// network of tens of thousands of edges (a grid of side×side nodes).
func demoBundle(side int) *store.Bundle {
	b := &store.Bundle{Regions: []quarterhour.Region{{Code: "370800000000", Name: "济宁市", Level: quarterhour.LevelCity}}}
	for i := range 3000 {
		b.Outlets = append(b.Outlets, quarterhour.Outlet{Name: fmt.Sprintf("outlet %d", i), Category: "pharmacy",
			Point: orb.Point{116.5 + float64(i%60)/1000, 35.4 + float64(i/60)/1000}, Status: quarterhour.OutletOpen,
			Source: "demo", SourceRef: fmt.Sprintf("demo/%d", i), Services: []string{quarterhour.ServiceDelivery},
			Synthetic: true})
	}
	n := quarterhour.Network{Area: "jining-demo", Synthetic: true}
	id := func(r, c int) int64 { return int64(r*side + c + 1) }
	pt := func(r, c int) orb.Point { return orb.Point{116.5 + float64(c)*0.001, 35.4 + float64(r)*0.001} }
	for r := range side {
		for c := range side {
			n.Nodes = append(n.Nodes, quarterhour.WalkNode{ID: id(r, c), Point: pt(r, c)})
			for _, d := range [][2]int{{0, 1}, {1, 0}} {
				r2, c2 := r+d[0], c+d[1]
				if r2 >= side || c2 >= side {
					continue
				}
				n.Edges = append(n.Edges, quarterhour.WalkEdge{ID: int64(len(n.Edges) + 1), Source: id(r, c),
					Target: id(r2, c2), Cost: 100, ReverseCost: 100, LengthM: 100,
					Geom: orb.LineString{pt(r, c), pt(r2, c2)}, Highway: "footway"})
			}
		}
	}
	b.Networks = []quarterhour.Network{n}
	return b
}

func TestSeed_DemoSizedBundle(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	b := demoBundle(130) // 16,900 nodes, 33,540 edges
	start := time.Now()
	loaded, err := s.Seed(t.Context(), b)
	if err != nil || !loaded {
		t.Fatalf("seed = (%v, %v)", loaded, err)
	}
	t.Logf("seeded %d outlets, %d nodes, %d edges in %v", len(b.Outlets), len(b.Networks[0].Nodes),
		len(b.Networks[0].Edges), time.Since(start))
	start = time.Now()
	ns, err := s.LoadNetworks(t.Context())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	t.Logf("loaded the network in %v", time.Since(start))
	if len(ns) != 1 || len(ns[0].Edges) != len(b.Networks[0].Edges) || len(ns[0].Nodes) != len(b.Networks[0].Nodes) {
		t.Errorf("loaded %d networks, want 1 with every node and edge", len(ns))
	}
	n, err := s.CountOutlets(t.Context(), store.OutletFilter{Source: "demo"})
	if err != nil || n != 3000 {
		t.Errorf("count = (%d, %v), want 3000", n, err)
	}
}

func BenchmarkReplaceNetwork(b *testing.B) {
	s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatalf("open: %v", err)
	}
	defer s.Close()
	n := demoBundle(100).Networks[0]
	b.ReportMetric(float64(len(n.Edges)), "edges/op")
	for b.Loop() {
		if err := s.ReplaceNetwork(b.Context(), &n, nil); err != nil {
			b.Fatalf("replace: %v", err)
		}
	}
}

// The audit trail is append-only in the schema itself, not only in code.
func TestSchema_EvaluationEventsAreAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	cm := quarterhour.Community{Name: "甲"}
	if err := s.CreateCommunity(t.Context(), &cm); err != nil {
		t.Fatalf("community: %v", err)
	}
	c := quarterhour.Circle{Name: "圈", Layout: quarterhour.LayoutBlock, Status: quarterhour.CirclePlanned,
		Centers: []orb.Point{{116.5, 35.4}}, CommunityIDs: []int64{cm.ID}}
	if err := s.CreateCircle(t.Context(), &c); err != nil {
		t.Fatalf("circle: %v", err)
	}
	e := quarterhour.Evaluation{CircleID: c.ID, Scheme: "jining-2023", Year: 2023, Status: quarterhour.EvalDraft}
	if err := s.CreateEvaluation(t.Context(), &e, quarterhour.EvaluationEvent{Actor: "a", To: quarterhour.EvalDraft}); err != nil {
		t.Fatalf("evaluation: %v", err)
	}
	s.Close()

	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatalf("open raw: %v", err)
	}
	defer db.Close()
	for _, stmt := range []string{
		`UPDATE evaluation_events SET comment = 'edited'`,
		`DELETE FROM evaluation_events`,
	} {
		if _, err := db.ExecContext(t.Context(), stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: got %v, want the append-only error", stmt, err)
		}
	}
}

package access

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/ingest"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

const portoPBF = "../../testdata/osm/porto.osm.pbf"

// portoCentre is Praça da Liberdade, on Porto's walking network.
var portoCentre = orb.Point{-8.6110, 41.1466}

// referenceStore opens a fresh SQLite file seeded with the reference data
// only (regions, categories with their OSM rules).
func referenceStore(t testing.TB) store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := seeds.Reference()
	if err != nil {
		t.Fatalf("reference seeds: %v", err)
	}
	if _, err := st.Seed(ctx, b); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return st
}

// importPorto imports the Porto network and outlets into st.
func importPorto(t testing.TB, st store.Store) (ingest.NetworkImport, ingest.OutletImport) {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(portoPBF)
	if err != nil {
		t.Fatalf("read porto extract: %v", err)
	}
	ni, err := ingest.ImportNetwork(ctx, st, bytes.NewReader(data), osmnet.PBF, "porto", "porto.osm.pbf", nil)
	if err != nil {
		t.Fatalf("import network: %v", err)
	}
	oi, err := ingest.ImportOSMOutlets(ctx, st, bytes.NewReader(data), osmnet.PBF, "porto.osm.pbf")
	if err != nil {
		t.Fatalf("import outlets: %v", err)
	}
	return ni, oi
}

var portoOnce = sync.OnceValues(func() (*Index, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "qh-engine-porto-")
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "qh.db"))
	if err != nil {
		return nil, err
	}
	b, err := seeds.Reference()
	if err != nil {
		return nil, err
	}
	if _, err := st.Seed(ctx, b); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(portoPBF)
	if err != nil {
		return nil, err
	}
	if _, err := ingest.ImportNetwork(ctx, st, bytes.NewReader(data), osmnet.PBF, "porto", "porto.osm.pbf", nil); err != nil {
		return nil, err
	}
	if _, err := ingest.ImportOSMOutlets(ctx, st, bytes.NewReader(data), osmnet.PBF, "porto.osm.pbf"); err != nil {
		return nil, err
	}
	e := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return e, e.Reload(ctx)
})

// portoEngine is a loaded engine over Porto, shared by read-only tests.
func portoEngine(t testing.TB) *Index {
	t.Helper()
	e, err := portoOnce()
	if err != nil {
		t.Fatalf("porto engine: %v", err)
	}
	return e
}

func TestEngine_NotReadyBeforeReload(t *testing.T) {
	e := New(referenceStore(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if e.Ready() {
		t.Fatal("ready before Reload")
	}
	if _, err := e.Isochrone(context.Background(), []orb.Point{portoCentre}, 1000, 10); !errors.Is(err, ErrNotReady) {
		t.Fatalf("isochrone before reload: %v, want ErrNotReady", err)
	}
	if err := e.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if e.Ready() {
		t.Error("ready with no stored network")
	}
}

func TestIsochrone_PortoNodesWithinBudgetAndPolygonCoversThem(t *testing.T) {
	e := portoEngine(t)
	iso, err := e.Isochrone(context.Background(), []orb.Point{portoCentre}, 1000, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(iso.Nodes) < 50 || len(iso.Polygon) == 0 || iso.AreaM2 < 100_000 {
		t.Fatalf("isochrone: %d nodes, %d polygons, %.0f m²", len(iso.Nodes), len(iso.Polygon), iso.AreaM2)
	}
	cells := map[h3.Cell]bool{}
	for _, c := range iso.Cells {
		cells[c] = true
	}
	s := e.snap.Load()
	a, _, err := s.snap(portoCentre)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range iso.Nodes {
		if n.DistM > 1000 {
			t.Errorf("node %d at %.1f m beyond the budget", n.ID, n.DistM)
		}
		c, _ := geo.CellOf(a.g.NodePoint(n.Node), 10)
		if !cells[c] {
			t.Errorf("reached node %d lies outside the polygon's cells", n.ID)
		}
	}
}

func TestIsochrone_UnionOfOriginsHoldsEachOrigin(t *testing.T) {
	e := portoEngine(t)
	ctx := context.Background()
	other := orb.Point{-8.5990, 41.1420} // towards Campanhã, about 1.1 km away
	one, err := e.Isochrone(ctx, []orb.Point{portoCentre}, 600, 10)
	if err != nil {
		t.Fatal(err)
	}
	two, err := e.Isochrone(ctx, []orb.Point{other}, 600, 10)
	if err != nil {
		t.Fatal(err)
	}
	both, err := e.Isochrone(ctx, []orb.Point{portoCentre, other}, 600, 10)
	if err != nil {
		t.Fatal(err)
	}
	in := map[h3.Cell]bool{}
	for _, c := range both.Cells {
		in[c] = true
	}
	for _, c := range append(append([]h3.Cell{}, one.Cells...), two.Cells...) {
		if !in[c] {
			t.Fatalf("cell %v of a single origin missing from the union", c)
		}
	}
	if len(both.Cells) > len(one.Cells)+len(two.Cells) {
		t.Errorf("union has %d cells, more than %d + %d", len(both.Cells), len(one.Cells), len(two.Cells))
	}
}

func TestOffNetworkOrigin_ReportsDistance(t *testing.T) {
	e := portoEngine(t)
	sea := orb.Point{-8.70, 41.16} // Atlantic, kilometres off the coast
	_, err := e.Isochrone(context.Background(), []orb.Point{sea}, 1000, 10)
	var off *geo.OffNetworkError
	if !errors.As(err, &off) || off.DistanceM <= geo.DefaultMaxSnapM {
		t.Fatalf("isochrone at sea: %v, want *geo.OffNetworkError beyond 300 m", err)
	}
	if _, err := e.OutletsWithin(context.Background(), []orb.Point{sea}, 1000); !errors.As(err, &off) {
		t.Fatalf("outlets at sea: %v, want *geo.OffNetworkError", err)
	}
}

// TestOutletsWithin_MatchesSingleOutletSurfaces checks every Porto outlet:
// it is listed exactly when the walk from it to the origin, computed the
// other way round by a one-source surface, is within budget, at that walk.
func TestOutletsWithin_MatchesSingleOutletSurfaces(t *testing.T) {
	e := portoEngine(t)
	const budget = 800
	hits, err := e.OutletsWithin(context.Background(), []orb.Point{portoCentre}, budget)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 20 {
		t.Fatalf("%d outlets within %d m of Porto's centre", len(hits), budget)
	}
	if !sort.SliceIsSorted(hits, func(i, j int) bool { return hits[i].WalkM < hits[j].WalkM }) {
		t.Error("hits not sorted by walk")
	}
	got := map[int64]float64{}
	for _, h := range hits {
		got[h.Outlet.ID] = h.WalkM
	}
	s := e.snap.Load()
	a := s.areas[0]
	for _, so := range s.placed[a].outlets {
		d, ok := a.g.Surface([]orb.Point{so.outlet.Point}, budget, 0).DistanceAt(portoCentre)
		w, listed := got[so.outlet.ID]
		switch {
		case ok != listed && math.Abs(d-budget) > 0.01:
			t.Errorf("outlet %d: listed %v, reverse walk %.3f m", so.outlet.ID, listed, d)
		case ok && listed && math.Abs(d-w) > 0.01:
			t.Errorf("outlet %d: walk %.3f m, reverse walk %.3f m", so.outlet.ID, w, d)
		}
	}
}

func TestCoverage_DemoConservesPopulation(t *testing.T) {
	e, st := demoEngine(t)
	ctx := context.Background()
	circles, err := st.ListCircles(ctx, store.CircleFilter{})
	if err != nil || len(circles) == 0 {
		t.Fatalf("circles: %d, %v", len(circles), err)
	}
	comms, err := st.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	pop := map[int64]int{}
	for _, c := range comms {
		pop[c.ID] = c.Population
	}
	check := func(name string, cov []CommunityCoverage) {
		for _, c := range cov {
			if c.Covered+c.Uncovered != pop[c.CommunityID] || c.Population != pop[c.CommunityID] {
				t.Errorf("%s: community %d: %d + %d != %d", name, c.CommunityID, c.Covered, c.Uncovered, pop[c.CommunityID])
			}
			if c.Share < 0 || c.Share > 1 {
				t.Errorf("%s: community %d share %v", name, c.CommunityID, c.Share)
			}
		}
	}
	c := circles[0]
	cov, err := e.CoverageFrom(ctx, c.Centers, geo.DefaultWalk.Metres(), c.CommunityIDs)
	if err != nil {
		t.Fatal(err)
	}
	if len(cov) != len(c.CommunityIDs) {
		t.Fatalf("%d results for %d communities", len(cov), len(c.CommunityIDs))
	}
	check("circle", cov)
	covered := 0
	for _, x := range cov {
		covered += x.Covered
	}
	if covered == 0 {
		t.Errorf("circle %q covers nobody of its own communities", c.Name)
	}

	all, err := e.NeedsCoverage(ctx, nil, []string{"convenience_store", "laundry"}, geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	check("needs", all)
	laundry, err := e.NeedsCoverage(ctx, nil, []string{"laundry"}, geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		if all[i].Covered > laundry[i].Covered {
			t.Errorf("community %d: %d reach both, but only %d reach a laundry", all[i].CommunityID, all[i].Covered, laundry[i].Covered)
		}
	}
	if _, err := e.NeedsCoverage(ctx, nil, []string{"no_such"}, geo.DefaultWalk.Metres()); !errors.As(err, new(*UnknownCategoryError)) {
		t.Errorf("unknown category: %v", err)
	}
}

// laundryGap finds a community of the demo with residents beyond a laundry.
func laundryGap(t *testing.T, e *Index) (CommunityCoverage, []geo.CellShare) {
	t.Helper()
	cov, err := e.NeedsCoverage(context.Background(), nil, []string{"laundry"}, geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	s := e.snap.Load()
	for _, c := range cov {
		if c.Uncovered > 0 && c.Population > 0 {
			cells, err := s.communityCells(s.communities[c.CommunityID])
			if err != nil {
				t.Fatal(err)
			}
			return c, cells
		}
	}
	t.Fatal("no community of the demo lacks a laundry")
	return CommunityCoverage{}, nil
}

func TestSimulate_AddingALaundryInAGapRaisesCoverage(t *testing.T) {
	e, _ := demoEngine(t)
	ctx := context.Background()
	gap, cells := laundryGap(t, e)
	sf, err := e.snap.Load().surface("laundry", geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	var site orb.Point
	for _, c := range cells {
		if _, ok := sf.cellDistance(c.Cell); !ok && c.People > 0 {
			p, err := cellCentre(c.Cell)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.snap.Load().snap(p); err == nil {
				site = p
				break
			}
		}
	}
	if site == (orb.Point{}) {
		t.Fatalf("community %d has no uncovered cell on the network", gap.CommunityID)
	}
	out, err := e.Simulate(ctx, Scenario{Add: []ScenarioSite{{Category: "laundry", Point: site}}}, geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, sc := range out.Communities[gap.CommunityID] {
		if sc.Category == "laundry" {
			found = true
			if sc.Before.Covered != gap.Covered || sc.After.Covered <= sc.Before.Covered {
				t.Errorf("laundry coverage before %d (today %d), after %d: want a rise", sc.Before.Covered, gap.Covered, sc.After.Covered)
			}
			if sc.After.Covered+sc.After.Uncovered != gap.Population {
				t.Errorf("after: %d + %d != %d", sc.After.Covered, sc.After.Uncovered, gap.Population)
			}
		}
	}
	if !found {
		t.Fatalf("community %d not in the scenario result %v", gap.CommunityID, out.CommunityIDs)
	}
	// Nothing was stored: today's coverage is unchanged.
	again, err := e.NeedsCoverage(ctx, []int64{gap.CommunityID}, []string{"laundry"}, geo.DefaultWalk.Metres())
	if err != nil || again[0].Covered != gap.Covered {
		t.Errorf("coverage after the scenario %+v (%v), want today's %d", again, err, gap.Covered)
	}
}

func TestSimulate_RemovingTheLaundriesInReachLowersCoverage(t *testing.T) {
	e, _ := demoEngine(t)
	ctx := context.Background()
	cov, err := e.NeedsCoverage(ctx, nil, []string{"laundry"}, geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	s := e.snap.Load()
	for _, c := range cov {
		if c.Covered == 0 {
			continue
		}
		cells, err := s.communityCells(s.communities[c.CommunityID])
		if err != nil {
			t.Fatal(err)
		}
		var origins []orb.Point
		for _, cs := range cells {
			if p, err := cellCentre(cs.Cell); err == nil {
				if _, _, err := s.snap(p); err == nil {
					origins = append(origins, p)
				}
			}
		}
		hits, err := e.OutletsWithin(ctx, origins, geo.DefaultWalk.Metres())
		if err != nil {
			t.Fatal(err)
		}
		var remove []int64
		for _, h := range hits {
			if h.Outlet.Category == "laundry" {
				remove = append(remove, h.Outlet.ID)
			}
		}
		if len(remove) == 0 {
			t.Fatalf("community %d is covered for laundry but no laundry is within reach of its cells", c.CommunityID)
		}
		out, err := e.Simulate(ctx, Scenario{Remove: remove, CommunityIDs: []int64{c.CommunityID}}, geo.DefaultWalk.Metres())
		if err != nil {
			t.Fatal(err)
		}
		got := out.Communities[c.CommunityID]
		if len(got) != 1 || got[0].Before.Covered != c.Covered || got[0].After.Covered != 0 {
			t.Errorf("removing laundries %v: %+v, want coverage from %d to 0", remove, got, c.Covered)
		}
		return
	}
	t.Fatal("no demo community reaches a laundry")
}

func TestSimulate_RejectsUnknownInput(t *testing.T) {
	e, _ := demoEngine(t)
	ctx := context.Background()
	if _, err := e.Simulate(ctx, Scenario{Remove: []int64{1 << 40}}, geo.DefaultWalk.Metres()); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Errorf("unknown outlet: %v", err)
	}
	if _, err := e.Simulate(ctx, Scenario{Add: []ScenarioSite{{Category: "nope", Point: orb.Point{116.6, 35.4}}}}, geo.DefaultWalk.Metres()); !errors.As(err, new(*UnknownCategoryError)) {
		t.Errorf("unknown category: %v", err)
	}
	if _, err := e.Simulate(ctx, Scenario{}, geo.DefaultWalk.Metres()); err == nil {
		t.Error("empty scenario accepted")
	}
}

func TestSuggest_RanksByNonIncreasingGain(t *testing.T) {
	e, _ := demoEngine(t)
	gap, _ := laundryGap(t, e)
	s := e.snap.Load()
	ids, err := e.CommunitiesIn(s.communities[gap.CommunityID].District)
	if err != nil {
		t.Fatal(err)
	}
	sug, err := e.Suggest(context.Background(), "laundry", ids, geo.DefaultWalk.Metres(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(sug) == 0 || len(sug) > 3 {
		t.Fatalf("%d suggestions, want 1..3", len(sug))
	}
	for i, sg := range sug {
		if sg.AddedPop <= 0 || (i > 0 && sg.AddedPop > sug[i-1].AddedPop) {
			t.Errorf("suggestion %d adds %d after %d", i, sg.AddedPop, sug[max(i-1, 0)].AddedPop)
		}
	}
}

func TestReload_ConcurrentReadersSeeAConsistentSnapshot(t *testing.T) {
	e := portoEngine(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := e.OutletsWithin(ctx, []orb.Point{portoCentre}, 1000); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 2 {
		if err := e.Reload(ctx); err != nil {
			errs <- err
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if !e.Ready() || e.Stats().Outlets == 0 {
		t.Errorf("after reloads: ready %v, stats %+v", e.Ready(), e.Stats())
	}
}

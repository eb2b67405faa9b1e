package access

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// demoStore opens a fresh SQLite file seeded with the reference data and
// the demo, for tests that write.
func demoStore(t *testing.T) store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := seeds.Reference()
	if err != nil {
		t.Fatal(err)
	}
	d, err := seeds.Demo(20230309)
	if err != nil {
		t.Fatal(err)
	}
	b.Communities, b.Outlets, b.Networks, b.Circles = d.Communities, d.Outlets, d.Networks, d.Circles
	if _, err := st.Seed(ctx, b); err != nil {
		t.Fatal(err)
	}
	return st
}

// sameNodeDistances fails unless got and want give every node of every
// area the same distance.
func sameNodeDistances(t *testing.T, what string, s *snapshot, got, want *catSurface) {
	t.Helper()
	for _, a := range s.areas {
		for v := range int32(a.g.NodeCount()) {
			if g, w := got.byArea[a].NodeDistance(v), want.byArea[a].NodeDistance(v); g != w {
				t.Fatalf("%s, area %s, node %d: %v, built from scratch %v", what, a.name, v, g, w)
			}
		}
	}
}

// sameGapGrids fails unless got and want hold the same cells with the same
// figures at every resolution.
func sameGapGrids(t *testing.T, what string, got, want *GapGrid) {
	t.Helper()
	if got.Bound != want.Bound {
		t.Fatalf("%s: bound %v, built from scratch %v", what, got.Bound, want.Bound)
	}
	for _, res := range GapResolutions {
		g, w := got.Cells(res, everywhere), want.Cells(res, everywhere)
		if len(g) != len(w) || got.Len(res) != want.Len(res) {
			t.Fatalf("%s, res %d: %d cells (Len %d), built from scratch %d (%d)", what, res, len(g), got.Len(res), len(w), want.Len(res))
		}
		for i := range g {
			a, b := g[i], w[i]
			if a.Cell != b.Cell || a.Population != b.Population || a.Unreached != b.Unreached ||
				(a.Minutes != b.Minutes && !(math.IsNaN(a.Minutes) && math.IsNaN(b.Minutes))) {
				t.Fatalf("%s, res %d: cell %+v, built from scratch %+v", what, res, a, b)
			}
		}
		if got.levels[res].padDeg != want.levels[res].padDeg {
			t.Fatalf("%s, res %d: pad %v, built from scratch %v", what, res, got.levels[res].padDeg, want.levels[res].padDeg)
		}
	}
}

// checkCurrent fails unless every built surface of s, and every gap grid
// built of one, equals what a build from scratch on s gives, at every node
// and at sample points.
func checkCurrent(t *testing.T, what string, s *snapshot, rng *rand.Rand, around orb.Point, grids []string) {
	t.Helper()
	for k, ent := range s.surfaces {
		sf := ent.s.Load()
		if sf == nil {
			t.Fatalf("%s: surface %v is not built", what, k)
		}
		fresh := s.buildSurface(k.category, k.budgetM)
		name := fmt.Sprintf("%s, %s at %v m", what, k.category, k.budgetM)
		sameNodeDistances(t, name, s, sf, fresh)
		for range 100 {
			p := orb.Point{around.Lon() + (rng.Float64()-0.5)*0.04, around.Lat() + (rng.Float64()-0.5)*0.03}
			d1, ok1 := sf.distance(p)
			d2, ok2 := fresh.distance(p)
			if d1 != d2 || ok1 != ok2 {
				t.Fatalf("%s at %v: %v (%v), built from scratch %v (%v)", name, p, d1, ok1, d2, ok2)
			}
		}
	}
	for _, c := range grids {
		sf := mustSurface(t, s, c)
		g := builtGapGrid(sf)
		if g == nil {
			t.Fatalf("%s: the gap grid of %s was not carried over", what, c)
		}
		fresh, err := s.buildGapGrid(c, sf)
		if err != nil {
			t.Fatal(err)
		}
		sameGapGrids(t, what+", gap grid of "+c, g, fresh)
	}
}

// TestOutletChanges_SurfacesAndGapGridsEqualFreshBuilds opens, closes,
// moves and recategorises outlets of the demo one write at a time and in
// bulk, and checks after each refresh that every built surface (at two
// budgets) and every built gap grid equals a build from scratch on the new
// snapshot, while the snapshot before keeps its own.
func TestOutletChanges_SurfacesAndGapGridsEqualFreshBuilds(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	e := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	s := e.snap.Load()
	// The three categories with the most outlets, so that a bulk change
	// can outgrow an in-place update.
	cats := slices.Clone(s.catOrder)
	slices.SortStableFunc(cats, func(a, b string) int { return len(s.byCategory[b]) - len(s.byCategory[a]) })
	cats = cats[:3]
	for _, c := range cats {
		if _, err := s.surface(c, 500); err != nil {
			t.Fatal(err)
		}
		if _, err := e.GapGrid(c); err != nil {
			t.Fatal(err)
		}
	}
	var centre orb.Point
	for _, o := range s.outlets {
		centre = o.Point
		break
	}
	rng := rand.New(rand.NewPCG(12, 12))
	near := func() orb.Point {
		return orb.Point{centre.Lon() + (rng.Float64()-0.5)*0.03, centre.Lat() + (rng.Float64()-0.5)*0.02}
	}
	pick := func() quarterhour.Outlet {
		s := e.snap.Load()
		ids := s.byCategory[cats[rng.IntN(len(cats))]]
		return *s.outlets[ids[rng.IntN(len(ids))]]
	}
	checkCurrent(t, "after load", s, rng, centre, cats)
	updated, rebuilt := surfaceCounts.updated.Load(), surfaceCounts.rebuilt.Load()
	for round := range 16 {
		before := e.snap.Load()
		var ids []int64
		var what string
		for range 1 + rng.IntN(3) {
			switch op := rng.IntN(5); op {
			case 0, 1:
				o := quarterhour.Outlet{Name: fmt.Sprintf("new %d", round), Category: cats[rng.IntN(len(cats))], Point: near(),
					Status: quarterhour.OutletOpen, Source: "manual"}
				if err := st.CreateOutlet(ctx, &o); err != nil {
					t.Fatal(err)
				}
				ids, what = append(ids, o.ID), what+" open"
			case 2:
				o := pick()
				o.Status = quarterhour.OutletClosed
				if err := st.UpdateOutlet(ctx, &o); err != nil {
					t.Fatal(err)
				}
				ids, what = append(ids, o.ID), what+" close"
			case 3:
				o := pick()
				o.Point = near()
				if err := st.UpdateOutlet(ctx, &o); err != nil {
					t.Fatal(err)
				}
				ids, what = append(ids, o.ID), what+" move"
			case 4:
				o := pick()
				o.Category = cats[(slices.Index(cats, o.Category)+1)%len(cats)]
				o.Name += " (renamed)"
				if err := st.UpdateOutlet(ctx, &o); err != nil {
					t.Fatal(err)
				}
				ids, what = append(ids, o.ID), what+" recategorise"
			}
		}
		if err := e.RefreshOutlets(ctx, ids...); err != nil {
			t.Fatal(err)
		}
		checkCurrent(t, fmt.Sprintf("round %d (%s)", round, what), e.snap.Load(), rng, centre, cats)
		checkCurrent(t, fmt.Sprintf("round %d (%s), the snapshot before", round, what), before, rng, centre, nil)
	}

	if surfaceCounts.updated.Load() == updated || surfaceCounts.rebuilt.Load() != rebuilt {
		t.Fatalf("single writes updated %d area surfaces in place and built %d again; want some and none",
			surfaceCounts.updated.Load()-updated, surfaceCounts.rebuilt.Load()-rebuilt)
	}

	// A bulk change, a quarter of one category closed at once, read by a
	// sync: past the share updated in place.
	s = e.snap.Load()
	ids := s.byCategory[cats[0]]
	for _, id := range ids[:len(ids)/4] {
		o := *s.outlets[id]
		o.Status = quarterhour.OutletClosed
		if err := st.UpdateOutlet(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	rebuilt = surfaceCounts.rebuilt.Load()
	if err := e.SyncOutlets(ctx); err != nil {
		t.Fatal(err)
	}
	if surfaceCounts.rebuilt.Load() == rebuilt {
		t.Fatalf("closing %d of %d outlets of %s at once built no surface again", len(ids)/4, len(ids), cats[0])
	}
	checkCurrent(t, "after a bulk close", e.snap.Load(), rng, centre, cats)
	if got := len(e.snap.Load().byCategory[cats[0]]); got != len(ids)-len(ids)/4 {
		t.Fatalf("%d outlets of %s left, want %d", got, cats[0], len(ids)-len(ids)/4)
	}
}

// TestOutletChanges_UnchangedPlacesKeepTheSurface checks that a write that
// leaves an outlet where it is (a new name) keeps its category's surface
// and gap grid.
func TestOutletChanges_UnchangedPlacesKeepTheSurface(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	e := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	s := e.snap.Load()
	o := *s.outlets[s.byCategory[s.catOrder[0]][0]]
	g, err := e.GapGrid(o.Category)
	if err != nil {
		t.Fatal(err)
	}
	o.Name += " (renamed)"
	if err := st.UpdateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if err := e.RefreshOutlets(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if again, _ := e.GapGrid(o.Category); again != g {
		t.Error("renaming an outlet rebuilt its category's gap grid")
	}
	if e.snap.Load().outlets[o.ID].Name != o.Name {
		t.Error("the new name is not in the engine")
	}
}

// TestSimulate_EqualsAFreshBuild checks that the what-if surface of a
// scenario, derived from today's, equals one built from scratch with the
// changes made.
func TestSimulate_SurfaceEqualsAFreshBuild(t *testing.T) {
	e, _ := demoEngine(t)
	s := e.snap.Load()
	cat := s.catOrder[0]
	before := mustSurface(t, s, cat)
	ids := s.byCategory[cat]
	removed := map[int64]bool{ids[0]: true, ids[len(ids)/2]: true}
	added := []orb.Point{s.outlets[ids[1]].Point, {s.outlets[ids[2]].Point.Lon() + 0.003, s.outlets[ids[2]].Point.Lat()}}
	got := s.simulatedSurface(before, cat, added, removed)
	var open []quarterhour.Outlet
	for i, p := range added {
		open = append(open, quarterhour.Outlet{ID: -1 - int64(i), Category: cat, Point: p, Status: quarterhour.OutletOpen})
	}
	var gone []int64
	for id := range removed {
		gone = append(gone, id)
	}
	after := s.withOutlets(open, gone)
	sameNodeDistances(t, "simulated "+cat, s, got, after.buildSurface(cat, geo.DefaultWalk.Metres()))
	sameNodeDistances(t, "today's "+cat+" after a simulation", s, before, s.buildSurface(cat, geo.DefaultWalk.Metres()))
}

// TestAreaOutlets_WithKeepsTheIndexAndTheOriginal checks placements
// changed by with against their edge index and against the placements
// they came from, which must stay as they were.
func TestAreaOutlets_WithKeepsTheIndexAndTheOriginal(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	nextID := int64(0)
	outlet := func() snappedOut {
		nextID++
		return snappedOut{outlet: &quarterhour.Outlet{ID: nextID}, snap: geo.Snap{Edge: int32(rng.IntN(12))}}
	}
	ids := func(ao *areaOutlets) []int64 {
		var out []int64
		for _, so := range ao.outlets {
			out = append(out, so.outlet.ID)
		}
		slices.Sort(out)
		return out
	}
	check := func(ao *areaOutlets) {
		t.Helper()
		n := 0
		for e, idx := range ao.byEdge {
			if len(idx) == 0 {
				t.Fatalf("edge %d listed with no outlet", e)
			}
			for _, i := range idx {
				if ao.outlets[i].snap.Edge != e {
					t.Fatalf("edge %d lists outlet %d, which snaps to %d", e, i, ao.outlets[i].snap.Edge)
				}
			}
			n += len(idx)
		}
		if n != len(ao.outlets) {
			t.Fatalf("the index lists %d outlets of %d", n, len(ao.outlets))
		}
	}
	ao := &areaOutlets{byEdge: map[int32][]int32{}}
	for range 40 {
		ao.add(outlet())
	}
	for range 200 {
		before := ids(ao)
		var drop []int
		want := map[int64]bool{}
		for _, id := range before {
			want[id] = true
		}
		for i := range ao.outlets {
			if rng.IntN(8) == 0 {
				drop = append(drop, i)
				delete(want, ao.outlets[i].outlet.ID)
			}
		}
		var add []snappedOut
		for range rng.IntN(4) {
			so := outlet()
			add = append(add, so)
			want[so.outlet.ID] = true
		}
		n := ao.with(drop, add)
		check(n)
		check(ao)
		if !slices.Equal(ids(ao), before) {
			t.Fatal("with changed the placements it came from")
		}
		got := ids(n)
		if len(got) != len(want) {
			t.Fatalf("%d outlets placed, want %d", len(got), len(want))
		}
		for _, id := range got {
			if !want[id] {
				t.Fatalf("outlet %d placed, want it out", id)
			}
		}
		ao = n
	}
}

// TestOutletChanges_ConcurrentReaders reads gap grids, cell walks and
// coverage while outlets are written and refreshed, for the race detector.
func TestOutletChanges_ConcurrentReaders(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	e := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	s := e.snap.Load()
	cat := s.catOrder[0]
	g, err := e.GapGrid(cat)
	if err != nil {
		t.Fatal(err)
	}
	cells := g.Cells(geo.DefaultRes, everywhere)
	ids := make([]h3.Cell, 0, 64)
	for i := 0; i < len(cells) && len(ids) < 64; i += 1 + len(cells)/64 {
		ids = append(ids, cells[i].Cell)
	}
	centre := *s.outlets[s.byCategory[cat][0]]
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if g, err := e.GapGrid(cat); err != nil || g.Len(geo.DefaultRes) == 0 {
					t.Errorf("gap grid: %v", err)
					return
				}
				if _, err := e.Access(ctx, cat, ids, 500); err != nil {
					t.Error(err)
					return
				}
				if _, err := e.NeedsCoverage(ctx, nil, []string{cat}, geo.DefaultWalk.Metres()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 6 {
		o := quarterhour.Outlet{Name: fmt.Sprintf("racing %d", i), Category: cat, Status: quarterhour.OutletOpen, Source: "manual",
			Point: orb.Point{centre.Point.Lon() + float64(i)*0.001, centre.Point.Lat()}}
		if err := st.CreateOutlet(ctx, &o); err != nil {
			t.Fatal(err)
		}
		if err := e.RefreshOutlets(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
}

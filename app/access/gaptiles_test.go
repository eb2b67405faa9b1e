package access

import (
	"context"
	"io"
	"log/slog"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
)

var everywhere = orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}

func TestGapGrid_FineCellsAgreeWithAccessAndCoarseOnesAddUp(t *testing.T) {
	e, _ := demoEngine(t)
	g, err := e.GapGrid("housekeeping")
	if err != nil {
		t.Fatal(err)
	}
	fine := g.Cells(geo.DefaultRes, everywhere)
	if len(fine) == 0 || len(fine) != g.Len(geo.DefaultRes) {
		t.Fatalf("%d fine cells, Len says %d", len(fine), g.Len(geo.DefaultRes))
	}
	cells := make([]h3.Cell, len(fine))
	for i, c := range fine {
		cells[i] = c.Cell
	}
	acc, err := e.Access(context.Background(), "housekeeping", cells, geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	pop, unreached, reached := 0, 0, 0
	for i, c := range fine {
		a := acc[i]
		if c.Population != a.Population {
			t.Fatalf("cell %v: %d residents, Access says %d", c.Cell, c.Population, a.Population)
		}
		if math.IsInf(a.WalkM, 1) != !c.Reached() {
			t.Fatalf("cell %v: reached %v, Access walk %v", c.Cell, c.Reached(), a.WalkM)
		}
		if c.Reached() && math.Abs(c.Minutes-a.WalkM/geo.DefaultWalk.MetresPerMinute()) > 1e-9 {
			t.Fatalf("cell %v: %v min, Access %v m", c.Cell, c.Minutes, a.WalkM)
		}
		if !c.Reached() && (c.Population == 0 || c.Unreached != c.Population) {
			t.Fatalf("cell %v out of reach with %d residents, %d unreached", c.Cell, c.Population, c.Unreached)
		}
		pop += c.Population
		unreached += c.Unreached
		if c.Reached() {
			reached++
		}
	}
	if unreached == 0 || reached == 0 {
		t.Fatalf("the demo's housekeeping grid has %d unreached residents and %d reached cells; want both", unreached, reached)
	}
	for _, res := range GapResolutions[:3] {
		coarse := g.Cells(res, everywhere)
		p, u := 0, 0
		for _, c := range coarse {
			if c.Cell.Resolution() != res {
				t.Fatalf("res %d level holds a res-%d cell", res, c.Cell.Resolution())
			}
			if c.Reached() && (c.Minutes < 0 || c.Minutes > g.Minutes+1e-9) {
				t.Errorf("res %d cell %v: %v minutes, beyond the %v-minute walk", res, c.Cell, c.Minutes, g.Minutes)
			}
			p += c.Population
			u += c.Unreached
		}
		if p != pop || u != unreached {
			t.Errorf("res %d: %d residents (%d unreached), res 10 has %d (%d)", res, p, u, pop, unreached)
		}
		if len(coarse) >= len(fine) {
			t.Errorf("res %d has %d cells, res 10 %d", res, len(coarse), len(fine))
		}
	}
	if n := g.Len(7); n > 400 {
		t.Errorf("%d res-7 cells for the whole demo; a city-wide tile should be small", n)
	}
}

func TestGapGrid_CellsInBoundOnly(t *testing.T) {
	e, _ := demoEngine(t)
	g, err := e.GapGrid("housekeeping")
	if err != nil {
		t.Fatal(err)
	}
	all := g.Cells(geo.DefaultRes, everywhere)
	c := all[len(all)/2]
	ll, _ := h3.CellToLatLng(c.Cell)
	b := orb.Bound{Min: orb.Point{ll.Lng - 0.002, ll.Lat - 0.002}, Max: orb.Point{ll.Lng + 0.002, ll.Lat + 0.002}}
	some := g.Cells(geo.DefaultRes, b)
	found := false
	for _, s := range some {
		found = found || s.Cell == c.Cell
	}
	if !found || len(some) >= len(all) || len(some) < 5 {
		t.Errorf("%d of %d cells near %v (found it: %v)", len(some), len(all), c.Cell, found)
	}
	far := orb.Bound{Min: orb.Point{10, 10}, Max: orb.Point{11, 11}}
	if n := len(g.Cells(geo.DefaultRes, far)); n != 0 {
		t.Errorf("%d cells far from the data", n)
	}
}

func TestGapGrid_NewVersionOnlyForTheChangedCategory(t *testing.T) {
	ctx := context.Background()
	st := referenceStore(t)
	importPorto(t, st)
	e := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	pharm, err := e.GapGrid("pharmacy")
	if err != nil {
		t.Fatal(err)
	}
	conv, err := e.GapGrid("convenience_store")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := e.GapGrid("pharmacy"); again != pharm {
		t.Fatal("a second call built the grid again")
	}
	if pharm.Version == conv.Version {
		t.Fatal("two grids share a version")
	}
	o := quarterhour.Outlet{Name: "Farmácia Nova", Category: "pharmacy", Point: portoCentre, Status: quarterhour.OutletOpen, Source: "manual"}
	if err := st.CreateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if err := e.RefreshOutlets(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	pharm2, _ := e.GapGrid("pharmacy")
	conv2, _ := e.GapGrid("convenience_store")
	if pharm2.Version == pharm.Version {
		t.Error("the pharmacy grid kept its version after a pharmacy opened")
	}
	if conv2 != conv {
		t.Error("the convenience store grid was rebuilt by a pharmacy change")
	}
	if _, err := e.GapGrid("spaceport"); err == nil {
		t.Error("an unknown category has a grid")
	}
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if conv3, _ := e.GapGrid("convenience_store"); conv3.Version == conv.Version {
		t.Error("a reload kept the grid")
	}
}

func TestGapResForZoom(t *testing.T) {
	for z, want := range map[int]int{0: 7, 9: 7, 10: 8, 11: 8, 12: 9, 13: 9, 14: 10, 22: 10} {
		if got := GapResForZoom(z); got != want {
			t.Errorf("zoom %d: res %d, want %d", z, got, want)
		}
	}
}

// referenceGapGrid is the gap grid by its definition, cell by cell: the
// walk measured at the centre of every populated res-10 cell and of every
// cell over the networks' bounds, the populated ones and those within the
// walk kept, and the coarser cells summed from them in cell order. It
// returns the cells per resolution and the bound of them all.
func referenceGapGrid(t *testing.T, s *snapshot, sf *catSurface) (map[int][]GapCell, orb.Bound) {
	t.Helper()
	pop, err := s.cellPopulation()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[h3.Cell]bool{}
	var cand []h3.Cell
	for c := range pop {
		seen[c] = true
		cand = append(cand, c)
	}
	for _, a := range s.areas {
		cells, err := boundCells(a.bound, geo.DefaultRes)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			if !seen[c] {
				seen[c] = true
				cand = append(cand, c)
			}
		}
	}
	slices.Sort(cand)
	mPerMin := geo.DefaultWalk.MetresPerMinute()
	out := map[int][]GapCell{}
	for _, c := range cand {
		gc := GapCell{Cell: c, Population: pop[c], Minutes: math.NaN()}
		if d, ok := sf.cellDistance(c); ok {
			gc.Minutes = d / mPerMin
		} else if gc.Population == 0 {
			continue
		} else {
			gc.Unreached = gc.Population
		}
		out[geo.DefaultRes] = append(out[geo.DefaultRes], gc)
	}
	for _, res := range GapResolutions[:3] {
		type acc struct {
			pop, unreached, reached int
			wMin, wPop, sumMin      float64
		}
		by := map[h3.Cell]*acc{}
		var order []h3.Cell
		for _, c := range out[geo.DefaultRes] {
			p, err := c.Cell.Parent(res)
			if err != nil {
				t.Fatal(err)
			}
			a := by[p]
			if a == nil {
				a = &acc{}
				by[p] = a
				order = append(order, p)
			}
			a.pop += c.Population
			a.unreached += c.Unreached
			if c.Reached() {
				rp := float64(c.Population - c.Unreached)
				a.wMin += c.Minutes * rp
				a.wPop += rp
				a.sumMin += c.Minutes
				a.reached++
			}
		}
		slices.Sort(order)
		for _, p := range order {
			a := by[p]
			gc := GapCell{Cell: p, Population: a.pop, Unreached: a.unreached, Minutes: math.NaN()}
			switch {
			case a.wPop > 0:
				gc.Minutes = a.wMin / a.wPop
			case a.reached > 0:
				gc.Minutes = a.sumMin / float64(a.reached)
			}
			out[res] = append(out[res], gc)
		}
	}
	var bound orb.Bound
	for _, res := range GapResolutions {
		cells := out[res]
		if len(cells) == 0 {
			continue
		}
		var pad float64
		var b orb.Bound
		for i, c := range cells {
			ll, _ := h3.CellToLatLng(c.Cell)
			p := orb.Point{ll.Lng, ll.Lat}
			if i == 0 {
				b = orb.Bound{Min: p, Max: p}
			}
			b = b.Extend(p)
			vs, _ := h3.CellToBoundary(c.Cell)
			for _, v := range vs {
				pad = math.Max(pad, math.Max(math.Abs(v.Lng-p.Lon()), math.Abs(v.Lat-p.Lat())))
			}
		}
		b = b.Pad(pad)
		if bound.IsZero() {
			bound = b
		} else {
			bound = bound.Union(b)
		}
	}
	return out, bound
}

func TestGapGrid_EqualsItsDefinition(t *testing.T) {
	e, _ := demoEngine(t)
	s := e.snap.Load()
	for _, cat := range []string{"housekeeping", s.catOrder[0], s.catOrder[len(s.catOrder)-1]} {
		g, err := e.GapGrid(cat)
		if err != nil {
			t.Fatal(err)
		}
		want, bound := referenceGapGrid(t, s, mustSurface(t, s, cat))
		if g.Bound != bound {
			t.Errorf("%s: bound %v, by definition %v", cat, g.Bound, bound)
		}
		for _, res := range GapResolutions {
			got := g.Cells(res, everywhere)
			if len(got) != len(want[res]) {
				t.Fatalf("%s, res %d: %d cells, by definition %d", cat, res, len(got), len(want[res]))
			}
			for i, c := range got {
				w := want[res][i]
				if c.Cell != w.Cell || c.Population != w.Population || c.Unreached != w.Unreached ||
					(c.Minutes != w.Minutes && !(math.IsNaN(c.Minutes) && math.IsNaN(w.Minutes))) {
					t.Fatalf("%s, res %d: %+v, by definition %+v", cat, res, c, w)
				}
			}
		}
	}
}

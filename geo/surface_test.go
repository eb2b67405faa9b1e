package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

func randomPoints(rng *rand.Rand, n int, side float64) []orb.Point {
	out := make([]orb.Point, n)
	for i := range out {
		out[i] = offset(jining, rng.Float64()*side, rng.Float64()*side)
	}
	return out
}

func TestSurface_DistanceAtEqualsMinOfSingleSources(t *testing.T) {
	g := randomNetwork(2, 400, 3000).build(t)
	rng := rand.New(rand.NewPCG(3, 3))
	sources := randomPoints(rng, 12, 3000)
	multi := g.Surface(sources, 800, 300)
	singles := make([]*Surface, len(sources))
	for i, p := range sources {
		singles[i] = g.Surface([]orb.Point{p}, 800, 300)
	}
	for _, q := range randomPoints(rng, 500, 3000) {
		got, gotOK := multi.DistanceAt(q)
		want := math.Inf(1)
		for _, s := range singles {
			if d, ok := s.DistanceAt(q); ok {
				want = math.Min(want, d)
			}
		}
		if gotOK != !math.IsInf(want, 1) || (gotOK && got != want) {
			t.Fatalf("at %v: surface %v (%v), min of single sources %v", q, got, gotOK, want)
		}
	}
}

func TestSurface_SourceOnSameEdgeIsDirect(t *testing.T) {
	g := line(t, 2)
	s := g.Surface([]orb.Point{offset(jining, 40, 0)}, 1000, 300)
	d, ok := s.DistanceAt(offset(jining, 60, 10))
	if !ok || !near(d, 30, 0.05) {
		t.Fatalf("distance %v (%v), want 20 along the edge + 10 leg", d, ok)
	}
}

func TestSurface_ListsOffNetworkSources(t *testing.T) {
	g := line(t, 2)
	far := offset(jining, 0, 2000)
	s := g.Surface([]orb.Point{far}, 1000, 300)
	if off := s.OffNetwork(); len(off) != 1 || off[0].Point != far || !near(off[0].DistanceM, 2000, 1) {
		t.Fatalf("off network = %+v, want the far source at 2000 m", off)
	}
}

func TestSurface_UpdateEqualsFullRecompute(t *testing.T) {
	g := randomNetwork(4, 500, 3000).build(t)
	rng := rand.New(rand.NewPCG(5, 5))
	sources := randomPoints(rng, 15, 3000)
	s := g.Surface(sources, 700, 300)
	for round := range 6 {
		removed := []orb.Point{sources[rng.IntN(len(sources))]}
		added := randomPoints(rng, 2, 3000)
		if err := s.Update(added, removed); err != nil {
			t.Fatal(err)
		}
		var next []orb.Point
		for _, p := range sources {
			if p != removed[0] {
				next = append(next, p)
			}
		}
		sources = append(next, added...)
		full := g.Surface(sources, 700, 300)
		for v := range g.NodeCount() {
			if s.NodeDistance(int32(v)) != full.NodeDistance(int32(v)) {
				t.Fatalf("round %d node %d: incremental %v, full %v", round, v, s.NodeDistance(int32(v)), full.NodeDistance(int32(v)))
			}
		}
		for _, q := range randomPoints(rng, 100, 3000) {
			a, _ := s.DistanceAt(q)
			b, _ := full.DistanceAt(q)
			if a != b {
				t.Fatalf("round %d at %v: incremental %v, full %v", round, q, a, b)
			}
		}
	}
}

func TestSurface_UpdateRejectsUnknownRemoval(t *testing.T) {
	g := line(t, 2)
	s := g.Surface([]orb.Point{jining}, 1000, 300)
	if err := s.Update(nil, []orb.Point{offset(jining, 5, 0)}); err == nil {
		t.Fatal("removing a point that is not a source succeeded")
	}
}

func TestSurface_CellMinutes(t *testing.T) {
	g := line(t, 11)
	s := g.Surface([]orb.Point{jining}, 1000, 300)
	c, _ := CellOf(offset(jining, 500, 0), DefaultRes)
	far, _ := CellOf(offset(jining, 500, 3000), DefaultRes)
	mins, err := s.CellMinutes([]h3.Cell{c, far}, 4000.0/60)
	if err != nil {
		t.Fatal(err)
	}
	if mins[0] < 5 || mins[0] > 10 || !math.IsInf(mins[1], 1) {
		t.Fatalf("minutes = %v, want 5-10 then +Inf", mins)
	}
}

func TestSurfaces_EqualSurfaceOfEachSet(t *testing.T) {
	g := randomNetwork(6, 400, 3000).build(t)
	rng := rand.New(rand.NewPCG(6, 6))
	sets := make([][]orb.Point, 7)
	for i := range sets {
		sets[i] = randomPoints(rng, 1+i, 3000)
	}
	got := g.Surfaces(sets, 700, 300)
	if len(got) != len(sets) {
		t.Fatalf("%d surfaces for %d sets", len(got), len(sets))
	}
	for i, pts := range sets {
		want := g.Surface(pts, 700, 300)
		for v := range g.NodeCount() {
			if got[i].NodeDistance(int32(v)) != want.NodeDistance(int32(v)) {
				t.Fatalf("set %d node %d: %v, alone %v", i, v, got[i].NodeDistance(int32(v)), want.NodeDistance(int32(v)))
			}
		}
	}
}

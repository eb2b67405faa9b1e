package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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

// sameSurface fails unless a and b give every node and the sample points
// the same distance.
func sameSurface(t *testing.T, what string, g *Graph, a, b *Surface, pts []orb.Point) {
	t.Helper()
	for v := range int32(g.NodeCount()) {
		if a.NodeDistance(v) != b.NodeDistance(v) {
			t.Fatalf("%s, node %d: %v, want %v", what, v, a.NodeDistance(v), b.NodeDistance(v))
		}
	}
	for _, q := range pts {
		d1, ok1 := a.DistanceAt(q)
		d2, ok2 := b.DistanceAt(q)
		if d1 != d2 || ok1 != ok2 {
			t.Fatalf("%s, at %v: %v (%v), want %v (%v)", what, q, d1, ok1, d2, ok2)
		}
	}
}

func TestSurface_UpdatesOfAClonedChainEqualFullRecompute(t *testing.T) {
	g := randomNetwork(8, 500, 3000).build(t)
	rng := rand.New(rand.NewPCG(8, 8))
	sources := randomPoints(rng, 20, 3000)
	s := g.Surface(sources, 700, 300)
	for round := range 30 {
		prevSources := slices.Clone(sources)
		var added, removed []orb.Point
		for range 1 + rng.IntN(4) {
			switch rng.IntN(3) {
			case 0: // open
				added = append(added, randomPoints(rng, 1, 3000)...)
			case 1: // close
				if len(sources) > 1 {
					i := rng.IntN(len(sources))
					removed = append(removed, sources[i])
					sources = slices.Delete(sources, i, i+1)
				}
			case 2: // move a little, often along the same edge
				if len(sources) > 0 {
					i := rng.IntN(len(sources))
					removed = append(removed, sources[i])
					moved := offset(sources[i], rng.Float64()*40-20, rng.Float64()*40-20)
					sources = slices.Delete(sources, i, i+1)
					added = append(added, moved)
				}
			}
		}
		next := s.Clone()
		if err := next.Update(added, removed); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, added...)
		pts := randomPoints(rng, 100, 3000)
		sameSurface(t, fmt.Sprintf("round %d", round), g, next, g.Surface(sources, 700, 300), pts)
		sameSurface(t, fmt.Sprintf("round %d, the surface cloned", round), g, s, g.Surface(prevSources, 700, 300), pts)
		s = next
	}
}

func TestSurface_CloneIsIndependent(t *testing.T) {
	g := randomNetwork(9, 400, 3000).build(t)
	rng := rand.New(rand.NewPCG(9, 9))
	sources := randomPoints(rng, 10, 3000)
	orig := g.Surface(sources, 700, 300)
	c := orig.Clone()
	if err := c.Update(randomPoints(rng, 3, 3000), sources[:4]); err != nil {
		t.Fatal(err)
	}
	pts := randomPoints(rng, 200, 3000)
	sameSurface(t, "original after its clone's update", g, orig, g.Surface(sources, 700, 300), pts)
	if err := orig.Update(nil, sources[4:6]); err != nil {
		t.Fatal(err)
	}
	c2 := c.Clone()
	sameSurface(t, "clone after the original's update", g, c, c2, pts)
	if orig.SourceCount() != 8 || c.SourceCount() != 9 {
		t.Fatalf("source counts %d and %d, want 8 and 9", orig.SourceCount(), c.SourceCount())
	}
}

func TestSurface_CloneDropsClosedSourcesAndStaysExact(t *testing.T) {
	g := randomNetwork(10, 500, 3000).build(t)
	rng := rand.New(rand.NewPCG(10, 10))
	sources := randomPoints(rng, 200, 3000)
	s := g.Surface(sources, 500, 300)
	// Close 150 of the 200, so closed sources outnumber open ones.
	for i := 0; i < 150; i += 10 {
		if err := s.Update(nil, sources[i:i+10]); err != nil {
			t.Fatal(err)
		}
	}
	sources = sources[150:]
	c := s.Clone()
	if len(c.sources) != 50 || c.SourceCount() != 50 {
		t.Fatalf("clone keeps %d sources (%d open), want the 50 open", len(c.sources), c.SourceCount())
	}
	pts := randomPoints(rng, 200, 3000)
	sameSurface(t, "compacted clone", g, c, g.Surface(sources, 500, 300), pts)
	// Closing sources of the renumbered copy still clears what they reached.
	added := randomPoints(rng, 5, 3000)
	if err := c.Update(added, sources[:25]); err != nil {
		t.Fatal(err)
	}
	sameSurface(t, "compacted clone after an update", g, c, g.Surface(append(slices.Clone(sources[25:]), added...), 500, 300), pts)
	sameSurface(t, "the surface it was cloned from", g, s, g.Surface(sources, 500, 300), pts)
}

func TestSurface_DistanceAtSnapEqualsDistanceAt(t *testing.T) {
	g := randomNetwork(11, 400, 3000).build(t)
	rng := rand.New(rand.NewPCG(11, 11))
	s := g.Surface(randomPoints(rng, 8, 3000), 700, 100)
	for _, q := range randomPoints(rng, 500, 3400) {
		d1, ok1 := s.DistanceAt(q)
		sn, err := g.Snap(q, 1e9)
		if err != nil {
			t.Fatal(err)
		}
		d2, ok2 := s.DistanceAtSnap(sn)
		if ok1 != ok2 || (ok1 && d1 != d2) {
			t.Fatalf("at %v: DistanceAt %v (%v), DistanceAtSnap %v (%v)", q, d1, ok1, d2, ok2)
		}
	}
}

// TestSurface_UpdateWithTiesAndDuplicatesEqualsFullRecompute updates a
// surface on a regular grid, where many nodes lie at the same distance from
// two sources, with sources on nodes, on the same edge and on the same
// point, down to none and back.
func TestSurface_UpdateWithTiesAndDuplicatesEqualsFullRecompute(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 25, 25, 60, 1)
	g := n.build(t)
	rng := rand.New(rand.NewPCG(14, 14))
	spot := func() orb.Point {
		p := offset(jining, float64(rng.IntN(25))*60, float64(rng.IntN(25))*60)
		if rng.IntN(3) == 0 { // on an edge, a third or half of the way
			p = offset(p, 60/float64(2+rng.IntN(2)), 0)
		}
		return p
	}
	var sources []orb.Point
	for range 12 {
		sources = append(sources, spot())
	}
	sources = append(sources, sources[0], sources[1]) // two outlets at one point
	s := g.Surface(sources, 400, 300)
	pts := randomPoints(rng, 100, 1440)
	for round := range 40 {
		var added, removed []orb.Point
		switch {
		case round == 20: // close them all
			removed, sources = sources, nil
		case round == 21:
			added = []orb.Point{spot(), spot()}
		default:
			for range rng.IntN(4) {
				if len(sources) > 0 && rng.IntN(2) == 0 {
					i := rng.IntN(len(sources))
					removed = append(removed, sources[i])
					sources = slices.Delete(sources, i, i+1)
				}
			}
			for range rng.IntN(3) {
				p := spot()
				if len(sources) > 0 && rng.IntN(4) == 0 {
					p = sources[rng.IntN(len(sources))]
				}
				added = append(added, p)
			}
		}
		if err := s.Update(added, removed); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, added...)
		sameSurface(t, fmt.Sprintf("round %d", round), g, s, g.Surface(sources, 400, 300), pts)
	}
}

package geo

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// The city benchmarks measure surfaces at the scale of a large city: about
// 1,000,000 walking edges over 700,000 nodes, with 30,000 outlets in 27
// categories (some 1,100 a category).
const (
	citySide      = 840 // nodes a side
	citySpacingM  = 50
	cityDropShare = 0.29 // of the grid's edges, so that about 1,000,000 remain
	cityPerCat    = 1100
)

// cityNetwork is a street grid of side by side nodes spacing metres apart,
// each node moved up to a fifth of the spacing, with a share of drop of the
// streets left out at random and every street bent at its middle: the
// degree and the dead ends of a real street network rather than a perfect
// grid.
func cityNetwork(side int, spacing, drop float64, seed uint64) *network {
	rng := rand.New(rand.NewPCG(seed, 11))
	n := &network{}
	jit := func() float64 { return (rng.Float64()*2 - 1) * spacing / 5 }
	for r := range side {
		for c := range side {
			n.node(int64(r*side+c+1), offset(jining, float64(c)*spacing+jit(), float64(r)*spacing+jit()))
		}
	}
	street := func(s, t int64) {
		a, b := n.point(s), n.point(t)
		mid := offset(orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}, jit()/4, jit()/4)
		ls := orb.LineString{a, mid, b}
		n.edges = append(n.edges, NetEdge{ID: int64(len(n.edges) + 1), Source: s, Target: t, LengthM: LineLengthM(ls), Geom: ls})
	}
	for r := range side {
		for c := range side {
			id := int64(r*side + c + 1)
			if c+1 < side && rng.Float64() >= drop {
				street(id, id+1)
			}
			if r+1 < side && rng.Float64() >= drop {
				street(id, id+int64(side))
			}
		}
	}
	return n
}

var cityGraphOnce sync.Once
var cityGraphG *Graph

func cityGraph(b *testing.B) *Graph {
	b.Helper()
	cityGraphOnce.Do(func() {
		cityGraphG = cityNetwork(citySide, citySpacingM, cityDropShare, 1).build(b)
	})
	return cityGraphG
}

// citySources are n points spread over the city.
func citySources(seed uint64, n int) []orb.Point {
	return randomPoints(rand.New(rand.NewPCG(seed, 5)), n, citySide*citySpacingM)
}

// BenchmarkCitySurface builds one category's surface from scratch.
func BenchmarkCitySurface(b *testing.B) {
	g := cityGraph(b)
	src := citySources(1, cityPerCat)
	for b.Loop() {
		g.Surface(src, DefaultWalk.Metres(), 0)
	}
	b.ReportMetric(float64(g.NodeCount()), "nodes")
	b.ReportMetric(float64(g.EdgeCount()), "edges")
}

// BenchmarkCitySurfaceClone copies one category's surface, as an outlet
// change does before updating it.
func BenchmarkCitySurfaceClone(b *testing.B) {
	g := cityGraph(b)
	s := g.Surface(citySources(1, cityPerCat), DefaultWalk.Metres(), 0)
	b.ReportAllocs()
	for b.Loop() {
		s.Clone()
	}
}

// BenchmarkCitySurfaceUpdate opens (add) or closes (remove) one outlet of a
// category on a copy of its surface: what one outlet written through the
// API costs the category's surface.
func BenchmarkCitySurfaceUpdate(b *testing.B) {
	g := cityGraph(b)
	src := citySources(1, cityPerCat)
	s := g.Surface(src, DefaultWalk.Metres(), 0)
	extra := citySources(2, 256)
	b.Run("add", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if err := s.Clone().Update([]orb.Point{extra[i%len(extra)]}, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("remove", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if err := s.Clone().Update(nil, []orb.Point{src[i%len(src)]}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("add-in-place", func(b *testing.B) {
		c := s.Clone()
		for i := 0; b.Loop(); i++ {
			p := []orb.Point{extra[i%len(extra)]}
			if err := c.Update(p, nil); err != nil {
				b.Fatal(err)
			}
			if err := c.Update(nil, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCitySurfaceDistanceAt measures the walk at points of the city,
// snapping each (DistanceAt) or from a snap made once (DistanceAtSnap), as
// gap grids read the centres of their cells.
func BenchmarkCitySurfaceDistanceAt(b *testing.B) {
	g := cityGraph(b)
	s := g.Surface(citySources(1, cityPerCat), DefaultWalk.Metres(), 0)
	pts := citySources(3, 4096)
	snaps := make([]Snap, len(pts))
	for i, p := range pts {
		snaps[i], _ = g.Snap(p, 0)
	}
	b.Run("point", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			s.DistanceAt(pts[i%len(pts)])
		}
	})
	b.Run("snap", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			s.DistanceAtSnap(snaps[i%len(snaps)])
		}
	})
}

package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

// Surface updates at city scale, on the graph of city_bench_test.go: one
// category of 1,100 outlets (30,000 over 27 categories).
const cityPerCat = 1100

// BenchmarkCitySurfaceClone copies one category's surface, as an outlet
// change does before updating it.
func BenchmarkCitySurfaceClone(b *testing.B) {
	g := cityGraph(b)
	s := g.Surface(cityOutlets(cityPerCat, 4), DefaultWalk.Metres(), 0)
	b.ReportAllocs()
	for b.Loop() {
		s.Clone()
	}
	b.ReportMetric(float64(s.Bytes())/float64(g.NodeCount()), "B/node")
}

// BenchmarkCitySurfaceUpdate opens (add) or closes (remove) one outlet of a
// category on a copy of its surface: what one outlet written through the
// API costs the category's surface. add-remove opens and closes one in
// place, without a copy.
func BenchmarkCitySurfaceUpdate(b *testing.B) {
	g := cityGraph(b)
	src := cityOutlets(cityPerCat, 4)
	s := g.Surface(src, DefaultWalk.Metres(), 0)
	extra := cityOutlets(256, 5)
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
	b.Run("add-remove", func(b *testing.B) {
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
// snapping each (point) or from a snap made once (snap), as gap grids read
// the centres of their cells.
func BenchmarkCitySurfaceDistanceAt(b *testing.B) {
	g := cityGraph(b)
	s := g.Surface(cityOutlets(cityPerCat, 4), DefaultWalk.Metres(), 0)
	pts := cityOutlets(4096, 6)
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

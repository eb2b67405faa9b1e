package geo

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// TestOutline_EqualsH3 traces random clusters of cells, with holes and
// islands, and checks the rings against H3's own CellsToMultiPolygon: the
// same number of polygons and holes, the same vertices, and every ring
// turning the way GeoJSON wants (outer counter-clockwise, holes clockwise).
func TestOutline_EqualsH3(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, res := range []int{9, 10, 11} {
		centre, err := CellOf(jining, res)
		if err != nil {
			t.Fatal(err)
		}
		disk, err := h3.GridDisk(centre, 9)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(disk)
		var cv cellVertexes
		cv.vert = make([]h3.Vertex, 6*len(disk))
		cv.vertPt = make([]orb.Point, 6*len(disk))
		for i, c := range disk {
			if err := cv.setVertexes(i, c); err != nil {
				t.Fatal(err)
			}
		}
		cv.linkAcross(len(disk))
		var sc outlineScratch
		for trial := range 40 {
			share := 0.3 + 0.6*rng.Float64() // sparse sets: islands; dense: holes
			var idx []int32
			var cells []h3.Cell
			for i, c := range disk {
				if rng.Float64() < share {
					idx = append(idx, int32(i))
					cells = append(cells, c)
				}
			}
			member := map[int32]bool{}
			for _, i := range idx {
				member[i] = true
			}
			got, ok := cv.outline(idx, func(i int32) bool { return member[i] }, &sc)
			if !ok {
				t.Fatalf("res %d trial %d: no outline", res, trial)
			}
			want, err := CellsPolygon(cells)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("res %d trial %d: %d polygons, H3 %d", res, trial, len(got), len(want))
			}
			if g, w := ringCount(got), ringCount(want); g != w {
				t.Fatalf("res %d trial %d: %d rings, H3 %d", res, trial, g, w)
			}
			if g, w := vertexSet(got), vertexSet(want); !sameVertices(g, w) {
				t.Fatalf("res %d trial %d: %d distinct vertices, H3 %d", res, trial, len(g), len(w))
			}
			if a, b := planar.Area(got), planar.Area(want); math.Abs(a-b) > 1e-9*b {
				t.Fatalf("res %d trial %d: area %g, H3 %g", res, trial, a, b)
			}
			for _, p := range got {
				if ringSignedArea(p[0]) <= 0 {
					t.Fatalf("res %d trial %d: outer ring turns clockwise", res, trial)
				}
				for _, h := range p[1:] {
					if ringSignedArea(h) >= 0 || !planar.RingContains(p[0], h[0]) {
						t.Fatalf("res %d trial %d: hole turns counter-clockwise or lies outside its polygon", res, trial)
					}
				}
			}
		}
	}
}

func ringCount(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		n += len(p)
	}
	return n
}

// vertexSet lists the vertices of every ring, rounded to 1e-9 degrees.
func vertexSet(mp orb.MultiPolygon) map[[2]int64]bool {
	out := map[[2]int64]bool{}
	for _, p := range mp {
		for _, r := range p {
			for _, q := range r {
				out[[2]int64{int64(math.Round(q[0] * 1e9)), int64(math.Round(q[1] * 1e9))}] = true
			}
		}
	}
	return out
}

func sameVertices(a, b map[[2]int64]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

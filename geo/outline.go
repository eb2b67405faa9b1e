package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// An isochrone's polygon is the outline of its cells. Hexagons of one
// resolution meet edge to edge and three at every vertex, so the outline is
// the set of cell edges whose neighbour across is not in the set, and every
// outline vertex has exactly one outline edge leaving it: following them
// traces each ring without ambiguity. Cells list their vertices as H3 vertex
// indexes, which neighbouring cells share exactly, so no coordinates are
// compared; the cell across each side is found once, when the table is
// built. Rings keep the cells' counter-clockwise turn; holes come out
// clockwise, as GeoJSON wants them.

// cellVertexes are the six vertices of every table cell in boundary order:
// cell i has vertex indexes vert[6i:6i+6] at positions vertPt[6i:6i+6]. A
// cell whose boundary is not a plain hexagon (a pentagon, or a class III
// cell with extra vertices where it crosses an icosahedron edge) has zero
// indexes, and an outline with it is left to H3.
type cellVertexes struct {
	vert   []h3.Vertex
	vertPt []orb.Point
	across []int32 // see linkAcross
}

// setVertexes fills the vertices of table cell i, or leaves them zero when
// the cell is not a plain hexagon.
func (cv *cellVertexes) setVertexes(i int, c h3.Cell) error {
	bd, err := h3.CellToBoundary(c)
	if err != nil {
		return err
	}
	vs, err := h3.CellToVertexes(c)
	if err != nil {
		return err
	}
	if len(bd) != 6 || len(vs) != 6 {
		return nil
	}
	// The boundary starts at vertex 0 as H3 builds both; check, and align
	// if a version ever starts elsewhere.
	v0, err := h3.VertexToLatLng(vs[0])
	if err != nil {
		return err
	}
	shift := -1
	for k, ll := range bd {
		if math.Abs(ll.Lat-v0.Lat) < 1e-12 && math.Abs(ll.Lng-v0.Lng) < 1e-12 {
			shift = k
			break
		}
	}
	if shift < 0 {
		return nil
	}
	for k := range 6 {
		ll := bd[(k+shift)%6]
		cv.vert[6*i+k] = vs[k]
		cv.vertPt[6*i+k] = orb.Point{ll.Lng, ll.Lat}
	}
	return nil
}

// linkAcross fills across: for every side k of every plain hexagon i of the
// table, across[6i+k] is the table cell on the other side of it, or -1 when
// that cell is not in the table. Two cells share a side when they list its
// two vertices in opposite order.
func (cv *cellVertexes) linkAcross(n int) {
	cv.across = make([]int32, 6*n)
	for i := range cv.across {
		cv.across[i] = -1
	}
	type side struct {
		lo, hi h3.Vertex
		at     int32 // 6i+k
	}
	sides := make([]side, 0, 6*n)
	for i := range n {
		v := cv.vert[6*i : 6*i+6]
		if v[0] == 0 {
			continue
		}
		for k := range 6 {
			a, b := v[k], v[(k+1)%6]
			sides = append(sides, side{min(a, b), max(a, b), int32(6*i + k)})
		}
	}
	slices.SortFunc(sides, func(x, y side) int {
		if c := cmp.Compare(x.lo, y.lo); c != 0 {
			return c
		}
		return cmp.Compare(x.hi, y.hi)
	})
	for j := 0; j+1 < len(sides); j++ {
		if x, y := sides[j], sides[j+1]; x.lo == y.lo && x.hi == y.hi {
			cv.across[x.at], cv.across[y.at] = y.at/6, x.at/6
			j++
		}
	}
}

// outlineScratch is the working memory of one outline.
type outlineScratch struct {
	sideSeen []uint32 // side 6i+k was walked this round if sideSeen[6i+k] == gen
	gen      uint32
}

// outline traces the polygon of table cells idx (distinct), in is the
// membership test of the set; ok is false when one of them is not a plain
// hexagon.
//
// A side of a cell in the set is on the outline when the cell across it is
// not in the set. From the end vertex b of an outline side of cell i, the
// next outline side leaves b: it is i's next side if that is on the
// outline, and otherwise the walk crosses into the cell across, finds b
// among its vertices and tries the side leaving b there; at most three
// cells meet at b.
func (cv *cellVertexes) outline(idx []int32, in func(int32) bool, sc *outlineScratch) (mp orb.MultiPolygon, ok bool) {
	if len(sc.sideSeen) != len(cv.vert) {
		sc.sideSeen = make([]uint32, len(cv.vert))
	}
	sc.gen++
	if sc.gen == 0 {
		clear(sc.sideSeen)
		sc.gen = 1
	}
	for _, i := range idx {
		if cv.vert[6*i] == 0 {
			return nil, false
		}
	}
	onOutline := func(i, k int32) bool {
		j := cv.across[6*i+k]
		return j < 0 || !in(j)
	}
	var outers []orb.Polygon
	var holes []orb.Ring
	for _, i0 := range idx {
		for k0 := range int32(6) {
			if sc.sideSeen[6*i0+k0] == sc.gen || !onOutline(i0, k0) {
				continue
			}
			var ring orb.Ring
			i, k := i0, k0
			for sc.sideSeen[6*i+k] != sc.gen {
				sc.sideSeen[6*i+k] = sc.gen
				ring = append(ring, cv.vertPt[6*i+k])
				b := cv.vert[6*i+(k+1)%6]
				// The side leaving b.
				k = (k + 1) % 6
				for turns := 0; !onOutline(i, k); turns++ {
					if turns == 3 {
						return nil, false // cannot happen with hexagons
					}
					j := cv.across[6*i+k]
					kb := int32(-1)
					for q := range int32(6) {
						if cv.vert[6*j+q] == b {
							kb = q
							break
						}
					}
					if kb < 0 || cv.vert[6*j] == 0 {
						return nil, false
					}
					i, k = j, kb
				}
			}
			if i != i0 || k != k0 {
				return nil, false // the walk closed on another ring's side
			}
			ring = append(ring, ring[0])
			if ringSignedArea(ring) > 0 {
				outers = append(outers, orb.Polygon{ring})
			} else {
				holes = append(holes, ring)
			}
		}
	}
	for _, h := range holes {
		best, bestArea := -1, math.Inf(1)
		for k, o := range outers {
			if a := ringSignedArea(o[0]); a < bestArea && planar.RingContains(o[0], h[0]) {
				best, bestArea = k, a
			}
		}
		if best < 0 {
			return nil, false
		}
		outers[best] = append(outers[best], h)
	}
	return orb.MultiPolygon(outers), true
}

// ringSignedArea is the shoelace area of a closed lon/lat ring: positive when
// it turns counter-clockwise.
func ringSignedArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

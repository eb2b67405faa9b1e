package geo

import (
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
// compared. Rings keep the cells' counter-clockwise turn; holes come out
// clockwise, as GeoJSON wants them.

// cellVertexes are the six vertices of every table cell in boundary order:
// cell i has vertex indexes vert[6i:6i+6] at positions vertPt[6i:6i+6]. A
// cell whose boundary is not a plain hexagon (a pentagon, or a class III
// cell with extra vertices where it crosses an icosahedron edge) has zero
// indexes, and an outline with it is left to H3.
type cellVertexes struct {
	vert   []h3.Vertex
	vertPt []orb.Point
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

// outlineScratch is the working memory of one outline.
type outlineScratch struct {
	edges map[[2]h3.Vertex]struct{}
	next  map[h3.Vertex]int32 // outline edge leaving a vertex
	from  []orb.Point         // outline edge j starts at from[j]
	to    []h3.Vertex         // and ends at vertex to[j]
	seen  []bool
}

// outline traces the polygon of table cells idx (distinct); ok is false when
// one of them is not a plain hexagon.
func (cv *cellVertexes) outline(idx []int32, sc *outlineScratch) (mp orb.MultiPolygon, ok bool) {
	if sc.edges == nil {
		sc.edges, sc.next = map[[2]h3.Vertex]struct{}{}, map[h3.Vertex]int32{}
	}
	clear(sc.edges)
	clear(sc.next)
	sc.from, sc.to = sc.from[:0], sc.to[:0]
	for _, i := range idx {
		v := cv.vert[6*i : 6*i+6]
		if v[0] == 0 {
			return nil, false
		}
		for k := range 6 {
			sc.edges[[2]h3.Vertex{v[k], v[(k+1)%6]}] = struct{}{}
		}
	}
	for _, i := range idx {
		v := cv.vert[6*i : 6*i+6]
		for k := range 6 {
			a, b := v[k], v[(k+1)%6]
			if _, shared := sc.edges[[2]h3.Vertex{b, a}]; shared {
				continue
			}
			sc.next[a] = int32(len(sc.from))
			sc.from = append(sc.from, cv.vertPt[6*int(i)+k])
			sc.to = append(sc.to, b)
		}
	}
	sc.seen = slices.Grow(sc.seen[:0], len(sc.from))[:len(sc.from)]
	clear(sc.seen)
	var outers []orb.Polygon
	var holes []orb.Ring
	for start := range sc.from {
		if sc.seen[start] {
			continue
		}
		var ring orb.Ring
		for j := int32(start); !sc.seen[j]; {
			sc.seen[j] = true
			ring = append(ring, sc.from[j])
			nj, found := sc.next[sc.to[j]]
			if !found {
				return nil, false // cannot happen with hexagons; let H3 answer
			}
			j = nj
		}
		ring = append(ring, ring[0])
		if ringSignedArea(ring) > 0 {
			outers = append(outers, orb.Polygon{ring})
		} else {
			holes = append(holes, ring)
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

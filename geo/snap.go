package geo

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// DefaultMaxSnapM is the default distance beyond which a point is off network.
const DefaultMaxSnapM = 300

// Snap is a point placed on the nearest point of the nearest edge.
type Snap struct {
	EdgeID    int64     // external ID of the edge
	Edge      int32     // dense edge index
	Frac      float64   // position along the edge from its source, 0..1
	Point     orb.Point // the snapped point on the edge (lon/lat)
	DistanceM float64   // straight leg from the input point to Point, metres
}

// OffNetworkError reports a point farther than the allowed snap distance from
// every edge.
type OffNetworkError struct {
	DistanceM float64 // distance to the nearest edge, metres
	MaxM      float64 // the allowed snap distance
}

func (e *OffNetworkError) Error() string {
	return fmt.Sprintf("point is off the walking network: nearest edge %.0f m away (max %.0f m)", e.DistanceM, e.MaxM)
}

// segGrid is a uniform grid over edge segments in the graph's local
// projection. Segment k joins slab points k and k+1 of the same edge.
type segGrid struct {
	minX, minY float64
	cell       float64 // cell side, metres
	nx, ny     int
	start      []int32 // CSR over cells: items of cell c are [start[c], start[c+1])
	items      []int32 // segment start point index
}

// buildGrid indexes every segment in each grid cell its bounding box touches.
func (g *Graph) buildGrid() {
	minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for k := 0; k < len(g.geomSlab); k += 2 {
		minLon, maxLon = math.Min(minLon, g.geomSlab[k]), math.Max(maxLon, g.geomSlab[k])
		minLat, maxLat = math.Min(minLat, g.geomSlab[k+1]), math.Max(maxLat, g.geomSlab[k+1])
	}
	g.proj = newLocalProj((minLon+maxLon)/2, (minLat+maxLat)/2)
	x0, y0 := g.proj.xy(minLon, minLat)
	x1, y1 := g.proj.xy(maxLon, maxLat)
	segments := len(g.geomSlab)/2 - len(g.edgeIDs)
	// About two segments a cell, but never finer than 25 m or coarser than 1 km.
	cell := math.Sqrt(math.Max((x1-x0)*(y1-y0), 1) / math.Max(float64(segments)/2, 1))
	cell = math.Max(25, math.Min(1000, cell))
	gr := segGrid{minX: x0, minY: y0, cell: cell,
		nx: int((x1-x0)/cell) + 1, ny: int((y1-y0)/cell) + 1}

	counts := make([]int32, gr.nx*gr.ny+1)
	g.eachSegmentCell(&gr, func(c int, _ int32) { counts[c+1]++ })
	for c := 1; c < len(counts); c++ {
		counts[c] += counts[c-1]
	}
	gr.start = counts
	gr.items = make([]int32, counts[len(counts)-1])
	fill := append([]int32(nil), counts[:len(counts)-1]...)
	g.eachSegmentCell(&gr, func(c int, k int32) {
		gr.items[fill[c]] = k
		fill[c]++
	})
	g.grid = gr
}

func (g *Graph) eachSegmentCell(gr *segGrid, fn func(cell int, seg int32)) {
	for e := range g.edgeIDs {
		for k := g.geomOff[e]; k+1 < g.geomOff[e+1]; k++ {
			ax, ay := g.slabXY(k)
			bx, by := g.slabXY(k + 1)
			cx0, cy0 := gr.cellOf(math.Min(ax, bx), math.Min(ay, by))
			cx1, cy1 := gr.cellOf(math.Max(ax, bx), math.Max(ay, by))
			for cy := max(cy0, 0); cy <= min(cy1, gr.ny-1); cy++ {
				for cx := max(cx0, 0); cx <= min(cx1, gr.nx-1); cx++ {
					fn(cy*gr.nx+cx, k)
				}
			}
		}
	}
}

func (gr *segGrid) cellOf(x, y float64) (cx, cy int) {
	return int(math.Floor((x - gr.minX) / gr.cell)), int(math.Floor((y - gr.minY) / gr.cell))
}

func (g *Graph) slabXY(k int32) (x, y float64) {
	return g.proj.xy(g.geomSlab[2*k], g.geomSlab[2*k+1])
}

// Snap places p on the nearest point of the nearest edge. If that edge is
// farther than maxM metres it returns an *OffNetworkError carrying the
// distance; maxM <= 0 means DefaultMaxSnapM.
func (g *Graph) Snap(p orb.Point, maxM float64) (Snap, error) {
	if maxM <= 0 {
		maxM = DefaultMaxSnapM
	}
	seg, t := g.nearestSegment(p)
	s := g.snapAt(seg, t)
	s.DistanceM = DistanceM(p, s.Point)
	if s.DistanceM > maxM {
		return Snap{}, &OffNetworkError{DistanceM: s.DistanceM, MaxM: maxM}
	}
	return s, nil
}

// nearestSegment searches the grid in growing square rings around p until
// no unvisited ring can hold a closer segment.
func (g *Graph) nearestSegment(p orb.Point) (seg int32, t float64) {
	gr := &g.grid
	px, py := g.proj.xy(p.Lon(), p.Lat())
	qx, qy := gr.cellOf(px, py)
	// Rings closer than the grid itself are empty; start at the grid's edge.
	r0 := max(0, -qx, qx-(gr.nx-1), -qy, qy-(gr.ny-1))
	rMax := max(qx, gr.nx-1-qx, qy, gr.ny-1-qy, r0)
	best2 := math.Inf(1)
	seg = -1
	visit := func(cx, cy int) {
		if cx < 0 || cy < 0 || cx >= gr.nx || cy >= gr.ny {
			return
		}
		c := cy*gr.nx + cx
		for _, k := range gr.items[gr.start[c]:gr.start[c+1]] {
			ax, ay := g.slabXY(k)
			bx, by := g.slabXY(k + 1)
			tk, d2 := closestOnSegment(px, py, ax, ay, bx, by)
			if d2 < best2 || (d2 == best2 && k < seg) {
				best2, seg, t = d2, k, tk
			}
		}
	}
	for r := r0; r <= rMax; r++ {
		// Every cell of ring r+1 lies at least r cells from p.
		if seg >= 0 && math.Sqrt(best2) <= float64(r-1)*gr.cell {
			break
		}
		if r == 0 {
			visit(qx, qy)
			continue
		}
		for cx := max(qx-r, 0); cx <= min(qx+r, gr.nx-1); cx++ {
			visit(cx, qy-r)
			visit(cx, qy+r)
		}
		for cy := max(qy-r+1, 0); cy <= min(qy+r-1, gr.ny-1); cy++ {
			visit(qx-r, cy)
			visit(qx+r, cy)
		}
	}
	return seg, t
}

// snapAt builds the Snap for parameter t on segment seg (slab point index).
func (g *Graph) snapAt(seg int32, t float64) Snap {
	e := int32(sort.Search(len(g.geomOff)-1, func(i int) bool { return g.geomOff[i+1] > seg }))
	ax, ay := g.geomSlab[2*seg], g.geomSlab[2*seg+1]
	bx, by := g.geomSlab[2*seg+2], g.geomSlab[2*seg+3]
	pt := orb.Point{ax + t*(bx-ax), ay + t*(by-ay)}
	var before, total float64
	for k := g.geomOff[e]; k+1 < g.geomOff[e+1]; k++ {
		l := DistanceM(orb.Point{g.geomSlab[2*k], g.geomSlab[2*k+1]}, orb.Point{g.geomSlab[2*k+2], g.geomSlab[2*k+3]})
		if k < seg {
			before += l
		} else if k == seg {
			before += t * l
		}
		total += l
	}
	frac := 0.0
	if total > 0 {
		frac = math.Max(0, math.Min(1, before/total))
	}
	return Snap{EdgeID: g.edgeIDs[e], Edge: e, Frac: frac, Point: pt}
}

func (g *Graph) segLen(k int32) float64 {
	return DistanceM(orb.Point{g.geomSlab[2*k], g.geomSlab[2*k+1]}, orb.Point{g.geomSlab[2*k+2], g.geomSlab[2*k+3]})
}

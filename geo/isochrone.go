package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// sampleStepM is the largest spacing of samples along reached edge pieces;
// it is below half the edge of a res-10 cell so no crossed cell is skipped.
const sampleStepM = 30

// The resolutions an isochrone can be drawn at.
const (
	minIsoRes = 9
	maxIsoRes = 11
)

// IsochroneOptions configures Graph.Isochrone.
type IsochroneOptions struct {
	BudgetM  float64 // walking budget in metres, e.g. 1,000 for 15 min at 4 km/h
	Res      int     // H3 resolution 9-11; 0 means DefaultRes
	MaxSnapM float64 // off-network threshold; 0 means DefaultMaxSnapM
	Pieces   bool    // also list the reached edge pieces in Isochrone.Pieces
}

// Isochrone is the area reachable on foot from an origin within a budget.
type Isochrone struct {
	Snap    Snap
	BudgetM float64
	Res     int
	Nodes   []Reached   // reached nodes by walking distance
	Pieces  []EdgePiece // reached edge pieces, partial edges clipped; only if asked for
	Cells   []h3.Cell   // sorted
	Polygon orb.MultiPolygon
	AreaM2  float64 // sum of the cells' areas
}

// Isochrone computes the walking isochrone of origin. The polygon is the
// union of H3 cells made of: the origin's cell; the cells of points sampled
// every 30 m or less along each reached edge piece; and, around each sample
// with walking budget left, the neighbouring cells whose centre lies within
// min(budget left, one average cell edge) of the sample, which stands for the
// short walk off the street into a block. Parts of the map that cannot be
// reached on foot are never filled in.
func (g *Graph) Isochrone(origin orb.Point, opt IsochroneOptions) (*Isochrone, error) {
	if opt.Res == 0 {
		opt.Res = DefaultRes
	}
	if opt.Res < minIsoRes || opt.Res > maxIsoRes {
		return nil, fmt.Errorf("isochrone: resolution %d outside %d-%d", opt.Res, minIsoRes, maxIsoRes)
	}
	if !(opt.BudgetM > 0) || math.IsInf(opt.BudgetM, 0) {
		return nil, fmt.Errorf("isochrone: invalid budget %v m", opt.BudgetM)
	}
	s, err := g.Snap(origin, opt.MaxSnapM)
	if err != nil {
		return nil, fmt.Errorf("isochrone: %w", err)
	}
	t, err := g.isoCellTable(opt.Res)
	if err != nil {
		return nil, fmt.Errorf("isochrone: %w", err)
	}
	st := g.getState()
	defer g.putState(st)
	g.seedSnap(st, s, opt.BudgetM, 0)
	g.run(st, opt.BudgetM)
	iso := &Isochrone{Snap: s, BudgetM: opt.BudgetM, Res: opt.Res, Nodes: g.reachedNodes(st)}
	if opt.Pieces {
		iso.Pieces = g.pieces(st, &s, opt.BudgetM)
	}
	iso.Cells, iso.AreaM2, iso.Polygon, err = g.isochroneCells(t, st, &s, origin, opt.BudgetM)
	if err != nil {
		return nil, fmt.Errorf("isochrone: %w", err)
	}
	return iso, nil
}

// samplePiece calls fn at both ends of the piece and at evenly spaced points
// between them no more than sampleStepM apart, with x the fraction along the
// whole edge.
func (g *Graph) samplePiece(p EdgePiece, fn func(pt orb.Point, x float64) error) error {
	total := g.geomLen[p.Edge]
	n := max(1, int(math.Ceil((p.To-p.From)*total/sampleStepM)))
	c := g.newAlong(p.Edge)
	for i := 0; i <= n; i++ {
		x := p.From + (p.To-p.From)*float64(i)/float64(n)
		if err := fn(c.at(x*total), x); err != nil {
			return err
		}
	}
	return nil
}

// along walks an edge's polyline forward: at(m) is the point m metres from
// its start, for m that never decrease from call to call.
type along struct {
	g      *Graph
	k, end int32   // segment k of the edge's points, which end before end
	walked float64 // length of the segments before k
	l      float64 // length of segment k
}

func (g *Graph) newAlong(e int32) along {
	a := g.geomOff[e]
	return along{g: g, k: a, end: g.geomOff[e+1], l: g.segLen(a)}
}

func (c *along) at(m float64) orb.Point {
	g := c.g
	for c.k+2 < c.end && c.walked+c.l < m {
		c.walked += c.l
		c.k++
		c.l = g.segLen(c.k)
	}
	t := 0.0
	if c.l > 0 {
		t = math.Max(0, math.Min(1, (m-c.walked)/c.l))
	}
	k := c.k
	return orb.Point{g.geomSlab[2*k] + t*(g.geomSlab[2*k+2]-g.geomSlab[2*k]),
		g.geomSlab[2*k+1] + t*(g.geomSlab[2*k+3]-g.geomSlab[2*k+1])}
}

// pieceSamples calls fn at both ends of the piece and at every sample of
// the whole edge (as samplePiece places them on [0, 1], no more than
// sampleStepM apart) that lies strictly inside the piece, with x the
// fraction along the edge. Samples of a piece cut by the budget are thus
// the edge's fixed samples plus the cut, which lets the cells of all but
// the cut come from the precomputed table.
func (g *Graph) pieceSamples(p EdgePiece, fn func(pt orb.Point, x float64) error) error {
	if err := fn(g.pointAlong(p.Edge, p.From), p.From); err != nil {
		return err
	}
	var inner error
	err := g.samplePiece(EdgePiece{Edge: p.Edge, To: 1}, func(pt orb.Point, x float64) error {
		if x > p.From && x < p.To && inner == nil {
			inner = fn(pt, x)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if inner != nil {
		return inner
	}
	if p.To != p.From {
		return fn(g.pointAlong(p.Edge, p.To), p.To)
	}
	return nil
}

// pointAlong returns the point at fraction x of edge e's length along its
// geometry, with samplePiece's arithmetic.
func (g *Graph) pointAlong(e int32, x float64) orb.Point {
	c := g.newAlong(e)
	return c.at(x * g.geomLen[e])
}

// CellsPolygon merges cells of one resolution, without duplicates, into a
// lon/lat MultiPolygon with closed rings.
func CellsPolygon(cells []h3.Cell) (orb.MultiPolygon, error) {
	if len(cells) == 0 {
		return orb.MultiPolygon{}, nil
	}
	polys, err := h3.CellsToMultiPolygon(cells)
	if err != nil {
		return nil, fmt.Errorf("merge %d cells: %w", len(cells), err)
	}
	mp := make(orb.MultiPolygon, 0, len(polys))
	for _, p := range polys {
		poly := orb.Polygon{ringOf(p.GeoLoop)}
		for _, h := range p.Holes {
			poly = append(poly, ringOf(h))
		}
		mp = append(mp, poly)
	}
	return mp, nil
}

func ringOf(loop h3.GeoLoop) orb.Ring {
	r := make(orb.Ring, 0, len(loop)+1)
	for _, ll := range loop {
		r = append(r, orb.Point{ll.Lng, ll.Lat})
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	return r
}

// CellsAreaM2 returns the total area of cells in square metres.
func CellsAreaM2(cells []h3.Cell) (float64, error) {
	var sum float64
	for _, c := range cells {
		a, err := h3.CellAreaM2(c)
		if err != nil {
			return 0, fmt.Errorf("area of cell %v: %w", c, err)
		}
		sum += a
	}
	return sum, nil
}

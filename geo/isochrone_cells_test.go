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

// directIsochroneCells is the definition of an isochrone's cells, computed
// the slow way with H3 calls for every sample: the origin's cell; for every
// reached node and every sample of every reached piece, the sample's cell
// and the neighbouring cells whose centre lies within min(budget left, one
// average cell edge) of it. The precomputed tables must give the same cells.
func directIsochroneCells(g *Graph, origin orb.Point, budget float64, res int) ([]h3.Cell, error) {
	s, err := g.Snap(origin, 0)
	if err != nil {
		return nil, err
	}
	edgeM, err := h3.HexagonEdgeLengthAvgM(res)
	if err != nil {
		return nil, err
	}
	set := map[h3.Cell]struct{}{}
	add := func(pt orb.Point, remain float64) error {
		c, err := CellOf(pt, res)
		if err != nil {
			return err
		}
		set[c] = struct{}{}
		allow := math.Min(remain, edgeM)
		if allow <= 0 {
			return nil
		}
		ring, err := h3.GridDisk(c, 1)
		if err != nil {
			return err
		}
		for _, n := range ring {
			ll, err := h3.CellToLatLng(n)
			if err != nil {
				return err
			}
			if shortDistanceM(pt, orb.Point{ll.Lng, ll.Lat}) <= allow {
				set[n] = struct{}{}
			}
		}
		return nil
	}
	if err := add(origin, 0); err != nil {
		return nil, err
	}
	st := g.getState()
	defer g.putState(st)
	g.seedSnap(st, s, budget, 0)
	g.run(st, budget)
	for _, v := range st.settled {
		if err := add(g.NodePoint(v), budget-st.dist[v]); err != nil {
			return nil, err
		}
	}
	for _, p := range g.pieces(st, &s, budget) {
		c := g.costsOf(st, p.Edge, &s)
		skipFrom := p.From == 0 && c.source <= budget
		skipTo := p.To == 1 && c.target <= budget
		err := g.pieceSamples(p, func(pt orb.Point, x float64) error {
			if (x == p.From && skipFrom) || (x == p.To && skipTo) {
				return nil
			}
			return add(pt, math.Max(0, budget-c.at(x)))
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]h3.Cell, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}

// checkIsochroneCells compares Isochrone's cells and area with the direct
// definition at one origin.
func checkIsochroneCells(g *Graph, origin orb.Point, budget float64, res int) error {
	iso, err := g.Isochrone(origin, IsochroneOptions{BudgetM: budget, Res: res})
	if err != nil {
		return err
	}
	want, err := directIsochroneCells(g, origin, budget, res)
	if err != nil {
		return err
	}
	if !slices.Equal(iso.Cells, want) {
		return fmt.Errorf("%d cells, direct sampling gives %d; only in isochrone %v, only direct %v",
			len(iso.Cells), len(want), cellsMinus(iso.Cells, want), cellsMinus(want, iso.Cells))
	}
	area, err := CellsAreaM2(want)
	if err != nil {
		return err
	}
	if iso.AreaM2 != area {
		return fmt.Errorf("area %v, sum of the cells %v", iso.AreaM2, area)
	}
	return nil
}

func cellsMinus(a, b []h3.Cell) []h3.Cell {
	var out []h3.Cell
	for _, c := range a {
		if _, found := slices.BinarySearch(b, c); !found {
			out = append(out, c)
		}
	}
	return out
}

func TestIsochrone_CellsEqualDirectSampling(t *testing.T) {
	g := randomNetwork(9, 500, 3000).build(t)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, res := range []int{9, 10, 11} {
		for _, budget := range []float64{60, 250, 700} {
			for _, origin := range randomPoints(rng, 8, 3000) {
				if _, err := g.Snap(origin, 0); err != nil {
					continue
				}
				if err := checkIsochroneCells(g, origin, budget, res); err != nil {
					t.Errorf("res %d, %v m from %v: %v", res, budget, origin, err)
				}
			}
		}
	}
}

func TestIsochrone_CellsOfLongCurvedEdgesEqualDirectSampling(t *testing.T) {
	// Winding edges several cells long, so whole edges, edges cut by the
	// budget and edges reached from both ends all occur.
	n := &network{}
	gridNetwork(n, jining, 4, 4, 400, 1)
	for i := range n.edges {
		e := &n.edges[i]
		a, b := n.point(e.Source), n.point(e.Target)
		ls := orb.LineString{a}
		for k := 1; k < 12; k++ {
			f := float64(k) / 12
			p := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
			ls = append(ls, offset(p, 25*math.Sin(f*7), 25*math.Cos(f*5)))
		}
		e.Geom, e.LengthM = append(ls, b), LineLengthM(append(ls, b))
	}
	g := n.build(t)
	for _, budget := range []float64{100, 500, 900, 1500} {
		for _, origin := range []orb.Point{offset(jining, 10, 10), offset(jining, 610, 380), offset(jining, 1200, 900)} {
			if err := checkIsochroneCells(g, origin, budget, DefaultRes); err != nil {
				t.Errorf("%v m from %v: %v", budget, origin, err)
			}
		}
	}
}

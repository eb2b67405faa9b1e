package geo

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// CellShare is the part of an area's population that lives in one H3 cell.
type CellShare struct {
	Cell   h3.Cell
	Share  float64 // fraction of the area's population, the shares sum to 1
	People int     // whole residents; the parts sum exactly to the total
}

// SpreadPopulation spreads population over the H3 cells of poly at res: the
// cells whose centre lies inside poly, or the cell of its centroid when the
// polygon is too small to hold a centre. Shares follow weight (nil: even;
// an all-zero weight falls back to even) and whole residents are assigned by
// largest remainder, so People always sums to population. Cells come sorted.
func SpreadPopulation(poly orb.MultiPolygon, population, res int, weight func(h3.Cell) float64) ([]CellShare, error) {
	if population < 0 {
		return nil, fmt.Errorf("spread population: negative population %d", population)
	}
	cells, err := polygonCells(poly, res)
	if err != nil {
		return nil, fmt.Errorf("spread population: %w", err)
	}
	w := make([]float64, len(cells))
	var total float64
	if weight != nil {
		for i, c := range cells {
			if w[i] = weight(c); w[i] < 0 || math.IsNaN(w[i]) || math.IsInf(w[i], 0) {
				return nil, fmt.Errorf("spread population: invalid weight %v for cell %v", w[i], c)
			}
			total += w[i]
		}
	}
	if total == 0 {
		for i := range w {
			w[i] = 1
		}
		total = float64(len(w))
	}
	out := make([]CellShare, len(cells))
	type rem struct {
		i    int
		frac float64
	}
	rems := make([]rem, len(cells))
	assigned := 0
	for i, c := range cells {
		share := w[i] / total
		quota := share * float64(population)
		whole := math.Floor(quota)
		out[i] = CellShare{Cell: c, Share: share, People: int(whole)}
		assigned += int(whole)
		rems[i] = rem{i, quota - whole}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for k := 0; assigned < population; k = (k + 1) % len(rems) {
		out[rems[k].i].People++
		assigned++
	}
	return out, nil
}

// polygonCells returns the sorted, distinct cells whose centre lies in poly,
// or the centroid's cell when there are none.
func polygonCells(poly orb.MultiPolygon, res int) ([]h3.Cell, error) {
	seen := map[h3.Cell]struct{}{}
	for _, p := range poly {
		if len(p) == 0 || len(p[0]) < 3 {
			continue
		}
		gp := h3.GeoPolygon{GeoLoop: loopOf(p[0])}
		for _, h := range p[1:] {
			gp.Holes = append(gp.Holes, loopOf(h))
		}
		cs, err := h3.PolygonToCells(gp, res)
		if err != nil {
			return nil, fmt.Errorf("cells of polygon at res %d: %w", res, err)
		}
		for _, c := range cs {
			seen[c] = struct{}{}
		}
	}
	if len(seen) == 0 {
		centre, area := planar.CentroidArea(poly)
		if area == 0 && len(poly) > 0 && len(poly[0]) > 0 && len(poly[0][0]) > 0 {
			centre = poly[0][0][0]
		} else if area == 0 {
			return nil, fmt.Errorf("empty polygon")
		}
		c, err := CellOf(centre, res)
		if err != nil {
			return nil, fmt.Errorf("cell of centroid: %w", err)
		}
		return []h3.Cell{c}, nil
	}
	out := make([]h3.Cell, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

func loopOf(r orb.Ring) h3.GeoLoop {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	loop := make(h3.GeoLoop, n)
	for i := range n {
		loop[i] = h3.NewLatLng(r[i].Lat(), r[i].Lon())
	}
	return loop
}

// Coverage splits the people of cells into those living in a covered cell
// and the rest; the two always add up to the total.
func Coverage(cells []CellShare, covered func(h3.Cell) bool) (coveredPop, uncoveredPop int) {
	for _, c := range cells {
		if covered(c.Cell) {
			coveredPop += c.People
		} else {
			uncoveredPop += c.People
		}
	}
	return coveredPop, uncoveredPop
}

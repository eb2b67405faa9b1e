package access

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour/geo"
)

// The gap grid is the walking-access surface of one category laid on H3
// cells for maps of the whole city: at res 10 every cell where people live
// and every cell near the network within the walk, and coarser resolutions
// aggregated from them so that a city-wide map stays small.

// GapResolutions are the resolutions a gap grid holds, coarsest first.
var GapResolutions = []int{7, 8, 9, geo.DefaultRes}

// GapResForZoom is the resolution drawn at map zoom z: res 10 at 14 and
// closer, 9 at 12–13, 8 at 10–11 and 7 further out.
func GapResForZoom(z int) int {
	switch {
	case z >= 14:
		return 10
	case z >= 12:
		return 9
	case z >= 10:
		return 8
	default:
		return 7
	}
}

// GapCell is one cell of a gap grid.
type GapCell struct {
	Cell       h3.Cell
	Population int // residents
	Unreached  int // residents whose cell is beyond the walk or off the network
	// Minutes is the walk to the nearest outlet: at res 10 from the cell's
	// centre; coarser, the mean over the reached residents' cells weighted
	// by their residents (over the reached cells when nobody lives there).
	// NaN when no cell of it is within the walk.
	Minutes float64
}

// Reached reports whether some part of the cell is within the walk.
func (c GapCell) Reached() bool { return !math.IsNaN(c.Minutes) }

// GapGrid is the gap grid of one category within the default walk. It is
// immutable; a change of the category's outlets or a reload yields a new
// grid with a new Version.
type GapGrid struct {
	Category string
	// Version differs between any two grids built by this process, so a
	// cache keyed by it never serves a grid's tiles for another.
	Version uint64
	BudgetM float64
	Minutes float64 // the walk, in minutes at geo.DefaultWalk's pace
	// Bound holds every cell of the grid; empty when there is none.
	Bound  orb.Bound
	levels map[int]*gapLevel
}

// gapLevel is the grid at one resolution with a lon/lat bucket index of the
// cells' centres.
type gapLevel struct {
	cells     []GapCell
	centres   []orb.Point
	buckets   map[[2]int32][]int32
	bucketDeg float64
	padDeg    float64 // the farthest any cell's vertex lies from its centre, in degrees of lon or lat
}

var gapVersions atomic.Uint64

// gapEntry builds one grid once.
type gapEntry struct {
	once sync.Once
	g    *GapGrid
	err  error
}

// gapGrids caches grids by the surface they were built from. Surfaces are
// shared by the snapshots an outlet change derives for the categories it
// does not touch, so those grids carry over; the weak keys let a surface
// that no snapshot holds any more be collected, and its grid with it.
var gapGrids = struct {
	mu sync.Mutex
	m  map[weak.Pointer[catSurface]]*gapEntry
}{m: map[weak.Pointer[catSurface]]*gapEntry{}}

func gapEntryFor(sf *catSurface) *gapEntry {
	k := weak.Make(sf)
	gapGrids.mu.Lock()
	defer gapGrids.mu.Unlock()
	ent, ok := gapGrids.m[k]
	if !ok {
		ent = &gapEntry{}
		gapGrids.m[k] = ent
		runtime.AddCleanup(sf, func(k weak.Pointer[catSurface]) {
			gapGrids.mu.Lock()
			delete(gapGrids.m, k)
			gapGrids.mu.Unlock()
		}, k)
	}
	return ent
}

// GapGrid returns the gap grid of category within the default walk (15
// minutes at 4 km/h), built on first use and kept while the category's
// outlets, the communities and the networks stay as they are.
func (e *Index) GapGrid(category string) (*GapGrid, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	sf, err := s.surface(category, geo.DefaultWalk.Metres())
	if err != nil {
		return nil, fmt.Errorf("gap grid: %w", err)
	}
	ent := gapEntryFor(sf)
	ent.once.Do(func() {
		ent.g, ent.err = s.buildGapGrid(category, sf)
	})
	return ent.g, ent.err
}

// buildGapGrid measures the walk at the centre of every populated res-10
// cell and of every cell over the networks' bounds, keeping the populated
// ones and those within the walk, and aggregates them to the coarser
// resolutions.
func (s *snapshot) buildGapGrid(category string, sf *catSurface) (*GapGrid, error) {
	pop, err := s.cellPopulation()
	if err != nil {
		return nil, fmt.Errorf("gap grid: %w", err)
	}
	seen := make(map[h3.Cell]bool, len(pop))
	cand := make([]h3.Cell, 0, len(pop))
	for c := range pop {
		seen[c] = true
		cand = append(cand, c)
	}
	for _, a := range s.areas {
		cells, err := boundCells(a.bound, geo.DefaultRes)
		if err != nil {
			return nil, fmt.Errorf("gap grid of %s: %w", a.name, err)
		}
		for _, c := range cells {
			if !seen[c] {
				seen[c] = true
				cand = append(cand, c)
			}
		}
	}
	slices.Sort(cand)
	walk := make([]float64, len(cand))
	var wg sync.WaitGroup
	workers := max(1, min(runtime.GOMAXPROCS(0), len(cand)/512))
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(cand); i += workers {
				d, ok := sf.cellDistance(cand[i])
				if !ok {
					d = math.Inf(1)
				}
				walk[i] = d
			}
		})
	}
	wg.Wait()

	mPerMin := geo.DefaultWalk.MetresPerMinute()
	g := &GapGrid{Category: category, Version: gapVersions.Add(1), BudgetM: sf.budgetM,
		Minutes: sf.budgetM / mPerMin, levels: map[int]*gapLevel{}}
	fine := make([]GapCell, 0, len(cand))
	for i, c := range cand {
		p := pop[c]
		reached := !math.IsInf(walk[i], 1)
		if p == 0 && !reached {
			continue
		}
		gc := GapCell{Cell: c, Population: p, Minutes: math.NaN()}
		if reached {
			gc.Minutes = walk[i] / mPerMin
		} else {
			gc.Unreached = p
		}
		fine = append(fine, gc)
	}
	for _, res := range GapResolutions {
		cells := fine
		if res != geo.DefaultRes {
			if cells, err = aggregateGap(fine, res); err != nil {
				return nil, fmt.Errorf("gap grid: %w", err)
			}
		}
		lv, err := newGapLevel(cells, res)
		if err != nil {
			return nil, fmt.Errorf("gap grid: %w", err)
		}
		g.levels[res] = lv
		if len(cells) == 0 {
			continue
		}
		b := orb.Bound{Min: lv.centres[0], Max: lv.centres[0]}
		for _, p := range lv.centres {
			b = b.Extend(p)
		}
		b = b.Pad(lv.padDeg)
		if g.Bound.IsZero() {
			g.Bound = b
		} else {
			g.Bound = g.Bound.Union(b)
		}
	}
	return g, nil
}

// aggregateGap sums res-10 cells into their parents at res: residents and
// unreached residents add up, minutes are weighted by the reached
// residents (plain mean where nobody reached lives).
func aggregateGap(fine []GapCell, res int) ([]GapCell, error) {
	type acc struct {
		pop, unreached    int
		wMin, wPop        float64 // residents-weighted minutes
		sumMin            float64 // unweighted, for cells without residents
		reached, reached0 int
	}
	byParent := map[h3.Cell]*acc{}
	var order []h3.Cell
	for _, c := range fine {
		p, err := c.Cell.Parent(res)
		if err != nil {
			return nil, fmt.Errorf("parent of %v at res %d: %w", c.Cell, res, err)
		}
		a := byParent[p]
		if a == nil {
			a = &acc{}
			byParent[p] = a
			order = append(order, p)
		}
		a.pop += c.Population
		a.unreached += c.Unreached
		if c.Reached() {
			reachedPop := float64(c.Population - c.Unreached)
			a.wMin += c.Minutes * reachedPop
			a.wPop += reachedPop
			a.sumMin += c.Minutes
			a.reached++
		}
	}
	slices.Sort(order)
	out := make([]GapCell, len(order))
	for i, p := range order {
		a := byParent[p]
		gc := GapCell{Cell: p, Population: a.pop, Unreached: a.unreached, Minutes: math.NaN()}
		switch {
		case a.wPop > 0:
			gc.Minutes = a.wMin / a.wPop
		case a.reached > 0:
			gc.Minutes = a.sumMin / float64(a.reached)
		}
		out[i] = gc
	}
	return out, nil
}

func newGapLevel(cells []GapCell, res int) (*gapLevel, error) {
	edgeM, err := h3.HexagonEdgeLengthAvgM(res)
	if err != nil {
		return nil, fmt.Errorf("edge length at res %d: %w", res, err)
	}
	lv := &gapLevel{cells: cells, centres: make([]orb.Point, len(cells)), buckets: map[[2]int32][]int32{},
		bucketDeg: edgeM * 16 / 111_320}
	for i, c := range cells {
		ll, err := h3.CellToLatLng(c.Cell)
		if err != nil {
			return nil, fmt.Errorf("centre of %v: %w", c.Cell, err)
		}
		p := orb.Point{ll.Lng, ll.Lat}
		lv.centres[i] = p
		vs, err := h3.CellToBoundary(c.Cell)
		if err != nil {
			return nil, fmt.Errorf("boundary of %v: %w", c.Cell, err)
		}
		for _, v := range vs {
			lv.padDeg = math.Max(lv.padDeg, math.Max(math.Abs(v.Lng-p.Lon()), math.Abs(v.Lat-p.Lat())))
		}
		k := lv.bucket(p)
		lv.buckets[k] = append(lv.buckets[k], int32(i))
	}
	return lv, nil
}

func (lv *gapLevel) bucket(p orb.Point) [2]int32 {
	return [2]int32{int32(math.Floor(p.Lon() / lv.bucketDeg)), int32(math.Floor(p.Lat() / lv.bucketDeg))}
}

// Cells returns the grid's cells at res (one of GapResolutions) that may
// meet b (lon/lat), in cell order.
func (g *GapGrid) Cells(res int, b orb.Bound) []GapCell {
	lv := g.levels[res]
	if lv == nil || len(lv.cells) == 0 {
		return nil
	}
	b = b.Pad(lv.padDeg)
	if !b.Intersects(g.Bound) {
		return nil
	}
	// Only the part of b over the grid needs its buckets visited.
	b = orb.Bound{Min: orb.Point{math.Max(b.Min.Lon(), g.Bound.Min.Lon()), math.Max(b.Min.Lat(), g.Bound.Min.Lat())},
		Max: orb.Point{math.Min(b.Max.Lon(), g.Bound.Max.Lon()), math.Min(b.Max.Lat(), g.Bound.Max.Lat())}}
	lo, hi := lv.bucket(b.Min), lv.bucket(b.Max)
	var idx []int32
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			for _, i := range lv.buckets[[2]int32{x, y}] {
				if b.Contains(lv.centres[i]) {
					idx = append(idx, i)
				}
			}
		}
	}
	slices.Sort(idx)
	out := make([]GapCell, len(idx))
	for j, i := range idx {
		out[j] = lv.cells[i]
	}
	return out
}

// Len returns how many cells the grid holds at res.
func (g *GapGrid) Len(res int) int {
	if lv := g.levels[res]; lv != nil {
		return len(lv.cells)
	}
	return 0
}

// boundCells lists the cells at res whose centres lie in b.
func boundCells(b orb.Bound, res int) ([]h3.Cell, error) {
	loop := h3.GeoLoop{
		h3.NewLatLng(b.Min.Lat(), b.Min.Lon()), h3.NewLatLng(b.Min.Lat(), b.Max.Lon()),
		h3.NewLatLng(b.Max.Lat(), b.Max.Lon()), h3.NewLatLng(b.Max.Lat(), b.Min.Lon()),
	}
	cells, err := h3.PolygonToCells(h3.GeoPolygon{GeoLoop: loop}, res)
	if err != nil {
		return nil, fmt.Errorf("cells of %v: %w", b, err)
	}
	return cells, nil
}

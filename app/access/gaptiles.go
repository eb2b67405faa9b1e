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
// immutable; a change of where the category's outlets are, or a reload,
// yields a new grid with a new Version.
type GapGrid struct {
	Category string
	// Version differs between any two grids built by this process, so a
	// cache keyed by it never serves a grid's tiles for another.
	Version uint64
	BudgetM float64
	Minutes float64 // the walk, in minutes at geo.DefaultWalk's pace
	// Bound holds every cell of the grid; empty when there is none.
	Bound  orb.Bound
	base   *gapBase
	levels map[int]*gapLevel
}

// gapLevel is the grid at one resolution: a value for every cell of the
// base level, of which the grid holds those where people live or that are
// within the walk.
type gapLevel struct {
	base    *gapBaseLevel
	minutes []float64 // per base cell; NaN beyond the walk
	// unreached is per base cell at the coarser resolutions; nil at res 10,
	// where a cell's residents are all unreached or none.
	unreached []int32
	n         int     // cells held
	padDeg    float64 // the farthest any held cell's vertex lies from its centre, in degrees of lon or lat
}

func (lv *gapLevel) holds(i int32) bool {
	return lv.base.pop[i] > 0 || !math.IsNaN(lv.minutes[i])
}

func (lv *gapLevel) cell(i int32) GapCell {
	c := GapCell{Cell: lv.base.cells[i], Population: int(lv.base.pop[i]), Minutes: lv.minutes[i]}
	switch {
	case lv.unreached != nil:
		c.Unreached = int(lv.unreached[i])
	case math.IsNaN(c.Minutes):
		c.Unreached = c.Population
	}
	return c
}

// gapBase is what the gap grids of all categories share within one load:
// the res-10 cells measured (every populated cell and every cell over the
// networks' bounds), their residents, where their centres lie on the
// networks, and the coarser cells they add up to, each resolution with a
// lon/lat bucket index of its cells' centres. With it a category's grid is
// a lookup per cell in the category's surface.
type gapBase struct {
	areas  []*areaNet
	fine   *gapBaseLevel
	at     []cellSnap // per fine cell
	coarse map[int]*gapBaseLevel
	// byNode lists, per area and node, the fine cells whose centres lie on
	// an edge of the node.
	byNode []nodeCells
}

// nodeCells lists the cells of node v as cell[start[v]:start[v+1]].
type nodeCells struct {
	start, cell []int32
}

// cellSnap is a cell centre placed on a network: area indexes
// gapBase.areas, -1 when the centre is off every network.
type cellSnap struct {
	area int32
	edge int32
	frac float64
	leg  float64
}

type gapBaseLevel struct {
	cells     []h3.Cell // sorted
	centres   []orb.Point
	pads      []float64 // the farthest a cell's vertex lies from its centre, in degrees of lon or lat
	pop       []int32   // residents
	buckets   map[[2]int32][]int32
	bucketDeg float64
	// At the coarser resolutions, the fine cells of cell j are
	// child[childStart[j]:childStart[j+1]], in fine order.
	childStart, child []int32
}

func (bl *gapBaseLevel) bucket(p orb.Point) [2]int32 {
	return [2]int32{int32(math.Floor(p.Lon() / bl.bucketDeg)), int32(math.Floor(p.Lat() / bl.bucketDeg))}
}

// gapBaseCache builds a load's gapBase once; the snapshots derived from
// the load share it.
type gapBaseCache struct {
	once sync.Once
	b    *gapBase
	err  error
}

// gapBase returns the load's gapBase, built on first use.
func (s *snapshot) gapBase() (*gapBase, error) {
	s.gap.once.Do(func() {
		s.gap.b, s.gap.err = s.buildGapBase()
	})
	return s.gap.b, s.gap.err
}

var gapVersions atomic.Uint64

// gapEntry builds one grid once.
type gapEntry struct {
	once sync.Once
	g    atomic.Pointer[GapGrid]
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

// builtGapGrid returns the grid built from sf, or nil when none is built.
func builtGapGrid(sf *catSurface) *GapGrid {
	gapGrids.mu.Lock()
	ent := gapGrids.m[weak.Make(sf)]
	gapGrids.mu.Unlock()
	if ent == nil {
		return nil
	}
	return ent.g.Load()
}

// GapGrid returns the gap grid of category within the default walk (15
// minutes at 4 km/h), built on first use and kept while the category's
// outlets, the communities and the networks stay as they are. An outlet
// change brings the grids built of its categories up to date.
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
		g, err := s.buildGapGrid(category, sf)
		ent.err = err
		ent.g.Store(g)
	})
	return ent.g.Load(), ent.err
}

// carryGapGrid gives next, derived from prev by change, the gap grid of
// prev brought up to date, when prev has one.
func (s *snapshot) carryGapGrid(category string, prev, next *catSurface, change catChange) {
	if prev.budgetM != geo.DefaultWalk.Metres() {
		return
	}
	old := builtGapGrid(prev)
	if old == nil {
		return
	}
	g := old.derive(prev, next, change)
	ent := gapEntryFor(next)
	ent.once.Do(func() { ent.g.Store(g) })
}

// buildGapGrid measures the walk at the centre of every res-10 cell of the
// load's gapBase, keeping the populated ones and those within the walk, and
// aggregates them to the coarser resolutions.
func (s *snapshot) buildGapGrid(category string, sf *catSurface) (*GapGrid, error) {
	base, err := s.gapBase()
	if err != nil {
		return nil, fmt.Errorf("gap grid: %w", err)
	}
	surfs := base.surfaces(sf)
	mPerMin := geo.DefaultWalk.MetresPerMinute()
	fine := make([]float64, len(base.fine.cells))
	const chunk = 4096
	geo.Parallel((len(fine)+chunk-1)/chunk, func(k int) {
		for i := k * chunk; i < min(len(fine), (k+1)*chunk); i++ {
			fine[i] = base.minutesAt(surfs, int32(i), mPerMin)
		}
	})
	g := &GapGrid{Category: category, Version: gapVersions.Add(1), BudgetM: sf.budgetM,
		Minutes: sf.budgetM / mPerMin, base: base, levels: map[int]*gapLevel{}}
	g.levels[geo.DefaultRes] = &gapLevel{base: base.fine, minutes: fine}
	for res, bl := range base.coarse {
		lv := &gapLevel{base: bl, minutes: make([]float64, len(bl.cells)), unreached: make([]int32, len(bl.cells))}
		for j := range bl.cells {
			lv.aggregate(int32(j), fine, base.fine.pop)
		}
		g.levels[res] = lv
	}
	g.finish()
	return g, nil
}

// surfaces lists sf's surface of each of the base's areas.
func (b *gapBase) surfaces(sf *catSurface) []*geo.Surface {
	out := make([]*geo.Surface, len(b.areas))
	for i, a := range b.areas {
		out[i] = sf.byArea[a]
	}
	return out
}

// minutesAt is the walk in minutes from the centre of fine cell i to the
// nearest source of surfs, NaN when it is off network or beyond the walk.
func (b *gapBase) minutesAt(surfs []*geo.Surface, i int32, mPerMin float64) float64 {
	at := b.at[i]
	if at.area < 0 {
		return math.NaN()
	}
	d, ok := surfs[at.area].DistanceAtSnap(geo.Snap{Edge: at.edge, Frac: at.frac, DistanceM: at.leg})
	if !ok {
		return math.NaN()
	}
	return d / mPerMin
}

// aggregate sums the fine cells of cell j into it: residents and unreached
// residents add up, minutes are weighted by the reached residents (plain
// mean where nobody reached lives).
func (lv *gapLevel) aggregate(j int32, fine []float64, finePop []int32) {
	bl := lv.base
	var unreached, reached int
	var wMin, wPop, sumMin float64
	for _, i := range bl.child[bl.childStart[j]:bl.childStart[j+1]] {
		m := fine[i]
		if math.IsNaN(m) {
			unreached += int(finePop[i])
			continue
		}
		reachedPop := float64(finePop[i])
		wMin += m * reachedPop
		wPop += reachedPop
		sumMin += m
		reached++
	}
	lv.unreached[j] = int32(unreached)
	switch {
	case wPop > 0:
		lv.minutes[j] = wMin / wPop
	case reached > 0:
		lv.minutes[j] = sumMin / float64(reached)
	default:
		lv.minutes[j] = math.NaN()
	}
}

// finish counts the cells each level holds and sets their padding and the
// grid's bound.
func (g *GapGrid) finish() {
	g.Bound = orb.Bound{}
	for _, res := range GapResolutions {
		lv := g.levels[res]
		lv.n, lv.padDeg = 0, 0
		var b orb.Bound
		for i, p := range lv.base.centres {
			if !lv.holds(int32(i)) {
				continue
			}
			if lv.n == 0 {
				b = orb.Bound{Min: p, Max: p}
			} else {
				b = b.Extend(p)
			}
			lv.n++
			lv.padDeg = math.Max(lv.padDeg, lv.base.pads[i])
		}
		if lv.n == 0 {
			continue
		}
		b = b.Pad(lv.padDeg)
		if g.Bound.IsZero() {
			g.Bound = b
		} else {
			g.Bound = g.Bound.Union(b)
		}
	}
}

// derive returns the grid of next, a surface derived from prev (the
// surface g was built from) by change: only the cells whose centres lie on
// an edge with an end whose distance changed, or on the edge of a changed
// source, are measured again (a centre's walk depends on nothing else),
// and only the coarser cells holding one of those are summed again. The
// result equals a grid built from next.
func (g *GapGrid) derive(prev, next *catSurface, change catChange) *GapGrid {
	base := g.base
	n := &GapGrid{Category: g.Category, Version: gapVersions.Add(1), BudgetM: g.BudgetM, Minutes: g.Minutes,
		base: base, levels: make(map[int]*gapLevel, len(g.levels))}
	fine := slices.Clone(g.levels[geo.DefaultRes].minutes)
	n.levels[geo.DefaultRes] = &gapLevel{base: base.fine, minutes: fine}
	surfs := base.surfaces(next)
	mPerMin := geo.DefaultWalk.MetresPerMinute()
	var changed []int32
	flipped := false
	for ai, a := range base.areas {
		before, after := prev.byArea[a], next.byArea[a]
		if before == after {
			continue
		}
		nc := base.byNode[ai]
		measure := func(v int32) {
			for _, i := range nc.cell[nc.start[v]:nc.start[v+1]] {
				m := base.minutesAt(surfs, i, mPerMin)
				if m != fine[i] && !(math.IsNaN(m) && math.IsNaN(fine[i])) {
					// A cell where nobody lives comes or goes as it enters
					// or leaves the walk.
					flipped = flipped || base.fine.pop[i] == 0 && math.IsNaN(m) != math.IsNaN(fine[i])
					fine[i] = m
					changed = append(changed, i)
				}
			}
		}
		for v := range int32(a.g.NodeCount()) {
			if before.NodeDistance(v) != after.NodeDistance(v) {
				measure(v)
			}
		}
		if c := change[a]; c != nil {
			for _, e := range c.edges {
				src, dst := a.g.EdgeEnds(e)
				measure(src)
				measure(dst)
			}
		}
	}
	for res, bl := range base.coarse {
		old := g.levels[res]
		lv := &gapLevel{base: bl, minutes: slices.Clone(old.minutes), unreached: slices.Clone(old.unreached)}
		done := map[int32]bool{}
		for _, i := range changed {
			j := bl.parentOf(base.fine.cells[i], res)
			if j >= 0 && !done[j] {
				done[j] = true
				was := math.IsNaN(lv.minutes[j])
				lv.aggregate(j, fine, base.fine.pop)
				flipped = flipped || bl.pop[j] == 0 && was != math.IsNaN(lv.minutes[j])
			}
		}
		n.levels[res] = lv
	}
	if flipped {
		n.finish()
		return n
	}
	// The same cells as before: their count, padding and bound stay.
	n.Bound = g.Bound
	for res, lv := range n.levels {
		lv.n, lv.padDeg = g.levels[res].n, g.levels[res].padDeg
	}
	return n
}

// parentOf returns the index of fine cell c's parent at res in the level,
// -1 when it holds none.
func (bl *gapBaseLevel) parentOf(c h3.Cell, res int) int32 {
	p, err := c.Parent(res)
	if err != nil {
		return -1
	}
	j, ok := slices.BinarySearch(bl.cells, p)
	if !ok {
		return -1
	}
	return int32(j)
}

// buildGapBase lists the res-10 cells of every populated cell and every
// cell over the networks' bounds, places their centres on the networks and
// builds the coarser levels over them.
func (s *snapshot) buildGapBase() (*gapBase, error) {
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
	b := &gapBase{areas: s.areas, at: make([]cellSnap, len(cand)), coarse: map[int]*gapBaseLevel{}}
	if b.fine, err = newGapBaseLevel(cand, geo.DefaultRes); err != nil {
		return nil, fmt.Errorf("gap grid: %w", err)
	}
	areaIdx := make(map[*areaNet]int32, len(s.areas))
	for i, a := range s.areas {
		areaIdx[a] = int32(i)
	}
	for i, c := range cand {
		b.fine.pop[i] = int32(pop[c])
	}
	const chunk = 2048
	geo.Parallel((len(cand)+chunk-1)/chunk, func(k int) {
		for i := k * chunk; i < min(len(cand), (k+1)*chunk); i++ {
			at := cellSnap{area: -1}
			if a, sn, ok := snapLocal(s.areas, b.fine.centres[i]); ok {
				at = cellSnap{area: areaIdx[a], edge: sn.Edge, frac: sn.Frac, leg: sn.DistanceM}
			}
			b.at[i] = at
		}
	})
	b.byNode = make([]nodeCells, len(s.areas))
	for ai, a := range s.areas {
		nc := nodeCells{start: make([]int32, a.g.NodeCount()+1)}
		for _, at := range b.at {
			if at.area == int32(ai) {
				src, dst := a.g.EdgeEnds(at.edge)
				nc.start[src+1]++
				nc.start[dst+1]++
			}
		}
		for v := range a.g.NodeCount() {
			nc.start[v+1] += nc.start[v]
		}
		nc.cell = make([]int32, nc.start[a.g.NodeCount()])
		fill := slices.Clone(nc.start)
		for i, at := range b.at {
			if at.area == int32(ai) {
				src, dst := a.g.EdgeEnds(at.edge)
				nc.cell[fill[src]] = int32(i)
				fill[src]++
				nc.cell[fill[dst]] = int32(i)
				fill[dst]++
			}
		}
		b.byNode[ai] = nc
	}
	for _, res := range GapResolutions {
		if res == geo.DefaultRes {
			continue
		}
		bl, err := coarseGapLevel(b.fine, res)
		if err != nil {
			return nil, fmt.Errorf("gap grid: %w", err)
		}
		b.coarse[res] = bl
	}
	return b, nil
}

// newGapBaseLevel lays out sorted cells at res with their centres, pads and
// bucket index; residents are left at 0.
func newGapBaseLevel(cells []h3.Cell, res int) (*gapBaseLevel, error) {
	edgeM, err := h3.HexagonEdgeLengthAvgM(res)
	if err != nil {
		return nil, fmt.Errorf("edge length at res %d: %w", res, err)
	}
	bl := &gapBaseLevel{cells: cells, centres: make([]orb.Point, len(cells)), pads: make([]float64, len(cells)),
		pop: make([]int32, len(cells)), buckets: map[[2]int32][]int32{}, bucketDeg: edgeM * 16 / 111_320}
	errs := make([]error, len(cells))
	const chunk = 2048
	geo.Parallel((len(cells)+chunk-1)/chunk, func(k int) {
		for i := k * chunk; i < min(len(cells), (k+1)*chunk); i++ {
			c := cells[i]
			ll, err := h3.CellToLatLng(c)
			if err != nil {
				errs[i] = fmt.Errorf("centre of %v: %w", c, err)
				continue
			}
			p := orb.Point{ll.Lng, ll.Lat}
			bl.centres[i] = p
			vs, err := h3.CellToBoundary(c)
			if err != nil {
				errs[i] = fmt.Errorf("boundary of %v: %w", c, err)
				continue
			}
			for _, v := range vs {
				bl.pads[i] = math.Max(bl.pads[i], math.Max(math.Abs(v.Lng-p.Lon()), math.Abs(v.Lat-p.Lat())))
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i, p := range bl.centres {
		k := bl.bucket(p)
		bl.buckets[k] = append(bl.buckets[k], int32(i))
	}
	return bl, nil
}

// coarseGapLevel builds the level at res of the parents of fine's cells,
// their residents summed.
func coarseGapLevel(fine *gapBaseLevel, res int) (*gapBaseLevel, error) {
	parent := make([]h3.Cell, len(fine.cells))
	for i, c := range fine.cells {
		p, err := c.Parent(res)
		if err != nil {
			return nil, fmt.Errorf("parent of %v at res %d: %w", c, res, err)
		}
		parent[i] = p
	}
	cells := slices.Clone(parent)
	slices.Sort(cells)
	cells = slices.Compact(cells)
	bl, err := newGapBaseLevel(cells, res)
	if err != nil {
		return nil, err
	}
	idx := make([]int32, len(parent))
	bl.childStart = make([]int32, len(cells)+1)
	for i, p := range parent {
		j, _ := slices.BinarySearch(cells, p)
		idx[i] = int32(j)
		bl.childStart[j+1]++
		bl.pop[j] += fine.pop[i]
	}
	for j := range cells {
		bl.childStart[j+1] += bl.childStart[j]
	}
	bl.child = make([]int32, len(parent))
	fill := slices.Clone(bl.childStart[:len(cells)])
	for i, j := range idx {
		bl.child[fill[j]] = int32(i)
		fill[j]++
	}
	return bl, nil
}

// Cells returns the grid's cells at res (one of GapResolutions) that may
// meet b (lon/lat), in cell order.
func (g *GapGrid) Cells(res int, b orb.Bound) []GapCell {
	lv := g.levels[res]
	if lv == nil || lv.n == 0 {
		return nil
	}
	b = b.Pad(lv.padDeg)
	if !b.Intersects(g.Bound) {
		return nil
	}
	// Only the part of b over the grid needs its buckets visited.
	b = orb.Bound{Min: orb.Point{math.Max(b.Min.Lon(), g.Bound.Min.Lon()), math.Max(b.Min.Lat(), g.Bound.Min.Lat())},
		Max: orb.Point{math.Min(b.Max.Lon(), g.Bound.Max.Lon()), math.Min(b.Max.Lat(), g.Bound.Max.Lat())}}
	bl := lv.base
	lo, hi := bl.bucket(b.Min), bl.bucket(b.Max)
	var idx []int32
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			for _, i := range bl.buckets[[2]int32{x, y}] {
				if lv.holds(i) && b.Contains(bl.centres[i]) {
					idx = append(idx, i)
				}
			}
		}
	}
	slices.Sort(idx)
	out := make([]GapCell, len(idx))
	for j, i := range idx {
		out[j] = lv.cell(i)
	}
	return out
}

// Len returns how many cells the grid holds at res.
func (g *GapGrid) Len(res int) int {
	if lv := g.levels[res]; lv != nil {
		return lv.n
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

package geo

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// isoCells holds, for one H3 resolution, the cells an isochrone takes from
// every node and from every sample of a whole edge (the points samplePiece
// places on the piece [0, 1]): the sample's own cell, and the neighbouring
// cells whose centre lies within one average cell edge of the sample, with
// that distance. The off-network allowance of a sample is at most one cell
// edge, so which of these neighbours an isochrone takes depends only on the
// walking budget left at the sample; an isochrone therefore marks the cells
// of nodes and whole edges without any H3 call, and only pieces cut by the
// budget are sampled afresh.
type isoCells struct {
	res   int
	edgeM float64 // average cell edge, the largest off-network allowance

	cells   []h3.Cell   // sorted and distinct: sample cells and their neighbours
	centre  []orb.Point // per cell
	area    []float64   // per cell, m²
	ringOff []int32     // cell i's neighbours are ring[ringOff[i]:ringOff[i+1]]; empty unless a sample lies in i
	ring    []int32

	// Sample k has own cell own[k] and neighbours near[nearOff[k]:nearOff[k+1]].
	// Nodes are samples 0..n-1; edge e's samples i = 0..m are
	// edgeSample[e]+i, at fraction i/m of the edge.
	own        []int32
	nearOff    []int32
	near       []nearCell
	edgeSample []int32

	// interior[interiorOff[e]:interiorOff[e+1]] is the distinct cells of all
	// entries of edge e's samples other than its two ends: what the edge adds
	// when the budget left is at least one cell edge all along it.
	interior    []int32
	interiorOff []int32

	// A node reached with at least one cell edge plus its longest edge of
	// budget to spare is deep: all its edges are deep, and it takes its own
	// sample's cells and the interiors of all its edges, listed once here as
	// nodeCells[nodeCellsOff[v]:nodeCellsOff[v+1]] and marked in one pass.
	nodeCells    []int32
	nodeCellsOff []int32
	nodeMaxLen   []float32 // longest edge at each node, metres

	cellVertexes // per cell, for tracing outlines

	pool sync.Pool // *cellMarks
}

// nearCell is a neighbouring cell and the distance from a sample to its
// centre, metres.
type nearCell struct {
	cell  int32
	distM float64
}

// cellMarks collects the cells of one isochrone.
type cellMarks struct {
	mark  []uint32 // cell i is in if mark[i] == gen
	gen   uint32
	list  []int32
	extra map[h3.Cell]struct{} // cells outside the table, from pieces cut by the budget
	outlineScratch
}

// isoCellTable returns the cell table of resolution res (9-11), building it
// on first use.
func (g *Graph) isoCellTable(res int) (*isoCells, error) {
	slot := &g.cellTables[res-minIsoRes]
	slot.once.Do(func() { slot.t, slot.err = g.buildIsoCells(res) })
	return slot.t, slot.err
}

// IsochroneCellBytes returns the memory held by the precomputed isochrone
// cell tables built so far (resolution 10 is built with the graph).
func (g *Graph) IsochroneCellBytes() int {
	sum := 0
	for i := range g.cellTables {
		if t := g.cellTables[i].t; t != nil {
			sum += 8*len(t.cells) + 16*len(t.centre) + 8*len(t.vert) + 16*len(t.vertPt) + 4*len(t.across) + 8*len(t.area) + 4*(len(t.ringOff)+len(t.ring)) +
				4*(len(t.own)+len(t.nearOff)+len(t.edgeSample)+len(t.interior)+len(t.interiorOff)) +
				4*(len(t.nodeCells)+len(t.nodeCellsOff)+len(t.nodeMaxLen)) + 16*len(t.near)
		}
	}
	return sum
}

// buildIsoCells samples every node and every whole edge, as Isochrone would,
// and records the cells each sample can add.
func (g *Graph) buildIsoCells(res int) (*isoCells, error) {
	edgeM, err := h3.HexagonEdgeLengthAvgM(res)
	if err != nil {
		return nil, fmt.Errorf("cell edge length at res %d: %w", res, err)
	}
	t := &isoCells{res: res, edgeM: edgeM, edgeSample: make([]int32, len(g.edgeIDs)+1)}
	pts := make([]orb.Point, 0, len(g.nodeIDs)+len(g.geomSlab))
	for v := range g.nodeIDs {
		pts = append(pts, g.NodePoint(int32(v)))
	}
	for e := range g.edgeIDs {
		t.edgeSample[e] = int32(len(pts))
		g.samplePiece(EdgePiece{Edge: int32(e), To: 1}, func(pt orb.Point, _ float64) error {
			pts = append(pts, pt)
			return nil
		})
	}
	t.edgeSample[len(g.edgeIDs)] = int32(len(pts))

	owns := make([]h3.Cell, len(pts))
	if err := parallelChunks(len(pts), func(lo, hi int) error {
		for k := lo; k < hi; k++ {
			c, err := CellOf(pts[k], res)
			if err != nil {
				return fmt.Errorf("cell of %v: %w", pts[k], err)
			}
			owns[k] = c
		}
		return nil
	}); err != nil {
		return nil, err
	}
	// The distinct sample cells, then each one's ring of neighbours.
	distinct := slices.Clone(owns)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	rings := make([][]h3.Cell, len(distinct))
	if err := parallelChunks(len(distinct), func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			ring, err := h3.GridDisk(distinct[i], 1)
			if err != nil {
				return fmt.Errorf("neighbours of %v: %w", distinct[i], err)
			}
			c := distinct[i]
			rings[i] = slices.DeleteFunc(ring, func(n h3.Cell) bool { return n == 0 || n == c })
		}
		return nil
	}); err != nil {
		return nil, err
	}
	t.cells = slices.Clone(distinct)
	for _, ring := range rings {
		t.cells = append(t.cells, ring...)
	}
	slices.Sort(t.cells)
	t.cells = slices.Compact(t.cells)
	t.centre = make([]orb.Point, len(t.cells))
	t.area = make([]float64, len(t.cells))
	t.vert = make([]h3.Vertex, 6*len(t.cells))
	t.vertPt = make([]orb.Point, 6*len(t.cells))
	if err := parallelChunks(len(t.cells), func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			c := t.cells[i]
			if err := t.setVertexes(i, c); err != nil {
				return fmt.Errorf("vertices of %v: %w", c, err)
			}
			ll, err := h3.CellToLatLng(c)
			if err != nil {
				return fmt.Errorf("centre of %v: %w", c, err)
			}
			t.centre[i] = orb.Point{ll.Lng, ll.Lat}
			if t.area[i], err = h3.CellAreaM2(c); err != nil {
				return fmt.Errorf("area of %v: %w", c, err)
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	t.linkAcross(len(t.cells))
	t.ringOff = make([]int32, len(t.cells)+1)
	for i, j := 0, 0; i < len(t.cells); i++ {
		if j < len(distinct) && distinct[j] == t.cells[i] {
			for _, n := range rings[j] {
				k, _ := t.index(n)
				t.ring = append(t.ring, k)
			}
			j++
		}
		t.ringOff[i+1] = int32(len(t.ring))
	}

	// Each sample's own cell and the neighbours within one cell edge, built
	// in chunks side by side and then laid end to end.
	t.own = make([]int32, len(pts))
	t.nearOff = make([]int32, len(pts)+1)
	chunks := chunkBounds(len(pts))
	nears := make([][]nearCell, len(chunks)-1)
	if err := parallelFor(len(chunks)-1, func(ci int) error {
		var near []nearCell
		for k := chunks[ci]; k < chunks[ci+1]; k++ {
			i, _ := t.index(owns[k])
			t.own[k] = i
			for _, n := range t.ring[t.ringOff[i]:t.ringOff[i+1]] {
				if d := shortDistanceM(pts[k], t.centre[n]); d <= edgeM {
					near = append(near, nearCell{cell: n, distM: d})
				}
			}
			t.nearOff[k+1] = int32(len(near)) // relative to the chunk for now
		}
		nears[ci] = near
		return nil
	}); err != nil {
		return nil, err
	}
	total := 0
	for _, n := range nears {
		total += len(n)
	}
	t.near = make([]nearCell, 0, total)
	for ci, n := range nears {
		base := int32(len(t.near))
		for k := chunks[ci]; k < chunks[ci+1]; k++ {
			t.nearOff[k+1] += base
		}
		t.near = append(t.near, n...)
	}

	t.interiorOff = make([]int32, len(g.edgeIDs)+1)
	var seen []int32 // the few cells of one edge, searched linearly
	add := func(c int32) {
		if !slices.Contains(seen, c) {
			seen = append(seen, c)
		}
	}
	for e := range g.edgeIDs {
		seen = seen[:0]
		for k := t.edgeSample[e] + 1; k < t.edgeSample[e+1]-1; k++ {
			add(t.own[k])
			for _, n := range t.near[t.nearOff[k]:t.nearOff[k+1]] {
				add(n.cell)
			}
		}
		t.interior = append(t.interior, seen...)
		t.interiorOff[e+1] = int32(len(t.interior))
	}

	t.nodeCellsOff = make([]int32, len(g.nodeIDs)+1)
	t.nodeMaxLen = make([]float32, len(g.nodeIDs))
	for v := range int32(len(g.nodeIDs)) {
		seen = seen[:0]
		add(t.own[v])
		for _, n := range t.near[t.nearOff[v]:t.nearOff[v+1]] {
			add(n.cell)
		}
		for i := g.offsets[v]; i < g.offsets[v+1]; i++ {
			e := g.adjEdge[i]
			t.nodeMaxLen[v] = max(t.nodeMaxLen[v], g.adj[i].len)
			for _, c := range t.interior[t.interiorOff[e]:t.interiorOff[e+1]] {
				add(c)
			}
		}
		t.nodeCells = append(t.nodeCells, seen...)
		t.nodeCellsOff[v+1] = int32(len(t.nodeCells))
	}
	return t, nil
}

// clearlyInside reports whether pt lies inside table cell i by more than a
// millimetre or so from every side, taking the sides as straight in lon/lat;
// they bow by far less than that at resolutions 9-11, so H3 would put pt in
// cell i too. Points nearer a side, and cells without vertices, say false.
func (t *isoCells) clearlyInside(i int32, pt orb.Point) bool {
	const margin = 1e-8 // degrees, about a millimetre
	v := t.vertPt[6*i : 6*i+6]
	if t.vert[6*i] == 0 {
		return false
	}
	for k := range 6 {
		a, b := v[k], v[(k+1)%6]
		dx, dy := b[0]-a[0], b[1]-a[1]
		// Counter-clockwise ring: inside is to the left of every side.
		if dx*(pt[1]-a[1])-dy*(pt[0]-a[0]) <= margin*math.Hypot(dx, dy) {
			return false
		}
	}
	return true
}

// index returns the position of c in the table.
func (t *isoCells) index(c h3.Cell) (int32, bool) {
	i := sort.Search(len(t.cells), func(i int) bool { return t.cells[i] >= c })
	return int32(i), i < len(t.cells) && t.cells[i] == c
}

func (t *isoCells) getMarks() *cellMarks {
	m, ok := t.pool.Get().(*cellMarks)
	if !ok {
		m = &cellMarks{mark: make([]uint32, len(t.cells))}
	}
	m.gen++
	if m.gen == 0 {
		clear(m.mark)
		m.gen = 1
	}
	m.list = m.list[:0]
	clear(m.extra)
	return m
}

func (m *cellMarks) add(i int32) {
	if m.mark[i] != m.gen {
		m.mark[i] = m.gen
		m.list = append(m.list, i)
	}
}

func (m *cellMarks) addSample(t *isoCells, k int32, allow float64) {
	m.add(t.own[k])
	if allow <= 0 {
		return
	}
	for _, n := range t.near[t.nearOff[k]:t.nearOff[k+1]] {
		if n.distM <= allow {
			m.add(n.cell)
		}
	}
}

// addCell adds a cell that may lie outside the table.
func (m *cellMarks) addCell(t *isoCells, c h3.Cell) {
	if i, ok := t.index(c); ok {
		m.add(i)
		return
	}
	if m.extra == nil {
		m.extra = map[h3.Cell]struct{}{}
	}
	m.extra[c] = struct{}{}
}

// addPoint adds the cell of pt and, with remainM metres of walking left,
// the neighbouring cells whose centre lies within min(remainM, cell edge)
// of pt.
func (m *cellMarks) addPoint(t *isoCells, pt orb.Point, remainM float64) error {
	return m.addPointNear(t, pt, remainM, -1, -1)
}

// addPointNear is addPoint for a point that probably lies in table cell a
// or b (-1: none): when it lies clearly inside one of them no H3 call is
// made.
func (m *cellMarks) addPointNear(t *isoCells, pt orb.Point, remainM float64, a, b int32) error {
	i, ok := int32(-1), false
	for _, h := range [2]int32{a, b} {
		if h >= 0 && t.clearlyInside(h, pt) {
			i, ok = h, true
			break
		}
	}
	var c h3.Cell
	if !ok {
		var err error
		if c, err = CellOf(pt, t.res); err != nil {
			return fmt.Errorf("cell of %v: %w", pt, err)
		}
		i, ok = t.index(c)
	}
	if ok {
		c = t.cells[i]
		m.add(i)
	} else {
		m.addCell(t, c)
	}
	allow := math.Min(remainM, t.edgeM)
	if allow <= 0 {
		return nil
	}
	if ok && t.ringOff[i] < t.ringOff[i+1] {
		for _, n := range t.ring[t.ringOff[i]:t.ringOff[i+1]] {
			if m.mark[n] != m.gen && shortDistanceM(pt, t.centre[n]) <= allow {
				m.add(n)
			}
		}
		return nil
	}
	ring, err := h3.GridDisk(c, 1)
	if err != nil {
		return fmt.Errorf("neighbours of %v: %w", c, err)
	}
	for _, n := range ring {
		if n == 0 || n == c {
			continue
		}
		ll, err := h3.CellToLatLng(n)
		if err != nil {
			return fmt.Errorf("centre of %v: %w", n, err)
		}
		if shortDistanceM(pt, orb.Point{ll.Lng, ll.Lat}) <= allow {
			m.addCell(t, n)
		}
	}
	return nil
}

// isochroneCells returns the sorted cells of an isochrone after a finished
// search, their total area and their outline; see Graph.Isochrone for the
// rule.
func (g *Graph) isochroneCells(t *isoCells, st *searchState, s *Snap, origin orb.Point, budget float64) ([]h3.Cell, float64, orb.MultiPolygon, error) {
	m := t.getMarks()
	defer t.pool.Put(m)
	cells, area, err := g.markIsochrone(t, m, st, s, origin, budget)
	if err != nil {
		return nil, 0, nil, err
	}
	if len(m.extra) == 0 {
		if mp, ok := t.outline(m.list, func(i int32) bool { return m.mark[i] == m.gen }, &m.outlineScratch); ok {
			return cells, area, mp, nil
		}
	}
	mp, err := CellsPolygon(cells)
	return cells, area, mp, err
}

// markIsochrone marks the cells of an isochrone in m and returns them
// sorted, with their total area.
func (g *Graph) markIsochrone(t *isoCells, m *cellMarks, st *searchState, s *Snap, origin orb.Point, budget float64) ([]h3.Cell, float64, error) {
	if err := m.addPoint(t, origin, 0); err != nil {
		return nil, 0, fmt.Errorf("origin: %w", err)
	}
	// Beyond this distance a sample keeps less than one cell edge of budget.
	deep := budget - t.edgeM - 1e-6
	var buf [3]EdgePiece
	edge := func(e int32) error {
		c := g.costsOf(st, e, s)
		// (source + target + length) / 2 bounds the distance of every point
		// of the edge from above: deep edges take all their interior cells.
		if c.source <= budget && c.target <= budget && (c.source+c.target+c.length)/2 <= deep {
			for _, i := range t.interior[t.interiorOff[e]:t.interiorOff[e+1]] {
				m.add(i)
			}
			return nil
		}
		for _, p := range appendPieces(buf[:0], e, 0, &c, budget) {
			if err := g.pieceCells(t, m, p, &c, budget); err != nil {
				return fmt.Errorf("edge %d: %w", g.edgeIDs[e], err)
			}
		}
		return nil
	}
	st.newEdgeRound(len(g.edgeIDs))
	st.markEdge(s.Edge)
	if err := edge(s.Edge); err != nil {
		return nil, 0, err
	}
	for _, v := range st.settled {
		d := st.dist[v]
		// A deep node's edges are all deep, (d + other end + length) / 2 <=
		// d + length <= deep, whatever the origin adds; its list holds its
		// sample's cells at a full cell edge of allowance and their
		// interiors. Its edges may be priced again from a shallower end,
		// which adds nothing new.
		if d+float64(t.nodeMaxLen[v]) <= deep {
			for _, i := range t.nodeCells[t.nodeCellsOff[v]:t.nodeCellsOff[v+1]] {
				m.add(i)
			}
			continue
		}
		// Reached nodes are sampled once here, not once per incident piece.
		m.addSample(t, v, math.Min(budget-d, t.edgeM))
		for _, e := range g.adjEdge[g.offsets[v]:g.offsets[v+1]] {
			if st.markEdge(e) {
				if err := edge(e); err != nil {
					return nil, 0, err
				}
			}
		}
	}
	slices.Sort(m.list)
	cells := make([]h3.Cell, 0, len(m.list)+len(m.extra))
	for _, i := range m.list {
		cells = append(cells, t.cells[i])
	}
	if len(m.extra) > 0 {
		for c := range m.extra {
			cells = append(cells, c)
		}
		slices.Sort(cells)
		area, err := CellsAreaM2(cells)
		return cells, area, err
	}
	var area float64
	for _, i := range m.list {
		area += t.area[i]
	}
	return cells, area, nil
}

// pieceCells adds the cells of one reached piece of an edge priced by c:
// from the table, apart from the ends of a piece cut by the budget.
// A piece's end at a reached node is left to the node's own sample.
func (g *Graph) pieceCells(t *isoCells, m *cellMarks, p EdgePiece, c *edgeCosts, budget float64) error {
	skipFrom := p.From == 0 && c.source <= budget
	skipTo := p.To == 1 && c.target <= budget
	if p.From == 0 && p.To == 1 {
		first, last := t.edgeSample[p.Edge], t.edgeSample[p.Edge+1]-1
		n := float64(last - first)
		for k := first; k <= last; k++ {
			if (k == first && skipFrom) || (k == last && skipTo) {
				continue
			}
			x := float64(k-first) / n
			m.addSample(t, k, math.Min(math.Max(0, budget-c.at(x)), t.edgeM))
		}
		return nil
	}
	// A piece cut by the budget: the edge's own samples inside it from the
	// table, its ends sampled afresh.
	first, last := t.edgeSample[p.Edge], t.edgeSample[p.Edge+1]-1
	n := float64(last - first)
	for k := first + 1; k < last; k++ {
		if x := float64(k-first) / n; x > p.From && x < p.To {
			m.addSample(t, k, math.Min(math.Max(0, budget-c.at(x)), t.edgeM))
		}
	}
	// The cells of the samples on either side of an end are the likely
	// cells of the end.
	near := func(x float64) (int32, int32) {
		k := first + min(int32(x*n), last-first-1)
		return t.own[k], t.own[k+1]
	}
	if !skipFrom {
		a, b := near(p.From)
		if err := m.addPointNear(t, g.pointAlong(p.Edge, p.From), math.Max(0, budget-c.at(p.From)), a, b); err != nil {
			return err
		}
	}
	if !skipTo && p.To != p.From {
		a, b := near(p.To)
		if err := m.addPointNear(t, g.pointAlong(p.Edge, p.To), math.Max(0, budget-c.at(p.To)), a, b); err != nil {
			return err
		}
	}
	return nil
}

package geo

import (
	"math"
	"runtime"

	"github.com/paulmach/orb"
)

// Reached is a network node within the walking budget.
type Reached struct {
	Node  int32   // dense node index
	ID    int64   // external node ID
	DistM float64 // walking distance from the origin, metres
}

// EdgePiece is the part [From, To] (fractions from the edge's source, 0..1)
// of an edge that lies within the walking budget. An edge reached from both
// ends but not across its middle yields two pieces.
type EdgePiece struct {
	Edge   int32
	EdgeID int64
	From   float64
	To     float64
}

// Reachable is the result of a bounded search from one snapped origin.
type Reachable struct {
	Origin  Snap
	BudgetM float64
	Nodes   []Reached   // sorted by distance
	Pieces  []EdgePiece // the origin edge first, then as the search met them
}

// edgeCosts holds what is needed to price any point of an edge: the walking
// distances of its two ends and, on the origin's own edge, the direct walk.
type edgeCosts struct {
	length     float64
	source     float64 // +Inf if unreached
	target     float64 // +Inf if unreached
	originFrac float64 // position of the origin; NaN unless on the origin edge
	originLeg  float64
}

// at returns the walking distance to fraction x of the edge.
func (c *edgeCosts) at(x float64) float64 {
	d := math.Min(c.source+x*c.length, c.target+(1-x)*c.length)
	if !math.IsNaN(c.originFrac) {
		d = math.Min(d, c.originLeg+math.Abs(x-c.originFrac)*c.length)
	}
	return d
}

// costsOf prices edge e from the distances of a finished search.
func (g *Graph) costsOf(st *searchState, e int32, origin *Snap) edgeCosts {
	c := edgeCosts{length: g.length(e), source: st.dist[g.edgeSrc[e]], target: st.dist[g.target(e)], originFrac: math.NaN()}
	if origin != nil && e == origin.Edge {
		c.originFrac, c.originLeg = origin.Frac, origin.DistanceM
	}
	return c
}

// searchState is the working memory of one bounded Dijkstra. dist holds +Inf
// for unreached nodes; a pooled state is reset through its touched list, so a
// query costs time in proportion to what it reaches, not to the graph size.
type searchState struct {
	dist    []float64
	label   []int32 // nearest source per node; nil when not tracked
	heap    nodeHeap
	touched []int32
	settled []int32
	track   bool // record touched nodes for reset

	edgeMark []uint32 // edge e was listed in this round if edgeMark[e] == edgeGen
	edgeGen  uint32
	pieces   []EdgePiece // scratch for collecting pieces
}

// markEdge reports whether edge e is seen for the first time this round.
func (st *searchState) markEdge(e int32) bool {
	if st.edgeMark[e] == st.edgeGen {
		return false
	}
	st.edgeMark[e] = st.edgeGen
	return true
}

// newEdgeRound starts a round of markEdge calls for a graph of m edges.
func (st *searchState) newEdgeRound(m int) {
	if len(st.edgeMark) != m {
		st.edgeMark = make([]uint32, m)
	}
	st.edgeGen++
	if st.edgeGen == 0 {
		clear(st.edgeMark)
		st.edgeGen = 1
	}
}

func (g *Graph) newState(track bool) *searchState {
	st := &searchState{dist: make([]float64, len(g.nodeIDs)), track: track}
	for i := range st.dist {
		st.dist[i] = math.Inf(1)
	}
	return st
}

func (g *Graph) getState() *searchState {
	if st, ok := g.pool.Get().(*searchState); ok {
		return st
	}
	return g.newState(true)
}

func (g *Graph) putState(st *searchState) {
	g.resetState(st)
	g.pool.Put(st)
}

// resetState clears a tracked state for another search.
func (g *Graph) resetState(st *searchState) {
	for _, v := range st.touched {
		st.dist[v] = math.Inf(1)
	}
	st.touched, st.settled, st.heap = st.touched[:0], st.settled[:0], st.heap[:0]
}

// offer lowers node v's distance to d (with source label) if that improves it
// and stays within budget.
func (st *searchState) offer(v int32, d, budget float64, label int32) {
	if d > budget || d >= st.dist[v] {
		return
	}
	if st.track && math.IsInf(st.dist[v], 1) {
		st.touched = append(st.touched, v)
	}
	st.dist[v] = d
	if st.label != nil {
		st.label[v] = label
	}
	st.heap.push(heapItem{d: d, v: v})
}

// seedSnap offers both ends of a snapped edge at their partial costs.
func (g *Graph) seedSnap(st *searchState, s Snap, budget float64, label int32) {
	l := g.length(s.Edge)
	st.offer(g.edgeSrc[s.Edge], s.DistanceM+s.Frac*l, budget, label)
	st.offer(g.target(s.Edge), s.DistanceM+(1-s.Frac)*l, budget, label)
}

// run settles every node within budget, improving on the distances already
// in st; settled nodes are appended to st.settled in order of distance.
// A labelled search (st.label set, as for surfaces) does not list them.
func (g *Graph) run(st *searchState, budget float64) {
	if st.label != nil {
		g.runLabelled(st, budget)
		return
	}
	dist, offsets, adj := st.dist, g.offsets, g.adj
	h, settled, touched, track := st.heap, st.settled, st.touched, st.track
	for len(h) > 0 {
		it := h.pop()
		if it.d > dist[it.v] {
			continue
		}
		settled = append(settled, it.v)
		for _, a := range adj[offsets[it.v]:offsets[it.v+1]] {
			d := it.d + float64(a.len)
			if d > budget || d >= dist[a.node] {
				continue
			}
			if track && math.IsInf(dist[a.node], 1) {
				touched = append(touched, a.node)
			}
			dist[a.node] = d
			h.push(heapItem{d: d, v: a.node})
		}
	}
	st.heap, st.settled, st.touched = h, settled, touched
}

// runLabelled is run that also hands each node the label of the node it
// was reached from.
func (g *Graph) runLabelled(st *searchState, budget float64) {
	dist, label, offsets, adj := st.dist, st.label, g.offsets, g.adj
	h, touched, track := st.heap, st.touched, st.track
	for len(h) > 0 {
		it := h.pop()
		if it.d > dist[it.v] {
			continue
		}
		l := label[it.v]
		for _, a := range adj[offsets[it.v]:offsets[it.v+1]] {
			d := it.d + float64(a.len)
			if d > budget || d >= dist[a.node] {
				continue
			}
			if track && math.IsInf(dist[a.node], 1) {
				touched = append(touched, a.node)
			}
			dist[a.node] = d
			label[a.node] = l
			h.push(heapItem{d: d, v: a.node})
		}
	}
	st.heap, st.touched = h, touched
}

// Reach runs a bounded Dijkstra from a snapped origin and returns the nodes
// within budgetM metres (the snap leg counts as walking) and the pieces of
// edges within budget, with partial edges clipped at the budget.
func (g *Graph) Reach(s Snap, budgetM float64) *Reachable {
	st := g.getState()
	defer g.putState(st)
	g.seedSnap(st, s, budgetM, 0)
	g.run(st, budgetM)
	return &Reachable{Origin: s, BudgetM: budgetM, Nodes: g.reachedNodes(st), Pieces: g.pieces(st, &s, budgetM)}
}

// ReachNodes is Reach without the edge pieces: the nodes within budgetM
// metres of a snapped origin, sorted by distance.
func (g *Graph) ReachNodes(s Snap, budgetM float64) []Reached {
	st := g.getState()
	defer g.putState(st)
	g.seedSnap(st, s, budgetM, 0)
	g.run(st, budgetM)
	return g.reachedNodes(st)
}

// reachedNodes lists the settled nodes of a finished search.
func (g *Graph) reachedNodes(st *searchState) []Reached {
	out := make([]Reached, len(st.settled))
	for i, v := range st.settled {
		out[i] = Reached{Node: v, ID: g.nodeIDs[v], DistM: st.dist[v]}
	}
	return out
}

// pieces lists the within-budget parts of every edge touching a settled
// node, plus the origin's own edge.
func (g *Graph) pieces(st *searchState, origin *Snap, budget float64) []EdgePiece {
	st.newEdgeRound(len(g.edgeIDs))
	out := st.pieces[:0]
	add := func(e int32) {
		if st.markEdge(e) {
			c := g.costsOf(st, e, origin)
			out = appendPieces(out, e, g.edgeIDs[e], &c, budget)
		}
	}
	if origin != nil {
		add(origin.Edge)
	}
	for _, v := range st.settled {
		for _, e := range g.adjEdge[g.offsets[v]:g.offsets[v+1]] {
			add(e)
		}
	}
	st.pieces = out
	return append([]EdgePiece(nil), out...)
}

// appendPieces adds the union of the three within-budget intervals of an
// edge: from its source, from its target and around the origin.
func appendPieces(out []EdgePiece, e int32, id int64, c *edgeCosts, budget float64) []EdgePiece {
	type span struct{ a, b float64 }
	var spans [3]span
	n := 0
	reach := func(d float64) float64 { // fraction of the edge walkable with what is left
		if c.length == 0 {
			return 1
		}
		return (budget - d) / c.length
	}
	if c.source <= budget {
		spans[n] = span{0, math.Min(1, reach(c.source))}
		n++
	}
	if c.target <= budget {
		spans[n] = span{math.Max(0, 1-reach(c.target)), 1}
		n++
	}
	if !math.IsNaN(c.originFrac) && c.originLeg <= budget {
		r := reach(c.originLeg)
		spans[n] = span{math.Max(0, c.originFrac-r), math.Min(1, c.originFrac+r)}
		n++
	}
	s := spans[:n]
	for i := 1; i < n; i++ { // insertion sort of at most three spans
		for j := i; j > 0 && s[j].a < s[j-1].a; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	for i := 0; i < len(s); i++ {
		cur := s[i]
		for i+1 < len(s) && s[i+1].a <= cur.b {
			cur.b = math.Max(cur.b, s[i+1].b)
			i++
		}
		out = append(out, EdgePiece{Edge: e, EdgeID: id, From: cur.a, To: cur.b})
	}
	return out
}

// NearestDistances returns, for every dense node, the walking distance in
// metres to the nearest source (snap legs included), or +Inf beyond
// budgetM, computed as Surface computes its distances.
func (g *Graph) NearestDistances(sources []Snap, budgetM float64) []float32 {
	out := make([]float32, len(g.nodeIDs))
	inf := float32(math.Inf(1))
	for i := range out {
		out[i] = inf
	}
	g.nearestInto(out, sources, budgetM, runtime.GOMAXPROCS(0))
	return out
}

// nearestInto lowers out[v] to the walking distance from node v to the
// nearest source when that is within budget. It runs one bounded search per
// batch of nearestBatch neighbouring sources (along a Hilbert curve), each improving on
// those before it: each search stays within a small part of the graph,
// which the caches hold, where one search from all the sources at once
// would roam the whole graph at every step. The sources are split
// into up to parts runs of neighbours searched side by side, whose answers
// are merged by minimum; the distances are the same either way. Each
// node's distance is rounded to float32 once, after the searches; as
// rounding keeps order, the rounded minimum is the minimum of the rounded.
func (g *Graph) nearestInto(out []float32, sources []Snap, budget float64, parts int) {
	if len(sources) == 0 {
		return
	}
	order := curveOrder(len(sources), func(i int) orb.Point { return sources[i].Point })
	parts = max(1, min(parts, len(order)/64))
	states := make([]*searchState, parts)
	Parallel(parts, func(k int) {
		run := order[k*len(order)/parts : (k+1)*len(order)/parts]
		st := g.getState()
		for len(run) > 0 {
			n := min(len(run), nearestBatch)
			for _, i := range run[:n] {
				g.seedSnap(st, sources[i], budget, 0)
			}
			g.run(st, budget)
			st.settled = st.settled[:0]
			run = run[n:]
		}
		states[k] = st
	})
	for _, st := range states {
		for _, v := range st.touched {
			if d := float32(st.dist[v]); d < out[v] {
				out[v] = d
			}
		}
		g.putState(st)
	}
}

// nearestBatch is how many neighbouring sources one search starts from.
// One source a search suits sparse sources; one search from them all, dense
// ones whose walks overlap many times over. Batches of 32 neighbours came
// out best or close to it on the three networks measured: the city of
// bench/city.sh (convenience stores: 112 ms; one at a time 216 ms, all at
// once 155 ms), Porto's 25 categories (13 ms; 30 and 11 ms) and a 1M-edge
// grid with 1,100 sources (40 ms; 32 and 66 ms).
const nearestBatch = 32

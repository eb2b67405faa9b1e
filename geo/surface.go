package geo

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// Surface is an accessibility surface: the walking distance from every node
// to the nearest of a set of sources (outlets of one category), bounded by a
// budget. It answers distances for any point and can be updated when
// sources open or close without a full recompute. A Surface is not safe for
// concurrent Update; concurrent reads are safe.
type Surface struct {
	g        *Graph
	budgetM  float64
	maxSnapM float64
	sources  []surfaceSource // indexed by label
	byEdge   map[int32][]int32
	dist     []float64 // per node, +Inf beyond budget
	label    []int32   // per node, nearest source, -1 if none
	off      []OffNetworkPoint
}

type surfaceSource struct {
	point orb.Point
	snap  Snap
	live  bool
}

// OffNetworkPoint is a source that could not be placed on the network.
type OffNetworkPoint struct {
	Point     orb.Point
	DistanceM float64 // distance to the nearest edge
}

// Surface builds the accessibility surface of sources within budgetM metres.
// Sources farther than maxSnapM (0: DefaultMaxSnapM) from the network do not
// take part and are listed by OffNetwork.
func (g *Graph) Surface(sources []orb.Point, budgetM, maxSnapM float64) *Surface {
	if maxSnapM <= 0 {
		maxSnapM = DefaultMaxSnapM
	}
	s := &Surface{g: g, budgetM: budgetM, maxSnapM: maxSnapM, byEdge: map[int32][]int32{},
		dist: make([]float64, g.NodeCount()), label: make([]int32, g.NodeCount())}
	for i := range s.dist {
		s.dist[i], s.label[i] = math.Inf(1), -1
	}
	st := s.state()
	for _, p := range sources {
		s.addSource(st, p)
	}
	g.run(st, budgetM)
	return s
}

// Surfaces builds the surfaces of independent source sets (one per
// category, say), as Surface does for each, spreading the sets over
// GOMAXPROCS goroutines. The result is in the order of sets.
func (g *Graph) Surfaces(sets [][]orb.Point, budgetM, maxSnapM float64) []*Surface {
	out := make([]*Surface, len(sets))
	next := make(chan int, len(sets))
	for i := range sets {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(sets)) {
		wg.Go(func() {
			for i := range next {
				out[i] = g.Surface(sets[i], budgetM, maxSnapM)
			}
		})
	}
	wg.Wait()
	return out
}

func (s *Surface) state() *searchState {
	return &searchState{dist: s.dist, label: s.label}
}

// addSource snaps p and seeds it; off-network points are recorded.
func (s *Surface) addSource(st *searchState, p orb.Point) {
	sn, err := s.g.Snap(p, s.maxSnapM)
	var off *OffNetworkError
	if errors.As(err, &off) {
		s.off = append(s.off, OffNetworkPoint{Point: p, DistanceM: off.DistanceM})
		return
	}
	id := int32(len(s.sources))
	s.sources = append(s.sources, surfaceSource{point: p, snap: sn, live: true})
	s.byEdge[sn.Edge] = append(s.byEdge[sn.Edge], id)
	s.g.seedSnap(st, sn, s.budgetM, id)
}

// BudgetM returns the budget the surface was built with, in metres.
func (s *Surface) BudgetM() float64 { return s.budgetM }

// SourceCount returns how many sources are open on the network: those
// added and not removed, without the off-network ones.
func (s *Surface) SourceCount() int {
	n := 0
	for _, src := range s.sources {
		if src.live {
			n++
		}
	}
	return n
}

// OffNetwork lists the sources that could not be snapped.
func (s *Surface) OffNetwork() []OffNetworkPoint { return s.off }

// NodeDistance returns the walking distance from dense node v to the nearest
// source in metres, or +Inf beyond the budget.
func (s *Surface) NodeDistance(v int32) float64 { return s.dist[v] }

// DistanceAt returns the walking distance from p to the nearest source: the
// leg from p to the network plus the better of the two ends of p's edge, or
// the direct walk along the edge to a source on the same edge. ok is false
// when p is off network or nothing is within the budget.
func (s *Surface) DistanceAt(p orb.Point) (distM float64, ok bool) {
	sn, err := s.g.Snap(p, s.maxSnapM)
	if err != nil {
		return math.Inf(1), false
	}
	d := s.distanceAtSnap(sn)
	return d, d <= s.budgetM
}

// DistanceAtSnap is DistanceAt for a point already snapped to the
// surface's graph (by Graph.Snap): callers that measure the same points
// against many surfaces snap them once. ok is false when the snap is
// farther from the network than the surface allows or nothing is within
// the budget.
func (s *Surface) DistanceAtSnap(sn Snap) (distM float64, ok bool) {
	if sn.DistanceM > s.maxSnapM || sn.Edge < 0 || int(sn.Edge) >= s.g.EdgeCount() {
		return math.Inf(1), false
	}
	d := s.distanceAtSnap(sn)
	return d, d <= s.budgetM
}

func (s *Surface) distanceAtSnap(sn Snap) float64 {
	g := s.g
	l := g.length(sn.Edge)
	best := math.Min(s.dist[g.edgeSrc[sn.Edge]]+sn.Frac*l, s.dist[g.target(sn.Edge)]+(1-sn.Frac)*l)
	for _, id := range s.byEdge[sn.Edge] {
		if src := s.sources[id]; src.live {
			best = math.Min(best, src.snap.DistanceM+math.Abs(sn.Frac-src.snap.Frac)*l)
		}
	}
	return sn.DistanceM + best
}

// CellMinutes returns, for each cell, the walking minutes from the cell's
// centre to the nearest source at speedMPerMin, or +Inf when the centre is
// off network or nothing is within the budget.
func (s *Surface) CellMinutes(cells []h3.Cell, speedMPerMin float64) ([]float64, error) {
	if !(speedMPerMin > 0) {
		return nil, fmt.Errorf("cell minutes: invalid speed %v m/min", speedMPerMin)
	}
	out := make([]float64, len(cells))
	for i, c := range cells {
		ll, err := h3.CellToLatLng(c)
		if err != nil {
			return nil, fmt.Errorf("cell minutes: centre of %v: %w", c, err)
		}
		if d, ok := s.DistanceAt(orb.Point{ll.Lng, ll.Lat}); ok {
			out[i] = d / speedMPerMin
		} else {
			out[i] = math.Inf(1)
		}
	}
	return out, nil
}

// Clone returns an independent copy of the surface on the same graph: an
// Update of either leaves the other as it was. Sources closed by earlier
// updates are left out of the copy once they outnumber the open ones.
func (s *Surface) Clone() *Surface {
	c := &Surface{g: s.g, budgetM: s.budgetM, maxSnapM: s.maxSnapM,
		dist: slices.Clone(s.dist), off: slices.Clone(s.off), byEdge: make(map[int32][]int32, len(s.byEdge))}
	live := 0
	for _, src := range s.sources {
		if src.live {
			live++
		}
	}
	if dead := len(s.sources) - live; dead <= live || dead < 64 {
		c.sources = slices.Clone(s.sources)
		c.label = slices.Clone(s.label)
		for e, ids := range s.byEdge {
			c.byEdge[e] = slices.Clone(ids)
		}
		return c
	}
	// Renumber the open sources densely. Every labelled node is labelled
	// with an open source: closing a source clears the nodes it labelled.
	renum := make([]int32, len(s.sources))
	c.sources = make([]surfaceSource, 0, live)
	for id, src := range s.sources {
		renum[id] = -1
		if src.live {
			renum[id] = int32(len(c.sources))
			c.sources = append(c.sources, src)
		}
	}
	c.label = make([]int32, len(s.label))
	for v, l := range s.label {
		if l >= 0 {
			l = renum[l]
		}
		c.label[v] = l
	}
	for e, ids := range s.byEdge {
		out := make([]int32, 0, len(ids))
		for _, id := range ids {
			if renum[id] >= 0 {
				out = append(out, renum[id])
			}
		}
		if len(out) > 0 {
			c.byEdge[e] = out
		}
	}
	return c
}

// Update opens the added sources and closes the removed ones (matched by
// exact position, one source per removed point), recomputing only the nodes
// within budget of the changed sources. If a removed point is not a current
// source nothing is changed and an error is returned.
func (s *Surface) Update(added, removed []orb.Point) error {
	var gone []int32
	taken := map[int32]bool{}
	for _, p := range removed {
		id := s.findLive(p, taken)
		if id < 0 {
			if s.removeOff(p) {
				continue
			}
			return fmt.Errorf("update surface: %v is not a source", p)
		}
		taken[id] = true
		gone = append(gone, id)
	}
	g := s.g
	st := s.state()
	if len(gone) > 0 {
		invalid := s.invalidate(gone, taken)
		// Re-seed the freed nodes from their still-valid neighbours and from
		// live sources on their edges.
		for _, u := range invalid {
			for i := g.offsets[u]; i < g.offsets[u+1]; i++ {
				v, e := g.adj[i].node, g.adjEdge[i]
				if !math.IsInf(s.dist[v], 1) {
					st.offer(u, s.dist[v]+g.length(e), s.budgetM, s.label[v])
				}
				for _, id := range s.byEdge[e] {
					if s.sources[id].live {
						g.seedSnap(st, s.sources[id].snap, s.budgetM, id)
					}
				}
			}
		}
	}
	for _, p := range added {
		s.addSource(st, p)
	}
	g.run(st, s.budgetM)
	return nil
}

func (s *Surface) findLive(p orb.Point, taken map[int32]bool) int32 {
	for id, src := range s.sources {
		if src.live && src.point == p && !taken[int32(id)] {
			return int32(id)
		}
	}
	return -1
}

func (s *Surface) removeOff(p orb.Point) bool {
	for i, o := range s.off {
		if o.Point == p {
			s.off = append(s.off[:i], s.off[i+1:]...)
			return true
		}
	}
	return false
}

// invalidate closes the sources in gone and clears every node whose nearest
// source was one of them; such nodes lie within budget of a closed source,
// so a bounded search from each closed source finds them all.
func (s *Surface) invalidate(gone []int32, closed map[int32]bool) []int32 {
	g := s.g
	var invalid []int32
	st := g.getState()
	defer g.putState(st)
	for _, id := range gone {
		src := &s.sources[id]
		src.live = false
		g.seedSnap(st, src.snap, s.budgetM, 0)
		g.run(st, s.budgetM)
		for _, v := range st.settled {
			if l := s.label[v]; l >= 0 && closed[l] {
				s.label[v], s.dist[v] = -1, math.Inf(1)
				invalid = append(invalid, v)
			}
		}
		g.resetState(st)
	}
	for e, ids := range s.byEdge {
		live := ids[:0]
		for _, id := range ids {
			if !closed[id] {
				live = append(live, id)
			}
		}
		if len(live) == 0 {
			delete(s.byEdge, e)
		} else {
			s.byEdge[e] = live
		}
	}
	return invalid
}

package geo

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"unsafe"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// Surface is an accessibility surface: the walking distance from every node
// to the nearest of a set of sources (outlets of one category), bounded by a
// budget. It answers distances for any point and can be updated when
// sources open or close without a full recompute. A Surface is not safe for
// concurrent Update; concurrent reads are safe.
//
// The searches run in float64; each node keeps its distance rounded to
// float32 (off by at most 0.07 mm under 2 km, 0.13 mm under 4 km), 4 bytes
// a node. As
// rounding keeps order, the rounded nearest distance is the nearest of the
// rounded ones, so an updated surface holds exactly what a build from
// scratch holds.
type Surface struct {
	g        *Graph
	budgetM  float64
	maxSnapM float64
	sources  []surfaceSource
	byEdge   map[int32][]int32 // open sources by the edge they snap to
	dist     []float32         // per node, +Inf beyond budget
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
	return g.surface(sources, budgetM, maxSnapM, runtime.GOMAXPROCS(0))
}

// surface is Surface with its searches split over up to parts goroutines.
func (g *Graph) surface(sources []orb.Point, budgetM, maxSnapM float64, parts int) *Surface {
	if maxSnapM <= 0 {
		maxSnapM = DefaultMaxSnapM
	}
	s := &Surface{g: g, budgetM: budgetM, maxSnapM: maxSnapM, byEdge: map[int32][]int32{},
		dist: make([]float32, g.NodeCount())}
	inf := float32(math.Inf(1))
	for i := range s.dist {
		s.dist[i] = inf
	}
	for _, p := range sources {
		s.addSource(p)
	}
	snaps := make([]Snap, len(s.sources))
	for i, src := range s.sources {
		snaps[i] = src.snap
	}
	g.nearestInto(s.dist, snaps, budgetM, parts)
	return s
}

// Surfaces builds the surfaces of independent source sets (one per
// category, say), as Surface does for each, spreading the sets over
// GOMAXPROCS goroutines. The result is in the order of sets.
func (g *Graph) Surfaces(sets [][]orb.Point, budgetM, maxSnapM float64) []*Surface {
	out := make([]*Surface, len(sets))
	Parallel(len(sets), func(i int) { out[i] = g.surface(sets[i], budgetM, maxSnapM, 1) })
	return out
}

// addSource snaps p and lists it as an open source, returning its id; an
// off-network point is recorded as such.
func (s *Surface) addSource(p orb.Point) (int32, bool) {
	sn, err := s.g.Snap(p, s.maxSnapM)
	var off *OffNetworkError
	if errors.As(err, &off) {
		s.off = append(s.off, OffNetworkPoint{Point: p, DistanceM: off.DistanceM})
		return -1, false
	}
	id := int32(len(s.sources))
	s.sources = append(s.sources, surfaceSource{point: p, snap: sn, live: true})
	s.byEdge[sn.Edge] = append(s.byEdge[sn.Edge], id)
	return id, true
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

// Bytes returns the memory the surface holds beside its graph.
func (s *Surface) Bytes() int {
	n := 4*len(s.dist) + int(unsafe.Sizeof(surfaceSource{}))*cap(s.sources) + 16*len(s.off)
	for _, ids := range s.byEdge {
		n += 4*cap(ids) + 40 // the entry and the slice header, roughly
	}
	return n
}

// OffNetwork lists the sources that could not be snapped.
func (s *Surface) OffNetwork() []OffNetworkPoint { return s.off }

// NodeDistance returns the walking distance from dense node v to the nearest
// source in metres, or +Inf beyond the budget.
func (s *Surface) NodeDistance(v int32) float64 { return float64(s.dist[v]) }

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
	best := math.Min(float64(s.dist[g.edgeSrc[sn.Edge]])+sn.Frac*l, float64(s.dist[g.target(sn.Edge)])+(1-sn.Frac)*l)
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
	live := s.SourceCount()
	if dead := len(s.sources) - live; dead <= live || dead < 64 {
		c.sources = slices.Clone(s.sources)
		for e, ids := range s.byEdge {
			c.byEdge[e] = slices.Clone(ids)
		}
		return c
	}
	renum := make([]int32, len(s.sources))
	c.sources = make([]surfaceSource, 0, live)
	for id, src := range s.sources {
		renum[id] = -1
		if src.live {
			renum[id] = int32(len(c.sources))
			c.sources = append(c.sources, src)
		}
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
//
// Closing: the nodes whose distance is that of a closed source (rounded)
// may have had it as their nearest; they are measured again from the open
// sources within twice the budget of the closed ones, which are all the
// sources that can reach them within the budget. Opening: each node keeps
// the nearer of what it had and the walk from the new sources.
func (s *Surface) Update(added, removed []orb.Point) error {
	var gone []int32
	taken := map[int32]bool{}
	var offGone []orb.Point
	for _, p := range removed {
		id := s.findLive(p, taken)
		if id < 0 {
			if s.hasOff(p, offGone) {
				offGone = append(offGone, p)
				continue
			}
			return fmt.Errorf("update surface: %v is not a source", p)
		}
		taken[id] = true
		gone = append(gone, id)
	}
	for _, p := range offGone {
		s.removeOff(p)
	}
	g := s.g
	st := g.getState()
	defer g.putState(st)
	if len(gone) > 0 {
		s.close(st, gone, taken)
	}
	var opened []int32
	for _, p := range added {
		if id, ok := s.addSource(p); ok {
			opened = append(opened, id)
		}
	}
	if len(opened) > 0 {
		for _, id := range opened {
			g.seedSnap(st, s.sources[id].snap, s.budgetM, 0)
		}
		g.run(st, s.budgetM)
		for _, v := range st.settled {
			s.dist[v] = min(s.dist[v], float32(st.dist[v]))
		}
		g.resetState(st)
	}
	return nil
}

// close closes the sources in gone (whose ids are the keys of closed) and
// measures again the nodes that may have had one of them as their nearest,
// using the search state st, which it leaves reset.
func (s *Surface) close(st *searchState, gone []int32, closed map[int32]bool) {
	g := s.g
	for _, id := range gone {
		s.sources[id].live = false
	}
	for e, ids := range s.byEdge {
		if !slices.ContainsFunc(ids, func(id int32) bool { return closed[id] }) {
			continue
		}
		live := slices.DeleteFunc(ids, func(id int32) bool { return closed[id] })
		if len(live) == 0 {
			delete(s.byEdge, e)
		} else {
			s.byEdge[e] = live
		}
	}
	// The nodes the closed sources reach within the budget at the distance
	// they hold.
	for _, id := range gone {
		g.seedSnap(st, s.sources[id].snap, s.budgetM, 0)
	}
	g.run(st, s.budgetM)
	var stale []int32
	for _, v := range st.settled {
		if float32(st.dist[v]) == s.dist[v] {
			stale = append(stale, v)
		}
	}
	g.resetState(st)
	if len(stale) == 0 {
		return
	}
	// A source that reaches a stale node within the budget lies within
	// twice the budget of a closed one (plus a metre against rounding):
	// list the open sources on the edges of the nodes that near.
	reach := 2*s.budgetM + 1
	for _, id := range gone {
		g.seedSnap(st, s.sources[id].snap, reach, 0)
	}
	g.run(st, reach)
	near := map[int32]bool{}
	for _, v := range st.settled {
		for _, e := range g.adjEdge[g.offsets[v]:g.offsets[v+1]] {
			for _, id := range s.byEdge[e] {
				near[id] = true
			}
		}
	}
	g.resetState(st)
	for id := range near {
		g.seedSnap(st, s.sources[id].snap, s.budgetM, 0)
	}
	g.run(st, s.budgetM)
	for _, v := range stale {
		s.dist[v] = float32(st.dist[v])
	}
	g.resetState(st)
}

func (s *Surface) findLive(p orb.Point, taken map[int32]bool) int32 {
	for id, src := range s.sources {
		if src.live && src.point == p && !taken[int32(id)] {
			return int32(id)
		}
	}
	return -1
}

// hasOff reports whether p is an off-network source besides those of taken.
func (s *Surface) hasOff(p orb.Point, taken []orb.Point) bool {
	n := 0
	for _, q := range taken {
		if q == p {
			n++
		}
	}
	for _, o := range s.off {
		if o.Point == p {
			if n == 0 {
				return true
			}
			n--
		}
	}
	return false
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

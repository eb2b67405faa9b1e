package geo

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// SuggestOptions configures SuggestSites.
type SuggestOptions struct {
	BudgetM    float64     // walking budget in metres
	N          int         // number of sites to suggest
	MaxSnapM   float64     // off-network threshold; 0 means DefaultMaxSnapM
	Res        int         // resolution of the suggested cells; 0 means DefaultRes
	Candidates []orb.Point // candidate sites; nil means the centres of the demand cells
}

// Suggestion is a proposed site and the residents it would newly bring
// within the walking budget.
type Suggestion struct {
	Cell     h3.Cell
	Point    orb.Point
	AddedPop int
	Covers   []h3.Cell // demand cells newly covered, sorted
}

// SuggestSites ranks candidate sites by greedy maximal covering: each pick
// is the candidate that brings the most not yet covered residents within the
// budget, and the residents it covers no longer count for later picks.
// A demand cell counts as covered already when existing (may be nil) reaches
// its centre within the budget; cells whose centre is off network cannot be
// covered on foot and are left out. Picks stop early when no candidate adds
// anyone.
func SuggestSites(g *Graph, demand []CellShare, existing *Surface, opt SuggestOptions) ([]Suggestion, error) {
	if !(opt.BudgetM > 0) || math.IsInf(opt.BudgetM, 0) {
		return nil, fmt.Errorf("suggest sites: invalid budget %v m", opt.BudgetM)
	}
	if opt.Res == 0 {
		opt.Res = DefaultRes
	}
	var pts []demandPoint
	var centres []orb.Point
	for _, d := range demand {
		ll, err := h3.CellToLatLng(d.Cell)
		if err != nil {
			return nil, fmt.Errorf("suggest sites: centre of %v: %w", d.Cell, err)
		}
		centre := orb.Point{ll.Lng, ll.Lat}
		centres = append(centres, centre)
		if d.People <= 0 {
			continue
		}
		if existing != nil {
			if dist, ok := existing.DistanceAt(centre); ok && dist <= opt.BudgetM {
				continue
			}
		}
		sn, err := g.Snap(centre, opt.MaxSnapM)
		if err != nil {
			var off *OffNetworkError
			if errors.As(err, &off) {
				continue
			}
			return nil, fmt.Errorf("suggest sites: snap demand %v: %w", d.Cell, err)
		}
		pts = append(pts, demandPoint{cell: d.Cell, people: d.People, snap: sn})
	}
	if opt.Candidates != nil {
		centres = opt.Candidates
	}
	onEdge := map[int32][]int32{}
	for i, p := range pts {
		onEdge[p.snap.Edge] = append(onEdge[p.snap.Edge], int32(i))
	}

	var cands []candidate
	seenCell := map[h3.Cell]bool{}
	for _, c := range centres {
		cell, err := CellOf(c, opt.Res)
		if err != nil {
			return nil, fmt.Errorf("suggest sites: cell of candidate %v: %w", c, err)
		}
		if seenCell[cell] {
			continue
		}
		seenCell[cell] = true
		sn, err := g.Snap(c, opt.MaxSnapM)
		if err != nil {
			continue
		}
		covers := g.coveredDemand(sn, opt.BudgetM, pts, onEdge)
		if len(covers) > 0 {
			cands = append(cands, candidate{cell: cell, point: c, covers: covers})
		}
	}
	return greedyCover(cands, pts, opt.N), nil
}

type demandPoint struct {
	cell   h3.Cell
	people int
	snap   Snap
}

type candidate struct {
	cell   h3.Cell
	point  orb.Point
	covers []int32 // demand points within budget
	gain   int     // people of covers not yet covered, as last computed
}

// coveredDemand returns the demand points within budget of a site.
func (g *Graph) coveredDemand(site Snap, budget float64, pts []demandPoint, onEdge map[int32][]int32) []int32 {
	st := g.getState()
	defer g.putState(st)
	g.seedSnap(st, site, budget, 0)
	g.run(st, budget)
	var out []int32
	check := func(e int32) {
		l := g.length(e)
		for _, i := range onEdge[e] {
			p := pts[i].snap
			d := math.Min(st.dist[g.edgeSrc[e]]+p.Frac*l, st.dist[g.target(e)]+(1-p.Frac)*l)
			if e == site.Edge {
				d = math.Min(d, site.DistanceM+math.Abs(p.Frac-site.Frac)*l)
			}
			if p.DistanceM+d <= budget {
				out = append(out, i)
			}
		}
	}
	st.newEdgeRound(len(g.edgeIDs))
	st.markEdge(site.Edge)
	check(site.Edge)
	for _, v := range st.settled {
		for k := g.offsets[v]; k < g.offsets[v+1]; k++ {
			if e := g.adjEdge[k]; st.markEdge(e) {
				check(e)
			}
		}
	}
	slices.Sort(out)
	return out
}

// greedyCover picks up to n candidates by largest gain, re-evaluating gains
// lazily: a gain can only shrink, so a popped candidate whose fresh gain
// still tops the heap is the best pick.
func greedyCover(cands []candidate, pts []demandPoint, n int) []Suggestion {
	covered := make([]bool, len(pts))
	h := candHeap{}
	for i := range cands {
		for _, j := range cands[i].covers {
			cands[i].gain += pts[j].people
		}
		h = append(h, &cands[i])
	}
	heap.Init(&h)
	var out []Suggestion
	for len(out) < n && h.Len() > 0 {
		c := heap.Pop(&h).(*candidate)
		fresh := 0
		for _, j := range c.covers {
			if !covered[j] {
				fresh += pts[j].people
			}
		}
		if fresh != c.gain {
			c.gain = fresh
			if fresh > 0 {
				heap.Push(&h, c)
			}
			continue
		}
		if fresh == 0 {
			break
		}
		s := Suggestion{Cell: c.cell, Point: c.point, AddedPop: fresh}
		for _, j := range c.covers {
			if !covered[j] {
				covered[j] = true
				s.Covers = append(s.Covers, pts[j].cell)
			}
		}
		slices.Sort(s.Covers)
		out = append(out, s)
	}
	return out
}

type candHeap []*candidate

func (h candHeap) Len() int { return len(h) }
func (h candHeap) Less(i, j int) bool {
	if h[i].gain != h[j].gain {
		return h[i].gain > h[j].gain
	}
	return h[i].cell < h[j].cell
}
func (h candHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *candHeap) Push(x any)   { *h = append(*h, x.(*candidate)) }
func (h *candHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

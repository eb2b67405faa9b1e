package access

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/paulmach/orb"
)

// EdgeFeature is one walking edge of the loaded network as a map layer
// draws it. Source and Target are the external node IDs.
type EdgeFeature struct {
	Area    string
	ID      int64
	Source  int64
	Target  int64
	LengthM float64
	Highway string // "" when the network did not say
	Geom    orb.LineString
}

// edgeCellDeg is the side of the edges' grid cells in degrees, about 1 km:
// a street-level tile touches a handful of cells.
const edgeCellDeg = 0.01

// edgeIndex is a grid over the edges of one network load for bound queries,
// with the edges' highway classes, which the routing graph does not keep.
type edgeIndex struct {
	areas []*areaEdges
}

type areaEdges struct {
	net     *areaNet
	bounds  []orb.Bound // per dense edge
	class   []uint16    // per dense edge, into classes
	classes []string
	cells   map[[2]int32][]int32 // grid cell -> dense edges whose bound touches it
}

// edgeIndexes holds, per Index, the index of its current snapshot. It sits
// beside the Index, not in it, so the map layers stay out of the routing
// structures; an Index lives as long as its server.
var edgeIndexes sync.Map // *Index -> *edgeIndexSlot

type edgeIndexSlot struct {
	mu     sync.Mutex
	netGen uint64 // snapshot.netGen the index was built for
	idx    *edgeIndex
}

// Edges returns the edges of the loaded networks whose bounding box meets b,
// at most limit of them (limit <= 0: all); when more meet b, the longest are
// kept and truncated is true. Edges are ordered by area, then ID. The first
// call after a Reload builds a grid over the edges and reads their highway
// classes from the store.
func (e *Index) Edges(ctx context.Context, b orb.Bound, limit int) (edges []EdgeFeature, truncated bool, err error) {
	s, err := e.current()
	if err != nil {
		return nil, false, err
	}
	idx, err := e.edgeIndex(ctx, s)
	if err != nil {
		return nil, false, err
	}
	type hit struct {
		a *areaEdges
		e int32
	}
	var hits []hit
	for _, a := range idx.areas {
		if !a.net.bound.Intersects(b) {
			continue
		}
		a.query(b, func(e int32) { hits = append(hits, hit{a, e}) })
	}
	if limit > 0 && len(hits) > limit {
		sort.Slice(hits, func(i, j int) bool {
			li, lj := hits[i].a.net.g.EdgeLengthM(hits[i].e), hits[j].a.net.g.EdgeLengthM(hits[j].e)
			if li != lj {
				return li > lj
			}
			return hits[i].a.net.g.EdgeID(hits[i].e) < hits[j].a.net.g.EdgeID(hits[j].e)
		})
		hits, truncated = hits[:limit], true
	}
	edges = make([]EdgeFeature, len(hits))
	for i, h := range hits {
		g := h.a.net.g
		src, dst := g.EdgeEnds(h.e)
		edges[i] = EdgeFeature{Area: h.a.net.name, ID: g.EdgeID(h.e), Source: g.NodeID(src), Target: g.NodeID(dst),
			LengthM: g.EdgeLengthM(h.e), Highway: h.a.classes[h.a.class[h.e]], Geom: g.EdgeGeometry(h.e)}
	}
	sort.SliceStable(edges, func(i, j int) bool {
		if edges[i].Area != edges[j].Area {
			return edges[i].Area < edges[j].Area
		}
		return edges[i].ID < edges[j].ID
	})
	return edges, truncated, nil
}

// edgeIndex returns the index of s, building it on first use.
func (e *Index) edgeIndex(ctx context.Context, s *snapshot) (*edgeIndex, error) {
	v, _ := edgeIndexes.LoadOrStore(e, &edgeIndexSlot{})
	slot := v.(*edgeIndexSlot)
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if slot.netGen == s.netGen {
		return slot.idx, nil
	}
	idx, err := e.buildEdgeIndex(ctx, s)
	if err != nil {
		return nil, err
	}
	slot.netGen, slot.idx = s.netGen, idx
	return idx, nil
}

// buildEdgeIndex grids the edges of s and looks their highway classes up
// in the stored networks by area and edge ID.
func (e *Index) buildEdgeIndex(ctx context.Context, s *snapshot) (*edgeIndex, error) {
	nets, err := e.st.LoadNetworks(ctx)
	if err != nil {
		return nil, fmt.Errorf("edge index: load networks: %w", err)
	}
	highway := make(map[string]map[int64]string, len(nets))
	for _, n := range nets {
		m := make(map[int64]string, len(n.Edges))
		for _, ed := range n.Edges {
			if ed.Highway != "" {
				m[ed.ID] = ed.Highway
			}
		}
		highway[n.Area] = m
	}
	idx := &edgeIndex{}
	for _, a := range s.areas {
		idx.areas = append(idx.areas, newAreaEdges(a, highway[a.name]))
	}
	return idx, nil
}

func newAreaEdges(a *areaNet, highway map[int64]string) *areaEdges {
	n := a.g.EdgeCount()
	ae := &areaEdges{net: a, bounds: make([]orb.Bound, n), class: make([]uint16, n),
		classes: []string{""}, cells: map[[2]int32][]int32{}}
	classOf := map[string]uint16{"": 0}
	for e := int32(0); int(e) < n; e++ {
		hw := highway[a.g.EdgeID(e)]
		c, ok := classOf[hw]
		if !ok && len(ae.classes) < math.MaxUint16 {
			c = uint16(len(ae.classes))
			classOf[hw] = c
			ae.classes = append(ae.classes, hw)
		}
		ae.class[e] = c
		b := a.g.EdgeGeometry(e).Bound()
		ae.bounds[e] = b
		x0, y0 := edgeCell(b.Min)
		x1, y1 := edgeCell(b.Max)
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				k := [2]int32{x, y}
				ae.cells[k] = append(ae.cells[k], e)
			}
		}
	}
	return ae
}

func edgeCell(p orb.Point) (x, y int32) {
	return int32(math.Floor(p.Lon() / edgeCellDeg)), int32(math.Floor(p.Lat() / edgeCellDeg))
}

// query calls fn once for every edge whose bound meets b. An edge listed in
// several cells is reported only from the first cell of b it lies in.
func (a *areaEdges) query(b orb.Bound, fn func(e int32)) {
	qx0, qy0 := edgeCell(b.Min)
	qx1, qy1 := edgeCell(b.Max)
	if int64(qx1-qx0+1)*int64(qy1-qy0+1) > int64(len(a.cells)) {
		// A bound wider than the network: walk the occupied cells instead.
		for k, es := range a.cells {
			if k[0] >= qx0 && k[0] <= qx1 && k[1] >= qy0 && k[1] <= qy1 {
				a.report(k, qx0, qy0, b, es, fn)
			}
		}
		return
	}
	for x := qx0; x <= qx1; x++ {
		for y := qy0; y <= qy1; y++ {
			k := [2]int32{x, y}
			if es, ok := a.cells[k]; ok {
				a.report(k, qx0, qy0, b, es, fn)
			}
		}
	}
}

func (a *areaEdges) report(k [2]int32, qx0, qy0 int32, b orb.Bound, es []int32, fn func(e int32)) {
	for _, e := range es {
		eb := a.bounds[e]
		ex, ey := edgeCell(eb.Min)
		if max(ex, qx0) != k[0] || max(ey, qy0) != k[1] || !eb.Intersects(b) {
			continue
		}
		fn(e)
	}
}

package access

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// snapshot is one immutable state of the engine. Caches (surfaces, community
// cells) fill lazily. A change of outlets derives a new snapshot that shares
// the networks, communities and every surface the change does not touch;
// Reload starts afresh.
type snapshot struct {
	netGen      uint64 // identifies the loaded networks; derived snapshots keep it
	areas       []*areaNet
	placed      map[*areaNet]*areaOutlets
	outlets     map[int64]*quarterhour.Outlet // open outlets, never changed once placed
	byCategory  map[string][]int64            // open outlet IDs per category, sorted
	categories  map[string]quarterhour.Category
	catOrder    []string // category codes in taxonomy order
	communities map[int64]quarterhour.Community
	commOrder   []int64 // community IDs, sorted
	stats       Stats
	comm        *commCache
	gap         *gapBaseCache // shared like comm

	mu       sync.Mutex
	surfaces map[surfaceKey]*surfaceEntry
}

// commCache holds what depends on the communities alone, shared by the
// snapshots derived from one load.
type commCache struct {
	mu    sync.Mutex
	cells map[int64][]geo.CellShare
	pop   map[h3.Cell]int // population per res-10 cell over all communities; nil until built
}

// netGens numbers network loads, so caches over the graphs (the edge index)
// survive outlet changes.
var netGens atomic.Uint64

// areaNet is one stored network as a routing graph. Networks of different
// areas (Jining, Porto) may lie continents apart and share node IDs, so each
// gets its own graph and spatial index. It never changes after load.
type areaNet struct {
	name  string
	g     *geo.Graph
	bound orb.Bound // of the nodes, padded by the snap distance
}

// areaOutlets are the open outlets placed on one network, in no particular
// order, with an index of them by the edge they snap to.
type areaOutlets struct {
	outlets []snappedOut
	byEdge  map[int32][]int32
}

func (ao *areaOutlets) add(so snappedOut) {
	ao.byEdge[so.snap.Edge] = append(ao.byEdge[so.snap.Edge], int32(len(ao.outlets)))
	ao.outlets = append(ao.outlets, so)
}

// with returns the placements of ao with the outlets at the indexes of
// drop taken out and those of add put in, leaving ao as it is. Only the
// index entries of the edges involved are copied, so a change costs little
// more than copying the list.
func (ao *areaOutlets) with(drop []int, add []snappedOut) *areaOutlets {
	n := &areaOutlets{outlets: make([]snappedOut, len(ao.outlets), len(ao.outlets)+len(add)), byEdge: maps.Clone(ao.byEdge)}
	copy(n.outlets, ao.outlets)
	copied := map[int32]bool{}
	edit := func(e int32) []int32 {
		if !copied[e] {
			copied[e] = true
			n.byEdge[e] = slices.Clone(n.byEdge[e])
		}
		return n.byEdge[e]
	}
	// Take out the highest index first and move the last outlet into its
	// place: the last is never one still to be taken out.
	drop = slices.Clone(drop)
	slices.Sort(drop)
	for k := len(drop) - 1; k >= 0; k-- {
		i, last := int32(drop[k]), int32(len(n.outlets)-1)
		e := n.outlets[i].snap.Edge
		ids := slices.DeleteFunc(edit(e), func(x int32) bool { return x == i })
		if len(ids) == 0 {
			delete(n.byEdge, e)
			delete(copied, e)
		} else {
			n.byEdge[e] = ids
		}
		if i != last {
			moved := n.outlets[last]
			ids := edit(moved.snap.Edge)
			ids[slices.Index(ids, last)] = i
			n.outlets[i] = moved
		}
		n.outlets = n.outlets[:last]
	}
	for _, so := range add {
		e := so.snap.Edge
		n.byEdge[e] = append(edit(e), int32(len(n.outlets)))
		n.outlets = append(n.outlets, so)
	}
	return n
}

type snappedOut struct {
	outlet *quarterhour.Outlet
	snap   geo.Snap
}

// load reads the store and builds a snapshot.
func load(ctx context.Context, st store.Store) (*snapshot, error) {
	nets, err := st.LoadNetworks(ctx)
	if err != nil {
		return nil, fmt.Errorf("load networks: %w", err)
	}
	cats, err := st.ListCategories(ctx)
	if err != nil {
		return nil, fmt.Errorf("load categories: %w", err)
	}
	outs, err := st.ListOutlets(ctx, store.OutletFilter{Status: quarterhour.OutletOpen})
	if err != nil {
		return nil, fmt.Errorf("load outlets: %w", err)
	}
	comms, err := st.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		return nil, fmt.Errorf("load communities: %w", err)
	}
	s := &snapshot{
		netGen:      netGens.Add(1),
		placed:      map[*areaNet]*areaOutlets{},
		comm:        &commCache{cells: map[int64][]geo.CellShare{}},
		gap:         &gapBaseCache{},
		outlets:     make(map[int64]*quarterhour.Outlet, len(outs)),
		byCategory:  map[string][]int64{},
		categories:  make(map[string]quarterhour.Category, len(cats)),
		communities: make(map[int64]quarterhour.Community, len(comms)),
		surfaces:    map[surfaceKey]*surfaceEntry{},
	}
	sort.SliceStable(cats, func(i, j int) bool { return cats[i].Sort < cats[j].Sort })
	for _, c := range cats {
		s.categories[c.Code] = c
		s.catOrder = append(s.catOrder, c.Code)
	}
	for i, n := range nets {
		a, err := newAreaNet(n)
		if err != nil {
			return nil, err
		}
		// The stored network is in the graph now; let it go before the
		// next one, the surfaces and the gap cells are built.
		nets[i] = quarterhour.Network{}
		s.areas = append(s.areas, a)
		s.placed[a] = &areaOutlets{byEdge: map[int32][]int32{}}
		s.stats.Areas = append(s.stats.Areas, AreaStats{Area: n.Area, Nodes: a.g.NodeCount(), Edges: a.g.EdgeCount(),
			Components: a.g.ComponentCount(), LargestShare: a.g.LargestComponentShare(),
			RoutingBytes: a.g.RoutingBytes(), GeometryBytes: a.g.GeometryBytes()})
	}
	for i := range outs {
		o := &outs[i]
		if o.Status != quarterhour.OutletOpen {
			continue
		}
		s.outlets[o.ID] = o
		s.byCategory[o.Category] = append(s.byCategory[o.Category], o.ID)
		if a, sn, ok := s.snapLocal(o.Point); ok {
			s.placed[a].add(snappedOut{outlet: o, snap: sn})
		}
	}
	for _, ids := range s.byCategory {
		slices.Sort(ids)
	}
	for _, c := range comms {
		s.communities[c.ID] = c
		s.commOrder = append(s.commOrder, c.ID)
	}
	slices.Sort(s.commOrder)
	s.stats.Outlets, s.stats.Communities, s.stats.Categories = len(s.outlets), len(s.communities), len(s.categories)
	s.warmSurfaces(geo.DefaultWalk.Metres())
	if len(s.areas) > 0 {
		// What every category's gap grid reads, so that the first grid
		// after a load costs a lookup per cell; an error is the first
		// grid's to report.
		_, _ = s.gapBase()
	}
	return s, nil
}

func newAreaNet(n quarterhour.Network) (*areaNet, error) {
	g, err := NetworkGraph(n)
	if err != nil {
		return nil, err
	}
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, v := range n.Nodes {
		b = b.Extend(v.Point)
	}
	return &areaNet{name: n.Area, g: g, bound: padBound(b, geo.DefaultMaxSnapM)}, nil
}

// NetworkGraph builds the routing graph of a stored network, as the index
// does when it loads.
func NetworkGraph(n quarterhour.Network) (*geo.Graph, error) {
	nodes := make([]geo.NetNode, len(n.Nodes))
	for i, v := range n.Nodes {
		nodes[i] = geo.NetNode{ID: v.ID, Point: v.Point}
	}
	edges := make([]geo.NetEdge, len(n.Edges))
	for i, e := range n.Edges {
		edges[i] = geo.NetEdge{ID: e.ID, Source: e.Source, Target: e.Target, LengthM: e.LengthM,
			Geom: e.Geom, OSMWayID: e.OSMWayID, Highway: e.Highway}
	}
	g, err := geo.NewGraph(nodes, edges)
	if err != nil {
		return nil, fmt.Errorf("network %s: %w", n.Area, err)
	}
	return g, nil
}

// padBound grows b by m metres on every side.
func padBound(b orb.Bound, m float64) orb.Bound {
	dLat := m / 111_320
	dLon := dLat / math.Max(0.01, math.Cos(math.Max(math.Abs(b.Min.Lat()), math.Abs(b.Max.Lat()))*math.Pi/180))
	return orb.Bound{Min: orb.Point{b.Min.Lon() - dLon, b.Min.Lat() - dLat}, Max: orb.Point{b.Max.Lon() + dLon, b.Max.Lat() + dLat}}
}

// snap places p on the nearest network. Only areas whose padded bound holds
// p are searched; a point in none of them is measured against the nearest
// area, and fails with an error wrapping *geo.OffNetworkError that carries
// the distance to its nearest edge.
func (s *snapshot) snap(p orb.Point) (*areaNet, geo.Snap, error) {
	var bestA *areaNet
	var best geo.Snap
	var nearest *geo.OffNetworkError
	try := func(a *areaNet) error {
		sn, err := a.g.Snap(p, geo.DefaultMaxSnapM)
		var off *geo.OffNetworkError
		switch {
		case errors.As(err, &off):
			if nearest == nil || off.DistanceM < nearest.DistanceM {
				nearest = off
			}
		case err != nil:
			return fmt.Errorf("snap %v in %s: %w", p, a.name, err)
		case bestA == nil || sn.DistanceM < best.DistanceM:
			bestA, best = a, sn
		}
		return nil
	}
	var closest *areaNet
	closestM := math.Inf(1)
	for _, a := range s.areas {
		if a.bound.Contains(p) {
			if err := try(a); err != nil {
				return nil, geo.Snap{}, err
			}
			continue
		}
		if d := geo.DistanceM(p, clampToBound(p, a.bound)); d < closestM {
			closest, closestM = a, d
		}
	}
	if bestA == nil && nearest == nil && closest != nil {
		if err := try(closest); err != nil {
			return nil, geo.Snap{}, err
		}
	}
	if bestA == nil {
		if nearest == nil {
			return nil, geo.Snap{}, ErrNotReady
		}
		return nil, geo.Snap{}, nearest
	}
	return bestA, best, nil
}

// clampToBound returns the point of b nearest to p in lon/lat.
func clampToBound(p orb.Point, b orb.Bound) orb.Point {
	return orb.Point{math.Max(b.Min.Lon(), math.Min(b.Max.Lon(), p.Lon())), math.Max(b.Min.Lat(), math.Min(b.Max.Lat(), p.Lat()))}
}

// snapLocal is snap for points that must lie on a network, such as outlets
// at load: areas whose bound does not hold p are not searched at all.
func (s *snapshot) snapLocal(p orb.Point) (*areaNet, geo.Snap, bool) {
	return snapLocal(s.areas, p)
}

// snapLocal places p on the nearest of areas whose padded bound holds it,
// within geo.DefaultMaxSnapM.
func snapLocal(areas []*areaNet, p orb.Point) (*areaNet, geo.Snap, bool) {
	var bestA *areaNet
	var best geo.Snap
	for _, a := range areas {
		if !a.bound.Contains(p) {
			continue
		}
		if sn, err := a.g.Snap(p, geo.DefaultMaxSnapM); err == nil && (bestA == nil || sn.DistanceM < best.DistanceM) {
			bestA, best = a, sn
		}
	}
	return bestA, best, bestA != nil
}

// reachOutlets calls fn for each outlet placed on a within budgetM of the
// snapped origin, with the walk in metres (origin leg, network, outlet leg).
func (s *snapshot) reachOutlets(a *areaNet, origin geo.Snap, budgetM float64, fn func(o *quarterhour.Outlet, walkM float64)) {
	placed := s.placed[a]
	r := a.g.Reach(origin, budgetM)
	dist := make(map[int32]float64, len(r.Nodes))
	for _, n := range r.Nodes {
		dist[n.Node] = n.DistM
	}
	at := func(v int32) float64 {
		if d, ok := dist[v]; ok {
			return d
		}
		return math.Inf(1)
	}
	seen := map[int32]bool{}
	for _, p := range r.Pieces {
		if seen[p.Edge] {
			continue
		}
		seen[p.Edge] = true
		l := a.g.EdgeLengthM(p.Edge)
		src, dst := a.g.EdgeEnds(p.Edge)
		for _, idx := range placed.byEdge[p.Edge] {
			os := placed.outlets[idx].snap
			d := math.Min(at(src)+os.Frac*l, at(dst)+(1-os.Frac)*l)
			if p.Edge == origin.Edge {
				d = math.Min(d, origin.DistanceM+math.Abs(os.Frac-origin.Frac)*l)
			}
			if d += os.DistanceM; d <= budgetM {
				fn(placed.outlets[idx].outlet, d)
			}
		}
	}
}

// isochrone unions the isochrones of origins.
func (s *snapshot) isochrone(ctx context.Context, origins []orb.Point, budgetM float64, res int) (*geo.Isochrone, error) {
	if res == 0 {
		res = geo.DefaultRes
	}
	type nodeKey struct {
		area *areaNet
		node int32
	}
	var out *geo.Isochrone
	cells := map[h3.Cell]struct{}{}
	nodes := map[nodeKey]geo.Reached{}
	for i, p := range origins {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, _, err := s.snap(p)
		if err != nil {
			return nil, fmt.Errorf("origin %d: %w", i, err)
		}
		iso, err := a.g.Isochrone(p, geo.IsochroneOptions{BudgetM: budgetM, Res: res})
		if err != nil {
			return nil, fmt.Errorf("origin %d: %w", i, err)
		}
		if len(origins) == 1 {
			return iso, nil
		}
		if out == nil {
			out = &geo.Isochrone{Snap: iso.Snap, BudgetM: budgetM, Res: res}
		}
		for _, c := range iso.Cells {
			cells[c] = struct{}{}
		}
		for _, n := range iso.Nodes {
			k := nodeKey{a, n.Node}
			if old, ok := nodes[k]; !ok || n.DistM < old.DistM {
				nodes[k] = n
			}
		}
		out.Pieces = append(out.Pieces, iso.Pieces...)
	}
	for c := range cells {
		out.Cells = append(out.Cells, c)
	}
	slices.Sort(out.Cells)
	for _, n := range nodes {
		out.Nodes = append(out.Nodes, n)
	}
	sort.Slice(out.Nodes, func(i, j int) bool {
		if out.Nodes[i].DistM != out.Nodes[j].DistM {
			return out.Nodes[i].DistM < out.Nodes[j].DistM
		}
		return out.Nodes[i].ID < out.Nodes[j].ID
	})
	var err error
	if out.Polygon, err = geo.CellsPolygon(out.Cells); err != nil {
		return nil, err
	}
	if out.AreaM2, err = geo.CellsAreaM2(out.Cells); err != nil {
		return nil, err
	}
	return out, nil
}

// pickCommunities returns the communities with ids in order, or all by ID
// when ids is nil.
func (s *snapshot) pickCommunities(ids []int64) ([]quarterhour.Community, error) {
	if ids == nil {
		ids = s.commOrder
	}
	out := make([]quarterhour.Community, 0, len(ids))
	for _, id := range ids {
		c, ok := s.communities[id]
		if !ok {
			return nil, fmt.Errorf("community %d: %w", id, quarterhour.ErrNotFound)
		}
		out = append(out, c)
	}
	return out, nil
}

// communityCells spreads a community's population over its res-10 cells,
// once per snapshot.
func (s *snapshot) communityCells(c quarterhour.Community) ([]geo.CellShare, error) {
	s.comm.mu.Lock()
	cells, ok := s.comm.cells[c.ID]
	s.comm.mu.Unlock()
	if ok {
		return cells, nil
	}
	cells, err := geo.SpreadPopulation(c.Polygon, c.Population, geo.DefaultRes, nil)
	if err != nil {
		return nil, fmt.Errorf("community %d: %w", c.ID, err)
	}
	s.comm.mu.Lock()
	s.comm.cells[c.ID] = cells
	s.comm.mu.Unlock()
	return cells, nil
}

// cellPopulation returns the residents per res-10 cell over every community.
func (s *snapshot) cellPopulation() (map[h3.Cell]int, error) {
	s.comm.mu.Lock()
	pop := s.comm.pop
	s.comm.mu.Unlock()
	if pop != nil {
		return pop, nil
	}
	// Spread the communities over GOMAXPROCS goroutines, then add up.
	spread := make([][]geo.CellShare, len(s.commOrder))
	errs := make([]error, len(s.commOrder))
	geo.Parallel(len(s.commOrder), func(i int) {
		spread[i], errs[i] = s.communityCells(s.communities[s.commOrder[i]])
	})
	pop = map[h3.Cell]int{}
	for i, cells := range spread {
		if errs[i] != nil {
			return nil, errs[i]
		}
		for _, c := range cells {
			pop[c.Cell] += c.People
		}
	}
	s.comm.mu.Lock()
	s.comm.pop = pop
	s.comm.mu.Unlock()
	return pop, nil
}

// category checks that code is in the taxonomy.
func (s *snapshot) category(code string) error {
	if _, ok := s.categories[code]; !ok {
		return &UnknownCategoryError{Code: code}
	}
	return nil
}

// Package osmnet builds a walking network from an OpenStreetMap extract
// (PBF or XML): it selects walkable ways, splits them into edges at
// junctions, links the entrances of pedestrian squares across the square,
// and keeps the largest connected component.
//
// Vertices keep their OSM node IDs; edges are numbered 1..n in a
// deterministic order, so the output loads straight into pgRouting-style
// tables (walk_nodes, walk_edges).
package osmnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"github.com/quarterhour/quarterhour/geo"
)

// ErrNoWalkableWays is returned when the input holds no walkable way.
var ErrNoWalkableWays = errors.New("no walkable ways in OSM input")

// Node is a vertex of the walking network: a junction, a way end or a
// pedestrian-area point, with its OSM node ID. It is the routing core's
// node, so the network's nodes go to geo.NewGraph as they are.
type Node = geo.NetNode

// Edge is an undirected walkable edge. Geom runs from Source to Target and
// LengthM is its haversine length. Edges made from OSM ways carry the way ID
// and highway value; edges across a pedestrian area have Area set and carry
// the area's way ID, or for a multipolygon its OSMRelationID.
type Edge struct {
	ID            int64
	Source        int64
	Target        int64
	LengthM       float64
	Geom          orb.LineString
	OSMWayID      int64
	OSMRelationID int64
	Highway       string
	Area          bool
}

// Network is a walking network: Nodes sorted by ID, Edges by ID (1..n).
type Network struct {
	Nodes []Node
	Edges []Edge
}

// Options tune Read. The zero value keeps only the largest component.
type Options struct {
	// KeepAllComponents keeps every connected component instead of only the
	// largest one.
	KeepAllComponents bool
	// Progress, if set, is called as stages advance: "relations", "ways" and
	// "nodes" count bytes of input, "build" counts walkable ways.
	Progress func(stage string, done, total int)
}

// Summary reports what Read found and kept.
type Summary struct {
	WaysRead        int     // ways in the input
	WaysWalkable    int     // ways passing the walkable rules (lines, not areas)
	WaysKept        int     // walkable ways with at least one edge in the output
	AreaWays        int     // closed ways tagged highway=pedestrian|footway + area=yes
	PedestrianAreas int     // pedestrian areas found (area ways, area:highway polygons, multipolygons)
	AreasLinked     int     // areas with two or more entrances, linked across
	AreaEdges       int     // output edges crossing pedestrian areas
	MissingNodes    int     // way node references without a node in the input
	Edges           int     // output edges
	Nodes           int     // output vertices
	LengthKm        float64 // output length of edges along ways
	AreaLengthKm    float64 // output length of straight edges across areas
	Components      int     // connected components before filtering
	LargestShare    float64 // share of vertices in the largest component
	DroppedNodes    int     // vertices outside the kept component(s)
	DroppedEdges    int     // edges outside the kept component(s)
}

// Read builds a walking network from OSM data in r. The input is read into
// memory and scanned three times (relations, ways, nodes), so only the
// coordinates of needed nodes are kept.
func Read(ctx context.Context, r io.Reader, format Format, opt Options) (*Network, Summary, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, Summary{}, fmt.Errorf("read OSM input: %w", err)
	}
	if format == Detect {
		if format, err = DetectFormat(data); err != nil {
			return nil, Summary{}, err
		}
	}
	b := &builder{opt: opt}
	if err := b.scan(ctx, data, format); err != nil {
		return nil, b.sum, err
	}
	if len(b.ways) == 0 {
		return nil, b.sum, ErrNoWalkableWays
	}
	net := b.build()
	if len(net.Edges) == 0 {
		return nil, b.sum, fmt.Errorf("%w: %d walkable ways but none has two nodes with coordinates", ErrNoWalkableWays, b.sum.WaysWalkable)
	}
	return net, b.sum, nil
}

type wayRec struct {
	id      int64
	nodes   []int64
	highway string
}

type areaRel struct {
	id           int64
	highway      string
	outer, inner []int64 // member way IDs
}

type builder struct {
	opt       Options
	sum       Summary
	ways      []wayRec
	areaWays  []wayRec // closed ways that are pedestrian areas
	areaRels  []areaRel
	ringWays  map[int64][]int64 // member ways of area relations
	coords    map[int64]orb.Point
	needNodes map[int64]bool
}

func (b *builder) progress(stage string, total int) func(int) {
	if b.opt.Progress == nil {
		return nil
	}
	return func(done int) { b.opt.Progress(stage, done, total) }
}

func (b *builder) scan(ctx context.Context, data []byte, format Format) error {
	b.ringWays = map[int64][]int64{}
	needWays := map[int64]bool{}
	err := Scan(ctx, data, format, Kinds{Relations: true}, func(o osm.Object) error {
		r := o.(*osm.Relation)
		if r.Tags.Find("type") != "multipolygon" || !PedestrianArea(r.Tags, true) {
			return nil
		}
		ar := areaRel{id: int64(r.ID), highway: areaHighway(r.Tags)}
		for _, m := range r.Members {
			if m.Type != osm.TypeWay {
				continue
			}
			if m.Role == "inner" {
				ar.inner = append(ar.inner, m.Ref)
			} else {
				ar.outer = append(ar.outer, m.Ref)
			}
			needWays[m.Ref] = true
		}
		b.areaRels = append(b.areaRels, ar)
		return nil
	}, b.progress("relations", len(data)))
	if err != nil {
		return fmt.Errorf("scan relations: %w", err)
	}

	b.needNodes = map[int64]bool{}
	err = Scan(ctx, data, format, Kinds{Ways: true}, func(o osm.Object) error {
		w := o.(*osm.Way)
		b.sum.WaysRead++
		ids := dedupe(w.Nodes.NodeIDs())
		keep := false
		switch {
		case Walkable(w.Tags):
			b.ways = append(b.ways, wayRec{id: int64(w.ID), nodes: ids, highway: w.Tags.Find("highway")})
			b.sum.WaysWalkable++
			keep = true
		case len(ids) >= 4 && ids[0] == ids[len(ids)-1] && PedestrianArea(w.Tags, false):
			b.areaWays = append(b.areaWays, wayRec{id: int64(w.ID), nodes: ids, highway: areaHighway(w.Tags)})
			if w.Tags.Find("highway") != "" {
				b.sum.AreaWays++
			}
			keep = true
		}
		if needWays[int64(w.ID)] {
			b.ringWays[int64(w.ID)] = ids
			keep = true
		}
		if keep {
			for _, id := range ids {
				b.needNodes[id] = true
			}
		}
		return nil
	}, b.progress("ways", len(data)))
	if err != nil {
		return fmt.Errorf("scan ways: %w", err)
	}

	b.coords = make(map[int64]orb.Point, len(b.needNodes))
	err = Scan(ctx, data, format, Kinds{Nodes: true}, func(o osm.Object) error {
		n := o.(*osm.Node)
		if b.needNodes[int64(n.ID)] {
			b.coords[int64(n.ID)] = n.Point()
		}
		return nil
	}, b.progress("nodes", len(data)))
	if err != nil {
		return fmt.Errorf("scan nodes: %w", err)
	}
	b.sum.MissingNodes = len(b.needNodes) - len(b.coords)
	return nil
}

func areaHighway(tags osm.Tags) string {
	if hw := tags.Find("area:highway"); hw != "" {
		return hw
	}
	return tags.Find("highway")
}

func dedupe(ids []osm.NodeID) []int64 {
	out := make([]int64, 0, len(ids))
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			continue
		}
		out = append(out, int64(id))
	}
	return out
}

// edgeKey orders edges deterministically: way edges by way ID and position,
// then area edges by area and endpoints.
type edgeKey struct {
	area      bool
	osmID     int64
	seq       int
	src, dest int64
}

type rawEdge struct {
	key  edgeKey
	edge Edge
}

func (b *builder) build() *Network {
	// Split each way where a node is missing: the pieces are separate runs.
	var runs []wayRec
	for _, w := range b.ways {
		var cur []int64
		for _, id := range w.nodes {
			if _, ok := b.coords[id]; !ok {
				if len(cur) >= 2 {
					runs = append(runs, wayRec{w.id, cur, w.highway})
				}
				cur = nil
				continue
			}
			cur = append(cur, id)
		}
		if len(cur) >= 2 {
			runs = append(runs, wayRec{w.id, cur, w.highway})
		}
	}

	// A node is a vertex where runs meet, at run ends and on area links.
	uses := map[int64]int{}
	vertex := map[int64]bool{}
	for _, r := range runs {
		for _, id := range r.nodes {
			uses[id]++
		}
		vertex[r.nodes[0]] = true
		vertex[r.nodes[len(r.nodes)-1]] = true
	}
	for id, n := range uses {
		if n >= 2 {
			vertex[id] = true
		}
	}

	var deadEnds []int64
	for id := range vertex {
		if uses[id] == 1 {
			deadEnds = append(deadEnds, id)
		}
	}
	sort.Slice(deadEnds, func(i, j int) bool {
		pi, pj := b.coords[deadEnds[i]], b.coords[deadEnds[j]]
		return pi[0] < pj[0] || (pi[0] == pj[0] && deadEnds[i] < deadEnds[j])
	})

	var raw []rawEdge
	areas := b.areas()
	b.sum.PedestrianAreas = len(areas)
	for _, a := range areas {
		links := a.link(uses, b.coords, deadEnds)
		if len(links) > 0 {
			b.sum.AreasLinked++
		}
		raw = append(raw, links...)
	}
	for _, e := range raw {
		vertex[e.edge.Source] = true
		vertex[e.edge.Target] = true
	}

	for i, r := range runs {
		if b.opt.Progress != nil && i%1000 == 0 {
			b.opt.Progress("build", i, len(runs))
		}
		raw = append(raw, b.split(r, vertex)...)
	}
	if b.opt.Progress != nil {
		b.opt.Progress("build", len(runs), len(runs))
	}
	return b.assemble(raw)
}

// split cuts run r at vertices into edges. A piece that starts and ends at
// the same vertex (a loop) is cut again at its middle node so every edge
// joins two distinct vertices.
func (b *builder) split(r wayRec, vertex map[int64]bool) []rawEdge {
	var out []rawEdge
	seq := 0
	emit := func(ids []int64) {
		ls := make(orb.LineString, len(ids))
		for i, id := range ids {
			ls[i] = b.coords[id]
		}
		out = append(out, rawEdge{
			key: edgeKey{osmID: r.id, seq: seq},
			edge: Edge{
				Source: ids[0], Target: ids[len(ids)-1], LengthM: geo.LineLengthM(ls),
				Geom: ls, OSMWayID: r.id, Highway: r.highway,
			},
		})
		seq++
	}
	start := 0
	for i := 1; i < len(r.nodes); i++ {
		if !vertex[r.nodes[i]] {
			continue
		}
		piece := r.nodes[start : i+1]
		if piece[0] == piece[len(piece)-1] {
			if len(piece) >= 3 {
				mid := len(piece) / 2
				vertex[piece[mid]] = true
				emit(piece[:mid+1])
				emit(piece[mid:])
			}
		} else {
			emit(piece)
		}
		start = i
	}
	return out
}

// assemble finds connected components, keeps the largest (or all), and
// numbers nodes and edges.
func (b *builder) assemble(raw []rawEdge) *Network {
	index := map[int64]int{}
	var ids []int64
	idx := func(id int64) int {
		if i, ok := index[id]; ok {
			return i
		}
		index[id] = len(ids)
		ids = append(ids, id)
		return len(ids) - 1
	}
	for _, e := range raw {
		idx(e.edge.Source)
		idx(e.edge.Target)
	}
	uf := newUnionFind(len(ids))
	for _, e := range raw {
		uf.union(index[e.edge.Source], index[e.edge.Target])
	}
	size := map[int]int{}
	for i := range ids {
		size[uf.find(i)]++
	}
	largest, best := -1, 0
	for root, n := range size {
		if n > best || (n == best && ids[root] < ids[largest]) {
			largest, best = root, n
		}
	}
	b.sum.Components = len(size)
	if len(ids) > 0 {
		b.sum.LargestShare = float64(best) / float64(len(ids))
	}
	keep := func(id int64) bool {
		return b.opt.KeepAllComponents || uf.find(index[id]) == largest
	}

	net := &Network{}
	for _, id := range ids {
		if keep(id) {
			net.Nodes = append(net.Nodes, Node{ID: id, Point: b.coords[id]})
		} else {
			b.sum.DroppedNodes++
		}
	}
	sort.Slice(net.Nodes, func(i, j int) bool { return net.Nodes[i].ID < net.Nodes[j].ID })

	sort.Slice(raw, func(i, j int) bool { return raw[i].key.less(raw[j].key) })
	keptWays := map[int64]bool{}
	for _, e := range raw {
		if !keep(e.edge.Source) {
			b.sum.DroppedEdges++
			continue
		}
		ed := e.edge
		ed.ID = int64(len(net.Edges) + 1)
		net.Edges = append(net.Edges, ed)
		if ed.Area {
			b.sum.AreaEdges++
			b.sum.AreaLengthKm += ed.LengthM / 1000
		} else {
			b.sum.LengthKm += ed.LengthM / 1000
			keptWays[ed.OSMWayID] = true
		}
	}
	b.sum.WaysKept = len(keptWays)
	b.sum.Nodes = len(net.Nodes)
	b.sum.Edges = len(net.Edges)
	return net
}

func (k edgeKey) less(o edgeKey) bool {
	if k.area != o.area {
		return !k.area
	}
	if k.osmID != o.osmID {
		return k.osmID < o.osmID
	}
	if k.seq != o.seq {
		return k.seq < o.seq
	}
	if k.src != o.src {
		return k.src < o.src
	}
	return k.dest < o.dest
}

type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &unionFind{p}
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		u.parent[ra] = rb
	}
}

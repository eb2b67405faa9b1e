package geo

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// Graph is an immutable, compact walking network built for fast bounded
// searches. Nodes and edges are renumbered densely (int32) in input order;
// adjacency is stored in CSR form. A Graph is safe for concurrent use.
type Graph struct {
	nodeIDs   []int64 // dense node -> external ID
	nodeIndex map[int64]int32
	coords    []float64 // lon, lat per node

	offsets []int32   // CSR: adjacency of node v is [offsets[v], offsets[v+1])
	adj     []adjSlot // neighbour and length, what a search reads per slot
	adjEdge []int32   // edge leading to the neighbour

	edgeIDs  []int64
	edgeSrc  []int32
	edgeSlot []int32 // adj[edgeSlot[e]] is edge e seen from its source: its target and length

	geomOff  []int32   // edge e has points [geomOff[e], geomOff[e+1]) of geomSlab
	geomSlab []float64 // lon, lat per point
	geomLen  []float64 // per edge, the length of its polyline, metres

	comp        []int32 // connected component label per node
	compSize    []int32
	largestComp int32

	proj localProj
	grid segGrid

	pool sync.Pool // *searchState

	cellTables [maxIsoRes - minIsoRes + 1]struct { // per isochrone resolution
		once sync.Once
		t    *isoCells
		err  error
	}
}

// adjSlot is one CSR slot: the neighbour and the length of the edge leading
// to it, side by side so that relaxing an edge reads one 8-byte word.
type adjSlot struct {
	node int32
	len  float32 // metres
}

// NewGraph builds a Graph from undirected edges. Nodes are numbered along a
// Hilbert curve over their positions, so that nodes near each other on the
// map lie near each other in memory and a bounded search touches few cache
// lines; the order of nodes given does not matter. Every edge endpoint must be a
// listed node; node IDs must be unique; lengths must be finite and not
// negative. The isochrone cells of DefaultRes are precomputed here, those of
// other resolutions on first use. An edge without usable geometry is drawn as a straight line
// between its nodes, and geometry drawn from Target to Source is reversed.
func NewGraph(nodes []NetNode, edges []NetEdge) (*Graph, error) {
	if len(nodes) == 0 || len(edges) == 0 {
		return nil, errors.New("new graph: network has no nodes or no edges")
	}
	if len(nodes) >= math.MaxInt32 || 2*len(edges) >= math.MaxInt32 {
		return nil, fmt.Errorf("new graph: %d nodes, %d edges exceed int32 indexing", len(nodes), len(edges))
	}
	nodes = hilbertOrder(nodes)
	g := &Graph{
		nodeIDs:   make([]int64, len(nodes)),
		nodeIndex: make(map[int64]int32, len(nodes)),
		coords:    make([]float64, 2*len(nodes)),
		edgeIDs:   make([]int64, len(edges)),
		edgeSrc:   make([]int32, len(edges)),
		edgeSlot:  make([]int32, len(edges)),
		geomOff:   make([]int32, len(edges)+1),
	}
	edgeDst := make([]int32, len(edges))
	edgeLen := make([]float32, len(edges))
	for i, n := range nodes {
		if _, dup := g.nodeIndex[n.ID]; dup {
			return nil, fmt.Errorf("new graph: duplicate node %d", n.ID)
		}
		g.nodeIndex[n.ID] = int32(i)
		g.nodeIDs[i] = n.ID
		g.coords[2*i], g.coords[2*i+1] = n.Point.Lon(), n.Point.Lat()
	}
	points := 0
	for _, e := range edges {
		points += max(2, len(e.Geom))
	}
	if points >= math.MaxInt32 {
		return nil, fmt.Errorf("new graph: %d geometry points exceed int32 indexing", points)
	}
	g.geomSlab = make([]float64, 0, 2*points)
	degree := make([]int32, len(nodes)+1)
	for i, e := range edges {
		s, ok := g.nodeIndex[e.Source]
		if !ok {
			return nil, fmt.Errorf("new graph: edge %d: unknown source node %d", e.ID, e.Source)
		}
		t, ok := g.nodeIndex[e.Target]
		if !ok {
			return nil, fmt.Errorf("new graph: edge %d: unknown target node %d", e.ID, e.Target)
		}
		if math.IsNaN(e.LengthM) || math.IsInf(e.LengthM, 0) || e.LengthM < 0 {
			return nil, fmt.Errorf("new graph: edge %d: invalid length %v", e.ID, e.LengthM)
		}
		g.edgeIDs[i], g.edgeSrc[i], edgeDst[i] = e.ID, s, t
		edgeLen[i] = float32(e.LengthM)
		g.geomOff[i] = int32(len(g.geomSlab) / 2)
		g.appendGeometry(e.Geom, s, t)
		degree[s]++
		if s != t {
			degree[t]++
		}
	}
	g.geomOff[len(edges)] = int32(len(g.geomSlab) / 2)
	g.geomLen = make([]float64, len(edges))
	for e := range edges {
		for k := g.geomOff[e]; k+1 < g.geomOff[e+1]; k++ {
			g.geomLen[e] += g.segLen(k)
		}
	}

	g.offsets = make([]int32, len(nodes)+1)
	for v := range nodes {
		g.offsets[v+1] = g.offsets[v] + degree[v]
	}
	g.adj = make([]adjSlot, g.offsets[len(nodes)])
	g.adjEdge = make([]int32, g.offsets[len(nodes)])
	fill := append([]int32(nil), g.offsets[:len(nodes)]...)
	for e := range edges {
		s, t, l := g.edgeSrc[e], edgeDst[e], edgeLen[e]
		g.edgeSlot[e] = fill[s]
		g.adj[fill[s]], g.adjEdge[fill[s]] = adjSlot{node: t, len: l}, int32(e)
		fill[s]++
		if s != t {
			g.adj[fill[t]], g.adjEdge[fill[t]] = adjSlot{node: s, len: l}, int32(e)
			fill[t]++
		}
	}
	g.labelComponents()
	g.buildGrid()
	if _, err := g.isoCellTable(DefaultRes); err != nil {
		return nil, fmt.Errorf("new graph: isochrone cells: %w", err)
	}
	return g, nil
}

// hilbertOrder returns the nodes sorted along a Hilbert curve over their
// bounding box, ties by ID; nodes is not changed.
func hilbertOrder(nodes []NetNode) []NetNode {
	keys := curveKeys(len(nodes), func(i int) orb.Point { return nodes[i].Point })
	idx := make([]int32, len(nodes))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmp.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return cmp.Compare(nodes[a].ID, nodes[b].ID)
	})
	out := make([]NetNode, len(nodes))
	for i, j := range idx {
		out[i] = nodes[j]
	}
	return out
}

// curveOrder lists the indexes of n points along a Hilbert curve over their
// bounding box, ties in index order, so that points near each other on the
// map come near each other in the list.
func curveOrder(n int, at func(i int) orb.Point) []int32 {
	keys := curveKeys(n, at)
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return cmp.Compare(keys[a], keys[b]) })
	return idx
}

// curveKeys returns each point's distance along a Hilbert curve filling a
// 2^16 by 2^16 grid over the points' bounding box.
func curveKeys(n int, at func(i int) orb.Point) []uint64 {
	if n == 0 {
		return nil
	}
	b := orb.Bound{Min: at(0), Max: at(0)}
	for i := range n {
		b = b.Extend(at(i))
	}
	const side = 1 << 16
	sx := (side - 1) / math.Max(b.Max.Lon()-b.Min.Lon(), 1e-12)
	sy := (side - 1) / math.Max(b.Max.Lat()-b.Min.Lat(), 1e-12)
	keys := make([]uint64, n)
	for i := range n {
		p := at(i)
		keys[i] = hilbertKey(side, uint32((p.Lon()-b.Min.Lon())*sx), uint32((p.Lat()-b.Min.Lat())*sy))
	}
	return keys
}

// hilbertKey is the distance of cell (x, y) along the Hilbert curve that
// fills a side by side grid, side a power of two.
func hilbertKey(side, x, y uint32) uint64 {
	var d uint64
	for s := side / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 { // rotate the quadrant
			if rx == 1 {
				x, y = s-1-x&(s-1), s-1-y&(s-1)
			}
			x, y = y, x
		}
	}
	return d
}

// appendGeometry appends an edge's polyline to the slab so that it runs from
// node s to node t.
func (g *Graph) appendGeometry(geom orb.LineString, s, t int32) {
	sp, tp := g.NodePoint(s), g.NodePoint(t)
	if len(geom) < 2 {
		g.geomSlab = append(g.geomSlab, sp.Lon(), sp.Lat(), tp.Lon(), tp.Lat())
		return
	}
	first, last := geom[0], geom[len(geom)-1]
	if s != t && DistanceM(first, tp)+DistanceM(last, sp) < DistanceM(first, sp)+DistanceM(last, tp) {
		for i := len(geom) - 1; i >= 0; i-- {
			g.geomSlab = append(g.geomSlab, geom[i].Lon(), geom[i].Lat())
		}
		return
	}
	for _, p := range geom {
		g.geomSlab = append(g.geomSlab, p.Lon(), p.Lat())
	}
}

// labelComponents labels connected components by breadth-first search.
func (g *Graph) labelComponents() {
	n := len(g.nodeIDs)
	g.comp = make([]int32, n)
	for i := range g.comp {
		g.comp[i] = -1
	}
	queue := make([]int32, 0, 64)
	for start := range n {
		if g.comp[start] >= 0 {
			continue
		}
		label := int32(len(g.compSize))
		g.comp[start] = label
		queue = append(queue[:0], int32(start))
		size := int32(0)
		for len(queue) > 0 {
			v := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			size++
			for i := g.offsets[v]; i < g.offsets[v+1]; i++ {
				if w := g.adj[i].node; g.comp[w] < 0 {
					g.comp[w] = label
					queue = append(queue, w)
				}
			}
		}
		g.compSize = append(g.compSize, size)
		if size > g.compSize[g.largestComp] {
			g.largestComp = label
		}
	}
}

// NodeCount returns the number of nodes.
func (g *Graph) NodeCount() int { return len(g.nodeIDs) }

// EdgeCount returns the number of edges.
func (g *Graph) EdgeCount() int { return len(g.edgeIDs) }

// NodeID returns the external ID of dense node v.
func (g *Graph) NodeID(v int32) int64 { return g.nodeIDs[v] }

// NodeIndex returns the dense index of the node with external ID id.
func (g *Graph) NodeIndex(id int64) (int32, bool) {
	v, ok := g.nodeIndex[id]
	return v, ok
}

// NodePoint returns the lon/lat position of dense node v.
func (g *Graph) NodePoint(v int32) orb.Point {
	return orb.Point{g.coords[2*v], g.coords[2*v+1]}
}

// EdgeID returns the external ID of dense edge e.
func (g *Graph) EdgeID(e int32) int64 { return g.edgeIDs[e] }

// EdgeEnds returns the dense source and target nodes of edge e.
func (g *Graph) EdgeEnds(e int32) (source, target int32) { return g.edgeSrc[e], g.target(e) }

// EdgeLengthM returns the walking length of edge e in metres.
func (g *Graph) EdgeLengthM(e int32) float64 { return g.length(e) }

// target returns the dense target node of edge e.
func (g *Graph) target(e int32) int32 { return g.adj[g.edgeSlot[e]].node }

// length returns the walking length of edge e in metres.
func (g *Graph) length(e int32) float64 { return float64(g.adj[g.edgeSlot[e]].len) }

// EdgeGeometry returns a copy of edge e's polyline, from source to target.
func (g *Graph) EdgeGeometry(e int32) orb.LineString {
	a, b := g.geomOff[e], g.geomOff[e+1]
	ls := make(orb.LineString, 0, b-a)
	for k := a; k < b; k++ {
		ls = append(ls, orb.Point{g.geomSlab[2*k], g.geomSlab[2*k+1]})
	}
	return ls
}

// ComponentCount returns the number of connected components.
func (g *Graph) ComponentCount() int { return len(g.compSize) }

// Component returns the connected component label of dense node v.
func (g *Graph) Component(v int32) int32 { return g.comp[v] }

// LargestComponentShare returns the share (0..1] of nodes that lie in the
// largest connected component.
func (g *Graph) LargestComponentShare() float64 {
	return float64(g.compSize[g.largestComp]) / float64(len(g.nodeIDs))
}

// RoutingBytes returns the memory held by the routing arrays (CSR adjacency
// with lengths, edge sources, slots and IDs, node IDs, coordinates and
// components), excluding edge geometry, the ID map and the snapping index.
func (g *Graph) RoutingBytes() int {
	return 4*(len(g.offsets)+len(g.adjEdge)+len(g.edgeSrc)+len(g.edgeSlot)+len(g.comp)) +
		8*(len(g.adj)+len(g.edgeIDs)+len(g.nodeIDs)+len(g.coords))
}

// GeometryBytes returns the memory held by edge geometry and the snapping index.
func (g *Graph) GeometryBytes() int {
	return 4*len(g.geomOff) + 8*len(g.geomSlab) + 8*len(g.geomLen) + 4*(len(g.grid.start)+len(g.grid.items))
}

package geo

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/paulmach/orb"
)

// Jining city centre, the reference point of synthetic networks.
var jining = orb.Point{116.587, 35.415}

// offset returns the point dx metres east and dy metres north of p.
func offset(p orb.Point, dx, dy float64) orb.Point {
	ky := EarthRadiusM * math.Pi / 180
	kx := ky * math.Cos(p.Lat()*math.Pi/180)
	return orb.Point{p.Lon() + dx/kx, p.Lat() + dy/ky}
}

// network accumulates nodes and straight edges for tests.
type network struct {
	nodes []NetNode
	edges []NetEdge
	at    map[int64]orb.Point
}

func (n *network) node(id int64, p orb.Point) {
	if n.at == nil {
		n.at = map[int64]orb.Point{}
	}
	n.nodes = append(n.nodes, NetNode{ID: id, Point: p})
	n.at[id] = p
}

func (n *network) point(id int64) orb.Point {
	p, ok := n.at[id]
	if !ok {
		panic("unknown node")
	}
	return p
}

// edge adds a straight edge with its haversine length and a middle vertex.
func (n *network) edge(s, t int64) {
	a, b := n.point(s), n.point(t)
	mid := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
	ls := orb.LineString{a, mid, b}
	n.edges = append(n.edges, NetEdge{ID: int64(len(n.edges) + 1), Source: s, Target: t, LengthM: LineLengthM(ls), Geom: ls})
}

func (n *network) build(t testing.TB) *Graph {
	t.Helper()
	g, err := NewGraph(n.nodes, n.edges)
	if err != nil {
		t.Fatalf("NewGraph: %v", err)
	}
	return g
}

// gridNetwork is an nx by ny street grid with spacing metres, node IDs
// firstID + row*nx + col, south-west corner at origin.
func gridNetwork(n *network, origin orb.Point, nx, ny int, spacing float64, firstID int64) {
	for r := range ny {
		for c := range nx {
			n.node(firstID+int64(r*nx+c), offset(origin, float64(c)*spacing, float64(r)*spacing))
		}
	}
	for r := range ny {
		for c := range nx {
			id := firstID + int64(r*nx+c)
			if c+1 < nx {
				n.edge(id, id+1)
			}
			if r+1 < ny {
				n.edge(id, id+int64(nx))
			}
		}
	}
}

// randomNetwork joins n random points in a side-metre square to their three
// nearest neighbours, plus a few duplicate and zero-length edges.
func randomNetwork(seed uint64, count int, side float64) *network {
	rng := rand.New(rand.NewPCG(seed, 7))
	n := &network{}
	for i := range count {
		n.node(int64(i+1), offset(jining, rng.Float64()*side, rng.Float64()*side))
	}
	seen := map[[2]int64]bool{}
	for i := range n.nodes {
		idx := make([]int, 0, count)
		for j := range n.nodes {
			if j != i {
				idx = append(idx, j)
			}
		}
		sort.Slice(idx, func(a, b int) bool {
			return DistanceM(n.nodes[i].Point, n.nodes[idx[a]].Point) < DistanceM(n.nodes[i].Point, n.nodes[idx[b]].Point)
		})
		for _, j := range idx[:3] {
			a, b := n.nodes[i].ID, n.nodes[j].ID
			if seen[[2]int64{b, a}] || seen[[2]int64{a, b}] {
				continue
			}
			seen[[2]int64{a, b}] = true
			n.edge(a, b)
		}
	}
	for k := 0; k < 5; k++ {
		e := n.edges[rng.IntN(len(n.edges))]
		n.edge(e.Source, e.Target)
	}
	n.node(int64(count+1), n.nodes[0].Point)
	n.edge(n.nodes[0].ID, int64(count+1))
	return n
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

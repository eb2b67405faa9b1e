package geo

import (
	"math"
	"testing"
)

// line builds 1 - 2 - 3 - ... with straight 100 m edges running east.
func line(t *testing.T, nodes int) *Graph {
	n := &network{}
	for i := range nodes {
		n.node(int64(i+1), offset(jining, float64(i)*100, 0))
	}
	for i := 1; i < nodes; i++ {
		n.edge(int64(i), int64(i+1))
	}
	return n.build(t)
}

func snapAt(t *testing.T, g *Graph, dx, dy float64) Snap {
	t.Helper()
	s, err := g.Snap(offset(jining, dx, dy), 300)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func nodeDist(r *Reachable) map[int64]float64 {
	out := map[int64]float64{}
	for _, n := range r.Nodes {
		out[n.ID] = n.DistM
	}
	return out
}

func TestReach_ClipsPartialEdge(t *testing.T) {
	g := line(t, 3)
	r := g.Reach(snapAt(t, g, 0, 0), 150)
	d := nodeDist(r)
	if len(d) != 2 || !near(d[1], 0, 0.01) || !near(d[2], 100, 0.01) {
		t.Fatalf("nodes = %v, want 1 at 0 m and 2 at 100 m", d)
	}
	var got []EdgePiece
	for _, p := range r.Pieces {
		if p.EdgeID == 2 {
			got = append(got, p)
		}
	}
	if len(got) != 1 || got[0].From != 0 || !near(got[0].To, 0.5, 0.001) {
		t.Fatalf("pieces of edge 2 = %+v, want one [0, 0.5]", got)
	}
}

func TestReach_OriginMidEdgeCountsSnapLeg(t *testing.T) {
	g := line(t, 2)
	// 30 m along the edge, 20 m off it: node 1 is 20 + 30 m away.
	r := g.Reach(snapAt(t, g, 30, 20), 60)
	d := nodeDist(r)
	if len(d) != 1 || !near(d[1], 50, 0.05) {
		t.Fatalf("nodes = %v, want only node 1 at 50 m", d)
	}
	p := r.Pieces[0]
	if len(r.Pieces) != 1 || p.From != 0 || !near(p.To, 0.7, 0.001) {
		t.Fatalf("pieces = %+v, want one piece [0, 0.7]", r.Pieces)
	}
}

func TestReach_EdgeReachedFromBothEndsKeepsGap(t *testing.T) {
	n := &network{}
	n.node(1, jining)
	n.node(2, offset(jining, 100, 0))
	n.node(3, offset(jining, 100, 100))
	n.edge(1, 2)
	n.edge(2, 3)
	n.edge(1, 3)
	n.edges[2].LengthM = 1000 // a long winding path between 1 and 3
	g := n.build(t)
	r := g.Reach(snapAt(t, g, 0, 0), 300)
	var got []EdgePiece
	for _, p := range r.Pieces {
		if p.EdgeID == 3 {
			got = append(got, p)
		}
	}
	if len(got) != 2 || !near(got[0].To, 0.3, 1e-3) || !near(got[1].From, 0.9, 1e-3) {
		t.Fatalf("pieces of the long edge = %+v, want [0,0.3] and [0.9,1]", got)
	}
}

func TestReach_OriginEdgeReachedFromBothEndsIsWhole(t *testing.T) {
	n := &network{}
	n.node(1, jining)
	n.node(2, offset(jining, 100, 0))
	n.node(3, offset(jining, 50, 30))
	n.edge(1, 2)
	n.edge(1, 3)
	n.edge(3, 2)
	g := n.build(t)
	r := g.Reach(snapAt(t, g, 20, 0), 90)
	for _, p := range r.Pieces {
		if p.EdgeID == 1 && (p.From != 0 || p.To != 1) {
			t.Fatalf("origin edge piece = %+v, want the whole edge", p)
		}
	}
	d := nodeDist(r)
	if !near(d[1], 20, 0.05) || !near(d[2], 80, 0.05) {
		t.Fatalf("nodes = %v, want 1 at 20 m and 2 at 80 m", d)
	}
}

func TestReach_NodesSortedAndWithinBudget(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 20, 20, 50, 1)
	g := n.build(t)
	r := g.Reach(snapAt(t, g, 510, 490), 400)
	for i, nd := range r.Nodes {
		if nd.DistM > 400 || (i > 0 && nd.DistM < r.Nodes[i-1].DistM) {
			t.Fatalf("node %d at %.1f m breaks order or budget", i, nd.DistM)
		}
	}
	// Manhattan metric on a grid: node (10,10) is 10 + 10 away.
	if d := nodeDist(r)[1+10*20+10]; !near(d, 20, 0.1) {
		t.Fatalf("grid node (10,10) at %.2f m, want 20", d)
	}
}

func TestNearestDistances_EqualsMinOfSingleSources(t *testing.T) {
	g := randomNetwork(1, 400, 3000).build(t)
	var sources []Snap
	for _, p := range [][2]float64{{300, 400}, {1500, 1500}, {2600, 900}, {800, 2700}} {
		sources = append(sources, snapAt(t, g, p[0], p[1]))
	}
	multi := g.NearestDistances(sources, 900)
	want := make([]float64, g.NodeCount())
	for i := range want {
		want[i] = math.Inf(1)
	}
	for _, s := range sources {
		for _, nd := range g.Reach(s, 900).Nodes {
			want[nd.Node] = math.Min(want[nd.Node], nd.DistM)
		}
	}
	for v := range want {
		if float64(multi[v]) != float64(float32(want[v])) {
			t.Fatalf("node %d: multi-source %v, min of single sources %v", v, multi[v], want[v])
		}
	}
}

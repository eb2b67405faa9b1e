package geo

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestNewGraph_RejectsInvalidInput(t *testing.T) {
	valid := func() *network {
		n := &network{}
		n.node(1, jining)
		n.node(2, offset(jining, 100, 0))
		n.edge(1, 2)
		return n
	}
	tests := []struct {
		name   string
		mutate func(n *network)
		want   string
	}{
		{"unknown source", func(n *network) { n.edges[0].Source = 9 }, "unknown source node 9"},
		{"unknown target", func(n *network) { n.edges[0].Target = 9 }, "unknown target node 9"},
		{"duplicate node", func(n *network) { n.node(1, jining) }, "duplicate node 1"},
		{"negative length", func(n *network) { n.edges[0].LengthM = -1 }, "invalid length"},
		{"no edges", func(n *network) { n.edges = nil }, "no edges"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := valid()
			tc.mutate(n)
			_, err := NewGraph(n.nodes, n.edges)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestNewGraph_LabelsComponents(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 4, 4, 100, 1)                    // 16 nodes
	gridNetwork(n, offset(jining, 5000, 0), 2, 2, 100, 100) // 4 nodes
	g := n.build(t)
	if g.ComponentCount() != 2 {
		t.Fatalf("components = %d, want 2", g.ComponentCount())
	}
	if got := g.LargestComponentShare(); got != 16.0/20 {
		t.Fatalf("largest share = %v, want 0.8", got)
	}
	a, _ := g.NodeIndex(1)
	b, _ := g.NodeIndex(100)
	if g.Component(a) == g.Component(b) {
		t.Fatal("islands share a component label")
	}
}

func TestNewGraph_ReversesGeometryDrawnBackwards(t *testing.T) {
	n := &network{}
	n.node(1, jining)
	n.node(2, offset(jining, 100, 0))
	n.edge(2, 1)
	n.edges[0].Source, n.edges[0].Target = 1, 2 // geometry still runs 2 -> 1
	g := n.build(t)
	if got := g.EdgeGeometry(0)[0]; got != jining {
		t.Fatalf("geometry starts at %v, want the source node %v", got, jining)
	}
}

func TestHilbertKey_VisitsEveryCellOnceMovingOneStepAtATime(t *testing.T) {
	const side = 16
	at := make(map[uint64][2]int, side*side)
	for x := range side {
		for y := range side {
			k := hilbertKey(side, uint32(x), uint32(y))
			if _, dup := at[k]; dup || k >= side*side {
				t.Fatalf("key %d of (%d,%d) repeated or out of range", k, x, y)
			}
			at[k] = [2]int{x, y}
		}
	}
	for k := uint64(1); k < side*side; k++ {
		a, b := at[k-1], at[k]
		if d := abs(a[0]-b[0]) + abs(a[1]-b[1]); d != 1 {
			t.Fatalf("keys %d and %d are cells %v and %v, %d steps apart", k-1, k, a, b, d)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestNewGraph_NodeOrderGivenDoesNotChangeAnswers(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 12, 9, 80, 1)
	g1 := n.build(t)
	rev := &network{nodes: slices.Clone(n.nodes), edges: n.edges}
	slices.Reverse(rev.nodes)
	g2 := rev.build(t)
	s1, err := g1.Snap(offset(jining, 333, 222), 300)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := g2.Snap(offset(jining, 333, 222), 300)
	if err != nil {
		t.Fatal(err)
	}
	a, b := g1.ReachNodes(s1, 500), g2.ReachNodes(s2, 500)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("reached %d and %d nodes", len(a), len(b))
	}
	got := map[int64]float64{}
	for _, r := range a {
		got[r.ID] = r.DistM
	}
	for _, r := range b {
		if d, ok := got[r.ID]; !ok || math.Abs(d-r.DistM) > 1e-9 {
			t.Fatalf("node %d at %v m after reversing the input, %v m before", r.ID, r.DistM, d)
		}
	}
}

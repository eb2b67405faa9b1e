package geo

import (
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

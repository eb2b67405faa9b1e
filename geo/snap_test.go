package geo

import (
	"errors"
	"testing"
)

func TestSnap_PlacesPointOnEdgeNotNode(t *testing.T) {
	n := &network{}
	n.node(1, jining)
	n.node(2, offset(jining, 200, 0))
	n.edge(1, 2)
	g := n.build(t)
	s, err := g.Snap(offset(jining, 60, 25), 300)
	if err != nil {
		t.Fatal(err)
	}
	if s.EdgeID != 1 || !near(s.Frac, 0.3, 0.001) || !near(s.DistanceM, 25, 0.05) {
		t.Fatalf("snap = %+v, want edge 1 at frac 0.3, 25 m away", s)
	}
	if d := DistanceM(s.Point, offset(jining, 60, 0)); d > 0.05 {
		t.Fatalf("snapped point %v is %.2f m from the expected foot", s.Point, d)
	}
}

func TestSnap_ChoosesNearestEdgeAcrossGridCells(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 30, 30, 80, 1)
	g := n.build(t)
	for _, tc := range []struct{ dx, dy, wantM float64 }{
		{40, 10, 10},     // inside the grid, near a horizontal street
		{-150, 400, 150}, // west of the grid
		{960, 2000, 0},   // exactly on a node
	} {
		s, err := g.Snap(offset(jining, tc.dx, tc.dy), 300)
		if err != nil {
			t.Fatalf("(%v,%v): %v", tc.dx, tc.dy, err)
		}
		if !near(s.DistanceM, tc.wantM, 0.1) {
			t.Errorf("(%v,%v): distance %.2f, want %.0f", tc.dx, tc.dy, s.DistanceM, tc.wantM)
		}
	}
}

func TestSnap_OffNetworkReportsDistance(t *testing.T) {
	n := &network{}
	n.node(1, jining)
	n.node(2, offset(jining, 200, 0))
	n.edge(1, 2)
	g := n.build(t)
	_, err := g.Snap(offset(jining, 100, 450), 300)
	var off *OffNetworkError
	if !errors.As(err, &off) {
		t.Fatalf("err = %v, want *OffNetworkError", err)
	}
	if !near(off.DistanceM, 450, 0.5) {
		t.Fatalf("reported distance %.1f, want 450", off.DistanceM)
	}
}

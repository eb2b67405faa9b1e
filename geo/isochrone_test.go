package geo

import (
	"errors"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

func TestIsochrone_StaysOnIsland(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 20, 20, 100, 1)
	island := offset(jining, 2300, 0) // 400 m east of the main grid
	gridNetwork(n, island, 2, 2, 100, 1000)
	g := n.build(t)
	iso, err := g.Isochrone(offset(island, 50, 0), IsochroneOptions{BudgetM: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(iso.Nodes) != 4 {
		t.Fatalf("reached %d nodes, want the island's 4", len(iso.Nodes))
	}
	for _, c := range iso.Cells {
		ll, _ := h3.CellToLatLng(c)
		if DistanceM(orb.Point{ll.Lng, ll.Lat}, offset(island, 50, 50)) > 250 {
			t.Fatalf("cell %v at %v lies off the island", c, ll)
		}
	}
}

func TestIsochrone_PolygonIsLonLatAndAreaSumsCells(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 20, 20, 100, 1)
	g := n.build(t)
	iso, err := g.Isochrone(offset(jining, 1000, 1000), IsochroneOptions{BudgetM: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(iso.Polygon) == 0 {
		t.Fatal("empty polygon")
	}
	for _, poly := range iso.Polygon {
		for _, ring := range poly {
			if ring[0] != ring[len(ring)-1] {
				t.Fatal("ring not closed")
			}
			for _, p := range ring {
				if p.Lon() < 116 || p.Lon() > 117.5 || p.Lat() < 35 || p.Lat() > 36 {
					t.Fatalf("vertex %v is not lon/lat in Jining", p)
				}
			}
		}
	}
	area, _ := CellsAreaM2(iso.Cells)
	if area != iso.AreaM2 || len(iso.Cells) < 20 {
		t.Fatalf("area %v from %d cells, want the sum %v", iso.AreaM2, len(iso.Cells), area)
	}
	// A 500 m walking diamond has an area of 0.5 km²; cells add a margin.
	if iso.AreaM2 < 0.4e6 || iso.AreaM2 > 1.0e6 {
		t.Fatalf("area %.0f m², want about 0.5-0.8 km²", iso.AreaM2)
	}
}

func TestIsochrone_CoversClippedPartialEdge(t *testing.T) {
	n := &network{}
	n.node(1, jining)
	n.node(2, offset(jining, 1000, 0))
	n.edge(1, 2)
	g := n.build(t)
	iso, err := g.Isochrone(jining, IsochroneOptions{BudgetM: 600})
	if err != nil {
		t.Fatal(err)
	}
	in := func(dx float64) bool {
		c, _ := CellOf(offset(jining, dx, 0), DefaultRes)
		return slices.Contains(iso.Cells, c)
	}
	if !in(590) || in(800) {
		t.Fatalf("cells at 590 m in=%v, at 800 m in=%v; want true, false", in(590), in(800))
	}
}

func TestIsochrone_HandlesDegenerateEdges(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 5, 5, 100, 1)
	n.node(100, n.point(1))
	n.edge(1, 100) // zero length
	n.edge(7, 7)   // self-loop
	n.edge(7, 8)   // duplicate of an existing edge
	g := n.build(t)
	iso, err := g.Isochrone(offset(jining, 100, 100), IsochroneOptions{BudgetM: 300})
	if err != nil {
		t.Fatal(err)
	}
	d := map[int64]float64{}
	for _, r := range iso.Nodes {
		d[r.ID] = r.DistM
	}
	if !near(d[100], d[1], 1e-9) || !near(d[1], 200, 0.1) {
		t.Fatalf("zero-length neighbour at %v, node 1 at %v; want both 200 m", d[100], d[1])
	}
}

func TestIsochrone_OffNetworkOrigin(t *testing.T) {
	g := line(t, 2)
	_, err := g.Isochrone(offset(jining, 50, 1000), IsochroneOptions{BudgetM: 1000})
	var off *OffNetworkError
	if !errors.As(err, &off) || !near(off.DistanceM, 1000, 1) {
		t.Fatalf("err = %v, want OffNetworkError at 1000 m", err)
	}
}

func TestIsochrone_RejectsResolutionOutsideRange(t *testing.T) {
	g := line(t, 2)
	if _, err := g.Isochrone(jining, IsochroneOptions{BudgetM: 100, Res: 13}); err == nil {
		t.Fatal("res 13 accepted")
	}
}

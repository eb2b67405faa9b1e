package main

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
)

// gridNet is an n x n street grid with side metres between junctions at
// lon/lat origin, node IDs sparse like OSM's.
func gridNet(n int, side float64, origin orb.Point) *osmnet.Network {
	f := newFrame(origin.Lon(), origin.Lat())
	net := &osmnet.Network{}
	id := func(i, j int) int64 { return 1_000_000_007 + int64(i*n+j)*13 }
	for i := range n {
		for j := range n {
			net.Nodes = append(net.Nodes, osmnet.Node{ID: id(i, j), Point: f.point(float64(j)*side, float64(i)*side)})
		}
	}
	add := func(a, b int64, pa, pb orb.Point) {
		net.Edges = append(net.Edges, osmnet.Edge{ID: int64(len(net.Edges) + 1), Source: a, Target: b,
			LengthM: geo.DistanceM(pa, pb), Geom: orb.LineString{pa, pb}, Highway: "residential"})
	}
	for i := range n {
		for j := range n {
			p := net.Nodes[i*n+j].Point
			if j+1 < n {
				add(id(i, j), id(i, j+1), p, net.Nodes[i*n+j+1].Point)
			}
			if i+1 < n {
				add(id(i, j), id(i+1, j), p, net.Nodes[(i+1)*n+j].Point)
			}
		}
	}
	return net
}

// components counts the connected components of a stored network.
func components(t *testing.T, n *quarterhour.Network) int {
	t.Helper()
	parent := map[int64]int64{}
	for _, v := range n.Nodes {
		parent[v.ID] = v.ID
	}
	var find func(int64) int64
	find = func(v int64) int64 {
		if parent[v] == v {
			return v
		}
		r := find(parent[v])
		parent[v] = r
		return r
	}
	for _, e := range n.Edges {
		if _, ok := parent[e.Source]; !ok {
			t.Fatalf("edge %d: unknown source %d", e.ID, e.Source)
		}
		if _, ok := parent[e.Target]; !ok {
			t.Fatalf("edge %d: unknown target %d", e.ID, e.Target)
		}
		parent[find(e.Source)] = find(e.Target)
	}
	roots := map[int64]bool{}
	for _, v := range n.Nodes {
		roots[find(v.ID)] = true
	}
	return len(roots)
}

// checkCity checks what any stitched city must satisfy: unique IDs, edge
// counts adding up, lengths equal to the geometry's, geometry running
// from source to target, one connected component.
func checkCity(t *testing.T, c *city, base *osmnet.Network, l layout) {
	t.Helper()
	tiles := l.Cols * l.Rows
	if got, want := len(c.Net.Nodes), tiles*len(base.Nodes); got != want {
		t.Errorf("nodes: %d, want %d", got, want)
	}
	if got, want := len(c.Net.Edges), tiles*len(base.Edges)+c.Seams; got != want {
		t.Errorf("edges: %d, want %d tile edges + %d seams = %d", got, tiles*len(base.Edges), c.Seams, want)
	}
	nodes := map[int64]orb.Point{}
	for _, v := range c.Net.Nodes {
		if _, dup := nodes[v.ID]; dup {
			t.Fatalf("duplicate node ID %d", v.ID)
		}
		nodes[v.ID] = v.Point
	}
	edges := map[int64]bool{}
	for _, e := range c.Net.Edges {
		if edges[e.ID] {
			t.Fatalf("duplicate edge ID %d", e.ID)
		}
		edges[e.ID] = true
		if m := geo.LineLengthM(e.Geom); math.Abs(m-e.LengthM) > 1e-9 || e.Cost != e.LengthM || e.ReverseCost != e.LengthM {
			t.Fatalf("edge %d: length %v, cost %v/%v, geometry %v m", e.ID, e.LengthM, e.Cost, e.ReverseCost, m)
		}
		if e.Geom[0] != nodes[e.Source] || e.Geom[len(e.Geom)-1] != nodes[e.Target] {
			t.Fatalf("edge %d: geometry does not run from its source to its target", e.ID)
		}
	}
	if k := components(t, &c.Net); k != 1 {
		t.Errorf("%d connected components, want 1", k)
	}
	if !c.Bound.Contains(l.Centre) {
		t.Errorf("city bound %v does not hold the centre %v", c.Bound, l.Centre)
	}
}

func TestStitch_GridTilesJoinIntoOneComponent(t *testing.T) {
	base := gridNet(6, 80, orb.Point{-8.61, 41.14})
	l := layout{Cols: 3, Rows: 2, GapM: 60, SeamStepM: 90, SeamDepthM: 50, Centre: orb.Point{116.59, 35.41}}
	c, err := stitch(base, "city", l)
	if err != nil {
		t.Fatal(err)
	}
	checkCity(t, c, base, l)
	// The base is 400 m square with junctions every 80 m: its seam nodes
	// fall in five bands of 90 m (0-89: two of them, one connector).
	// 3 x 2 tiles have 2 x 2 vertical and 3 x 1 horizontal seams.
	if want := (2*2 + 3*1) * 5; c.Seams != want {
		t.Errorf("%d seam edges, want %d", c.Seams, want)
	}
	for _, e := range c.Net.Edges[len(c.Net.Edges)-c.Seams:] {
		if math.Abs(e.LengthM-60) > 0.5 {
			t.Errorf("seam edge %d is %.2f m long, want the 60 m gap", e.ID, e.LengthM)
		}
	}
	// Tile copies keep their shape: the first street of every tile is as
	// long as the base's.
	for k, tl := range c.Tiles {
		e := c.Net.Edges[k*len(base.Edges)]
		if math.Abs(e.LengthM-base.Edges[0].LengthM) > 0.1 {
			t.Errorf("tile %d,%d: first edge %.3f m, base %.3f m", tl.Row, tl.Col, e.LengthM, base.Edges[0].LengthM)
		}
	}
}

func TestStitch_Deterministic(t *testing.T) {
	base := gridNet(5, 70, orb.Point{-8.61, 41.14})
	l := layout{Cols: 2, Rows: 2, GapM: 40, SeamStepM: 90, SeamDepthM: 40, Centre: orb.Point{116.59, 35.41}}
	a, err := stitch(base, "city", l)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := stitch(base, "city", l)
	for i := range a.Net.Edges {
		if x, y := a.Net.Edges[i], b.Net.Edges[i]; x.ID != y.ID || x.Source != y.Source || x.Target != y.Target {
			t.Fatalf("edge %d differs between runs: %+v, %+v", i, x, y)
		}
	}
}

func TestStitch_PortoTilesAreOneComponent(t *testing.T) {
	f, err := os.Open("../../testdata/osm/porto.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	base, _, err := osmnet.Read(context.Background(), f, osmnet.Detect, osmnet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The extract's header box.
	ext := orb.Bound{Min: orb.Point{-8.6212353, 41.1247318}, Max: orb.Point{-8.5936815, 41.1560755}}
	if base, err = clip(base, ext, 25); err != nil {
		t.Fatal(err)
	}
	if len(base.Edges) < 12_000 {
		t.Fatalf("clipped Porto has %d edges, want about 12,000", len(base.Edges))
	}
	l := layout{Cols: 3, Rows: 2, GapM: 60, SeamStepM: 100, SeamDepthM: 250, Centre: orb.Point{116.59, 35.41}}
	c, err := stitch(base, "city", l)
	if err != nil {
		t.Fatal(err)
	}
	checkCity(t, c, base, l)
	if c.Seams < 100 {
		t.Errorf("only %d seam edges", c.Seams)
	}
	// Neighbouring tiles do not overlap: every tile's geometry stays in its
	// own box, and the boxes are apart.
	for i, a := range c.Tiles {
		for _, b := range c.Tiles[i+1:] {
			if a.Bound.Intersects(b.Bound) {
				t.Errorf("tiles %d,%d and %d,%d overlap", a.Row, a.Col, b.Row, b.Col)
			}
		}
	}
}

func TestApportion_AddsUpWithFloor(t *testing.T) {
	got, err := apportion([]float64{16, 1, 0.8, 3}, 1000, 50)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, n := range got {
		sum += n
		if n < 50 {
			t.Errorf("share %d below the floor", n)
		}
	}
	if sum != 1000 || got[0] <= got[3] || got[3] <= got[1] {
		t.Errorf("shares %v", got)
	}
}

package osmnet

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/paulmach/osm"

	"github.com/quarterhour/quarterhour/geo"
)

func readFile(t *testing.T, path string, opt Options) (*Network, Summary) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	net, sum, err := Read(context.Background(), f, Detect, opt)
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return net, sum
}

func edgeBetween(net *Network, a, b int64) *Edge {
	for i, e := range net.Edges {
		if (e.Source == a && e.Target == b) || (e.Source == b && e.Target == a) {
			return &net.Edges[i]
		}
	}
	return nil
}

func hasNode(net *Network, id int64) bool {
	for _, n := range net.Nodes {
		if n.ID == id {
			return true
		}
	}
	return false
}

func TestRead_AppliesWalkableRulesAndSplitsAtJunctions(t *testing.T) {
	net, sum := readFile(t, "testdata/rules.osm", Options{})

	if e := edgeBetween(net, 1, 3); e == nil || len(e.Geom) != 3 || e.OSMWayID != 100 || e.Highway != "residential" {
		t.Errorf("way 100 should give edge 1-3 through unshared node 2 with full geometry, got %+v", e)
	}
	if edgeBetween(net, 3, 4) == nil || edgeBetween(net, 3, 5) == nil {
		t.Error("way 100 should split at node 3, shared with footway 101")
	}
	if hasNode(net, 2) {
		t.Error("node 2 is used by one way only and must not be a vertex")
	}
	for _, c := range []struct {
		a, b int64
		want bool
		why  string
	}{
		{4, 6, false, "foot=no"},
		{5, 7, true, "access=private with foot=yes"},
		{7, 8, false, "access=private"},
		{1, 9, true, "trunk with sidewalk=both"},
		{9, 10, false, "trunk without sidewalk"},
		{10, 11, false, "motorway even with foot=yes"},
		{11, 12, false, "highway=construction"},
	} {
		if got := edgeBetween(net, c.a, c.b) != nil; got != c.want {
			t.Errorf("%s: edge %d-%d present = %v, want %v", c.why, c.a, c.b, got, c.want)
		}
	}

	if sum.WaysRead != 20 || sum.WaysWalkable != 12 || sum.PedestrianAreas != 2 || sum.MissingNodes != 1 {
		t.Errorf("summary read/walkable/areas/missing = %d/%d/%d/%d, want 20/12/2/1",
			sum.WaysRead, sum.WaysWalkable, sum.PedestrianAreas, sum.MissingNodes)
	}
	if sum.Edges != 18 || sum.Nodes != 16 || sum.Components != 2 || sum.DroppedNodes != 2 || sum.DroppedEdges != 1 {
		t.Errorf("summary edges/nodes/components/dropped nodes/dropped edges = %d/%d/%d/%d/%d, want 18/16/2/2/1",
			sum.Edges, sum.Nodes, sum.Components, sum.DroppedNodes, sum.DroppedEdges)
	}
	for i, e := range net.Edges {
		if e.ID != int64(i+1) {
			t.Fatalf("edge %d has ID %d, want IDs 1..n in order", i, e.ID)
		}
		if e.Source == e.Target {
			t.Errorf("edge %d is a self-loop at %d", e.ID, e.Source)
		}
		if e.Geom[0] != nodePoint(net, e.Source) || e.Geom[len(e.Geom)-1] != nodePoint(net, e.Target) {
			t.Errorf("edge %d geometry does not run from source %d to target %d", e.ID, e.Source, e.Target)
		}
	}
}

func nodePoint(net *Network, id int64) [2]float64 {
	for _, n := range net.Nodes {
		if n.ID == id {
			return n.Point
		}
	}
	return [2]float64{}
}

func TestRead_SplitsLoopIntoTwoEdges(t *testing.T) {
	net, _ := readFile(t, "testdata/rules.osm", Options{})
	var loop []Edge
	for _, e := range net.Edges {
		if e.OSMWayID == 122 {
			loop = append(loop, e)
		}
	}
	if len(loop) != 2 || loop[0].Source != 24 || loop[0].Target != 26 || loop[1].Source != 26 || loop[1].Target != 24 {
		t.Errorf("loop way 122 should become 24-26 and 26-24, got %+v", loop)
	}
}

func TestRead_KeepAllComponents(t *testing.T) {
	net, sum := readFile(t, "testdata/rules.osm", Options{KeepAllComponents: true})
	if edgeBetween(net, 30, 31) == nil || sum.DroppedNodes != 0 || sum.Edges != 19 {
		t.Errorf("KeepAllComponents should keep the isolated footway 30-31, got %d edges, %d dropped nodes", sum.Edges, sum.DroppedNodes)
	}
	if sum.LargestShare <= 0.85 || sum.LargestShare >= 0.9 {
		t.Errorf("largest share = %.3f, want 16/18", sum.LargestShare)
	}
}

func TestRead_CrossingSquareIsShorterThanItsPerimeter(t *testing.T) {
	net, _ := readFile(t, "testdata/rules.osm", Options{})
	diag := edgeBetween(net, 20, 22)
	if diag == nil || !diag.Area || diag.OSMWayID != 200 || diag.Highway != "pedestrian" || len(diag.Geom) != 2 {
		t.Fatalf("square 200 should link entrances 20 and 22 with a straight area edge, got %+v", diag)
	}
	if edgeBetween(net, 20, 21) != nil || hasNode(net, 21) || hasNode(net, 23) {
		t.Error("the square's ring must not be routed around")
	}
	// From node 4 (west of the square) to 24 (east of it).
	got := shortest(net, 4, 24)
	side := distance(net, 20, 21)
	perimeterRoute := distance(net, 4, 20) + 2*side + distance(net, 22, 24)
	if got >= perimeterRoute-0.5*side {
		t.Errorf("route across the square %.0f m, want clearly shorter than around it %.0f m", got, perimeterRoute)
	}
}

func TestRead_ConcavePlazaBendsAtReflexCorner(t *testing.T) {
	net, sum := readFile(t, "testdata/rules.osm", Options{})
	if edgeBetween(net, 41, 44) != nil {
		t.Error("entrances 41 and 44 of the L plaza cannot see each other: no straight edge may join them")
	}
	for _, pair := range [][2]int64{{41, 43}, {43, 44}, {40, 41}, {40, 44}, {40, 43}} {
		if e := edgeBetween(net, pair[0], pair[1]); e == nil || !e.Area {
			t.Errorf("L plaza should link %d-%d across the area", pair[0], pair[1])
		}
	}
	if got, want := shortest(net, 41, 44), distance(net, 41, 43)+distance(net, 43, 44); got > want+1e-6 {
		t.Errorf("41 to 44 = %.1f m, want %.1f m via reflex corner 43", got, want)
	}
	if sum.AreasLinked != 2 || sum.AreaEdges != 6 {
		t.Errorf("areas linked %d, area edges %d; want 2 and 6", sum.AreasLinked, sum.AreaEdges)
	}
}

func TestRead_NoWalkableWays(t *testing.T) {
	f, err := os.Open("testdata/nowalk.osm")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := Read(context.Background(), f, XML, Options{}); !errors.Is(err, ErrNoWalkableWays) {
		t.Errorf("got %v, want ErrNoWalkableWays", err)
	}
}

func TestRead_RejectsEmptyAndTruncatedPBF(t *testing.T) {
	data, err := os.ReadFile("../../testdata/osm/porto.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Read(context.Background(), bytes.NewReader(nil), Detect, Options{}); !errors.Is(err, ErrEmptyInput) {
		t.Errorf("empty input: got %v, want ErrEmptyInput", err)
	}
	if _, _, err := Read(context.Background(), bytes.NewReader(data[:50*1024]), PBF, Options{}); err == nil {
		t.Error("first 50 KB of Porto: want an error for the truncated file")
	} else {
		t.Logf("truncated: %v", err)
	}
	if _, _, err := Read(context.Background(), bytes.NewReader([]byte("hello")), Detect, Options{}); err == nil {
		t.Error("garbage input: want an error")
	}
}

func TestRead_Porto(t *testing.T) {
	var stages []string
	net, sum := readFile(t, "../../testdata/osm/porto.osm.pbf", Options{Progress: func(stage string, done, total int) {
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
	}})
	t.Logf("Porto: %+v", sum)
	// SOURCE.md counts 4,463 walkable ways with trunk always walkable; our
	// rule drops the 3 trunk ways without sidewalk or foot tags. Pedestrian
	// areas are counted separately from walkable lines.
	if n := sum.WaysWalkable + sum.AreaWays; n < 4440 || n > 4463 {
		t.Errorf("walkable ways + areas = %d, want about 4,463", n)
	}
	if sum.Components < 2 || sum.LargestShare < 0.9 {
		t.Errorf("want one dominant component, got %d components, largest %.3f", sum.Components, sum.LargestShare)
	}
	if sum.PedestrianAreas == 0 || sum.AreaEdges == 0 {
		t.Errorf("Porto has pedestrian squares: got %d areas, %d area edges", sum.PedestrianAreas, sum.AreaEdges)
	}
	if sum.LengthKm < 200 || sum.LengthKm > 380 {
		t.Errorf("length along ways %.1f km, want below the 379 km of all walkable ways (area rings are not routed)", sum.LengthKm)
	}
	if sum.MissingNodes != 0 {
		t.Errorf("Porto has complete ways, got %d missing nodes", sum.MissingNodes)
	}
	if len(net.Nodes) != sum.Nodes || len(net.Edges) != sum.Edges {
		t.Error("summary counts disagree with the network")
	}
	if want := []string{"relations", "ways", "nodes", "build"}; len(stages) != 4 || stages[0] != want[0] || stages[3] != want[3] {
		t.Errorf("progress stages %v, want %v", stages, want)
	}
	if shortest(net, net.Nodes[0].ID, net.Nodes[len(net.Nodes)-1].ID) == inf {
		t.Error("the kept component must be connected")
	}
}

func TestRead_MonacoIsDeterministic(t *testing.T) {
	a, sa := readFile(t, "../../testdata/osm/monaco.osm.pbf", Options{})
	b, _ := readFile(t, "../../testdata/osm/monaco.osm.pbf", Options{})
	t.Logf("Monaco: %+v", sa)
	if sa.WaysWalkable+sa.AreaWays < 2700 || sa.LargestShare < 0.8 {
		t.Errorf("Monaco: %d walkable ways (+%d areas), largest share %.3f", sa.WaysWalkable, sa.PedestrianAreas, sa.LargestShare)
	}
	if len(a.Edges) != len(b.Edges) {
		t.Fatalf("two reads differ: %d vs %d edges", len(a.Edges), len(b.Edges))
	}
	for i := range a.Edges {
		if a.Edges[i].Source != b.Edges[i].Source || a.Edges[i].Target != b.Edges[i].Target || a.Edges[i].OSMWayID != b.Edges[i].OSMWayID {
			t.Fatalf("edge %d differs between reads", i+1)
		}
	}
}

func TestWalkable(t *testing.T) {
	cases := []struct {
		tags osm.Tags
		want bool
	}{
		{osm.Tags{{Key: "highway", Value: "footway"}}, true},
		{osm.Tags{{Key: "highway", Value: "cycleway"}, {Key: "foot", Value: "no"}}, false},
		{osm.Tags{{Key: "highway", Value: "primary"}, {Key: "foot", Value: "use_sidepath"}}, false},
		{osm.Tags{{Key: "highway", Value: "trunk_link"}, {Key: "foot", Value: "designated"}}, true},
		{osm.Tags{{Key: "highway", Value: "trunk"}, {Key: "sidewalk:left", Value: "yes"}}, true},
		{osm.Tags{{Key: "highway", Value: "trunk"}, {Key: "sidewalk", Value: "separate"}}, false},
		{osm.Tags{{Key: "highway", Value: "motorway_link"}, {Key: "sidewalk", Value: "both"}}, false},
		{osm.Tags{{Key: "highway", Value: "service"}, {Key: "access", Value: "no"}, {Key: "foot", Value: "permissive"}}, true},
		{osm.Tags{{Key: "highway", Value: "service"}, {Key: "access", Value: "no"}}, false},
		{osm.Tags{{Key: "highway", Value: "service"}, {Key: "area", Value: "yes"}}, false},
		{osm.Tags{{Key: "highway", Value: "proposed"}}, false},
		{osm.Tags{{Key: "highway", Value: "raceway"}}, false},
		{osm.Tags{{Key: "building", Value: "yes"}}, false},
	}
	for _, c := range cases {
		if got := Walkable(c.tags); got != c.want {
			t.Errorf("Walkable(%v) = %v, want %v", c.tags, got, c.want)
		}
	}
	if !PedestrianArea(osm.Tags{{Key: "highway", Value: "pedestrian"}, {Key: "area", Value: "yes"}}, false) ||
		!PedestrianArea(osm.Tags{{Key: "area:highway", Value: "pedestrian"}}, false) ||
		!PedestrianArea(osm.Tags{{Key: "highway", Value: "pedestrian"}}, true) ||
		PedestrianArea(osm.Tags{{Key: "highway", Value: "pedestrian"}}, false) {
		t.Error("PedestrianArea: area=yes, area:highway and multipolygons are areas; a bare closed pedestrian way is a loop")
	}
}

const inf = 1e300

func distance(net *Network, a, b int64) float64 {
	if e := edgeBetween(net, a, b); e != nil {
		return e.LengthM
	}
	return inf
}

// shortest is the walking distance over the network, for checking distances.
func shortest(net *Network, from, to int64) float64 {
	index := map[int64]int{}
	for i, n := range net.Nodes {
		index[n.ID] = i
	}
	type half struct {
		to int
		m  float64
	}
	adj := make([][]half, len(net.Nodes))
	for _, e := range net.Edges {
		s, t := index[e.Source], index[e.Target]
		adj[s] = append(adj[s], half{t, e.LengthM})
		adj[t] = append(adj[t], half{s, e.LengthM})
	}
	search := geo.NewDijkstra(len(adj), func(u int, visit func(v int, w float64)) {
		for _, h := range adj[u] {
			visit(h.to, h.m)
		}
	})
	s, okS := index[from]
	t, okT := index[to]
	if !okS || !okT {
		return inf
	}
	if d := search.Distance(s, t, math.Inf(1)); d < inf {
		return d
	}
	return inf
}

func TestNetwork_GeoEdgesKeepIDsAndLengths(t *testing.T) {
	net, _ := readFile(t, "testdata/rules.osm", Options{})
	nodes, edges := net.GeoNodes(), net.GeoEdges()
	if len(nodes) != len(net.Nodes) || len(edges) != len(net.Edges) {
		t.Fatalf("got %d nodes, %d edges; want %d, %d", len(nodes), len(edges), len(net.Nodes), len(net.Edges))
	}
	for i, e := range edges {
		o := net.Edges[i]
		if e.ID != o.ID || e.Source != o.Source || e.Target != o.Target || e.LengthM != o.LengthM || len(e.Geom) != len(o.Geom) {
			t.Errorf("edge %d converted to %+v, from %+v", i, e, o)
		}
	}
	if nodes[0].ID != net.Nodes[0].ID || nodes[0].Point != net.Nodes[0].Point {
		t.Errorf("node 0 converted to %+v, from %+v", nodes[0], net.Nodes[0])
	}
}

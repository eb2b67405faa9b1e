package linenet

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo"
)

// Lines near Jining: 0.001° of longitude is about 90 m there.
const (
	x0 = 116.58
	y0 = 35.41
	d  = 0.001
)

func pt(i, j float64) orb.Point { return orb.Point{x0 + i*d, y0 + j*d} }

func line(row int, props map[string]any, pts ...orb.Point) Line {
	return Line{Row: row, Geometry: orb.LineString(pts), Props: props}
}

func build(t *testing.T, lines []Line, opt Options) (*Network, Summary) {
	t.Helper()
	net, sum, err := Build(lines, opt)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if len(net.Nodes) != sum.Nodes || len(net.Edges) != sum.Edges {
		t.Fatalf("summary %d nodes %d edges, network %d, %d", sum.Nodes, sum.Edges, len(net.Nodes), len(net.Edges))
	}
	return net, sum
}

// nodeAt returns the ID of the node at p, 0 when there is none.
func nodeAt(net *Network, p orb.Point) int64 {
	for _, n := range net.Nodes {
		if n.Point == p {
			return n.ID
		}
	}
	return 0
}

// edges lists each edge as its end points, in edge order, checking that
// its geometry runs from its source to its target.
func edges(t *testing.T, net *Network) [][2]orb.Point {
	t.Helper()
	pos := map[int64]orb.Point{}
	for _, n := range net.Nodes {
		pos[n.ID] = n.Point
	}
	var out [][2]orb.Point
	for _, e := range net.Edges {
		out = append(out, [2]orb.Point{pos[e.Source], pos[e.Target]})
		if e.Geom[0] != pos[e.Source] || e.Geom[len(e.Geom)-1] != pos[e.Target] {
			t.Errorf("edge %d geometry %v does not run from node %d to node %d", e.ID, e.Geom, e.Source, e.Target)
		}
	}
	return out
}

func TestBuild_SharedEndPointsJoin(t *testing.T) {
	net, sum := build(t, []Line{
		line(1, nil, pt(0, 0), pt(1, 0), pt(2, 0)),
		line(2, nil, pt(2, 0), pt(2, 1)),
		line(3, nil, pt(2, 1), pt(0, 0)),
	}, Options{})
	if sum.Nodes != 3 || sum.Edges != 3 || sum.Components != 1 || sum.DroppedEdges != 0 {
		t.Fatalf("summary %+v", sum)
	}
	if got, want := edges(t, net), [][2]orb.Point{{pt(0, 0), pt(2, 0)}, {pt(2, 0), pt(2, 1)}, {pt(2, 1), pt(0, 0)}}; !reflect.DeepEqual(got, want) {
		t.Errorf("edges %v, want %v", got, want)
	}
	// The inner vertex of line 1 is no node, but stays in the geometry.
	if nodeAt(net, pt(1, 0)) != 0 || len(net.Edges[0].Geom) != 3 {
		t.Errorf("inner vertex: node %d, geometry %v", nodeAt(net, pt(1, 0)), net.Edges[0].Geom)
	}
	want := geo.DistanceM(pt(0, 0), pt(1, 0)) + geo.DistanceM(pt(1, 0), pt(2, 0))
	if e := net.Edges[0]; math.Abs(e.LengthM-want) > 1e-9 || e.Row != 1 {
		t.Errorf("edge 1 length %v (want haversine %v), row %d", e.LengthM, want, e.Row)
	}
	// Nodes are numbered by longitude, then latitude.
	if nodeAt(net, pt(0, 0)) != 1 || nodeAt(net, pt(2, 0)) != 2 || nodeAt(net, pt(2, 1)) != 3 {
		t.Errorf("nodes %+v", net.Nodes)
	}
}

func TestBuild_CrossingAtASharedVertexIsAJunction(t *testing.T) {
	net, sum := build(t, []Line{
		line(1, nil, pt(0, 1), pt(1, 1), pt(2, 1)),
		line(2, nil, pt(1, 0), pt(1, 1), pt(1, 2)),
	}, Options{})
	if sum.Nodes != 5 || sum.Edges != 4 || sum.Components != 1 {
		t.Fatalf("summary %+v", sum)
	}
	c := nodeAt(net, pt(1, 1))
	deg := 0
	for _, e := range net.Edges {
		if e.Source == c || e.Target == c {
			deg++
		}
	}
	if c == 0 || deg != 4 {
		t.Errorf("crossing node %d has %d edges, want 4", c, deg)
	}
}

func TestBuild_CrossingWithoutASharedVertexStaysApart(t *testing.T) {
	// A bridge: line 2 passes over line 1 with no vertex at the crossing.
	lines := []Line{
		line(1, nil, pt(0, 1), pt(2, 1)),
		line(2, nil, pt(1, 0), pt(1, 2)),
		line(3, nil, pt(2, 1), pt(3, 1)),
	}
	net, sum := build(t, lines, Options{})
	if sum.Components != 2 || sum.Nodes != 3 || sum.Edges != 2 || sum.DroppedNodes != 2 || sum.DroppedEdges != 1 {
		t.Fatalf("summary %+v: want the bridge as its own component, dropped", sum)
	}
	if nodeAt(net, pt(1, 1)) != 0 || nodeAt(net, pt(1, 0)) != 0 {
		t.Error("the bridge is in the kept network")
	}
	if math.Abs(sum.DroppedLengthKm*1000-geo.DistanceM(pt(1, 0), pt(1, 2))) > 1e-6 {
		t.Errorf("dropped length %v km", sum.DroppedLengthKm)
	}
	_, sum = build(t, lines, Options{KeepAllComponents: true})
	if sum.Nodes != 5 || sum.Edges != 3 || sum.DroppedNodes != 0 {
		t.Errorf("keep all: %+v", sum)
	}
}

func TestBuild_DuplicateVerticesAndZeroLengthLines(t *testing.T) {
	// 3e-8° and 2e-8° apart: on one grid point, so one vertex.
	near := orb.Point{pt(1, 0)[0] + 3e-8, pt(1, 0)[1] - 2e-8}
	net, sum := build(t, []Line{
		line(1, nil, pt(0, 0), pt(0, 0), pt(1, 0), near, pt(2, 0)),
		line(2, nil, pt(2, 0), pt(2, 0)),                                   // zero length
		line(3, nil, pt(3, 3), orb.Point{pt(3, 3)[0] + 2e-8, pt(3, 3)[1]}), // shorter than the grid
		line(4, nil, pt(2, 0), pt(2, 1)),
		line(5, nil, pt(2, 1), pt(2, 0)), // the same street drawn twice
	}, Options{})
	if sum.MergedVertices != 4 || sum.ZeroLength != 2 || sum.DuplicateEdges != 1 {
		t.Errorf("merged %d, zero length %d, duplicates %d; want 4, 2, 1", sum.MergedVertices, sum.ZeroLength, sum.DuplicateEdges)
	}
	if sum.Edges != 2 || sum.Nodes != 3 {
		t.Fatalf("summary %+v", sum)
	}
	if g := net.Edges[0].Geom; len(g) != 3 || g[1] != pt(1, 0) {
		t.Errorf("edge 1 geometry %v: the repeated vertices must be merged", g)
	}
	var rows []int
	for _, s := range sum.Skipped {
		rows = append(rows, s.Row)
		if !strings.Contains(s.Reason, "no length") {
			t.Errorf("skip %+v", s)
		}
	}
	if !reflect.DeepEqual(rows, []int{2, 3}) {
		t.Errorf("skipped rows %v, want 2 and 3", rows)
	}
}

func TestBuild_LoopsAndSelfCrossings(t *testing.T) {
	// A closed ring touching a street at one end, and another ring
	// hanging off the street's other end.
	net, sum := build(t, []Line{
		line(1, nil, pt(0, 0), pt(1, 0), pt(1, 1), pt(0, 1), pt(0, 0)),
		line(2, nil, pt(-1, 0), pt(0, 0)),
		line(3, nil, pt(-1, 0), pt(-2, 1), pt(-3, 0), pt(-2, -1), pt(-1, 0)),
	}, Options{})
	for _, e := range net.Edges {
		if e.Source == e.Target {
			t.Errorf("edge %d is a loop on node %d", e.ID, e.Source)
		}
	}
	if sum.Edges != 5 || sum.Components != 1 {
		t.Errorf("summary %+v", sum)
	}
	// A line that passes through one of its own vertices twice.
	net, _ = build(t, []Line{line(1, nil, pt(0, 0), pt(1, 0), pt(1, 1), pt(0.5, -1), pt(1, 0), pt(2, 0))}, Options{})
	if nodeAt(net, pt(1, 0)) == 0 {
		t.Error("a line crossing itself at a shared vertex needs a node there")
	}
}

func TestBuild_MultiLineStringsAndOtherGeometries(t *testing.T) {
	lines := []Line{
		{Row: 1, Geometry: orb.MultiLineString{{pt(0, 0), pt(1, 0)}, {pt(1, 0), pt(1, 1)}}},
		{Row: 2, Geometry: pt(5, 5)},
		{Row: 3},
		{Row: 4, Geometry: orb.Polygon{{pt(0, 0), pt(1, 0), pt(1, 1), pt(0, 0)}}},
		{Row: 5, Geometry: orb.LineString{{461200, 3918800}, {461300, 3918800}}},
	}
	_, sum := build(t, lines, Options{})
	if sum.Edges != 2 || sum.NotLines != 3 || sum.NoGeometry != 1 || sum.Walkable != 1 {
		t.Errorf("summary %+v", sum)
	}
	want := []Skip{{2, "a Point is not a line"}, {3, "no geometry"}, {4, "a Polygon is not a line"}}
	if !reflect.DeepEqual(sum.Skipped[:3], want) || !strings.Contains(sum.Skipped[3].Reason, "not WGS-84") {
		t.Errorf("skipped %+v", sum.Skipped)
	}
	if _, _, err := Build(lines[1:], Options{}); !errors.Is(err, ErrNoWalkableLines) {
		t.Errorf("no lines: %v", err)
	}
}

func TestBuild_Rules(t *testing.T) {
	osmLines := []Line{
		line(1, map[string]any{"highway": "residential", "osm_id": "42"}, pt(0, 0), pt(1, 0)),
		line(2, map[string]any{"highway": "motorway"}, pt(1, 0), pt(2, 0)),
		line(3, map[string]any{"highway": "footway", "other_tags": `"foot"=>"no","surface"=>"paved"`}, pt(1, 0), pt(1, 1)),
		line(4, map[string]any{"highway": "trunk", "other_tags": `"sidewalk"=>"both"`}, pt(0, 0), pt(0, 1)),
		line(5, map[string]any{"highway": "trunk"}, pt(0, 1), pt(1, 1)),
		line(6, map[string]any{"waterway": "river"}, pt(0, 1), pt(-1, 1)),
	}
	net, sum := build(t, osmLines, Options{})
	if !strings.HasPrefix(sum.Rules, "osm") || sum.Walkable != 2 || sum.NotWalkable != 4 {
		t.Errorf("default rules on OSM lines: %+v", sum)
	}
	if e := net.Edges[0]; e.WayID != 42 || e.Class != "residential" || net.Edges[1].Class != "trunk" {
		t.Errorf("edges %+v", net.Edges)
	}
	r, err := ParseRules("highway!=motorway,trunk")
	if err != nil {
		t.Fatal(err)
	}
	_, sum = build(t, osmLines, Options{Rules: r})
	if sum.Walkable != 3 || sum.NotWalkable != 3 {
		t.Errorf("highway!=motorway,trunk: %+v", sum)
	}

	cn := []Line{
		line(1, map[string]any{"道路等级": "支路"}, pt(0, 0), pt(1, 0)),
		line(2, map[string]any{"道路等级": "高速公路"}, pt(1, 0), pt(2, 0)),
		line(3, map[string]any{"道路等级": " 次干路 ", "ROAD_ID": 7.0}, pt(1, 0), pt(1, 1)),
		line(4, map[string]any{}, pt(0, 0), pt(0, 1)),
	}
	_, sum = build(t, cn, Options{})
	if sum.Walkable != 4 || !strings.HasPrefix(sum.Rules, "all") {
		t.Errorf("default rules without a highway column: %+v", sum)
	}
	r, _ = ParseRules("# rules file\n道路等级!=高速公路，快速路\n")
	net, sum = build(t, cn, Options{Rules: r})
	if sum.Walkable != 3 || net.Edges[1].Class != "次干路" {
		t.Errorf("道路等级 rule: %+v, edges %+v", sum, net.Edges)
	}
	r, _ = ParseRules("道路等级=支路,次干路; road_id=7")
	if _, sum = build(t, cn, Options{Rules: r}); sum.Walkable != 1 {
		t.Errorf("two rules: %+v", sum)
	}
	r, _ = ParseRules("级别!=高速")
	if _, _, err := Build(cn, Options{Rules: r}); err == nil || !strings.Contains(err.Error(), "道路等级") {
		t.Errorf("a rule on a missing column: %v", err)
	}
	for _, bad := range []string{"", "# nothing", "highway", "highway!=", "=x", "highway<motorway"} {
		if _, err := ParseRules(bad); (err == nil) != (bad == "highway") {
			t.Errorf("ParseRules(%q): %v", bad, err)
		}
	}
}

func TestParseHstore(t *testing.T) {
	got := parseHstore(`"foot"=>"no","name:en"=>"a \"quoted\" name", "x"=>"a,b=>c"`)
	want := map[string]string{"foot": "no", "name:en": `a "quoted" name`, "x": "a,b=>c"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q", got)
	}
	if got := parseHstore(`"broken`); len(got) != 0 {
		t.Errorf("broken: %q", got)
	}
}

func TestNetwork_GeoGraph(t *testing.T) {
	net, _ := build(t, []Line{line(1, map[string]any{"highway": "footway"}, pt(0, 0), pt(1, 0), pt(1, 1))}, Options{})
	g, err := geo.NewGraph(net.GeoNodes(), net.GeoEdges())
	if err != nil {
		t.Fatal(err)
	}
	if g.NodeCount() != 2 || g.EdgeCount() != 1 || g.EdgeLengthM(0) != float64(float32(net.Edges[0].LengthM)) {
		t.Errorf("graph: %d nodes, %d edges", g.NodeCount(), g.EdgeCount())
	}
}

func TestBuild_GeofabrikFclassAndClassColumns(t *testing.T) {
	lines := []Line{
		line(1, map[string]any{"FCLASS": "footway", "osm_id": "7"}, pt(0, 0), pt(1, 0)),
		line(2, map[string]any{"FCLASS": "motorway", "osm_id": "8"}, pt(1, 0), pt(2, 0)),
	}
	net, sum := build(t, lines, Options{})
	if sum.Rules != "osm (the file has a fclass column)" || sum.Walkable != 1 || net.Edges[0].Class != "footway" || net.Edges[0].WayID != 7 {
		t.Errorf("fclass: %+v, edges %+v", sum, net.Edges)
	}
	net, _ = build(t, []Line{line(1, map[string]any{"道路等级": "支路", "名称": "幸福巷"}, pt(0, 0), pt(1, 0))}, Options{})
	if net.Edges[0].Class != "支路" {
		t.Errorf("class %q, want the 道路等级 value", net.Edges[0].Class)
	}
}

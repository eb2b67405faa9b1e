package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/linenet"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/vector"
	"github.com/quarterhour/quarterhour/store"
)

// portoLines is Porto's highway ways as GDAL's OSM driver exports them
// (testdata/osm/make_porto_lines.sh).
const portoLines = "../../testdata/osm/porto_lines.geojson.gz"

func gunzipFile(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// storedGraph loads the stored network of area as a routing graph.
func storedGraph(t testing.TB, st store.Store, area string) (*geo.Graph, quarterhour.Network) {
	t.Helper()
	nets, err := st.LoadNetworks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nets {
		if n.Area != area {
			continue
		}
		g, err := access.NetworkGraph(n)
		if err != nil {
			t.Fatal(err)
		}
		return g, n
	}
	t.Fatalf("no stored network %q", area)
	return nil, quarterhour.Network{}
}

// gridKey is a point on the 1e-7° grid OSM coordinates lie on.
type gridKey [2]int64

func keyOf(p orb.Point) gridKey {
	return gridKey{int64(math.Round(p[0] * 1e7)), int64(math.Round(p[1] * 1e7))}
}

// agreement compares walking from the same origins on two graphs.
type agreement struct {
	origins          int
	nodes            int       // nodes reached on both, summed over origins
	onlyA, onlyB     int       // nodes reached on one graph only
	diffs            []float64 // |distance on B - distance on A| per node reached on both
	shorterOnB       int       // nodes reached on both that B reaches more than 1 cm sooner
	cellsA, cellsB   int
	cellsBoth        int
	areaA, areaB     float64
	worstJaccard     float64
	worstJaccardFrom orb.Point
}

func (a *agreement) quantile(q float64) float64 {
	if len(a.diffs) == 0 {
		return 0
	}
	s := append([]float64(nil), a.diffs...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}

func (a *agreement) share(within float64) float64 {
	n := 0
	for _, d := range a.diffs {
		if d <= within {
			n++
		}
	}
	return float64(n) / float64(len(a.diffs))
}

func (a *agreement) jaccard() float64 {
	return float64(a.cellsBoth) / float64(a.cellsA+a.cellsB-a.cellsBoth)
}

// compare walks budget metres from each origin on ga and gb, matching
// nodes by position, and compares distances and isochrone cells.
func compare(t *testing.T, ga, gb *geo.Graph, origins []orb.Point, budget float64) *agreement {
	t.Helper()
	a := &agreement{worstJaccard: 1}
	for _, o := range origins {
		sa, errA := ga.Snap(o, 1)
		sb, errB := gb.Snap(o, 1)
		if errA != nil || errB != nil {
			t.Fatalf("origin %v: snap %v, %v", o, errA, errB)
		}
		a.origins++
		dist := map[gridKey]float64{}
		for _, r := range ga.ReachNodes(sa, budget) {
			dist[keyOf(ga.NodePoint(r.Node))] = r.DistM
		}
		for _, r := range gb.ReachNodes(sb, budget) {
			d, ok := dist[keyOf(gb.NodePoint(r.Node))]
			if !ok {
				a.onlyB++
				continue
			}
			delete(dist, keyOf(gb.NodePoint(r.Node)))
			a.nodes++
			a.diffs = append(a.diffs, math.Abs(r.DistM-d))
			if r.DistM < d-0.01 {
				a.shorterOnB++
			}
		}
		a.onlyA += len(dist)
		ia, err := ga.Isochrone(o, geo.IsochroneOptions{BudgetM: budget})
		if err != nil {
			t.Fatal(err)
		}
		ib, err := gb.Isochrone(o, geo.IsochroneOptions{BudgetM: budget})
		if err != nil {
			t.Fatal(err)
		}
		in := map[h3.Cell]bool{}
		for _, c := range ia.Cells {
			in[c] = true
		}
		both := 0
		for _, c := range ib.Cells {
			if in[c] {
				both++
			}
		}
		a.cellsA += len(ia.Cells)
		a.cellsB += len(ib.Cells)
		a.cellsBoth += both
		a.areaA += ia.AreaM2
		a.areaB += ib.AreaM2
		if j := float64(both) / float64(len(ia.Cells)+len(ib.Cells)-both); j < a.worstJaccard {
			a.worstJaccard, a.worstJaccardFrom = j, o
		}
	}
	return a
}

// commonOrigins picks n nodes of gb, evenly spread in its node order,
// that ga has at the same position.
func commonOrigins(ga, gb *geo.Graph, n int) []orb.Point {
	in := map[gridKey]bool{}
	for v := range ga.NodeCount() {
		in[keyOf(ga.NodePoint(int32(v)))] = true
	}
	// In order of gb's node IDs, so that the sample does not depend on how
	// the graph numbers its nodes inside.
	ids := make([]int64, 0, gb.NodeCount())
	for v := range gb.NodeCount() {
		ids = append(ids, gb.NodeID(int32(v)))
	}
	slices.Sort(ids)
	var common []orb.Point
	for _, id := range ids {
		v, _ := gb.NodeIndex(id)
		if p := gb.NodePoint(v); in[keyOf(p)] {
			common = append(common, p)
		}
	}
	var out []orb.Point
	for i := range n {
		out = append(out, common[i*len(common)/n])
	}
	return out
}

func importPortoPBF(t *testing.T, st store.Store, area string) {
	t.Helper()
	data, err := os.ReadFile(portoPBF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ImportNetwork(context.Background(), st, bytes.NewReader(data), osmnet.PBF, area, "porto.osm.pbf", nil); err != nil {
		t.Fatal(err)
	}
}

// TestImportLines_PortoGeoJSONLinesAgreeWithThePBFImport imports Porto's
// highway ways twice, from the OSM extract and as GDAL's GeoJSON export of
// its lines, and compares 15-minute walks (1,000 m) from 60 shared nodes.
// The line file lacks Porto's 1,343 pedestrian areas (mostly sidewalks
// mapped as areas), which GDAL files as polygons and the OSM import links
// across, so the lines are a subset of the OSM network: no node is reached
// sooner on them, about half are reached at the same distance, and the
// rest later by a detour around a square.
func TestImportLines_PortoGeoJSONLinesAgreeWithThePBFImport(t *testing.T) {
	ctx := context.Background()
	st := referenceStore(t)
	importPortoPBF(t, st, "porto-pbf")
	res, err := ImportLines(ctx, st, bytes.NewReader(gunzipFile(t, portoLines)), "porto-lines", "porto_lines.geojson", LinesOptions{Format: vector.GeoJSON})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	t.Logf("lines: %+v", s)
	if res.CRS.Code() != "EPSG:4326" || res.CRSFrom != "the GeoJSON crs member" || !strings.HasPrefix(s.Rules, "osm") {
		t.Errorf("CRS %s from %q, rules %q", res.CRS, res.CRSFrom, s.Rules)
	}
	// The OSM reader finds 3,266 walkable ways; the line file leaves out
	// the closed ways tagged area=yes that GDAL files as polygons.
	if s.Walkable < 3100 || s.Walkable > 3266 || s.NotWalkable < 150 || s.Components < 2 || s.LargestShare < 0.8 {
		t.Errorf("summary %+v", s)
	}
	gp, np := storedGraph(t, st, "porto-pbf")
	gl, nl := storedGraph(t, st, "porto-lines")
	t.Logf("PBF: %d nodes, %d edges; lines: %d nodes, %d edges", len(np.Nodes), len(np.Edges), len(nl.Nodes), len(nl.Edges))
	if nl.Edges[0].OSMWayID == 0 || nl.Edges[0].Highway == "" {
		t.Errorf("edge 1 %+v: want the OSM way ID and highway value", nl.Edges[0])
	}

	a := compare(t, gp, gl, commonOrigins(gp, gl, 60), 1000)
	t.Logf("%d origins: %d nodes reached on both, %d only on the PBF network, %d only on the lines, %d sooner on the lines",
		a.origins, a.nodes, a.onlyA, a.onlyB, a.shorterOnB)
	t.Logf("distance differences: median %.2f m, 75th percentile %.1f m, 90th %.1f m, 95th %.1f m, max %.1f m; %.1f%% within 1 cm, %.1f%% within 1 m, %.1f%% within 25 m",
		a.quantile(0.5), a.quantile(0.75), a.quantile(0.9), a.quantile(0.95), a.quantile(1), 100*a.share(0.01), 100*a.share(1), 100*a.share(25))
	t.Logf("isochrone cells (res 10): %d PBF, %d lines, %d both: overlap (Jaccard) %.3f, worst %.3f from %v; area lines/PBF %.3f",
		a.cellsA, a.cellsB, a.cellsBoth, a.jaccard(), a.worstJaccard, a.worstJaccardFrom, a.areaB/a.areaA)
	if a.onlyB != 0 || a.shorterOnB != 0 {
		t.Errorf("the lines reach %d nodes the OSM network does not, and %d sooner: they must be a subset", a.onlyB, a.shorterOnB)
	}
	if a.share(0.01) < 0.4 || a.share(25) < 0.9 {
		t.Errorf("distances disagree: %.1f%% within 1 cm, %.1f%% within 25 m", 100*a.share(0.01), 100*a.share(25))
	}
	if a.jaccard() < 0.97 || a.worstJaccard < 0.7 || a.cellsBoth != a.cellsB {
		t.Errorf("isochrones disagree: overlap %.3f, worst %.3f, %d of the lines' %d cells in the PBF's", a.jaccard(), a.worstJaccard, a.cellsBoth, a.cellsB)
	}
}

// pbfEdgesAsGeoJSON writes the stored network's edges as GeoJSON lines.
func pbfEdgesAsGeoJSON(t *testing.T, n quarterhour.Network) []byte {
	t.Helper()
	fc := geojson.NewFeatureCollection()
	for _, e := range n.Edges {
		f := geojson.NewFeature(e.Geom)
		f.Properties["edge"] = e.ID
		fc.Append(f)
	}
	data, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestImportLines_PBFEdgesAsGeoJSONGiveTheSameWalks writes the OSM
// import's own edges, pedestrian squares included, as a GeoJSON file
// without a crs member and imports it as lines. The walks agree, save
// where the OSM network has an edge along a square's outline passing
// through a vertex of another edge without a junction there: as lines,
// the shared vertex joins them.
func TestImportLines_PBFEdgesAsGeoJSONGiveTheSameWalks(t *testing.T) {
	ctx := context.Background()
	st := referenceStore(t)
	importPortoPBF(t, st, "porto-pbf")
	gp, np := storedGraph(t, st, "porto-pbf")
	data := pbfEdgesAsGeoJSON(t, np)
	_, err := ImportLines(ctx, st, bytes.NewReader(data), "porto-edges", "edges.geojson", LinesOptions{Format: vector.GeoJSON})
	if err == nil || !strings.Contains(err.Error(), "never guessed") {
		t.Fatalf("no CRS: %v", err)
	}
	wgs, _ := proj.Parse("wgs84")
	res, err := ImportLines(ctx, st, bytes.NewReader(data), "porto-edges", "edges.geojson", LinesOptions{Format: vector.GeoJSON, CRS: wgs})
	if err != nil {
		t.Fatal(err)
	}
	// The OSM network's parallel edges (a square's outline along a
	// footway) are dropped as duplicates.
	if s := res.Summary; s.Nodes != len(np.Nodes) || s.Edges+s.DuplicateEdges < len(np.Edges) || s.Components != 1 || !strings.HasPrefix(s.Rules, "all") {
		t.Errorf("summary %+v; PBF %d nodes, %d edges", s, len(np.Nodes), len(np.Edges))
	}
	ge, _ := storedGraph(t, st, "porto-edges")
	a := compare(t, gp, ge, commonOrigins(gp, ge, 40), 1000)
	t.Logf("%d origins, %d nodes: %.3f%% within 1 cm, max distance difference %.2f m; cells %d and %d, overlap %.4f",
		a.origins, a.nodes, 100*a.share(0.01), a.quantile(1), a.cellsA, a.cellsB, a.jaccard())
	if a.onlyA != 0 || a.onlyB != 0 || a.share(0.01) < 0.995 || a.quantile(1) > 5 || a.jaccard() < 0.999 {
		t.Errorf("walks differ: %d and %d nodes reached on one only, %.3f%% within 1 cm, max difference %.2f m, cells %d/%d/%d",
			a.onlyA, a.onlyB, 100*a.share(0.01), a.quantile(1), a.cellsA, a.cellsB, a.cellsBoth)
	}
}

func TestImportLines_ShapefileRoadsInEPSG4548(t *testing.T) {
	ctx := context.Background()
	st := referenceStore(t)
	data, err := os.ReadFile("../../geo/shp/testdata/roads.zip")
	if err != nil {
		t.Fatal(err)
	}
	// Three roads drawn across each other without shared vertices: each
	// stays its own component, and the largest, 建设路 (of components
	// with two nodes each, the longest), is kept.
	res, err := ImportLines(ctx, st, bytes.NewReader(data), "jining-roads", "roads.zip", LinesOptions{Format: vector.Shapefile})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if res.CRS.Code() != "EPSG:4548" || res.CRSFrom != "roads.prj" || s.Walkable != 3 || s.Components != 4 || s.Edges != 1 || s.DroppedEdges != 3 {
		t.Errorf("CRS %s from %s, summary %+v", res.CRS, res.CRSFrom, s)
	}
	if _, n := storedGraph(t, st, "jining-roads"); n.Edges[0].Highway != "主干路" || math.Abs(n.Edges[0].LengthM-1100) > 5 {
		t.Errorf("kept edge %+v: want 建设路, a 主干路 of about 1,100 m", n.Edges[0])
	}
	rules, err := linenet.ParseRules("等级!=主干路,快速路")
	if err != nil {
		t.Fatal(err)
	}
	res, err = ImportLines(ctx, st, bytes.NewReader(data), "jining-roads", "roads.zip", LinesOptions{Format: vector.Shapefile, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Summary; s.Walkable != 2 || s.NotWalkable != 1 {
		t.Errorf("rule on 等级: %+v", s)
	}
	_, n := storedGraph(t, st, "jining-roads")
	if n.Edges[0].Highway == "" {
		t.Errorf("edge %+v: want the 等级 value", n.Edges[0])
	}
	imps, err := st.ListImports(ctx, 1)
	if err != nil || imps[0].Kind != "network-shapefile" || imps[0].CRS != "EPSG:4548" || imps[0].RowsOK != 2 {
		t.Errorf("recorded %+v (%v)", imps, err)
	}
	// The vertices land where cs2cs puts them.
	p := n.Nodes[0].Point
	if p[0] < 116.5 || p[0] > 116.6 || p[1] < 35.39 || p[1] > 35.42 {
		t.Errorf("node 1 at %v, not in Jining", p)
	}
}

func TestImportLines_BadFilesKeepThePreviousNetwork(t *testing.T) {
	ctx := context.Background()
	st := referenceStore(t)
	good := []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":[
		{"type":"Feature","properties":{"highway":"footway"},"geometry":{"type":"LineString","coordinates":[[116.58,35.41],[116.581,35.41],[116.581,35.411]]}},
		{"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[116.581,35.411],[116.58,35.41]]}}]}`)
	if _, err := ImportLines(ctx, st, bytes.NewReader(good), "test", "good.geojson", LinesOptions{Format: vector.GeoJSON}); err != nil {
		t.Fatal(err)
	}
	roads, err := os.ReadFile("../../geo/shp/testdata/roads.zip")
	if err != nil {
		t.Fatal(err)
	}
	metres := []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[461100,3918750],[461650,3918760]]}}]}`)
	wgs, _ := proj.Parse("wgs84")
	badRule, _ := linenet.ParseRules("道路等级!=高速公路")
	for _, tc := range []struct {
		name  string
		data  []byte
		opt   LinesOptions
		field string
		want  string
	}{
		{"no CRS, metres", metres, LinesOptions{Format: vector.GeoJSON}, "crs", "EPSG:4548"},
		{"degrees declared for metres", metres, LinesOptions{Format: vector.GeoJSON, CRS: wgs}, "crs", "EPSG:4548"},
		{"CRS contradicting the .prj", roads, LinesOptions{Format: vector.Shapefile, CRS: wgs}, "crs", "roads.prj says EPSG:4548"},
		{"rule on a missing column", roads, LinesOptions{Format: vector.Shapefile, Rules: badRule}, "file", "no such column"},
		{"no walkable lines", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"motorway"},"geometry":{"type":"LineString","coordinates":[[116.58,35.41],[116.59,35.41]]}}]}`),
			LinesOptions{Format: vector.GeoJSON, CRS: wgs}, "file", "no walkable lines"},
		{"not GeoJSON", []byte("name,lon\n"), LinesOptions{Format: vector.GeoJSON, CRS: wgs}, "file", "not GeoJSON"},
		{"not a zip", []byte("name,lon\n"), LinesOptions{Format: vector.Shapefile, CRS: wgs}, "file", "not a readable zip"},
	} {
		_, err := ImportLines(ctx, st, bytes.NewReader(tc.data), "test", tc.name, tc.opt)
		var e *quarterhour.Error
		if !errors.As(err, &e) || e.Field != tc.field || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want field %s and %q", tc.name, err, tc.field, tc.want)
		}
	}
	_, n := storedGraph(t, st, "test")
	if len(n.Nodes) != 2 || len(n.Edges) != 2 {
		t.Errorf("after refused files: %d nodes, %d edges; want the first import's 2 and 2", len(n.Nodes), len(n.Edges))
	}
}

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/store"
)

// getTile fetches a tile asking for gzip itself, so the client hands the
// body over as sent.
func (f *fixture) getTile(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	return f.get(t, path, "", "Accept-Encoding", "gzip")
}

// decodeTile fetches a tile that must hold data and returns its one layer.
func (f *fixture) decodeTile(t *testing.T, layer string, tile maptile.Tile) *mvt.Layer {
	t.Helper()
	path := fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, tile.Z, tile.X, tile.Y)
	resp, data := f.getTile(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %q", path, resp.StatusCode, data)
	}
	for h, want := range map[string]string{
		"Content-Type":     "application/vnd.mapbox-vector-tile",
		"Content-Encoding": "gzip",
		"Cache-Control":    fmt.Sprintf("public, max-age=%d", TileMaxAge),
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("GET %s: %s %q, want %q", path, h, got, want)
		}
	}
	ls, err := mvt.UnmarshalGzipped(data)
	if err != nil {
		t.Fatalf("GET %s: decode: %v", path, err)
	}
	if len(ls) != 1 || ls[0].Name != layer {
		t.Fatalf("GET %s: layers %v, want just %q", path, layerNames(ls), layer)
	}
	return ls[0]
}

func layerNames(ls mvt.Layers) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

// tilePixel is where p falls in tile t, in tile units, computed from the
// Web Mercator tile fraction independently of the encoder.
func tilePixel(p orb.Point, t maptile.Tile) orb.Point {
	f := maptile.Fraction(p, t.Z)
	return orb.Point{math.Floor((f[0] - float64(t.X)) * mvt.DefaultExtent), math.Floor((f[1] - float64(t.Y)) * mvt.DefaultExtent)}
}

func findFeature(l *mvt.Layer, key string, v any) *geojson.Feature {
	for _, f := range l.Features {
		if fmt.Sprint(f.Properties[key]) == fmt.Sprint(v) {
			return f
		}
	}
	return nil
}

// firstOpenOutlet is a demo outlet that is open.
func firstOpenOutlet(t *testing.T, st store.Store) quarterhour.Outlet {
	t.Helper()
	os, err := st.ListOutlets(context.Background(), store.OutletFilter{Status: quarterhour.OutletOpen, Limit: 1})
	if err != nil || len(os) == 0 {
		t.Fatalf("no open outlet: %v", err)
	}
	return os[0]
}

func TestTile_OutletsSitAtTheirTilePositions(t *testing.T) {
	f := sqliteAPI(t)
	o := firstOpenOutlet(t, f.st)
	for _, z := range []maptile.Zoom{15, 18, 22} {
		tile := maptile.At(o.Point, z)
		l := f.decodeTile(t, "outlets", tile)
		got := findFeature(l, "id", o.ID)
		if got == nil {
			t.Fatalf("z%d: outlet %d not in its tile (%d features)", z, o.ID, len(l.Features))
		}
		if want := tilePixel(o.Point, tile); got.Geometry != orb.Point(want) {
			t.Errorf("z%d: outlet %d at %v, want %v", z, o.ID, got.Geometry, want)
		}
		if got.Properties["name"] != o.Name || got.Properties["category"] != o.Category ||
			got.Properties["status"] != quarterhour.OutletOpen || got.Properties["synthetic"] != o.Synthetic {
			t.Errorf("z%d: properties %v, outlet %+v", z, got.Properties, o)
		}
		if got.Properties["tier"] == "" || got.Properties["tier"] == nil {
			t.Errorf("z%d: outlet without tier: %v", z, got.Properties)
		}
	}
}

func TestTile_ThinsPointsBelowZoom15(t *testing.T) {
	f := sqliteAPI(t)
	o := firstOpenOutlet(t, f.st)
	tile := maptile.At(o.Point, 12)
	l := f.decodeTile(t, "outlets", tile)
	bound := tile.Bound()
	inTile, err := f.st.CountOutlets(context.Background(), store.OutletFilter{BBox: &bound})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Features) == 0 || len(l.Features) >= inTile {
		t.Fatalf("z12 tile holds %d of the %d outlets inside it; want a thinned, non-empty set", len(l.Features), inTile)
	}
	cells := map[[2]int]bool{}
	for _, ft := range l.Features {
		p := ft.Geometry.(orb.Point)
		// Thinning cells are counted from the buffered tile's corner.
		k := [2]int{int(p[0]+tileBuffer) / thinCell, int(p[1]+tileBuffer) / thinCell}
		if cells[k] {
			t.Fatalf("two outlets in thinning cell %v", k)
		}
		cells[k] = true
	}
}

func TestTile_CommunitiesCoverTheirOwnGround(t *testing.T) {
	f := sqliteAPI(t)
	cs, err := f.st.ListCommunities(context.Background(), store.CommunityFilter{})
	if err != nil || len(cs) == 0 {
		t.Fatalf("communities: %v", err)
	}
	c := cs[0]
	inside := app.RepresentativePoint(c.Polygon)
	for _, z := range []maptile.Zoom{12, 16} {
		tile := maptile.At(inside, z)
		l := f.decodeTile(t, "communities", tile)
		got := findFeature(l, "id", c.ID)
		if got == nil {
			t.Fatalf("z%d: community %d not in its tile", z, c.ID)
		}
		poly, ok := got.Geometry.(orb.Polygon)
		if !ok {
			mp, isMP := got.Geometry.(orb.MultiPolygon)
			if !isMP {
				t.Fatalf("z%d: community geometry %T", z, got.Geometry)
			}
			poly = mp[0]
		}
		px := tilePixel(inside, tile)
		if !planar.PolygonContains(poly, px) {
			t.Errorf("z%d: community polygon does not contain its inner point %v", z, px)
		}
		if got.Properties["name"] != c.Name || got.Properties["population"] != float64(c.Population) {
			t.Errorf("z%d: properties %v, community %s pop %d", z, got.Properties, c.Name, c.Population)
		}
	}
}

func TestTile_NetworkShowsStreetsFromZoom13(t *testing.T) {
	f := sqliteAPI(t)
	o := firstOpenOutlet(t, f.st)
	tile := maptile.At(o.Point, 16)
	l := f.decodeTile(t, "network", tile)
	if len(l.Features) == 0 {
		t.Fatal("no street around an open outlet")
	}
	for _, ft := range l.Features {
		if _, ok := ft.Geometry.(orb.LineString); !ok {
			if _, ok := ft.Geometry.(orb.MultiLineString); !ok {
				t.Fatalf("edge geometry %T", ft.Geometry)
			}
		}
		if hw, _ := ft.Properties["highway"].(string); hw == "" {
			t.Errorf("edge %v without highway", ft.Properties["id"])
		}
		if m, _ := ft.Properties["length_m"].(float64); m <= 0 {
			t.Errorf("edge %v length %v", ft.Properties["id"], ft.Properties["length_m"])
		}
	}
	resp, _ := f.getTile(t, fmt.Sprintf("/tiles/network/12/%d/%d.mvt", tile.X>>4, tile.Y>>4))
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("network at z12: status %d, want 204 (dropped below z13)", resp.StatusCode)
	}
}

func TestTile_RegionsAtZoomZeroNameEveryCounty(t *testing.T) {
	f := sqliteAPI(t)
	l := f.decodeTile(t, "regions", maptile.New(0, 0, 0))
	ix, err := f.api.app.Counties(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Features) != len(ix.Polygons) {
		t.Errorf("%d county features, want %d", len(l.Features), len(ix.Polygons))
	}
	if findFeature(l, "code", "370811") == nil || findFeature(l, "name", "任城区") == nil {
		t.Errorf("任城区 370811 missing from the z0 tile")
	}
}

func TestTile_FarFromTheDataIsEmpty(t *testing.T) {
	f := sqliteAPI(t)
	atlantic := maptile.At(orb.Point{-30, 40}, 14)
	for _, layer := range tileLayerNames {
		path := fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, atlantic.Z, atlantic.X, atlantic.Y)
		resp, data := f.getTile(t, path)
		if resp.StatusCode != http.StatusNoContent || len(data) != 0 {
			t.Errorf("GET %s: status %d with %d bytes, want 204 and nothing", path, resp.StatusCode, len(data))
		}
	}
}

func TestTile_RejectsBadAddresses(t *testing.T) {
	f := sqliteAPI(t)
	tests := []struct {
		path   string
		status int
		field  string
	}{
		{"/tiles/outlets/23/0/0.mvt", 400, "z"},
		{"/tiles/outlets/2/4/0.mvt", 400, ""},
		{"/tiles/outlets/2/0/4.mvt", 400, ""},
		{"/tiles/outlets/a/0/0.mvt", 400, "z"},
		{"/tiles/outlets/3/-1/0.mvt", 400, "x"},
		{"/tiles/outlets/3/0/b.mvt", 400, "y"},
		{"/tiles/buildings/3/0/0.mvt", 404, "layer"},
		{"/tiles/buildings.json", 404, "layer"},
	}
	for _, tc := range tests {
		f.wantError(t, http.MethodGet, tc.path, "", nil, tc.status, tc.field)
	}
}

func TestTileJSON_DescribesTheLayerForMapLibre(t *testing.T) {
	f := sqliteAPI(t)
	for _, name := range tileLayerNames {
		var doc struct {
			TileJSON     string     `json:"tilejson"`
			Tiles        []string   `json:"tiles"`
			MinZoom      int        `json:"minzoom"`
			MaxZoom      int        `json:"maxzoom"`
			Bounds       [4]float64 `json:"bounds"`
			VectorLayers []struct {
				ID     string            `json:"id"`
				Fields map[string]string `json:"fields"`
			} `json:"vector_layers"`
		}
		f.do(t, http.MethodGet, "/tiles/"+name+".json", "", nil, http.StatusOK, &doc)
		if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.Tiles[0] != f.srv.URL+"/tiles/"+name+"/{z}/{x}/{y}.mvt" {
			t.Errorf("%s: tilejson %q tiles %v", name, doc.TileJSON, doc.Tiles)
		}
		if doc.MaxZoom != MaxTileZoom || doc.MinZoom != tileLayers[name].minZoom {
			t.Errorf("%s: zoom %d..%d", name, doc.MinZoom, doc.MaxZoom)
		}
		// Jining lies within 115.5-117.7°E, 34.4-36.0°N.
		if b := doc.Bounds; b[0] < 115 || b[2] > 118 || b[1] < 34 || b[3] > 36.5 || b[0] >= b[2] {
			t.Errorf("%s: bounds %v are not Jining's", name, b)
		}
		if len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != name || len(doc.VectorLayers[0].Fields) == 0 {
			data, _ := json.Marshal(doc.VectorLayers)
			t.Errorf("%s: vector_layers %s", name, data)
		}
	}
}

// BenchmarkTile renders each layer's busiest demo tile at a street zoom
// (the outlets' most crowded z15 tile) without HTTP.
func BenchmarkTile(b *testing.B) {
	f := sqliteAPI(&testing.T{})
	ctx := context.Background()
	os, err := f.st.ListOutlets(ctx, store.OutletFilter{})
	if err != nil {
		b.Fatal(err)
	}
	count := map[maptile.Tile]int{}
	var busiest maptile.Tile
	for _, o := range os {
		t := maptile.At(o.Point, 15)
		if count[t]++; count[t] > count[busiest] {
			busiest = t
		}
	}
	for _, tc := range []struct {
		layer string
		tile  maptile.Tile
	}{
		{"outlets", busiest},
		{"outlets", busiest.Parent().Parent().Parent()}, // z12, thinned
		{"communities", busiest},
		{"network", busiest},
		{"regions", maptile.New(busiest.X>>7, busiest.Y>>7, 8)},
	} {
		name := strings.Join([]string{tc.layer, fmt.Sprintf("z%d", tc.tile.Z)}, "/")
		// The first network tile loads the engine and grids its edges.
		if _, err := f.api.renderTile(ctx, tileLayers[tc.layer], tc.tile); err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			var size int
			for b.Loop() {
				data, err := f.api.renderTile(ctx, tileLayers[tc.layer], tc.tile)
				if err != nil {
					b.Fatal(err)
				}
				size = len(data)
			}
			b.ReportMetric(float64(size), "bytes/tile")
		})
	}
}

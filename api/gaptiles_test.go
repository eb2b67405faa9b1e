package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// renchengCentre lies on the demo's Rencheng walking network.
var renchengCentre = orb.Point{116.592, 35.416}

func (f *fixture) gapTileJSON(t *testing.T, category string) tileJSON {
	t.Helper()
	var doc tileJSON
	f.do(t, http.MethodGet, "/tiles/access.json?category="+category, "", nil, http.StatusOK, &doc)
	return doc
}

// gapTile fetches and decodes one gap tile; nil for 204.
func (f *fixture) gapTile(t *testing.T, category string, tile maptile.Tile) (*mvt.Layer, int) {
	t.Helper()
	path := fmt.Sprintf("/tiles/access/%d/%d/%d.mvt?category=%s", tile.Z, tile.X, tile.Y, category)
	resp, data := f.getTile(t, path)
	if resp.StatusCode == http.StatusNoContent {
		return nil, 0
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, data)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("GET %s: %s, %s", path, resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"))
	}
	layers, err := mvt.UnmarshalGzipped(data)
	if err != nil {
		t.Fatalf("GET %s: decode: %v", path, err)
	}
	if len(layers) != 1 || layers[0].Name != "access" {
		t.Fatalf("GET %s: %d layers", path, len(layers))
	}
	return layers[0], len(data)
}

func TestGapTiles_TileJSONNamesTheCurrentVersion(t *testing.T) {
	f := sqliteAPI(t)
	doc := f.gapTileJSON(t, "housekeeping")
	if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != "access" {
		t.Fatalf("TileJSON %+v", doc)
	}
	if !strings.Contains(doc.Tiles[0], "/tiles/access/{z}/{x}/{y}.mvt?category=housekeeping&v=") {
		t.Errorf("tile URL %s", doc.Tiles[0])
	}
	for _, field := range []string{"minutes", "population", "unreached", "category", "cell"} {
		if doc.VectorLayers[0].Fields[field] == "" {
			t.Errorf("TileJSON does not describe %s", field)
		}
	}
	b := doc.Bounds
	if !(b[0] > 116 && b[2] < 117.5 && b[1] > 35 && b[3] < 36) || doc.MinZoom != 0 || doc.MaxZoom != gapTileMaxZoom {
		t.Errorf("bounds %v, zooms %d..%d", b, doc.MinZoom, doc.MaxZoom)
	}
	if !(b[0] <= renchengCentre.Lon() && renchengCentre.Lon() <= b[2]) {
		t.Errorf("bounds %v miss the Rencheng network", b)
	}
	f.wantError(t, http.MethodGet, "/tiles/access.json", "", nil, http.StatusBadRequest, "category")
	f.wantError(t, http.MethodGet, "/tiles/access.json?category=spaceport", "", nil, http.StatusBadRequest, "category")
	f.wantError(t, http.MethodGet, "/tiles/access/3/9/1.mvt?category=housekeeping", "", nil, http.StatusBadRequest, "")
}

func TestGapTiles_Z10TileCarriesMinutesAndPopulation(t *testing.T) {
	f := sqliteAPI(t)
	tile := maptile.At(renchengCentre, 10)
	layer, _ := f.gapTile(t, "housekeeping", tile)
	if layer == nil || len(layer.Features) < 5 {
		t.Fatalf("z10 tile %v holds %v", tile, layer)
	}
	pop, unreached, timed := 0.0, 0.0, 0
	for _, ft := range layer.Features {
		p := ft.Properties
		if p["category"] != "housekeeping" || p["res"] != float64(8) {
			t.Fatalf("feature properties %v", p)
		}
		if _, ok := ft.Geometry.(orb.Polygon); !ok {
			if _, ok := ft.Geometry.(orb.MultiPolygon); !ok {
				t.Fatalf("a %T in the gap layer", ft.Geometry)
			}
		}
		n, ok := p["population"].(float64)
		if !ok {
			t.Fatalf("population %v", p["population"])
		}
		pop += n
		unreached += p["unreached"].(float64)
		if m, ok := p["minutes"].(float64); ok {
			timed++
			if m < 0 || m > 15 {
				t.Errorf("cell %v: %v minutes", p["cell"], m)
			}
		}
	}
	if pop == 0 || timed == 0 || unreached == 0 {
		t.Errorf("z10 tile: %v residents, %v beyond the walk, %d cells with minutes", pop, unreached, timed)
	}
	close, _ := f.gapTile(t, "housekeeping", maptile.At(renchengCentre, 15))
	if close == nil || close.Features[0].Properties["res"] != float64(10) {
		t.Errorf("zoom 15 tile: %v", close)
	}
}

func TestGapTiles_WholeCityAtZ9IsSmallAndCached(t *testing.T) {
	f := sqliteAPI(t)
	_, size := f.gapTile(t, "housekeeping", maptile.At(renchengCentre, 9))
	if size == 0 || size > 40<<10 {
		t.Errorf("z9 tile of the city: %d bytes", size)
	}
	before := f.api.maps.gapTiles.len()
	f.gapTile(t, "housekeeping", maptile.At(renchengCentre, 9))
	if after := f.api.maps.gapTiles.len(); after != before {
		t.Errorf("a second fetch rendered again: %d cached tiles, were %d", after, before)
	}
	if layer, _ := f.gapTile(t, "housekeeping", maptile.At(orb.Point{10, 50}, 9)); layer != nil {
		t.Errorf("a tile far away holds %d cells", len(layer.Features))
	}
}

func TestGapTiles_AnOutletChangeGivesNewTiles(t *testing.T) {
	f := sqliteAPI(t)
	v1 := f.gapTileJSON(t, "housekeeping").Tiles[0]
	other := f.gapTileJSON(t, "pharmacy").Tiles[0]
	var created outletOut
	f.do(t, http.MethodPost, "/api/v1/outlets", "admin", outletBody(renchengCentre, map[string]any{"name": "测试家政", "category": "housekeeping"}), http.StatusCreated, &created)
	t.Cleanup(func() {
		f.do(t, http.MethodDelete, fmt.Sprintf("/api/v1/outlets/%d?version=%d", created.ID, created.Properties.Version), "admin", nil, http.StatusNoContent, nil)
	})
	v2 := f.gapTileJSON(t, "housekeeping").Tiles[0]
	if v1 == v2 {
		t.Errorf("the housekeeping tiles kept their URL %s after a housekeeping outlet opened", v1)
	}
	if got := f.gapTileJSON(t, "pharmacy").Tiles[0]; got != other {
		t.Errorf("the pharmacy tiles changed with a housekeeping outlet: %s, were %s", got, other)
	}
	layer, _ := f.gapTile(t, "housekeeping", maptile.At(renchengCentre, 16))
	nearest := 99.0
	for _, ft := range layer.Features {
		if m, ok := ft.Properties["minutes"].(float64); ok && m < nearest {
			nearest = m
		}
	}
	if nearest > 1 {
		t.Errorf("beside the new outlet the nearest walk is %v minutes", nearest)
	}
}

func TestTileCache_EvictsTheLeastRecentlyUsed(t *testing.T) {
	c := newTileCache(3 * (100 + 1 + 64))
	for _, k := range []string{"a", "b", "c"} {
		c.put(k, make([]byte, 100))
	}
	c.get("a")
	c.put("d", make([]byte, 100))
	if _, ok := c.get("b"); ok {
		t.Error("b, the least recently used, is still cached")
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	c.put("empty", nil)
	if data, ok := c.get("empty"); !ok || data != nil {
		t.Error("an empty tile is not cached as empty")
	}
}

package api

import (
	lru "container/list"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour/app/access"
)

// Gap tiles: the walk from every H3 cell to the nearest open outlet of one
// category, for the whole city at every zoom, as vector tiles of the layer
// "access". Cells coarsen as the map zooms out (access.GapResForZoom), so a
// city-wide tile holds a few hundred cells.
const (
	gapLayer = "access"
	// gapTileMaxZoom is the deepest zoom served as its own tile; closer in,
	// MapLibre scales the zoom-14 tiles, which already hold res-10 cells.
	gapTileMaxZoom = 14
	// gapCacheBytes bounds the rendered tiles kept in memory.
	gapCacheBytes = 64 << 20
)

var gapFields = map[string]string{
	"cell": "String", "res": "Number", "category": "String", "population": "Number",
	"unreached": "Number", "minutes": "Number",
}

const gapDescription = "步行可达缺口 Walking minutes from each H3 cell to the nearest open outlet of the category " +
	"(residents-weighted on coarser cells); population: residents; unreached: residents beyond the 15-minute walk; " +
	"no minutes: nobody in the cell is within the walk"

// gapGrid reads the required category of a gap tile request and returns
// its gap grid.
func (s *Server) gapGrid(r *http.Request) (*access.GapGrid, string, error) {
	cat := r.URL.Query().Get("category")
	eng, err := s.app.CategoryAccess(r.Context(), cat)
	if err != nil {
		return nil, cat, err
	}
	g, err := eng.GapGrid(cat)
	return g, cat, err
}

// handleGapTileJSON serves GET /tiles/access.json?category=C.
func (s *Server) handleGapTileJSON(w http.ResponseWriter, r *http.Request) {
	g, cat, err := s.gapGrid(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := fmt.Sprintf("?category=%s&v=%d", cat, g.Version)
	doc := tileJSON{
		TileJSON:    "3.0.0",
		Name:        "quarterhour-access-" + cat,
		Description: gapDescription,
		Version:     "1.0.0",
		Attribution: "QuarterHour 一刻钟 步行可达分析 walking-access analysis",
		Scheme:      "xyz",
		Tiles:       []string{baseURL(r) + "/tiles/access/{z}/{x}/{y}.mvt" + q},
		MinZoom:     0,
		MaxZoom:     gapTileMaxZoom,
		Bounds:      [4]float64{-180, -85.0511, 180, 85.0511},
		VectorLayers: []tileJSONLayer{{ID: gapLayer, Description: gapDescription,
			MinZoom: 0, MaxZoom: gapTileMaxZoom, Fields: gapFields}},
	}
	if !g.Bound.IsZero() {
		b := g.Bound
		doc.Bounds = [4]float64{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()}
		c := b.Center()
		doc.Center = &[3]float64{c.Lon(), c.Lat(), 10}
	}
	// The tile URLs name the grid's version, so the document changes with
	// the outlets and must not be kept long.
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, doc)
}

// handleGapTile serves GET /tiles/access/{z}/{x}/{y}.mvt?category=C: a
// gzipped vector tile, or 204 when no cell meets it.
func (s *Server) handleGapTile(w http.ResponseWriter, r *http.Request) {
	t, err := parseTileXYZ(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	g, cat, err := s.gapGrid(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := fmt.Sprintf("%s/%d/%d/%d@%d", cat, t.Z, t.X, t.Y, g.Version)
	data, ok := s.maps.gapTiles.get(key)
	if !ok {
		if data, err = renderGapTile(r.Context(), g, t); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.maps.gapTiles.put(key, data)
	}
	// A URL naming the current version always gets the same tile.
	if v := r.URL.Query().Get("v"); v != "" && v == strconv.FormatUint(g.Version, 10) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
	} else {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", TileMaxAge))
	}
	writeVectorTile(w, r, data)
}

// renderGapTile encodes the grid's cells meeting t at the zoom's
// resolution, gzipped; nil when there are none.
func renderGapTile(ctx context.Context, g *access.GapGrid, t maptile.Tile) ([]byte, error) {
	res := access.GapResForZoom(int(t.Z))
	b := t.Bound(float64(tileBuffer) / mvt.DefaultExtent)
	cells := g.Cells(res, b)
	if len(cells) == 0 {
		return nil, nil
	}
	fs := make([]*geojson.Feature, 0, len(cells))
	for i, c := range cells {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		vs, err := h3.CellToBoundary(c.Cell)
		if err != nil {
			return nil, fmt.Errorf("boundary of %v: %w", c.Cell, err)
		}
		ring := make(orb.Ring, 0, len(vs)+1)
		for _, v := range vs {
			ring = append(ring, orb.Point{v.Lng, v.Lat})
		}
		ring = append(ring, ring[0])
		poly := clip.Polygon(b, orb.Polygon{ring})
		if len(poly) == 0 {
			continue
		}
		f := geojson.NewFeature(poly)
		f.Properties = geojson.Properties{"cell": c.Cell.String(), "res": res, "category": g.Category,
			"population": c.Population, "unreached": c.Unreached}
		if c.Reached() {
			f.Properties["minutes"] = math.Round(c.Minutes*10) / 10
		}
		fs = append(fs, f)
	}
	if len(fs) == 0 {
		return nil, nil
	}
	layer := &mvt.Layer{Name: gapLayer, Version: 2, Extent: mvt.DefaultExtent, Features: fs}
	layers := mvt.Layers{layer}
	layers.ProjectToTile(t)
	layers.Clip(orb.Bound{Min: orb.Point{-tileBuffer, -tileBuffer}, Max: orb.Point{mvt.DefaultExtent + tileBuffer, mvt.DefaultExtent + tileBuffer}})
	layers.RemoveEmpty(1, 1)
	if len(layer.Features) == 0 {
		return nil, nil
	}
	data, err := marshalGzipped(layers)
	if err != nil {
		return nil, fmt.Errorf("encode gap tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return data, nil
}

// tileCache is a least-recently-used cache of rendered tiles bounded in
// bytes; a nil tile (empty) is kept too.
type tileCache struct {
	mu       sync.Mutex
	max, now int
	order    *lru.List // front: most recent
	byKey    map[string]*lru.Element
}

type cachedTile struct {
	key  string
	data []byte
}

func newTileCache(maxBytes int) *tileCache {
	return &tileCache{max: maxBytes, order: lru.New(), byKey: map[string]*lru.Element{}}
}

func (c *tileCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cachedTile).data, true
}

func (c *tileCache) put(key string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.now -= cost(el.Value.(*cachedTile))
		c.order.Remove(el)
	}
	ct := &cachedTile{key: key, data: data}
	c.byKey[key] = c.order.PushFront(ct)
	c.now += cost(ct)
	for c.now > c.max && c.order.Len() > 1 {
		el := c.order.Back()
		old := el.Value.(*cachedTile)
		c.order.Remove(el)
		delete(c.byKey, old.key)
		c.now -= cost(old)
	}
}

// len returns how many tiles are cached.
func (c *tileCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// cost is what a cached tile is charged: its bytes and its key's, plus the
// bookkeeping.
func cost(t *cachedTile) int { return len(t.data) + len(t.key) + 64 }

var pGapCategory = param{name: "category", in: "query", typ: "string", required: true, desc: "category code, e.g. a basic category such as convenience_store"}

// gapTileOperations documents the gap tile routes.
var gapTileOperations = []operation{
	{method: "GET", path: "/tiles/access.json", summary: "TileJSON 3.0 of the gap layer of one category for the whole city; the tile URLs carry the current version", tag: "tiles",
		ok: 200, result: "TileJSON", params: []param{pGapCategory}},
	{method: "GET", path: "/tiles/access/{z}/{x}/{y}.mvt", summary: "One gzipped vector tile of the gap layer (layer access): H3 cells with minutes, population and unreached residents; res 10 at zoom 14 and closer, 9 at 12–13, 8 at 10–11, 7 further out; 204 when empty", tag: "tiles",
		ok: 200, resultMedia: "application/vnd.mapbox-vector-tile", alsoOK: map[int]string{204: "empty tile"}, params: []param{
			{name: "z", in: "path", typ: "integer", required: true, desc: fmt.Sprintf("zoom, 0..%d", MaxTileZoom)},
			{name: "x", in: "path", typ: "integer", required: true, desc: "column, 0..2^z-1"},
			{name: "y", in: "path", typ: "integer", required: true, desc: "row, 0..2^z-1"},
			pGapCategory,
			{name: "v", in: "query", typ: "integer", desc: "grid version from the TileJSON; a current one lets the tile be cached for a day"},
		}},
}

package api

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// Vector tiles: Mapbox Vector Tile 2.1, 4096 units a side, WGS-84 data
// projected to Web Mercator (the XYZ scheme MapLibre uses).
const (
	MaxTileZoom = 22
	// tileBuffer is the margin, in tile units, kept around each tile so lines
	// and polygon edges join without seams (MapLibre's default is 128 of 8192).
	tileBuffer = 64
	// simplifyBelowZoom: polygons and lines are simplified to one tile unit
	// below this zoom; closer in, the tile grid itself is the only rounding.
	simplifyBelowZoom = 16
	// thinBelowZoom: points are thinned to one per thinCell tile units below
	// this zoom, so a city-wide view stays light.
	thinBelowZoom = 15
	thinCell      = 32
	// tileFetchCap bounds what one tile reads from the store (the embedded
	// store reads about 25 µs a row, so a city-wide tile stays near 0.1 s);
	// beyond it an overview tile shows the outlets with the lowest IDs.
	// tileFeatureCap bounds what a tile encodes.
	tileFetchCap   = 5000
	tileFeatureCap = 8000
	// TileMaxAge is how long clients and proxies may reuse a tile (seconds);
	// short, because outlets are edited during the day.
	TileMaxAge = 60
)

// tileLayer is one layer served as vector tiles.
type tileLayer struct {
	name        string
	description string
	minZoom     int
	maxZoom     int
	fields      map[string]string // attribute -> TileJSON type
	// features returns the layer's features meeting b (lon/lat), at most
	// tileFeatureCap of them after the layer's own thinning.
	features func(s *Server, ctx context.Context, t maptile.Tile, b orb.Bound) ([]*geojson.Feature, error)
}

// tileLayers lists the served layers by name.
var tileLayers = map[string]*tileLayer{
	"outlets": {
		name:        "outlets",
		description: "商业网点与公共服务设施 Outlets and public service facilities; thinned below zoom 15",
		minZoom:     8, maxZoom: MaxTileZoom,
		fields: map[string]string{"id": "Number", "name": "String", "category": "String",
			"tier": "String", "status": "String", "synthetic": "Boolean"},
		features: (*Server).outletTileFeatures,
	},
	"communities": {
		name:        "communities",
		description: "社区/小区 Residential communities with population",
		minZoom:     10, maxZoom: MaxTileZoom,
		fields:   map[string]string{"id": "Number", "name": "String", "population": "Number", "synthetic": "Boolean"},
		features: (*Server).communityTileFeatures,
	},
	"network": {
		name:        "network",
		description: "步行路网 Walking network used for routing (the offline base map)",
		minZoom:     13, maxZoom: MaxTileZoom,
		fields:   map[string]string{"id": "Number", "highway": "String", "length_m": "Number"},
		features: (*Server).networkTileFeatures,
	},
	"regions": {
		name:        "regions",
		description: "县市区 County-level boundaries",
		minZoom:     0, maxZoom: MaxTileZoom,
		fields:   map[string]string{"code": "String", "name": "String"},
		features: (*Server).regionTileFeatures,
	},
}

// tileLayerNames is the layer list for error messages, sorted.
var tileLayerNames = []string{"communities", "network", "outlets", "regions"}

// parseTile reads the layer, and z, x and y ("{y}.mvt" has its suffix
// stripped by the router) checked against the zoom's grid.
func parseTile(r *http.Request) (*tileLayer, maptile.Tile, error) {
	l, err := tileLayerParam(r)
	if err != nil {
		return nil, maptile.Tile{}, err
	}
	t, err := parseTileXYZ(r)
	return l, t, err
}

// parseTileXYZ reads z, x and y checked against the zoom's grid.
func parseTileXYZ(r *http.Request) (maptile.Tile, error) {
	var v [3]uint64
	for i, name := range []string{"z", "x", "y"} {
		raw := chi.URLParam(r, name)
		n, err := strconv.ParseUint(raw, 10, 32)
		if err != nil {
			return maptile.Tile{}, badRequest(name, "%s %q is not a non-negative integer", name, raw)
		}
		v[i] = n
	}
	if v[0] > MaxTileZoom {
		return maptile.Tile{}, badRequest("z", "zoom %d is outside 0..%d", v[0], MaxTileZoom)
	}
	t := maptile.New(uint32(v[1]), uint32(v[2]), maptile.Zoom(v[0]))
	if !t.Valid() {
		return maptile.Tile{}, badRequest("", "tile %d/%d/%d is outside the zoom %d grid (0..%d)", v[0], v[1], v[2], v[0], (uint64(1)<<v[0])-1)
	}
	return t, nil
}

func tileLayerParam(r *http.Request) (*tileLayer, error) {
	name := chi.URLParam(r, "layer")
	l, ok := tileLayers[name]
	if !ok {
		return nil, &Error{Code: quarterhour.ENotFound, Field: "layer", Message: fmt.Sprintf("no tile layer %q; layers: %s", name, strings.Join(tileLayerNames, ", "))}
	}
	return l, nil
}

// handleTile serves GET /tiles/{layer}/{z}/{x}/{y}.mvt: a gzipped vector
// tile, or 204 No Content when the tile holds nothing (outside the data or
// the layer's zoom range), which MapLibre treats as an empty tile.
func (s *Server) handleTile(w http.ResponseWriter, r *http.Request) {
	l, t, err := parseTile(r)
	var data []byte
	if err == nil {
		data, err = s.renderTile(r.Context(), l, t)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", TileMaxAge))
	writeVectorTile(w, r, data)
}

// writeVectorTile sends a gzipped vector tile, or 204 No Content for nil.
func writeVectorTile(w http.ResponseWriter, r *http.Request, data []byte) {
	if data == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// renderTile encodes layer l of tile t, gzipped; nil when it is empty.
func (s *Server) renderTile(ctx context.Context, l *tileLayer, t maptile.Tile) ([]byte, error) {
	if int(t.Z) < l.minZoom || int(t.Z) > l.maxZoom {
		return nil, nil
	}
	// Read a little beyond the tile so the buffer is filled too.
	fs, err := l.features(s, ctx, t, t.Bound(float64(tileBuffer)/mvt.DefaultExtent))
	if err != nil {
		return nil, fmt.Errorf("tile %s %d/%d/%d: %w", l.name, t.Z, t.X, t.Y, err)
	}
	if len(fs) == 0 {
		return nil, nil
	}
	layer := &mvt.Layer{Name: l.name, Version: 2, Extent: mvt.DefaultExtent, Features: fs}
	layers := mvt.Layers{layer}
	layers.ProjectToTile(t)
	layers.Clip(orb.Bound{Min: orb.Point{-tileBuffer, -tileBuffer}, Max: orb.Point{mvt.DefaultExtent + tileBuffer, mvt.DefaultExtent + tileBuffer}})
	if t.Z < simplifyBelowZoom {
		layers.Simplify(simplify.DouglasPeucker(1))
		layers.RemoveEmpty(1, 1)
	}
	if len(layer.Features) == 0 {
		return nil, nil
	}
	data, err := marshalGzipped(layers)
	if err != nil {
		return nil, fmt.Errorf("encode tile %s %d/%d/%d: %w", l.name, t.Z, t.X, t.Y, err)
	}
	return data, nil
}

// gzipWriters reuses compressors: a new one allocates about 1 MB, which
// cost more than encoding a street tile (mvt.MarshalGzipped makes one per
// call). BestSpeed compresses tiles within a few per cent of the default.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// marshalGzipped encodes layers as a gzipped vector tile.
func marshalGzipped(layers mvt.Layers) ([]byte, error) {
	raw, err := mvt.Marshal(layers)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *Server) outletTileFeatures(ctx context.Context, t maptile.Tile, b orb.Bound) ([]*geojson.Feature, error) {
	os, err := s.app.OutletsIn(ctx, b, tileFetchCap)
	if err != nil {
		return nil, err
	}
	cats, err := s.app.CategorySet(ctx)
	if err != nil {
		return nil, err
	}
	thin := t.Z < thinBelowZoom
	// Thinning grid over the buffered tile, in Web Mercator tile fractions.
	seen := map[[2]int]bool{}
	origin := maptile.Fraction(b.LeftTop(), t.Z)
	cell := float64(thinCell) / mvt.DefaultExtent
	fs := make([]*geojson.Feature, 0, min(len(os), tileFeatureCap))
	for _, o := range os {
		if len(fs) == tileFeatureCap {
			break
		}
		if thin {
			f := maptile.Fraction(o.Point, t.Z)
			k := [2]int{int((f[0] - origin[0]) / cell), int((f[1] - origin[1]) / cell)}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		f := geojson.NewFeature(o.Point)
		f.ID = o.ID
		f.Properties = geojson.Properties{"id": o.ID, "name": o.Name, "category": o.Category,
			"tier": cats[o.Category].Tier, "status": o.Status, "synthetic": o.Synthetic}
		fs = append(fs, f)
	}
	return fs, nil
}

func (s *Server) communityTileFeatures(ctx context.Context, _ maptile.Tile, b orb.Bound) ([]*geojson.Feature, error) {
	cs, err := s.app.ListCommunities(ctx, store.CommunityFilter{BBox: &b})
	if err != nil {
		return nil, err
	}
	fs := make([]*geojson.Feature, 0, min(len(cs), tileFeatureCap))
	for _, c := range cs {
		if len(fs) == tileFeatureCap {
			break
		}
		if len(c.Polygon) == 0 {
			continue
		}
		f := geojson.NewFeature(c.Polygon)
		f.ID = c.ID
		f.Properties = geojson.Properties{"id": c.ID, "name": c.Name, "population": c.Population, "synthetic": c.Synthetic}
		fs = append(fs, f)
	}
	return fs, nil
}

func (s *Server) networkTileFeatures(ctx context.Context, _ maptile.Tile, b orb.Bound) ([]*geojson.Feature, error) {
	es, err := s.app.NetworkEdges(ctx, b, tileFeatureCap)
	if err != nil {
		return nil, err
	}
	fs := make([]*geojson.Feature, len(es))
	for i, e := range es {
		f := geojson.NewFeature(e.Geom)
		f.ID = e.ID
		f.Properties = geojson.Properties{"id": e.ID, "highway": e.Highway, "length_m": roundTo(e.LengthM, 1)}
		fs[i] = f
	}
	return fs, nil
}

func (s *Server) regionTileFeatures(ctx context.Context, _ maptile.Tile, b orb.Bound) ([]*geojson.Feature, error) {
	ix, err := s.app.Counties(ctx)
	if err != nil {
		return nil, err
	}
	var fs []*geojson.Feature
	for _, c := range ix.Polygons {
		if !c.Bound.Intersects(b) {
			continue
		}
		// Clipping works in place on a copy (the index is shared), first in
		// lon/lat so only the part near the tile is projected.
		g := clip.Geometry(b, c.Boundary.Clone())
		if g == nil {
			continue
		}
		f := geojson.NewFeature(g)
		f.Properties = geojson.Properties{"code": c.Code, "name": ix.Names()[c.Code]}
		fs = append(fs, f)
	}
	return fs, nil
}

// roundTo rounds v to n decimals.
func roundTo(v float64, n int) float64 {
	p := math.Pow10(n)
	return math.Round(v*p) / p
}

// tileJSON is a TileJSON 3.0.0 document (github.com/mapbox/tilejson-spec).
type tileJSON struct {
	TileJSON     string          `json:"tilejson"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Version      string          `json:"version"`
	Attribution  string          `json:"attribution"`
	Scheme       string          `json:"scheme"`
	Tiles        []string        `json:"tiles"`
	MinZoom      int             `json:"minzoom"`
	MaxZoom      int             `json:"maxzoom"`
	Bounds       [4]float64      `json:"bounds"`
	Center       *[3]float64     `json:"center,omitempty"`
	VectorLayers []tileJSONLayer `json:"vector_layers"`
}

// tileJSONLayer describes one vector layer of a TileJSON document.
type tileJSONLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// handleTileJSON serves GET /tiles/{layer}.json, usable directly as a
// MapLibre vector source URL.
func (s *Server) handleTileJSON(w http.ResponseWriter, r *http.Request) {
	l, err := tileLayerParam(r)
	var extent *orb.Bound
	if err == nil {
		extent, err = s.app.Extent(r.Context())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	doc := tileJSON{
		TileJSON:    "3.0.0",
		Name:        "quarterhour-" + l.name,
		Description: l.description,
		Version:     "1.0.0",
		Attribution: "QuarterHour 一刻钟; demo data is synthetic; OSM-derived networks © OpenStreetMap contributors (ODbL)",
		Scheme:      "xyz",
		Tiles:       []string{baseURL(r) + "/tiles/" + l.name + "/{z}/{x}/{y}.mvt"},
		MinZoom:     l.minZoom,
		MaxZoom:     l.maxZoom,
		Bounds:      [4]float64{-180, -85.0511, 180, 85.0511},
		VectorLayers: []tileJSONLayer{{ID: l.name, Description: l.description,
			MinZoom: l.minZoom, MaxZoom: l.maxZoom, Fields: l.fields}},
	}
	if b := extent; b != nil {
		doc.Bounds = [4]float64{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()}
		c := b.Center()
		doc.Center = &[3]float64{c.Lon(), c.Lat(), float64(max(l.minZoom, 10))}
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, doc)
}

// baseURL is the scheme and host the client used, honouring a proxy's
// X-Forwarded-Proto.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

var pTileLayer = param{name: "layer", in: "path", typ: "string", required: true, desc: "communities | network | outlets | regions"}

// tileOperations documents the vector tile routes, which live outside
// /api/v1 so map clients can cache them by URL.
var tileOperations = []operation{
	{method: "GET", path: "/tiles/{layer}.json", summary: "TileJSON 3.0 of a vector tile layer, usable as a MapLibre vector source URL", tag: "tiles", ok: 200, result: "TileJSON", params: []param{pTileLayer}},
	{method: "GET", path: "/tiles/{layer}/{z}/{x}/{y}.mvt", summary: "One gzipped Mapbox Vector Tile (XYZ scheme, Web Mercator); 204 when the tile holds nothing", tag: "tiles",
		ok: 200, resultMedia: "application/vnd.mapbox-vector-tile", alsoOK: map[int]string{204: "empty tile"}, params: []param{
			pTileLayer,
			{name: "z", in: "path", typ: "integer", required: true, desc: fmt.Sprintf("zoom, 0..%d", MaxTileZoom)},
			{name: "x", in: "path", typ: "integer", required: true, desc: "column, 0..2^z-1"},
			{name: "y", in: "path", typ: "integer", required: true, desc: "row, 0..2^z-1"},
		}},
}

// withTileSchemas adds the TileJSON schema to s.
func withTileSchemas(s map[string]any) map[string]any {
	s["TileJSON"] = obj(map[string]any{
		"tilejson": tString, "name": tString, "description": tString, "version": tString, "attribution": tString,
		"scheme": tString, "tiles": map[string]any{"type": "array", "items": tString},
		"minzoom": tInt, "maxzoom": tInt,
		"bounds": map[string]any{"type": "array", "items": map[string]any{"type": "number"}, "minItems": 4, "maxItems": 4},
		"center": map[string]any{"type": "array", "items": map[string]any{"type": "number"}, "minItems": 3, "maxItems": 3},
		"vector_layers": map[string]any{"type": "array", "items": obj(map[string]any{
			"id": tString, "description": tString, "minzoom": tInt, "maxzoom": tInt,
			"fields": map[string]any{"type": "object", "additionalProperties": tString},
		})},
	}, "tilejson", "tiles")
	return s
}

package api

import (
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/quarterhour/quarterhour/store"
)

// The map style: a MapLibre style (version 8) built from the configuration
// (the base map) with our own layers under every view: the county
// boundaries, the walking network, and Chinese labels of districts and
// communities. It names no glyph server: MapLibre then draws every label
// with the browser's own fonts (the app sets localIdeographFontFamily), so
// labels work offline.

// styleJSON is the subset of the MapLibre style specification we write.
type styleJSON struct {
	Version  int              `json:"version"`
	Name     string           `json:"name"`
	Metadata map[string]any   `json:"metadata"`
	Center   []float64        `json:"center,omitempty"`
	Zoom     float64          `json:"zoom"`
	Sources  map[string]any   `json:"sources"`
	Layers   []map[string]any `json:"layers"`
}

// Label layers are named label-*: views draw their layers under the first.
const (
	labelBasemapLayer     = "label-basemap"
	labelDistrictsLayer   = "label-districts"
	labelCommunitiesLayer = "label-communities"
)

// labelPaint colours a label, with a halo that keeps it legible over any fill.
func labelPaint(color string) map[string]any {
	return map[string]any{"text-color": color, "text-halo-color": "rgba(255,255,255,0.9)", "text-halo-width": 1.5}
}

func (s *Server) handleMapStyle(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	b := s.maps.basemap
	st := styleJSON{
		Version: 8,
		Name:    "QuarterHour 一刻钟",
		Metadata: map[string]any{
			"quarterhour:basemap": b.Kind,
			// Labels are drawn from local fonts; see the app's localIdeographFontFamily.
			"quarterhour:labels": "local-fonts",
		},
		Zoom:    9,
		Sources: map[string]any{},
	}
	if ix, err := s.app.Counties(r.Context()); err == nil && len(ix.Polygons) > 0 {
		bd := ix.Polygons[0].Bound
		for _, c := range ix.Polygons[1:] {
			bd = bd.Union(c.Bound)
		}
		c := bd.Center()
		st.Center = []float64{round6(c.Lon()), round6(c.Lat())}
	}
	st.Layers = append(st.Layers, map[string]any{"id": "background", "type": "background", "paint": map[string]any{"background-color": "#eef1ec"}})

	hasBase := true
	var annotation map[string]any
	switch b.Kind {
	case BasemapTianditu:
		st.Sources["basemap"] = map[string]any{"type": "raster", "tiles": tiandituURLs("vec", b.Token), "tileSize": 256,
			"minzoom": 1, "maxzoom": 18, "attribution": orDefault(b.Attribution, tiandituAttribution)}
		st.Sources["basemap-labels"] = map[string]any{"type": "raster", "tiles": tiandituURLs("cva", b.Token), "tileSize": 256,
			"minzoom": 1, "maxzoom": 18}
		annotation = map[string]any{"id": labelBasemapLayer, "type": "raster", "source": "basemap-labels"}
	case BasemapXYZ:
		st.Sources["basemap"] = map[string]any{"type": "raster", "tiles": []string{b.URL}, "tileSize": 256,
			"attribution": orDefault(b.Attribution, "底图 Base map: "+hostOf(b.URL))}
	case BasemapPMTiles:
		a, h := s.maps.archive, s.maps.archive.Header()
		src := map[string]any{"type": "raster", "tiles": []string{base + "/tiles/basemap/{z}/{x}/{y}." + h.TileType.Ext()}, "tileSize": 256,
			"minzoom": h.MinZoom, "maxzoom": h.MaxZoom,
			"attribution": orDefault(b.Attribution, orDefault(a.Attribution(), "底图 Base map: 本地 PMTiles local archive"))}
		if h.MaxLon > h.MinLon && h.MaxLat > h.MinLat {
			src["bounds"] = []float64{h.MinLon, h.MinLat, h.MaxLon, h.MaxLat}
		}
		st.Sources["basemap"] = src
	default:
		hasBase = false
	}
	if hasBase {
		st.Layers = append(st.Layers, map[string]any{"id": "basemap", "type": "raster", "source": "basemap"})
	}
	countyFill := 0.5
	if hasBase {
		countyFill = 0.12
	}
	st.Sources["regions"] = map[string]any{"type": "vector", "url": base + "/tiles/regions.json"}
	st.Sources["network"] = map[string]any{"type": "vector", "url": base + "/tiles/network.json"}
	st.Sources["labels"] = map[string]any{"type": "geojson", "data": base + "/api/v1/map/labels.geojson",
		"attribution": "行政区划与社区 Districts and communities: QuarterHour 一刻钟"}
	st.Layers = append(st.Layers,
		map[string]any{"id": "counties-fill", "type": "fill", "source": "regions", "source-layer": "regions",
			"paint": map[string]any{"fill-color": "#ffffff", "fill-opacity": countyFill}},
		map[string]any{"id": "counties-line", "type": "line", "source": "regions", "source-layer": "regions",
			"paint": map[string]any{"line-color": "#6b7b6b", "line-width": 1.2, "line-dasharray": []float64{3, 2}}},
		map[string]any{"id": "network-line", "type": "line", "source": "network", "source-layer": "network", "minzoom": 13,
			"paint": map[string]any{
				"line-color": "#b9c3ca",
				"line-width": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 13, 0.6, 17,
					[]any{"match", []any{"get", "highway"}, []string{"primary", "secondary", "tertiary"}, 4, 2}},
			}},
	)
	if annotation != nil {
		st.Layers = append(st.Layers, annotation)
	}
	st.Layers = append(st.Layers,
		map[string]any{"id": labelDistrictsLayer, "type": "symbol", "source": "labels", "maxzoom": 14,
			"filter": []any{"==", []any{"get", "kind"}, "district"},
			"layout": map[string]any{"text-field": []any{"get", "name"}, "text-size": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 8, 13, 12, 17},
				"text-letter-spacing": 0.15, "text-allow-overlap": false},
			"paint": labelPaint("#37474f")},
		map[string]any{"id": labelCommunitiesLayer, "type": "symbol", "source": "labels", "minzoom": 12,
			"filter": []any{"==", []any{"get", "kind"}, "community"},
			"layout": map[string]any{"text-field": []any{"get", "name"}, "text-size": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 12, 11, 16, 14},
				"symbol-sort-key": []any{"-", 0, []any{"get", "population"}}, "text-padding": 4},
			"paint": labelPaint("#1f4e79")},
	)
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, st)
}

// handleMapLabels serves GET /api/v1/map/labels.geojson: one point per
// district and community, inside its polygon, with its name.
func (s *Server) handleMapLabels(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	fc := geojson.NewFeatureCollection()
	ix, err := s.app.Counties(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, c := range ix.Polygons {
		f := geojson.NewFeature(labelPoint(c.Boundary))
		f.Properties = geojson.Properties{"kind": "district", "code": c.Code, "name": ix.Names()[c.Code]}
		fc.Append(f)
	}
	cs, err := s.store.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, c := range cs {
		if len(c.Polygon) == 0 {
			continue
		}
		f := geojson.NewFeature(labelPoint(c.Polygon))
		f.Properties = geojson.Properties{"kind": "community", "id": c.ID, "name": c.Name, "population": c.Population}
		fc.Append(f)
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, fc)
}

// labelPoint is a point inside the largest polygon of mp: its centroid
// when that lies inside, else the middle of the widest stretch of the
// polygon along the centroid's latitude.
func labelPoint(mp orb.MultiPolygon) orb.Point {
	var best orb.Polygon
	bestArea := -1.0
	for _, p := range mp {
		if a := math.Abs(planar.Area(p)); a > bestArea {
			best, bestArea = p, a
		}
	}
	if len(best) == 0 || len(best[0]) == 0 {
		return orb.Point{}
	}
	c, _ := planar.CentroidArea(best)
	if planar.PolygonContains(best, c) {
		return roundPoint(c)
	}
	lat := c.Lat()
	var xs []float64
	for _, ring := range best {
		for i := 1; i < len(ring); i++ {
			a, b := ring[i-1], ring[i]
			if (a.Lat() <= lat) != (b.Lat() <= lat) {
				xs = append(xs, a.Lon()+(lat-a.Lat())/(b.Lat()-a.Lat())*(b.Lon()-a.Lon()))
			}
		}
	}
	slices.Sort(xs)
	width, mid := -1.0, best[0][0]
	for i := 0; i+1 < len(xs); i += 2 {
		if d := xs[i+1] - xs[i]; d > width {
			width, mid = d, orb.Point{(xs[i] + xs[i+1]) / 2, lat}
		}
	}
	return roundPoint(mid)
}

func roundPoint(p orb.Point) orb.Point { return orb.Point{round6(p.Lon()), round6(p.Lat())} }

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func orDefault(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// hostOf is the host of a URL template, for a credit line.
func hostOf(template string) string {
	_, rest, ok := strings.Cut(template, "://")
	if !ok {
		return template
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

var mapOperations = []operation{
	{method: "GET", path: "/api/v1/map/style.json", summary: "The map style (MapLibre style version 8) from this server's configuration: base map, county boundaries, walking network and Chinese labels drawn from local fonts", tag: "map", ok: 200, result: "MapStyle"},
	{method: "GET", path: "/api/v1/map/labels.geojson", summary: "Label points of the districts and communities with their names, as a GeoJSON FeatureCollection", tag: "map", ok: 200, result: "FeatureCollection"},
}

// withMapSchemas adds the map style and search schemas to s.
func withMapSchemas(s map[string]any) map[string]any {
	s["MapStyle"] = obj(map[string]any{
		"version":  map[string]any{"type": "integer", "enum": []int{8}},
		"name":     tString,
		"metadata": map[string]any{"type": "object"},
		"center":   map[string]any{"type": "array", "items": tNum},
		"zoom":     tNum,
		"sources":  map[string]any{"type": "object", "description": "MapLibre sources by id"},
		"layers":   map[string]any{"type": "array", "items": map[string]any{"type": "object"}, "description": "MapLibre layers, bottom first; label layers are named label-*"},
	}, "version", "sources", "layers")
	s["SearchHit"] = obj(map[string]any{
		"kind":   map[string]any{"type": "string", "enum": []string{"region", "community", "circle", "outlet"}},
		"id":     map[string]any{"type": "integer", "description": "record id; absent for regions"},
		"code":   map[string]any{"type": "string", "description": "region code; absent for other kinds"},
		"name":   tString,
		"detail": map[string]any{"type": "string", "description": "what it is and where, for a result list"},
		"lon":    tNum,
		"lat":    tNum,
		"bbox":   map[string]any{"type": "array", "items": tNum, "minItems": 4, "maxItems": 4, "description": "west, south, east, north to fit, for areas"},
	}, "kind", "name", "lon", "lat")
	s["SearchResult"] = obj(map[string]any{"query": tString, "hits": map[string]any{"type": "array", "items": ref("SearchHit")}}, "query", "hits")
	return s
}

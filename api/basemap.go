package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo/pmtiles"
)

// Base maps under the app's own layers, one setting away
// (QUARTERHOUR_BASEMAP, serve --basemap):
//
//	none                    our own data only; works offline (the default)
//	tianditu:TOKEN          天地图 vector map and its annotation, Web Mercator (CGCS2000, no offset)
//	xyz:URL-TEMPLATE        any raster XYZ service, e.g. https://tiles.example.org/{z}/{x}/{y}.png
//	pmtiles:/path/file.pmtiles
//	                        a raster PMTiles archive served by this binary under /tiles/basemap/, for a
//	                        city that runs offline with its own base map
//
// Our data is WGS-84. GCJ-02 base maps (Amap, Tencent) are offset from it
// by hundreds of metres and must not be used.

// Base map kinds.
const (
	BasemapNone     = "none"
	BasemapTianditu = "tianditu"
	BasemapXYZ      = "xyz"
	BasemapPMTiles  = "pmtiles"
)

// Basemap is the configured base map.
type Basemap struct {
	Kind  string // one of the Basemap* kinds; "" is none
	Token string // tianditu key
	URL   string // xyz template with {z}, {x} and {y}
	Path  string // pmtiles archive
	// Attribution overrides the credit shown on the map; the default names
	// Tianditu, the archive's own attribution, or the xyz host.
	Attribution string
}

// ParseBasemap reads a base map setting: "none", "tianditu:TOKEN",
// "xyz:URL-TEMPLATE" or "pmtiles:/path/file.pmtiles".
func ParseBasemap(v string) (Basemap, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == BasemapNone {
		return Basemap{Kind: BasemapNone}, nil
	}
	kind, rest, ok := strings.Cut(v, ":")
	if !ok || rest == "" {
		return Basemap{}, fmt.Errorf("base map %q: want none, tianditu:TOKEN, xyz:URL-TEMPLATE or pmtiles:/path/file.pmtiles", v)
	}
	switch kind {
	case BasemapTianditu:
		if strings.ContainsAny(rest, "&?/ ") {
			return Basemap{}, errors.New("base map tianditu: the token is the key alone, without & ? / or spaces")
		}
		return Basemap{Kind: kind, Token: rest}, nil
	case BasemapXYZ:
		u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(rest))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Basemap{}, fmt.Errorf("base map xyz: %q is not an http(s) URL template", rest)
		}
		for _, p := range []string{"{z}", "{x}", "{y}"} {
			if !strings.Contains(rest, p) {
				return Basemap{}, fmt.Errorf("base map xyz: the template %q lacks %s", rest, p)
			}
		}
		return Basemap{Kind: kind, URL: rest}, nil
	case BasemapPMTiles:
		return Basemap{Kind: kind, Path: rest}, nil
	}
	return Basemap{}, fmt.Errorf("base map %q: unknown kind %q; want none, tianditu, xyz or pmtiles", v, kind)
}

// tiandituHosts are the eight load-balanced Tianditu tile hosts.
func tiandituURLs(layer, token string) []string {
	out := make([]string, 8)
	for i := range out {
		out[i] = fmt.Sprintf("https://t%d.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%s",
			i, layer, layer, url.QueryEscape(token))
	}
	return out
}

const tiandituAttribution = "© 天地图 国家地理信息公共服务平台 Tianditu, National Platform for Common GeoSpatial Information Services"

// externalHosts are the origins the browser fetches base map tiles from,
// for the Content-Security-Policy; a {placeholder} in a host becomes a
// wildcard subdomain.
func (b Basemap) externalHosts() []string {
	switch b.Kind {
	case BasemapTianditu:
		return []string{"https://*.tianditu.gov.cn"}
	case BasemapXYZ:
		u, err := url.Parse(b.URL)
		host := ""
		if err == nil {
			host = u.Host
		} else if _, after, ok := strings.Cut(b.URL, "://"); ok {
			host, _, _ = strings.Cut(after, "/")
		}
		scheme, _, _ := strings.Cut(b.URL, "://")
		if i := strings.LastIndex(host, "}"); i >= 0 {
			host = "*" + host[i+1:]
			if !strings.HasPrefix(host, "*.") {
				host = "*." + strings.TrimPrefix(host, "*")
			}
		}
		if host == "" {
			return nil
		}
		return []string{scheme + "://" + host}
	}
	return nil
}

// cspFor widens contentSecurityPolicy so the browser may load the base
// map's tiles as images and by fetch.
func cspFor(b Basemap) string {
	hosts := strings.Join(b.externalHosts(), " ")
	if hosts == "" {
		return contentSecurityPolicy
	}
	return strings.NewReplacer(
		"img-src 'self' data: blob:", "img-src 'self' data: blob: "+hosts,
		"connect-src 'self'", "connect-src 'self' "+hosts,
	).Replace(contentSecurityPolicy)
}

// mapState is what the map routes keep: the base map (and its archive),
// the policy built from it, and the caches of gap tiles and search.
type mapState struct {
	basemap  Basemap
	archive  *pmtiles.Reader // pmtiles base maps only
	csp      string
	gapTiles *tileCache
	search   *searchCache
}

func newMapState(b Basemap) (*mapState, error) {
	if b.Kind == "" {
		b.Kind = BasemapNone
	}
	m := &mapState{basemap: b, csp: cspFor(b), gapTiles: newTileCache(gapCacheBytes), search: &searchCache{}}
	if b.Kind == BasemapPMTiles {
		a, err := pmtiles.Open(b.Path)
		if err != nil {
			return nil, fmt.Errorf("base map: %w", err)
		}
		if a.Header().TileType == pmtiles.MVT {
			a.Close()
			return nil, fmt.Errorf("base map: %s: the archive holds vector tiles; a base map archive must hold raster tiles (png, jpg, webp or avif)", b.Path)
		}
		m.archive = a
	}
	return m, nil
}

// handleBasemapTile serves GET /tiles/basemap/{z}/{x}/{y}.{ext} from the
// configured PMTiles archive: the tile as stored, 204 where the archive
// has none, 404 when no archive is configured or ext is not its type.
func (s *Server) handleBasemapTile(w http.ResponseWriter, r *http.Request) {
	a := s.maps.archive
	if a == nil {
		s.writeError(w, r, &Error{Code: quarterhour.ENotFound, Message: "no PMTiles base map is configured (QUARTERHOUR_BASEMAP=pmtiles:/path/file.pmtiles)"})
		return
	}
	h := a.Header()
	if ext := chi.URLParam(r, "ext"); ext != h.TileType.Ext() && !(ext == "jpeg" && h.TileType == pmtiles.JPEG) {
		s.writeError(w, r, &Error{Code: quarterhour.ENotFound, Field: "ext", Message: fmt.Sprintf("the base map holds .%s tiles", h.TileType.Ext())})
		return
	}
	t, err := parseTileXYZ(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	data, err := a.Tile(uint8(t.Z), t.X, t.Y)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("base map tile %d/%d/%d: %w", t.Z, t.X, t.Y, err))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	if data == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", h.TileType.ContentType())
	if h.TileCompression == pmtiles.Gzip {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

var basemapOperations = []operation{
	{method: "GET", path: "/tiles/basemap/{z}/{x}/{y}.{ext}", summary: "One tile of the PMTiles base map this server was configured with (QUARTERHOUR_BASEMAP=pmtiles:…); 204 where the archive has none, 404 without such a base map", tag: "tiles",
		ok: 200, resultMedia: "image/png", alsoOK: map[int]string{204: "no tile there"}, params: []param{
			{name: "z", in: "path", typ: "integer", required: true, desc: "zoom"},
			{name: "x", in: "path", typ: "integer", required: true, desc: "column"},
			{name: "y", in: "path", typ: "integer", required: true, desc: "row"},
			{name: "ext", in: "path", typ: "string", required: true, desc: "the archive's tile type: png | jpg | webp | avif"},
		}},
}

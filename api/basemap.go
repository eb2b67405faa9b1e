package api

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/quarterhour/quarterhour"
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
	archive  *pmtilesArchive // pmtiles base maps only
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
		a, err := openPMTiles(b.Path)
		if err != nil {
			return nil, fmt.Errorf("base map: %w", err)
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
	if ext := chi.URLParam(r, "ext"); ext != a.ext() && !(ext == "jpeg" && a.ext() == "jpg") {
		s.writeError(w, r, &Error{Code: quarterhour.ENotFound, Field: "ext", Message: fmt.Sprintf("the base map holds .%s tiles", a.ext())})
		return
	}
	t, err := parseTileXYZ(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	data, err := a.tile(uint8(t.Z), t.X, t.Y)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("base map tile %d/%d/%d: %w", t.Z, t.X, t.Y, err))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	if data == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", a.contentType())
	if a.h.tileCompression == pmGzip {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// PMTiles version 3 (github.com/protomaps/PMTiles, spec/v3): a 127-byte
// header, a root directory, optional JSON metadata and leaf directories,
// then the tile data; tiles are addressed along a Hilbert curve per zoom.

const pmHeaderLen = 127

// Compression and tile type codes of the header.
const (
	pmNone = 1
	pmGzip = 2

	pmMVT  = 1
	pmPNG  = 2
	pmJPEG = 3
	pmWebP = 4
	pmAVIF = 5
)

type pmHeader struct {
	rootOffset, rootLength         uint64
	metadataOffset, metadataLength uint64
	leafOffset, leafLength         uint64
	dataOffset, dataLength         uint64
	internalCompression            uint8
	tileCompression                uint8
	tileType                       uint8
	minZoom, maxZoom               uint8
	minLon, minLat, maxLon, maxLat float64
	centerZoom                     uint8
	centerLon, centerLat           float64
}

type pmEntry struct {
	tileID    uint64
	offset    uint64
	length    uint32
	runLength uint32
}

type pmtilesArchive struct {
	f           *os.File
	h           pmHeader
	root        []pmEntry
	attribution string
	mu          sync.Mutex
	leaves      map[uint64][]pmEntry // by offset in the leaf section; bounded
}

// maxCachedLeaves bounds the decoded leaf directories kept.
const maxCachedLeaves = 64

func openPMTiles(path string) (*pmtilesArchive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	a, err := readPMTiles(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

func readPMTiles(f *os.File) (*pmtilesArchive, error) {
	buf := make([]byte, pmHeaderLen)
	if _, err := f.ReadAt(buf, 0); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if string(buf[:7]) != "PMTiles" {
		return nil, errors.New("not a PMTiles archive")
	}
	if buf[7] != 3 {
		return nil, fmt.Errorf("PMTiles version %d; version 3 is supported", buf[7])
	}
	u64 := func(at int) uint64 { return binary.LittleEndian.Uint64(buf[at:]) }
	e7 := func(at int) float64 { return float64(int32(binary.LittleEndian.Uint32(buf[at:]))) / 1e7 }
	h := pmHeader{
		rootOffset: u64(8), rootLength: u64(16), metadataOffset: u64(24), metadataLength: u64(32),
		leafOffset: u64(40), leafLength: u64(48), dataOffset: u64(56), dataLength: u64(64),
		internalCompression: buf[97], tileCompression: buf[98], tileType: buf[99],
		minZoom: buf[100], maxZoom: buf[101],
		minLon: e7(102), minLat: e7(106), maxLon: e7(110), maxLat: e7(114),
		centerZoom: buf[118], centerLon: e7(119), centerLat: e7(123),
	}
	switch h.internalCompression {
	case pmNone, pmGzip:
	default:
		return nil, fmt.Errorf("directory compression %d; none (1) and gzip (2) are supported", h.internalCompression)
	}
	switch h.tileType {
	case pmPNG, pmJPEG, pmWebP, pmAVIF:
	case pmMVT:
		return nil, errors.New("the archive holds vector tiles; a base map archive must hold raster tiles (png, jpg, webp or avif)")
	default:
		return nil, fmt.Errorf("unknown tile type %d", h.tileType)
	}
	if h.tileCompression != pmNone && h.tileCompression != pmGzip && h.tileCompression != 0 {
		return nil, fmt.Errorf("tile compression %d; none (1) and gzip (2) are supported", h.tileCompression)
	}
	a := &pmtilesArchive{f: f, h: h, leaves: map[uint64][]pmEntry{}}
	var err error
	if a.root, err = a.directory(h.rootOffset, h.rootLength); err != nil {
		return nil, fmt.Errorf("root directory: %w", err)
	}
	if h.metadataLength > 0 && h.metadataLength < 1<<20 {
		raw, err := a.section(h.metadataOffset, h.metadataLength)
		if err == nil {
			var meta struct {
				Attribution string `json:"attribution"`
			}
			if json.Unmarshal(raw, &meta) == nil {
				a.attribution = meta.Attribution
			}
		}
	}
	return a, nil
}

// section reads and decompresses length bytes at offset.
func (a *pmtilesArchive) section(offset, length uint64) ([]byte, error) {
	if length > 64<<20 {
		return nil, fmt.Errorf("section of %d bytes is too large", length)
	}
	raw := make([]byte, length)
	if _, err := a.f.ReadAt(raw, int64(offset)); err != nil {
		return nil, err
	}
	if a.h.internalCompression == pmGzip {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		return io.ReadAll(io.LimitReader(zr, 256<<20))
	}
	return raw, nil
}

// directory decodes a directory: the entry count, then the tile IDs as
// deltas, the run lengths, the lengths and the offsets (0 meaning right
// after the previous entry, else offset+1), all as varints.
func (a *pmtilesArchive) directory(offset, length uint64) ([]pmEntry, error) {
	raw, err := a.section(offset, length)
	if err != nil {
		return nil, err
	}
	r := bytes.NewReader(raw)
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(len(raw)) {
		return nil, fmt.Errorf("%d entries in %d bytes", n, len(raw))
	}
	es := make([]pmEntry, n)
	var id uint64
	for i := range es {
		d, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		id += d
		es[i].tileID = id
	}
	for i := range es {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		es[i].runLength = uint32(v)
	}
	for i := range es {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		es[i].length = uint32(v)
	}
	for i := range es {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		if v == 0 && i > 0 {
			es[i].offset = es[i-1].offset + uint64(es[i-1].length)
		} else {
			es[i].offset = v - 1
		}
	}
	return es, nil
}

// find returns the entry holding id: a run of tiles containing it, or the
// leaf directory whose range it falls in.
func findEntry(es []pmEntry, id uint64) (pmEntry, bool) {
	i := sort.Search(len(es), func(i int) bool { return es[i].tileID > id }) - 1
	if i < 0 {
		return pmEntry{}, false
	}
	e := es[i]
	if e.runLength == 0 || id-e.tileID < uint64(e.runLength) {
		return e, true
	}
	return pmEntry{}, false
}

// tile returns the stored bytes of tile z/x/y, nil when the archive has
// none.
func (a *pmtilesArchive) tile(z uint8, x, y uint32) ([]byte, error) {
	if z < a.h.minZoom || z > a.h.maxZoom {
		return nil, nil
	}
	id := pmTileID(z, x, y)
	es := a.root
	for range 4 { // the spec allows at most three levels of leaves
		e, ok := findEntry(es, id)
		if !ok {
			return nil, nil
		}
		if e.runLength > 0 {
			data := make([]byte, e.length)
			if _, err := a.f.ReadAt(data, int64(a.h.dataOffset+e.offset)); err != nil {
				return nil, err
			}
			return data, nil
		}
		var err error
		if es, err = a.leaf(e.offset, uint64(e.length)); err != nil {
			return nil, fmt.Errorf("leaf directory: %w", err)
		}
	}
	return nil, errors.New("leaf directories nest too deep")
}

func (a *pmtilesArchive) leaf(offset, length uint64) ([]pmEntry, error) {
	a.mu.Lock()
	es, ok := a.leaves[offset]
	a.mu.Unlock()
	if ok {
		return es, nil
	}
	es, err := a.directory(a.h.leafOffset+offset, length)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.leaves) >= maxCachedLeaves {
		clear(a.leaves)
	}
	a.leaves[offset] = es
	a.mu.Unlock()
	return es, nil
}

// pmTileID numbers z/x/y: the tiles of all lower zooms, then the position
// of x, y along the Hilbert curve of zoom z.
func pmTileID(z uint8, x, y uint32) uint64 {
	id := (uint64(1)<<(2*uint64(z)) - 1) / 3
	n := uint32(1) << z
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s > 0 {
			rx = 1
		}
		if y&s > 0 {
			ry = 1
		}
		id += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x = n - 1 - x
				y = n - 1 - y
			}
			x, y = y, x
		}
	}
	return id
}

func (a *pmtilesArchive) ext() string {
	switch a.h.tileType {
	case pmPNG:
		return "png"
	case pmJPEG:
		return "jpg"
	case pmWebP:
		return "webp"
	case pmAVIF:
		return "avif"
	}
	return "mvt"
}

func (a *pmtilesArchive) contentType() string {
	switch a.h.tileType {
	case pmPNG:
		return "image/png"
	case pmJPEG:
		return "image/jpeg"
	case pmWebP:
		return "image/webp"
	case pmAVIF:
		return "image/avif"
	}
	return "application/vnd.mapbox-vector-tile"
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

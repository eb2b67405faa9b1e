package api

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseBasemap(t *testing.T) {
	for in, want := range map[string]Basemap{
		"":                {Kind: BasemapNone},
		"none":            {Kind: BasemapNone},
		"tianditu:abc123": {Kind: BasemapTianditu, Token: "abc123"},
		"xyz:https://tiles.example.org/{z}/{x}/{y}.png": {Kind: BasemapXYZ, URL: "https://tiles.example.org/{z}/{x}/{y}.png"},
		"pmtiles:/srv/jining.pmtiles":                   {Kind: BasemapPMTiles, Path: "/srv/jining.pmtiles"},
	} {
		got, err := ParseBasemap(in)
		if err != nil || got != want {
			t.Errorf("ParseBasemap(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"amap:key", "tianditu:", "tianditu:a&b", "xyz:ftp://x/{z}/{x}/{y}", "xyz:https://x.org/{z}/{x}.png", "pmtiles"} {
		if _, err := ParseBasemap(bad); err == nil {
			t.Errorf("ParseBasemap(%q) accepted", bad)
		}
	}
}

func TestCSP_AllowsTheBaseMapHostsOnly(t *testing.T) {
	if got := cspFor(Basemap{Kind: BasemapNone}); got != contentSecurityPolicy {
		t.Errorf("no base map: %s", got)
	}
	for b, host := range map[Basemap]string{
		{Kind: BasemapTianditu, Token: "k"}:                                      "https://*.tianditu.gov.cn",
		{Kind: BasemapXYZ, URL: "https://tiles.example.org/{z}/{x}/{y}.png"}:     "https://tiles.example.org",
		{Kind: BasemapXYZ, URL: "https://{s}.tiles.example.org/{z}/{x}/{y}.png"}: "https://*.tiles.example.org",
	} {
		csp := cspFor(b)
		for _, directive := range []string{"img-src", "connect-src"} {
			if !strings.Contains(csp, directive+" 'self' ") || !strings.Contains(directivesOf(csp)[directive], host) {
				t.Errorf("%+v: %s lacks %s: %s", b, directive, host, csp)
			}
		}
		if strings.Contains(directivesOf(csp)["script-src"], host) {
			t.Errorf("%+v: scripts allowed from %s", b, host)
		}
	}
}

func directivesOf(csp string) map[string]string {
	out := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, rest, _ := strings.Cut(strings.TrimSpace(d), " ")
		out[name] = rest
	}
	return out
}

func TestPMTilesTileIDs(t *testing.T) {
	// The numbering of the PMTiles v3 specification.
	for _, c := range []struct {
		z    uint8
		x, y uint32
		id   uint64
	}{{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 0, 0, 5}, {12, 3423, 1763, 19078479}, {20, 0, 0, 366503875925}} {
		if got := pmTileID(c.z, c.x, c.y); got != c.id {
			t.Errorf("%d/%d/%d: id %d, want %d", c.z, c.x, c.y, got, c.id)
		}
	}
}

// testTile is a tile to write into a test archive.
type testTile struct {
	z    uint8
	x, y uint32
	data []byte
}

// writePMTiles writes a PMTiles v3 archive of PNG tiles with gzipped
// directories; with leaves, the root points at one leaf directory per
// two tiles.
func writePMTiles(t *testing.T, tiles []testTile, leaves bool) string {
	t.Helper()
	type entry struct {
		id       uint64
		offset   uint64
		length   uint32
		run      uint32
		contents []byte
	}
	var es []entry
	for _, tl := range tiles {
		es = append(es, entry{id: pmTileID(tl.z, tl.x, tl.y), length: uint32(len(tl.data)), run: 1, contents: tl.data})
	}
	slices.SortFunc(es, func(a, b entry) int { return int(a.id) - int(b.id) })
	var data bytes.Buffer
	merged := es[:0]
	for _, e := range es {
		// Consecutive IDs with equal contents share one run.
		if n := len(merged); n > 0 && merged[n-1].id+uint64(merged[n-1].run) == e.id && bytes.Equal(merged[n-1].contents, e.contents) {
			merged[n-1].run++
			continue
		}
		e.offset = uint64(data.Len())
		data.Write(e.contents)
		merged = append(merged, e)
	}
	encode := func(es []entry) []byte {
		var raw []byte
		raw = binary.AppendUvarint(raw, uint64(len(es)))
		last := uint64(0)
		for _, e := range es {
			raw = binary.AppendUvarint(raw, e.id-last)
			last = e.id
		}
		for _, e := range es {
			raw = binary.AppendUvarint(raw, uint64(e.run))
		}
		for _, e := range es {
			raw = binary.AppendUvarint(raw, uint64(e.length))
		}
		for i, e := range es {
			if i > 0 && e.offset == es[i-1].offset+uint64(es[i-1].length) {
				raw = binary.AppendUvarint(raw, 0)
			} else {
				raw = binary.AppendUvarint(raw, e.offset+1)
			}
		}
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(raw)
		zw.Close()
		return z.Bytes()
	}
	root := encode(merged)
	var leafSection []byte
	if leaves {
		var ptrs []entry
		for i := 0; i < len(merged); i += 2 {
			part := merged[i:min(i+2, len(merged))]
			enc := encode(part)
			ptrs = append(ptrs, entry{id: part[0].id, offset: uint64(len(leafSection)), length: uint32(len(enc))})
			leafSection = append(leafSection, enc...)
		}
		root = encode(ptrs)
	}
	meta := []byte(`{"attribution":"测试底图 Test base map"}`)
	var mz bytes.Buffer
	zw := gzip.NewWriter(&mz)
	zw.Write(meta)
	zw.Close()
	h := make([]byte, pmHeaderLen)
	copy(h, "PMTiles")
	h[7] = 3
	put := func(at int, v uint64) { binary.LittleEndian.PutUint64(h[at:], v) }
	rootAt := uint64(pmHeaderLen)
	metaAt := rootAt + uint64(len(root))
	leafAt := metaAt + uint64(mz.Len())
	dataAt := leafAt + uint64(len(leafSection))
	put(8, rootAt)
	put(16, uint64(len(root)))
	put(24, metaAt)
	put(32, uint64(mz.Len()))
	put(40, leafAt)
	put(48, uint64(len(leafSection)))
	put(56, dataAt)
	put(64, uint64(data.Len()))
	put(72, uint64(len(tiles)))
	put(80, uint64(len(merged)))
	put(88, uint64(len(merged)))
	h[96] = 1
	h[97], h[98], h[99] = pmGzip, pmNone, pmPNG
	h[100], h[101] = 0, 3
	e7 := func(at int, v float64) { binary.LittleEndian.PutUint32(h[at:], uint32(int32(v*1e7))) }
	e7(102, 116.4)
	e7(106, 35.2)
	e7(110, 116.9)
	e7(114, 35.7)
	h[118] = 2
	e7(119, 116.6)
	e7(123, 35.4)
	path := filepath.Join(t.TempDir(), "base.pmtiles")
	file := slices.Concat(h, root, mz.Bytes(), leafSection, data.Bytes())
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var testTiles = []testTile{
	{0, 0, 0, []byte("png-0")},
	{1, 0, 0, []byte("png-1a")},
	{1, 0, 1, []byte("png-1b")},
	{1, 1, 1, []byte("png-1b")}, // the same contents: a run
	{2, 3, 1, []byte("png-2")},
	{3, 6, 3, []byte("png-3")},
}

// mapServer is an API over the shared fixture's application with base
// map b.
func mapServer(t *testing.T, b Basemap) *httptest.Server {
	t.Helper()
	f := sqliteAPI(t)
	s, err := New(Config{App: f.api.app, Basemap: b, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp, buf.Bytes()
}

func TestPMTilesBasemap_ServesTheArchivesTiles(t *testing.T) {
	for _, leaves := range []bool{false, true} {
		t.Run(fmt.Sprintf("leaves=%v", leaves), func(t *testing.T) {
			path := writePMTiles(t, testTiles, leaves)
			srv := mapServer(t, Basemap{Kind: BasemapPMTiles, Path: path})
			for _, tl := range testTiles {
				resp, body := get(t, srv, fmt.Sprintf("/tiles/basemap/%d/%d/%d.png", tl.z, tl.x, tl.y))
				if resp.StatusCode != http.StatusOK || string(body) != string(tl.data) || resp.Header.Get("Content-Type") != "image/png" {
					t.Errorf("tile %d/%d/%d: %d %q %s", tl.z, tl.x, tl.y, resp.StatusCode, body, resp.Header.Get("Content-Type"))
				}
				if resp.Header.Get("Content-Encoding") != "" {
					t.Errorf("tile %d/%d/%d: Content-Encoding %q on an image", tl.z, tl.x, tl.y, resp.Header.Get("Content-Encoding"))
				}
			}
			for _, missing := range []string{"/tiles/basemap/1/1/0.png", "/tiles/basemap/3/0/0.png", "/tiles/basemap/9/0/0.png"} {
				if resp, _ := get(t, srv, missing); resp.StatusCode != http.StatusNoContent {
					t.Errorf("%s: %d, want 204", missing, resp.StatusCode)
				}
			}
			if resp, _ := get(t, srv, "/tiles/basemap/0/0/0.webp"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("a .webp from a png archive: %d", resp.StatusCode)
			}
			resp, body := get(t, srv, "/api/v1/map/style.json")
			var st styleJSON
			if err := json.Unmarshal(body, &st); err != nil {
				t.Fatal(err)
			}
			src, _ := st.Sources["basemap"].(map[string]any)
			tiles, _ := src["tiles"].([]any)
			if len(tiles) != 1 || !strings.HasSuffix(tiles[0].(string), "/tiles/basemap/{z}/{x}/{y}.png") || src["maxzoom"] != float64(3) {
				t.Errorf("basemap source %v", src)
			}
			if src["attribution"] != "测试底图 Test base map" {
				t.Errorf("attribution %v, want the archive's", src["attribution"])
			}
			if resp.Header.Get("Content-Security-Policy") != contentSecurityPolicy {
				t.Errorf("a local base map widened the policy: %s", resp.Header.Get("Content-Security-Policy"))
			}
		})
	}
}

func TestPMTilesBasemap_RefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	notPM := filepath.Join(dir, "x.pmtiles")
	os.WriteFile(notPM, bytes.Repeat([]byte("x"), 200), 0o644)
	for _, p := range []string{notPM, filepath.Join(dir, "missing.pmtiles")} {
		if _, err := New(Config{App: sqliteAPI(t).api.app, Basemap: Basemap{Kind: BasemapPMTiles, Path: p}}); err == nil {
			t.Errorf("%s: accepted as a base map", p)
		}
	}
	if resp, _ := get(t, mapServer(t, Basemap{}), "/tiles/basemap/0/0/0.png"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("no base map configured: %d", resp.StatusCode)
	}
}

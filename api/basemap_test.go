package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour/geo/pmtiles"
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

// writePMTiles writes a PMTiles archive of PNG tiles with gzipped
// directories; with leaves, the root points at one leaf directory per
// two entries.
func writePMTiles(t *testing.T, tiles []pmtiles.Tile, leaves bool) string {
	t.Helper()
	o := pmtiles.Options{TileType: pmtiles.PNG, Metadata: map[string]any{"attribution": "测试底图 Test base map"},
		Bounds: [4]float64{116.4, 35.2, 116.9, 35.7}}
	if leaves {
		o.LeafSize = 2
	}
	var buf bytes.Buffer
	if err := pmtiles.Write(&buf, tiles, o); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "base.pmtiles")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var testTiles = []pmtiles.Tile{
	{Z: 0, X: 0, Y: 0, Data: []byte("png-0")},
	{Z: 1, X: 0, Y: 0, Data: []byte("png-1a")},
	{Z: 1, X: 0, Y: 1, Data: []byte("png-1b")},
	{Z: 1, X: 1, Y: 1, Data: []byte("png-1b")}, // the same contents: a run
	{Z: 2, X: 3, Y: 1, Data: []byte("png-2")},
	{Z: 3, X: 6, Y: 3, Data: []byte("png-3")},
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
				resp, body := get(t, srv, fmt.Sprintf("/tiles/basemap/%d/%d/%d.png", tl.Z, tl.X, tl.Y))
				if resp.StatusCode != http.StatusOK || string(body) != string(tl.Data) || resp.Header.Get("Content-Type") != "image/png" {
					t.Errorf("tile %d/%d/%d: %d %q %s", tl.Z, tl.X, tl.Y, resp.StatusCode, body, resp.Header.Get("Content-Type"))
				}
				if resp.Header.Get("Content-Encoding") != "" {
					t.Errorf("tile %d/%d/%d: Content-Encoding %q on an image", tl.Z, tl.X, tl.Y, resp.Header.Get("Content-Encoding"))
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
	var vector bytes.Buffer
	if err := pmtiles.Write(&vector, []pmtiles.Tile{{Z: 0, X: 0, Y: 0, Data: []byte("mvt")}}, pmtiles.Options{TileType: pmtiles.MVT}); err != nil {
		t.Fatal(err)
	}
	vectorPM := filepath.Join(dir, "vector.pmtiles")
	os.WriteFile(vectorPM, vector.Bytes(), 0o644)
	if _, err := New(Config{App: sqliteAPI(t).api.app, Basemap: Basemap{Kind: BasemapPMTiles, Path: vectorPM}}); err == nil || !strings.Contains(err.Error(), "vector tiles") {
		t.Errorf("a vector archive as the base map: %v", err)
	}
	for _, p := range []string{notPM, filepath.Join(dir, "missing.pmtiles")} {
		if _, err := New(Config{App: sqliteAPI(t).api.app, Basemap: Basemap{Kind: BasemapPMTiles, Path: p}}); err == nil {
			t.Errorf("%s: accepted as a base map", p)
		}
	}
	if resp, _ := get(t, mapServer(t, Basemap{}), "/tiles/basemap/0/0/0.png"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("no base map configured: %d", resp.StatusCode)
	}
}

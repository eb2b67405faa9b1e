package api

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// getWith sends GET path with Accept-Encoding set by hand, so the client
// hands the body over as sent.
func getWith(t *testing.T, h http.Handler, path, acceptEncoding string, extra ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCompress_JSONWhenAccepted(t *testing.T) {
	f := sqliteAPI(t)
	plain := getWith(t, f.api, "/api/v1/communities", "")
	if plain.Header().Get("Content-Encoding") != "" {
		t.Fatal("compressed for a client that did not ask")
	}
	for _, ae := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8"} {
		rec := getWith(t, f.api, "/api/v1/communities", ae)
		if rec.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%q: Content-Encoding %q, Vary %q", ae, rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
		}
		body := gunzip(t, rec.Body.Bytes())
		if !bytes.Equal(body, plain.Body.Bytes()) {
			t.Fatalf("%q: the gzipped body differs from the plain one", ae)
		}
		if rec.Body.Len()*3 > len(body) {
			t.Errorf("%q: %d bytes gzipped from %d", ae, rec.Body.Len(), len(body))
		}
	}
	if rec := getWith(t, f.api, "/api/v1/communities", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("compressed for gzip;q=0")
	}
	if rec := getWith(t, f.api, "/healthz", "gzip"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("a tiny answer was compressed")
	}
}

func TestCompress_TilesAreGzippedOnce(t *testing.T) {
	f := sqliteAPI(t)
	tile := maptile.At(renchengCentre, 13)
	for _, path := range []string{"/tiles/outlets/13/%d/%d.mvt", "/tiles/access/13/%d/%d.mvt?category=housekeeping"} {
		p := fmt.Sprintf(path, tile.X, tile.Y)
		rec := getWith(t, f.api, p, "gzip")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: %d %q", p, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		if _, err := mvt.Unmarshal(gunzip(t, rec.Body.Bytes())); err != nil {
			t.Errorf("%s: gzipped twice or broken: %v", p, err)
		}
	}
}

func TestCompress_StaticAssetsButNotImagesOrRanges(t *testing.T) {
	js := strings.Repeat("export const x = 1;\n", 500)
	mux := http.NewServeMux()
	mux.HandleFunc("/app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("ETag", `"abc"`)
		http.ServeContent(w, r, "app.js", time.Time{}, strings.NewReader(js))
	})
	mux.HandleFunc("/pic.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(bytes.Repeat([]byte{0}, 4096))
	})
	h := compress(mux)
	rec := getWith(t, h, "/app.js", "gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" || string(gunzip(t, rec.Body.Bytes())) != js {
		t.Errorf("app.js: %q", rec.Header().Get("Content-Encoding"))
	}
	if rec.Header().Get("Content-Length") != "" || rec.Header().Get("ETag") != `W/"abc"` {
		t.Errorf("app.js: Content-Length %q, ETag %q", rec.Header().Get("Content-Length"), rec.Header().Get("ETag"))
	}
	if rec := getWith(t, h, "/app.js", "gzip", "Range", "bytes=0-9"); rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != js[:10] {
		t.Errorf("a range request: %q %q", rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
	if rec := getWith(t, h, "/pic.png", "gzip"); rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() != 4096 {
		t.Errorf("an image was compressed")
	}
}

func TestCompress_HashedAssetsCompressedOnce(t *testing.T) {
	js := strings.Repeat("export const y = 2;\n", 500)
	calls := 0
	h := compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "text/javascript")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(js))
	}))
	first := getWith(t, h, "/assets/index-abc.js", "gzip")
	second := getWith(t, h, "/assets/index-abc.js", "gzip")
	if calls != 1 {
		t.Errorf("the asset was served %d times", calls)
	}
	if !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) || string(gunzip(t, second.Body.Bytes())) != js {
		t.Error("the cached asset differs")
	}
	if second.Header().Get("Content-Encoding") != "gzip" || second.Header().Get("Cache-Control") == "" || second.Header().Get("Content-Length") == "" {
		t.Errorf("cached headers %v", second.Header())
	}
	if rec := getWith(t, h, "/assets/index-abc.js", "gzip", "If-None-Match", second.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Errorf("a revalidation got %d", rec.Code)
	}
	if rec := getWith(t, h, "/assets/index-abc.js", ""); rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != js || calls != 2 {
		t.Errorf("a client without gzip got %q (%d calls)", rec.Header().Get("Content-Encoding"), calls)
	}
}

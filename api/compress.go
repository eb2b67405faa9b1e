package api

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// compressMinBytes: a response declaring fewer bytes than this is sent as
// it is; gzip would save little and cost a round of work.
const compressMinBytes = 512

// compressible reports whether a response of media type t shrinks under
// gzip: text, JSON, JavaScript, XML and SVG, and vector tiles not already
// compressed. Images, archives, spreadsheets and PMTiles do not.
func compressible(t string) bool {
	mt, _, err := mime.ParseMediaType(t)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml", "application/vnd.mapbox-vector-tile", "image/svg+xml":
		return true
	}
	return false
}

// acceptsGzip reports whether the client takes gzip (and did not refuse it
// with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// compressors gzip dynamic responses at the fastest level: a 15-minute
// isochrone with its nodes is about 100 kB of JSON, which the default level
// takes several times longer to compress than the engine takes to compute.
// assetCompressors squeeze the web app's assets harder, once each.
var (
	compressors      = sync.Pool{New: func() any { return newGzip(gzip.BestSpeed) }}
	assetCompressors = sync.Pool{New: func() any { return newGzip(gzip.BestCompression) }}
)

func newGzip(level int) *gzip.Writer {
	w, _ := gzip.NewWriterLevel(io.Discard, level)
	return w
}

// compress gzips responses for clients that accept it: static assets, JSON
// and GeoJSON. Responses that set their own Content-Encoding (the vector
// tiles, stored gzipped) pass as they are, and so do range requests,
// images and other binary downloads.
//
// The web app's hashed assets (/assets/, which never change under one
// name) are compressed once and kept.
func compress(next http.Handler) http.Handler {
	assets := &assetCache{byPath: map[string]*compressedAsset{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || r.Header.Get("Range") != "" || !acceptsGzip(r) {
			next.ServeHTTP(w, r)
			return
		}
		asset := r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, assetPrefix)
		if asset && assets.serve(w, r) {
			return
		}
		cw := &compressWriter{ResponseWriter: w}
		if asset {
			cw.keep = &bytes.Buffer{}
		}
		next.ServeHTTP(cw, r)
		cw.close()
		if asset && cw.zw == nil && cw.kept {
			assets.put(r.URL.Path, cw)
		}
	})
}

// assetPrefix is where the web app's content-hashed files are served.
const assetPrefix = "/assets/"

// assetCacheBytes bounds the compressed assets kept.
const assetCacheBytes = 32 << 20

type compressedAsset struct {
	header http.Header
	body   []byte
}

type assetCache struct {
	mu     sync.Mutex
	size   int
	byPath map[string]*compressedAsset
}

// serve answers r from the cache, 304 when the client has it already.
func (c *assetCache) serve(w http.ResponseWriter, r *http.Request) bool {
	c.mu.Lock()
	a := c.byPath[r.URL.Path]
	c.mu.Unlock()
	if a == nil {
		return false
	}
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if etag := a.header.Get("ETag"); etag != "" && r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body)
	return true
}

func (c *assetCache) put(path string, cw *compressWriter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size+cw.keep.Len() > assetCacheBytes {
		return
	}
	h := cw.Header().Clone()
	h.Del("Content-Length")
	c.byPath[path] = &compressedAsset{header: h, body: cw.keep.Bytes()}
	c.size += cw.keep.Len()
}

// compressWriter decides at the first Write (or at the end, for a
// response with no body) whether to compress, from the headers the handler
// has set by then and the size of that first write when no Content-Length
// is declared; the status waits for that decision.
type compressWriter struct {
	http.ResponseWriter
	status  int // set by WriteHeader, sent once decided
	decided bool
	zw      *gzip.Writer
	// keep, when set, receives a copy of a whole 200 gzipped body; kept
	// reports that one was.
	keep *bytes.Buffer
	kept bool
}

func (cw *compressWriter) decide(first int) {
	if cw.decided {
		return
	}
	cw.decided = true
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	defer cw.ResponseWriter.WriteHeader(cw.status)
	h := cw.Header()
	if !compressible(h.Get("Content-Type")) {
		return
	}
	h.Add("Vary", "Accept-Encoding")
	if h.Get("Content-Encoding") != "" || cw.status < 200 || cw.status == http.StatusNoContent ||
		cw.status == http.StatusNotModified || cw.status == http.StatusPartialContent {
		return
	}
	if n, err := strconv.Atoi(h.Get("Content-Length")); err == nil {
		first = n
	}
	if first < compressMinBytes {
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	// A strong validator names one representation; the gzipped one is another.
	if etag := h.Get("ETag"); strings.HasPrefix(etag, `"`) {
		h.Set("ETag", "W/"+etag)
	}
	var zw *gzip.Writer
	if cw.keep != nil && cw.status == http.StatusOK {
		zw = assetCompressors.Get().(*gzip.Writer)
		zw.Reset(io.MultiWriter(cw.ResponseWriter, cw.keep))
		cw.kept = true
	} else {
		zw = compressors.Get().(*gzip.Writer)
		zw.Reset(cw.ResponseWriter)
	}
	cw.zw = zw
}

func (cw *compressWriter) WriteHeader(status int) {
	if cw.decided || cw.status != 0 {
		return
	}
	if status < 200 {
		cw.ResponseWriter.WriteHeader(status) // informational: pass on at once
		return
	}
	cw.status = status
}

func (cw *compressWriter) Write(p []byte) (int, error) {
	if !cw.decided {
		if cw.Header().Get("Content-Type") == "" {
			cw.Header().Set("Content-Type", http.DetectContentType(p))
		}
		cw.decide(len(p))
	}
	if cw.zw != nil {
		return cw.zw.Write(p)
	}
	return cw.ResponseWriter.Write(p)
}

// Flush sends what is compressed so far.
func (cw *compressWriter) Flush() {
	if !cw.decided {
		cw.decide(0)
	}
	if cw.zw != nil {
		_ = cw.zw.Flush()
	}
	_ = http.NewResponseController(cw.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

// close ends the response: the status of a response that wrote no body,
// or the end of the gzip stream.
func (cw *compressWriter) close() {
	if !cw.decided {
		if cw.status == 0 {
			return // nothing written at all: net/http sends 200 itself
		}
		cw.decide(0)
	}
	if cw.zw == nil {
		return
	}
	_ = cw.zw.Close()
	cw.zw.Reset(io.Discard)
	if cw.kept {
		assetCompressors.Put(cw.zw)
	} else {
		compressors.Put(cw.zw)
	}
	cw.zw = nil
}

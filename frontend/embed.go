// Package frontend serves the built web app (frontend/dist) from the binary.
//
// Build the files with `make frontend` (npm ci && npm run build in this
// folder) before `go build`; without them Handler serves a short page that
// says so.
package frontend

import (
	"bytes"
	"embed"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Handler serves the web app: files from dist, index.html for unknown paths
// outside /api/ and /tiles/ (the app routes by hash, but deep links must
// still load it), and long-lived cache headers for Vite's hashed assets.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid literal path; fs.Sub cannot fail on it
	}
	return newHandler(sub)
}

// notBuiltPage is served when dist holds no index.html.
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>QuarterHour: frontend not built</title></head>
<body>
<h1>The QuarterHour web app is not built</h1>
<p>The API under <code>/api/v1</code> works. To serve the map, build the frontend and rebuild the binary:</p>
<pre>make frontend
go build ./cmd/quarterhour</pre>
<p>(<code>make frontend</code> runs <code>npm ci &amp;&amp; npm run build</code> in <code>frontend/</code>.)</p>
</body></html>
`

// newHandler serves fsys, whose root holds index.html and assets/.
func newHandler(fsys fs.FS) http.Handler {
	_, err := fs.Stat(fsys, "index.html")
	built := err == nil
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if isServerPath(name) {
			http.NotFound(w, r)
			return
		}
		if !built {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, notBuiltPage)
			return
		}
		if name == "" {
			name = "index.html"
		}
		if serveFile(w, r, fsys, name) {
			return
		}
		// A missing hashed asset is a stale page asking for an old build:
		// answering with index.html would only hide the error.
		if strings.HasPrefix(name, "assets/") {
			http.NotFound(w, r)
			return
		}
		serveFile(w, r, fsys, "index.html")
	})
}

// isServerPath reports whether name belongs to the Go server, not the app.
func isServerPath(name string) bool {
	for _, p := range []string{"api", "tiles"} {
		if name == p || strings.HasPrefix(name, p+"/") {
			return true
		}
	}
	return false
}

// serveFile writes the regular file name from fsys and reports whether it
// existed.
func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) bool {
	f, err := fsys.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return false
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "read "+name, http.StatusInternalServerError)
			return true
		}
		rs = bytes.NewReader(b)
	}
	if strings.HasPrefix(name, "assets/") {
		// Vite puts a content hash in every file name under assets/.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, st.ModTime(), rs)
	return true
}

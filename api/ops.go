package api

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/quarterhour/quarterhour"
)

// Timeouts bound how long a client may hold a connection. A body sent a
// byte a second would otherwise hold its connection for ever.
type Timeouts struct {
	// ReadHeader bounds reading the request line and headers; 10 s when zero.
	ReadHeader time.Duration
	// Read bounds reading a whole ordinary request, body included; 30 s
	// when zero.
	Read time.Duration
	// Write bounds writing an ordinary response; 2 min when zero.
	Write time.Duration
	// Upload replaces Read and Write for uploads (evidence files, register
	// imports) and exports; 5 min when zero.
	Upload time.Duration
	// Idle bounds a kept-alive connection waiting for its next request;
	// 2 min when zero.
	Idle time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.ReadHeader, 10*time.Second)
	def(&t.Read, 30*time.Second)
	def(&t.Write, 2*time.Minute)
	def(&t.Upload, 5*time.Minute)
	def(&t.Idle, 2*time.Minute)
	return t
}

// HTTPServer returns an http.Server for s on addr with its timeouts: the
// server-wide read and write limits are the longest any request may have
// (uploads), and each request gets its own shorter deadlines from the
// deadlines middleware.
func (s *Server) HTTPServer(addr string, base context.Context) *http.Server {
	t := s.timeouts
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Upload,
		WriteTimeout:      t.Upload,
		IdleTimeout:       t.Idle,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
}

// longRequest reports whether r uploads a file or downloads an export,
// which get the upload deadlines.
func longRequest(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && (strings.HasSuffix(p, "/evidence") || strings.HasPrefix(p, "/api/v1/imports/")):
		return true
	case strings.HasPrefix(p, "/api/v1/exports/") || strings.HasPrefix(p, "/api/v1/reports/") || strings.HasSuffix(p, ".xlsx"):
		return true
	}
	return false
}

// deadlines gives each request its read and write deadlines; connections
// not served by net/http (tests calling ServeHTTP) are left alone.
func (s *Server) deadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		read, write := s.timeouts.Read, s.timeouts.Write
		if longRequest(r) {
			read, write = s.timeouts.Upload, s.timeouts.Upload
		}
		rc := http.NewResponseController(w)
		now := time.Now()
		_ = rc.SetReadDeadline(now.Add(read))
		_ = rc.SetWriteDeadline(now.Add(write))
		next.ServeHTTP(w, r)
	})
}

// limitUploads admits at most n uploads at a time; more get 503 with
// Retry-After, so a burst of large files cannot exhaust memory.
func (s *Server) limitUploads(n int) func(http.Handler) http.Handler {
	slots := make(chan struct{}, n)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || !longRequest(r) {
				next.ServeHTTP(w, r)
				return
			}
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
				next.ServeHTTP(w, r)
			default:
				w.Header().Set("Retry-After", "5")
				s.writeError(w, r, &Error{Code: quarterhour.EUnavailable, Message: "too many uploads at once; try again in a few seconds"})
			}
		})
	}
}

// contentSecurityPolicy allows the app its own scripts, styles (MapLibre
// sets inline styles), images and fonts from data: and blob: URLs, the map
// worker from a blob: URL, and no framing by other sites.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; child-src 'self' blob:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers that keep browsers from sniffing types,
// framing the app, or leaking URLs in Referer, on every response.
func securityHeaders(csp string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}

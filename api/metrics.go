package api

import (
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
)

// metrics are the server's Prometheus metrics, in a registry of its own so
// several servers in one process (tests) do not collide.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	failures   prometheus.Counter
	importRows *prometheus.CounterVec
}

func newMetrics(idx *access.Index) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quarterhour_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "quarterhour_http_request_duration_seconds", Help: "HTTP request latency by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "quarterhour_internal_errors_total", Help: "Requests that failed with an internal (store or server) error.",
		}),
		importRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quarterhour_import_rows_total", Help: "Register import rows by kind and result (accepted, rejected).",
		}, []string{"kind", "result"}),
	}
	stat := func(name, help string, f func(access.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(idx.Stats()) })
	}
	m.reg.MustRegister(m.requests, m.latency, m.failures, m.importRows,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		stat("quarterhour_access_load_seconds", "Time the last access index load took.", func(s access.Stats) float64 { return s.LoadMS / 1000 }),
		stat("quarterhour_access_loaded_timestamp_seconds", "When the access index was last loaded (Unix time).", func(s access.Stats) float64 {
			if s.LoadedAt.IsZero() {
				return 0
			}
			return float64(s.LoadedAt.Unix())
		}),
		stat("quarterhour_access_edges", "Walking-network edges in the access index.", func(s access.Stats) float64 {
			n := 0
			for _, a := range s.Areas {
				n += a.Edges
			}
			return float64(n)
		}),
		stat("quarterhour_access_routing_bytes", "Memory of the routing graphs in the access index.", func(s access.Stats) float64 {
			n := 0
			for _, a := range s.Areas {
				n += a.RoutingBytes
			}
			return float64(n)
		}),
		stat("quarterhour_access_outlets", "Open outlets in the access index.", func(s access.Stats) float64 { return float64(s.Outlets) }),
	)
	return m
}

// observe records every request by the route pattern chi matched, so
// /outlets/1 and /outlets/2 count as one series.
func (m *metrics) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
	})
}

// imported counts the rows of a register import.
func (m *metrics) imported(kind string, accepted, rejected int) {
	m.importRows.WithLabelValues(kind, "accepted").Add(float64(accepted))
	m.importRows.WithLabelValues(kind, "rejected").Add(float64(rejected))
}

// handleMetrics serves the Prometheus text format to loopback clients and to
// admins (a bearer token of an admin user, for a scraper on another host).
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if !loopback(r) && (p == nil || p.User.Role != quarterhour.RoleAdmin) {
		s.writeError(w, r, &Error{Code: quarterhour.ENotFound, Message: "no such route"})
		return
	}
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// loopback reports whether the request comes from this machine.
func loopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

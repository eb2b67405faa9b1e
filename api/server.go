// Package api serves QuarterHour's REST API under /api/v1: reference data,
// outlets, communities and circles as JSON and GeoJSON, login sessions and
// bearer tokens, and the OpenAPI document describing all of it.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/store"
)

// MaxBodyBytes is the largest request body accepted; larger ones get 413.
const MaxBodyBytes = 10 << 20

// MaxImportBytes is the largest register file accepted by the import
// routes: a city's zipped Shapefile or workbook is larger than a form.
const MaxImportBytes = 200 << 20

// Config wires a Server.
type Config struct {
	// Store holds all data; used to build the App when App is nil.
	Store store.Store
	// Logger receives request and error logs; slog.Default() when nil.
	Logger *slog.Logger
	// SessionTTL is how long a login lasts; 12 hours when zero.
	SessionTTL time.Duration
	// SecureCookie marks the session cookie Secure (serve behind HTTPS).
	SecureCookie bool
	// LoginAttemptsPerMinute limits logins per client IP; 10 when zero,
	// unlimited when negative.
	LoginAttemptsPerMinute int
	// LoginAttemptsPerAccount limits logins to one account per 15 minutes,
	// from any address, so a password cannot be guessed from many; 20 when
	// zero, unlimited when negative.
	LoginAttemptsPerAccount int
	// TrustedProxies are the reverse proxies (addresses or CIDR prefixes)
	// whose X-Forwarded-For names the client; from any other peer the
	// header is ignored.
	TrustedProxies []netip.Prefix
	// FeedbackPerMinute limits anonymous feedback posts per client IP; 5
	// when zero, unlimited when negative.
	FeedbackPerMinute int
	// Frontend, when set, serves every path outside /api and /healthz.
	Frontend http.Handler
	// App runs the use cases; when nil one is built over Store.
	App *app.App
	// Timeouts bound slow clients; see Timeouts for the defaults.
	Timeouts Timeouts
	// MaxConcurrentUploads caps uploads and imports in progress at once; 4
	// when zero.
	MaxConcurrentUploads int
	// Basemap is the base map under the app's layers; none when zero.
	Basemap Basemap
}

// Server is the HTTP API. It is stateless apart from caches of reference
// data, so several can serve one database.
type Server struct {
	store      store.Store
	log        *slog.Logger
	sessionTTL time.Duration
	secure     bool
	limiter    *rateLimiter
	accounts   *rateLimiter
	proxies    []netip.Prefix
	router     chi.Router

	feedbackLimiter *rateLimiter

	app     *app.App
	index   *access.Index
	metrics *metrics

	timeouts Timeouts
	uploads  int
	maps     *mapState
}

// New builds the API handler for cfg.
func New(cfg Config) (*Server, error) {
	s := &Server{
		log:        cfg.Logger,
		sessionTTL: cfg.SessionTTL,
		secure:     cfg.SecureCookie,
		app:        cfg.App,
		timeouts:   cfg.Timeouts.withDefaults(),
		uploads:    cfg.MaxConcurrentUploads,
	}
	if s.uploads <= 0 {
		s.uploads = 4
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.app == nil {
		if cfg.Store == nil {
			return nil, errors.New("api: Config.App or Config.Store is required")
		}
		a, err := app.New(app.Config{Store: cfg.Store, Logger: s.log})
		if err != nil {
			return nil, err
		}
		s.app = a
	}
	maps, err := newMapState(cfg.Basemap)
	if err != nil {
		return nil, err
	}
	s.maps = maps
	s.store = s.app.Store()
	s.index = s.app.Access()
	s.metrics = newMetrics(s.index)
	if s.sessionTTL <= 0 {
		s.sessionTTL = 12 * time.Hour
	}
	perMinute := cfg.LoginAttemptsPerMinute
	if perMinute == 0 {
		perMinute = 10
	}
	if perMinute > 0 {
		s.limiter = newRateLimiter(perMinute, time.Minute)
	}
	perAccount := cfg.LoginAttemptsPerAccount
	if perAccount == 0 {
		perAccount = 20
	}
	if perAccount > 0 {
		s.accounts = newRateLimiter(perAccount, 15*time.Minute)
	}
	s.proxies = cfg.TrustedProxies
	feedbackPerMinute := cfg.FeedbackPerMinute
	if feedbackPerMinute == 0 {
		feedbackPerMinute = 5
	}
	if feedbackPerMinute > 0 {
		s.feedbackLimiter = newRateLimiter(feedbackPerMinute, time.Minute)
	}
	s.router = s.routes(cfg.Frontend)
	return s, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}

// Router returns the chi router, for walking the route table.
func (s *Server) Router() chi.Router { return s.router }

func (s *Server) routes(frontend http.Handler) chi.Router {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(s.recoverer)
	r.Use(securityHeaders(s.maps.csp))
	r.Use(compress)
	r.Use(s.deadlines)
	r.Use(s.metrics.observe)
	r.Use(s.logRequests)
	r.Use(limitBody)
	r.Use(s.limitUploads(s.uploads))

	r.Get("/healthz", s.handleHealth)
	r.With(s.authenticate).Get("/metrics", s.handleMetrics)
	r.Get("/tiles/access.json", s.handleGapTileJSON)
	r.Get("/tiles/access/{z}/{x}/{y}.mvt", s.handleGapTile)
	r.Get("/tiles/basemap/{z}/{x}/{y}.{ext}", s.handleBasemapTile)
	r.Get("/tiles/{layer}.json", s.handleTileJSON)
	r.Get("/tiles/{layer}/{z}/{x}/{y}.mvt", s.handleTile)
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(s.authenticate)
		r.Get("/openapi.json", s.handleOpenAPI)

		r.Post("/auth/login", s.handleLogin)
		r.Post("/auth/logout", s.handleLogout)
		r.Get("/me", s.handleMe)

		r.Get("/regions", s.handleListRegions)
		r.Get("/regions/{code}", s.handleGetRegion)
		r.Get("/categories", s.handleListCategories)
		r.Get("/map/style.json", s.handleMapStyle)
		r.Get("/map/labels.geojson", s.handleMapLabels)
		r.Get("/search", s.handleSearch)

		r.Get("/outlets", s.handleListOutlets)
		r.Post("/outlets", s.handleCreateOutlet)
		r.Get("/outlets/{id}", s.handleGetOutlet)
		r.Put("/outlets/{id}", s.handleUpdateOutlet)
		r.Delete("/outlets/{id}", s.handleDeleteOutlet)

		r.Get("/communities", s.handleListCommunities)
		r.Post("/communities", s.handleCreateCommunity)
		r.Get("/communities/{id}", s.handleGetCommunity)
		r.Put("/communities/{id}", s.handleUpdateCommunity)

		r.Get("/circles", s.handleListCircles)
		r.Post("/circles", s.handleCreateCircle)
		r.Get("/circles/{id}", s.handleGetCircle)
		r.Put("/circles/{id}", s.handleUpdateCircle)
		r.Get("/circles/{id}/coverage", s.handleCircleCoverage)
		r.Get("/communities/{id}/coverage", s.handleCommunityCoverage)

		r.Get("/exports/outlets.csv", s.handleExportOutletsCSV)
		r.Get("/exports/{layer}.geojson", s.handleExportGeoJSON)

		r.Get("/isochrone", s.handleIsochrone)
		r.Get("/nearby", s.handleNearby)
		r.Get("/access", s.handleAccess)
		r.Get("/gaps", s.handleGaps)
		r.Get("/suggest", s.handleSuggest)
		r.Post("/scenarios/coverage", s.handleScenarioCoverage)
		r.Post("/admin/reload", s.handleReload)

		r.Get("/schemes", s.handleListSchemes)
		r.Post("/schemes", s.handleLoadScheme)
		r.Get("/schemes/{code}", s.handleGetScheme)
		r.Get("/circles/{id}/evaluation", s.handlePreviewEvaluation)
		r.Get("/evaluations", s.handleListEvaluations)
		r.Post("/evaluations", s.handleCreateEvaluation)
		r.Get("/evaluations/{id}", s.handleGetEvaluation)
		r.Put("/evaluations/{id}", s.handleUpdateEvaluation)
		r.Get("/evaluations/{id}/events", s.handleListEvaluationEvents)
		r.Get("/evaluations/{id}/changes", s.handleEvaluationChanges)
		r.Get("/evaluations/{id}/report.xlsx", s.handleEvaluationReport)
		r.Post("/evaluations/{id}/evidence", s.handleUploadEvidence)
		r.Get("/evaluations/{id}/evidence", s.handleListEvidence)
		r.Get("/evidence/{id}", s.handleDownloadEvidence)
		r.Delete("/evidence/{id}", s.handleDeleteEvidence)
		r.Post("/evaluations/{id}/{action}", s.handleTransitionEvaluation)
		r.Get("/progress", s.handleProgress)
		r.Get("/reports/progress.xlsx", s.handleProgressReport)

		r.Post("/imports/outlets", s.handleImportOutlets)
		r.Post("/imports/communities", s.handleImportCommunities)
		r.Get("/imports", s.handleListImports)
		r.Post("/feedback", s.handleCreateFeedback)
		r.Get("/feedback", s.handleListFeedback)
		r.Post("/feedback/{id}/resolve", s.handleResolveFeedback)

		r.NotFound(func(w http.ResponseWriter, r *http.Request) {
			s.writeError(w, r, &Error{Code: quarterhour.ENotFound, Message: "no such API route"})
		})
		r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
			s.writeError(w, r, &Error{Code: quarterhour.EMethod, Message: "method not allowed on this route"})
		})
	})
	if frontend != nil {
		r.Handle("/*", frontend)
	}
	return r
}

// limitBody caps every request body at MaxBodyBytes, register imports at
// MaxImportBytes.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBodyBytes)
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/v1/imports/") {
			limit = MaxImportBytes
		}
		if r.ContentLength > limit {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("request body is larger than %d bytes", limit), Code: quarterhour.ETooLarge})
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "http",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", ww.Status()),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("took", time.Since(start)),
			slog.String("request_id", middleware.GetReqID(r.Context())),
		)
	})
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decodeJSON reads one JSON value from the request body into v, rejecting
// unknown fields and trailing data.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if err != nil {
			return jsonError(err)
		}
		return badRequest("", "request body holds more than one JSON value")
	}
	return nil
}

// jsonError turns a decoding error into a 400 naming the field where it can,
// or passes an oversized body through for a 413.
func jsonError(err error) error {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.Is(err, io.EOF):
		return badRequest("", "request body is empty")
	case errors.As(err, &typeErr):
		return badRequest(typeErr.Field, "wrong JSON type: %s", typeErr.Value)
	case errors.As(err, &syntaxErr):
		return badRequest("", "malformed JSON at byte %d", syntaxErr.Offset)
	default:
		msg := err.Error()
		const unknown = "json: unknown field "
		if len(msg) > len(unknown) && msg[:len(unknown)] == unknown {
			f, uerr := strconv.Unquote(msg[len(unknown):])
			if uerr == nil {
				return badRequest(f, "unknown field %q", f)
			}
		}
		return badRequest("", "invalid JSON: %v", err)
	}
}

// pathID parses the {id} URL parameter.
func pathID(r *http.Request) (int64, error) {
	raw := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, &Error{Code: quarterhour.ENotFound, Field: "id", Message: fmt.Sprintf("%q is not a valid id", raw)}
	}
	return id, nil
}

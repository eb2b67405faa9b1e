package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/quarterhour/quarterhour/app"
)

// Search over the names of regions, communities, circles and outlets, for
// the search box in the app's header.
const (
	searchDefaultLimit = 10
	searchMaxLimit     = 50
	searchMaxQuery     = 100 // characters
	// searchIndexTTL is how long one reading of the tables answers
	// searches; an edit shows up in search within this time.
	searchIndexTTL = 15 * time.Second
)

// searchCache keeps the search index for searchIndexTTL.
type searchCache struct {
	mu sync.Mutex
	ix *app.SearchIndex
}

func (c *searchCache) index(s *Server, r *http.Request) (*app.SearchIndex, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ix != nil && time.Since(c.ix.Built) < searchIndexTTL {
		return c.ix, nil
	}
	ix, err := s.app.SearchIndex(r.Context())
	if err != nil {
		return nil, err
	}
	c.ix = ix
	return ix, nil
}

type searchHitJSON struct {
	Kind   string      `json:"kind"`
	ID     int64       `json:"id,omitempty"`
	Code   string      `json:"code,omitempty"`
	Name   string      `json:"name"`
	Detail string      `json:"detail,omitempty"`
	Lon    float64     `json:"lon"`
	Lat    float64     `json:"lat"`
	BBox   *[4]float64 `json:"bbox,omitempty"`
}

type searchResponse struct {
	Query string          `json:"query"`
	Hits  []searchHitJSON `json:"hits"`
}

// handleSearch serves GET /api/v1/search?q=…&limit=N.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if q == "" {
		s.writeError(w, r, badRequest("q", "q is required"))
		return
	}
	if utf8.RuneCountInString(q) > searchMaxQuery {
		s.writeError(w, r, badRequest("q", "q is longer than %d characters", searchMaxQuery))
		return
	}
	limit := searchDefaultLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > searchMaxLimit {
			s.writeError(w, r, badRequest("limit", "limit must be a whole number from 1 to %d", searchMaxLimit))
			return
		}
		limit = n
	}
	ix, err := s.maps.search.index(s, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := searchResponse{Query: q, Hits: []searchHitJSON{}}
	for _, h := range ix.Search(caller(r), q, limit) {
		j := searchHitJSON{Kind: h.Kind, ID: h.ID, Code: h.Code, Name: h.Name, Detail: h.Detail,
			Lon: round6(h.Point.Lon()), Lat: round6(h.Point.Lat())}
		if h.Bound != nil {
			j.BBox = &[4]float64{round6(h.Bound.Min.Lon()), round6(h.Bound.Min.Lat()), round6(h.Bound.Max.Lon()), round6(h.Bound.Max.Lat())}
		}
		out.Hits = append(out.Hits, j)
	}
	w.Header().Set("Cache-Control", "private, max-age=10")
	writeJSON(w, http.StatusOK, out)
}

var searchOperations = []operation{
	{method: "GET", path: "/api/v1/search", summary: "Find regions, communities, circles and outlets by name (or detail and address), each with a point and, for areas, a box to show; closed outlets only for logged-in users", tag: "map",
		ok: 200, result: "SearchResult", params: []param{
			{name: "q", in: "query", typ: "string", required: true, desc: "words to find, at most 100 characters"},
			{name: "limit", in: "query", typ: "integer", desc: "default 10, at most 50"},
		}},
}

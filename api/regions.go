package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/geojson"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
)

// regionJSON is a region with its boundary as a GeoJSON geometry (null when
// unknown).
type regionJSON struct {
	quarterhour.Region
	Boundary *geojson.Geometry `json:"boundary"`
}

// regionLevels lists the levels of the administrative divisions.
var regionLevels = app.RegionLevels

func toRegionJSON(r quarterhour.Region) regionJSON {
	out := regionJSON{Region: r}
	if len(r.Boundary) > 0 {
		out.Boundary = geojson.NewGeometry(r.Boundary)
	}
	return out
}

func (s *Server) handleListRegions(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	rs, err := s.app.ListRegions(r.Context(), q.str("level"), q.str("parent"))
	out := make([]regionJSON, len(rs))
	for i, rg := range rs {
		out[i] = toRegionJSON(rg)
	}
	s.reply(w, r, http.StatusOK, map[string]any{"regions": out}, err)
}

func (s *Server) handleGetRegion(w http.ResponseWriter, r *http.Request) {
	rg, err := s.app.GetRegion(r.Context(), chi.URLParam(r, "code"))
	s.reply(w, r, http.StatusOK, toRegionJSON(rg), err)
}

func (s *Server) handleListCategories(w http.ResponseWriter, r *http.Request) {
	cs, err := s.app.ListCategories(r.Context())
	s.reply(w, r, http.StatusOK, map[string]any{"categories": cs}, err)
}

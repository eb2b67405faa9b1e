package api

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/geojson"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// regionJSON is a region with its boundary as a GeoJSON geometry (null when
// unknown).
type regionJSON struct {
	quarterhour.Region
	Boundary *geojson.Geometry `json:"boundary"`
}

func toRegionJSON(r quarterhour.Region) regionJSON {
	out := regionJSON{Region: r}
	if len(r.Boundary) > 0 {
		out.Boundary = geojson.NewGeometry(r.Boundary)
	}
	return out
}

var (
	regionLevels = []string{quarterhour.LevelCity, quarterhour.LevelCounty, quarterhour.LevelTown, quarterhour.LevelCommunity}
	regionCode   = regexp.MustCompile(`^([0-9]{6}|[0-9]{9}|[0-9]{12})$`)
)

// fullCode pads a 6-digit county or 9-digit town code to the 12-digit NBS
// form.
func fullCode(code string) string {
	return code + strings.Repeat("0", 12-len(code))
}

func (s *Server) handleListRegions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f store.RegionFilter
	if f.Level = q.Get("level"); f.Level != "" && !slices.Contains(regionLevels, f.Level) {
		s.writeError(w, r, badRequest("level", "level must be one of %s", strings.Join(regionLevels, ", ")))
		return
	}
	if parent := q.Get("parent"); parent != "" {
		if !regionCode.MatchString(parent) {
			s.writeError(w, r, badRequest("parent", "parent %q is not a 6-, 9- or 12-digit region code", parent))
			return
		}
		f.Parent = fullCode(parent)
	}
	rs, err := s.store.ListRegions(r.Context(), f)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list regions: %w", err))
		return
	}
	out := make([]regionJSON, len(rs))
	for i, rg := range rs {
		out[i] = toRegionJSON(rg)
	}
	writeJSON(w, http.StatusOK, map[string]any{"regions": out})
}

func (s *Server) handleGetRegion(w http.ResponseWriter, r *http.Request) {
	code := chi.URLParam(r, "code")
	if !regionCode.MatchString(code) {
		s.writeError(w, r, &Error{Code: quarterhour.ENotFound, Field: "code", Message: fmt.Sprintf("%q is not a 6-, 9- or 12-digit region code", code)})
		return
	}
	rg, err := s.store.GetRegion(r.Context(), fullCode(code))
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get region %s: %w", code, err))
		return
	}
	writeJSON(w, http.StatusOK, toRegionJSON(rg))
}

func (s *Server) handleListCategories(w http.ResponseWriter, r *http.Request) {
	cs, err := s.store.ListCategories(r.Context())
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list categories: %w", err))
		return
	}
	if cs == nil {
		cs = []quarterhour.Category{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"categories": cs})
}

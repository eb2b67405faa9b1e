package api

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// circleFeature is a circle at its centre(s), properties = the circle.
func circleFeature(c quarterhour.Circle) Feature {
	return newFeature(c.ID, pointsGeometry(c.Centers), c)
}

func (s *Server) handleListCircles(w http.ResponseWriter, r *http.Request) {
	var f store.CircleFilter
	var err error
	if f.District, err = queryDistrict(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Status = r.URL.Query().Get("status"); f.Status != "" && !slices.Contains(quarterhour.CircleStatuses, f.Status) {
		s.writeError(w, r, badRequest("status", "unknown circle status %q", f.Status))
		return
	}
	cs, err := s.store.ListCircles(r.Context(), f)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list circles: %w", err))
		return
	}
	fs := make([]Feature, len(cs))
	for i, c := range cs {
		fs[i] = circleFeature(c)
	}
	s.writeGeoJSON(w, r, http.StatusOK, newCollection(fs))
}

// writeCircle writes the circle with its communities as a nested
// FeatureCollection.
func (s *Server) writeCircle(w http.ResponseWriter, r *http.Request, id int64, status int) {
	ctx := r.Context()
	c, err := s.store.GetCircle(ctx, id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get circle %d: %w", id, err))
		return
	}
	var cs []quarterhour.Community
	if len(c.CommunityIDs) > 0 {
		cs, err = s.store.ListCommunities(ctx, store.CommunityFilter{IDs: c.CommunityIDs})
		if err != nil {
			s.writeError(w, r, fmt.Errorf("list communities of circle %d: %w", id, err))
			return
		}
	}
	f := circleFeature(c)
	f.Communities = communityCollection(cs)
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/circles/%d", id))
	}
	s.writeGeoJSON(w, r, status, f)
}

func (s *Server) handleGetCircle(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeCircle(w, r, id, http.StatusOK)
}

// decodeCircle reads a circle Feature (Point or MultiPoint centres).
func decodeCircle(r *http.Request) (quarterhour.Circle, error) {
	var in featureInput
	if err := decodeJSON(r, &in); err != nil {
		return quarterhour.Circle{}, err
	}
	var c quarterhour.Circle
	g, err := decodeFeatureInput(&in, &c)
	if err != nil {
		return quarterhour.Circle{}, err
	}
	if c.Centers, err = asPoints(g, "geometry"); err != nil {
		return quarterhour.Circle{}, err
	}
	if in.Version != nil {
		c.Version = *in.Version
	}
	return c, nil
}

func (s *Server) handleCreateCircle(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	c, err := decodeCircle(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c.ID, c.Version = 0, 0
	if c.District == "" && p.User.Role == quarterhour.RoleDistrict && len(s.app.ZoneHosts(p.User.District)) > 0 {
		c.District = p.User.District
	}
	if err := s.app.ValidateCircle(ctx, &c); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := canWrite(p, c.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.CreateCircle(ctx, &c); err != nil {
		s.writeError(w, r, fmt.Errorf("create circle: %w", err))
		return
	}
	s.writeCircle(w, r, c.ID, http.StatusCreated)
}

func (s *Server) handleUpdateCircle(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := decodeCircle(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if c.Version <= 0 {
		s.writeError(w, r, badRequest("version", "version (as read) is required to update"))
		return
	}
	old, err := s.store.GetCircle(ctx, id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get circle %d: %w", id, err))
		return
	}
	if err := canWrite(p, old.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	c.ID = id
	if err := s.app.ValidateCircle(ctx, &c); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := canWrite(p, c.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.UpdateCircle(ctx, &c); err != nil {
		s.writeError(w, r, fmt.Errorf("update circle %d: %w", id, err))
		return
	}
	s.writeCircle(w, r, id, http.StatusOK)
}

package api

import (
	"fmt"
	"net/http"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

func communityFeature(c quarterhour.Community) Feature {
	if len(c.Polygon) == 0 {
		return newFeature(c.ID, nil, c)
	}
	return newFeature(c.ID, c.Polygon, c)
}

func (s *Server) handleListCommunities(w http.ResponseWriter, r *http.Request) {
	var f store.CommunityFilter
	var err error
	if f.BBox, err = parseBBox(r.URL.Query().Get("bbox")); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.District, err = queryDistrict(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, err := s.store.ListCommunities(r.Context(), f)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list communities: %w", err))
		return
	}
	s.writeGeoJSON(w, r, http.StatusOK, communityCollection(cs))
}

func communityCollection(cs []quarterhour.Community) *FeatureCollection {
	fs := make([]Feature, len(cs))
	for i, c := range cs {
		fs[i] = communityFeature(c)
	}
	return newCollection(fs)
}

func (s *Server) handleGetCommunity(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.GetCommunity(r.Context(), id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get community %d: %w", id, err))
		return
	}
	s.writeGeoJSON(w, r, http.StatusOK, communityFeature(c))
}

// decodeCommunity reads a community Feature (Polygon or MultiPolygon).
func decodeCommunity(r *http.Request) (quarterhour.Community, error) {
	var in featureInput
	if err := decodeJSON(r, &in); err != nil {
		return quarterhour.Community{}, err
	}
	var c quarterhour.Community
	g, err := decodeFeatureInput(&in, &c)
	if err != nil {
		return quarterhour.Community{}, err
	}
	if c.Polygon, err = asMultiPolygon(g, "geometry"); err != nil {
		return quarterhour.Community{}, err
	}
	if in.Version != nil {
		c.Version = *in.Version
	}
	return c, nil
}

func (s *Server) handleCreateCommunity(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	c, err := decodeCommunity(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c.ID, c.Version = 0, 0
	if err := s.app.ValidateCommunity(ctx, &c); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := canWrite(p, c.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.CreateCommunity(ctx, &c); err != nil {
		s.writeError(w, r, fmt.Errorf("create community: %w", err))
		return
	}
	s.writeCommunityAfterWrite(w, r, c.ID, http.StatusCreated)
}

func (s *Server) handleUpdateCommunity(w http.ResponseWriter, r *http.Request) {
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
	c, err := decodeCommunity(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if c.Version <= 0 {
		s.writeError(w, r, badRequest("version", "version (as read) is required to update"))
		return
	}
	old, err := s.store.GetCommunity(ctx, id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get community %d: %w", id, err))
		return
	}
	if err := canWrite(p, old.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	c.ID = id
	if err := s.app.ValidateCommunity(ctx, &c); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := canWrite(p, c.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.UpdateCommunity(ctx, &c); err != nil {
		s.writeError(w, r, fmt.Errorf("update community %d: %w", id, err))
		return
	}
	s.writeCommunityAfterWrite(w, r, id, http.StatusOK)
}

func (s *Server) writeCommunityAfterWrite(w http.ResponseWriter, r *http.Request, id int64, status int) {
	c, err := s.store.GetCommunity(r.Context(), id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("read back community %d: %w", id, err))
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/communities/%d", id))
	}
	writeJSON(w, status, communityFeature(c))
}

package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/store"
)

// Outlet list paging.
const (
	DefaultOutletLimit = 500
	MaxOutletLimit     = 5000
)

func outletFeature(o quarterhour.Outlet) Feature {
	return newFeature(o.ID, o.Point, o)
}

// parseBBox reads "minLon,minLat,maxLon,maxLat".
func parseBBox(v string) (*orb.Bound, error) {
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, badRequest("bbox", "bbox wants minLon,minLat,maxLon,maxLat")
	}
	var n [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, badRequest("bbox", "bbox value %q is not a number", p)
		}
		n[i] = f
	}
	b := orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return nil, badRequest("bbox", "bbox minimum exceeds maximum")
	}
	if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
		return nil, badRequest("bbox", "bbox is outside longitude [-180,180] / latitude [-90,90]")
	}
	return &b, nil
}

// queryInt reads a non-negative integer query parameter, def when absent.
func queryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, badRequest(name, "%s must be a non-negative integer", name)
	}
	return n, nil
}

func queryDistrict(r *http.Request) (string, error) {
	d := r.URL.Query().Get("district")
	if d != "" && !app.ValidDistrict(d) {
		return "", badRequest("district", "district %q is neither a 6-digit county code nor a label such as PT1312", d)
	}
	return d, nil
}

func (s *Server) handleListOutlets(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	var f store.OutletFilter
	var err error
	if f.BBox, err = parseBBox(q.Get("bbox")); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.District, err = queryDistrict(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Category = q.Get("category"); f.Category != "" {
		cats, err := s.app.CategorySet(ctx)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if _, ok := cats[f.Category]; !ok {
			s.writeError(w, r, badRequest("category", "unknown category %q", f.Category))
			return
		}
	}
	if f.Status = q.Get("status"); f.Status != "" && f.Status != quarterhour.OutletOpen && f.Status != quarterhour.OutletClosed {
		s.writeError(w, r, badRequest("status", "status must be %q or %q", quarterhour.OutletOpen, quarterhour.OutletClosed))
		return
	}
	if f.Limit, err = queryInt(r, "limit", DefaultOutletLimit); err != nil {
		s.writeError(w, r, err)
		return
	}
	if f.Limit == 0 || f.Limit > MaxOutletLimit {
		s.writeError(w, r, badRequest("limit", "limit must be between 1 and %d", MaxOutletLimit))
		return
	}
	if f.Offset, err = queryInt(r, "offset", 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	total, err := s.store.CountOutlets(ctx, f)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("count outlets: %w", err))
		return
	}
	os, err := s.store.ListOutlets(ctx, f)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list outlets: %w", err))
		return
	}
	fs := make([]Feature, len(os))
	for i, o := range os {
		fs[i] = outletFeature(o)
	}
	fc := newCollection(fs)
	fc.Total, fc.Limit, fc.Offset = &total, f.Limit, f.Offset
	s.writeGeoJSON(w, r, http.StatusOK, fc)
}

func (s *Server) handleGetOutlet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := s.store.GetOutlet(r.Context(), id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get outlet %d: %w", id, err))
		return
	}
	s.writeGeoJSON(w, r, http.StatusOK, outletFeature(o))
}

// decodeOutlet reads an outlet Feature from the body.
func decodeOutlet(r *http.Request) (quarterhour.Outlet, error) {
	var in featureInput
	if err := decodeJSON(r, &in); err != nil {
		return quarterhour.Outlet{}, err
	}
	var o quarterhour.Outlet
	g, err := decodeFeatureInput(&in, &o)
	if err != nil {
		return quarterhour.Outlet{}, err
	}
	if o.Point, err = asPoint(g, "geometry"); err != nil {
		return quarterhour.Outlet{}, err
	}
	if in.Version != nil {
		o.Version = *in.Version
	}
	return o, nil
}

func (s *Server) handleCreateOutlet(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	o, err := decodeOutlet(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o.ID, o.Version = 0, 0
	if o.District == "" && p.User.Role == quarterhour.RoleDistrict && len(s.app.ZoneHosts(p.User.District)) > 0 {
		// A zone user's points lie in host counties; the outlet is the zone's.
		o.District = p.User.District
	}
	if err := s.app.ValidateOutlet(ctx, &o); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := canWrite(p, o.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.CreateOutlet(ctx, &o); err != nil {
		s.writeError(w, r, fmt.Errorf("create outlet: %w", err))
		return
	}
	s.writeOutletAfterWrite(w, r, o.ID, http.StatusCreated)
}

func (s *Server) handleUpdateOutlet(w http.ResponseWriter, r *http.Request) {
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
	o, err := decodeOutlet(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if o.Version <= 0 {
		s.writeError(w, r, badRequest("version", "version (as read) is required to update"))
		return
	}
	old, err := s.store.GetOutlet(ctx, id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get outlet %d: %w", id, err))
		return
	}
	if err := canWrite(p, old.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	o.ID = id
	if o.Source == "" {
		o.Source, o.SourceRef = old.Source, old.SourceRef
	}
	if err := s.app.ValidateOutlet(ctx, &o); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := canWrite(p, o.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.UpdateOutlet(ctx, &o); err != nil {
		s.writeError(w, r, fmt.Errorf("update outlet %d: %w", id, err))
		return
	}
	s.writeOutletAfterWrite(w, r, id, http.StatusOK)
}

func (s *Server) writeOutletAfterWrite(w http.ResponseWriter, r *http.Request, id int64, status int) {
	o, err := s.store.GetOutlet(r.Context(), id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("read back outlet %d: %w", id, err))
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/outlets/%d", id))
	}
	writeJSON(w, status, outletFeature(o))
}

func (s *Server) handleDeleteOutlet(w http.ResponseWriter, r *http.Request) {
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
	version, err := queryInt(r, "version", 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if version == 0 {
		s.writeError(w, r, badRequest("version", "?version= (as read) is required to delete"))
		return
	}
	old, err := s.store.GetOutlet(ctx, id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get outlet %d: %w", id, err))
		return
	}
	if err := canWrite(p, old.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.DeleteOutlet(ctx, id, version); err != nil {
		s.writeError(w, r, fmt.Errorf("delete outlet %d: %w", id, err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

package api

import (
	"cmp"
	"context"
	"fmt"
	"net/http"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// register is how the records of one register (outlets, communities,
// circles) travel as GeoJSON Features with geometry G, so that reading,
// creating and replacing them is the same few steps for each.
type register[T, G any] struct {
	s    *Server
	path string // of the collection, for Location
	// as checks the type of a decoded geometry, naming field in errors.
	as func(g orb.Geometry, field string) (G, error)
	// fields are where a record keeps its geometry and version.
	fields func(*T) (*G, *int)
	// feature is the Feature a record is answered with.
	feature func(context.Context, T) (Feature, error)
}

// plain adapts a Feature maker that needs nothing more than the record.
func plain[T any](feature func(T) Feature) func(context.Context, T) (Feature, error) {
	return func(_ context.Context, t T) (Feature, error) { return feature(t), nil }
}

// get answers GET {path}/{id} with the record read.
func (g register[T, G]) get(w http.ResponseWriter, r *http.Request, read func(context.Context, int64) (T, error)) {
	q := params(r)
	crs := q.crs()
	id, err := pathID(r)
	var t T
	if err == nil && q.err == nil {
		t, err = read(r.Context(), id)
	}
	g.write(w, r, http.StatusOK, crs, t, cmp.Or(q.err, err))
}

// create answers POST {path}: the decoded record is saved for the caller
// and answered as stored, 201 with its Location.
func (g register[T, G]) create(w http.ResponseWriter, r *http.Request, save func(context.Context, *quarterhour.User, T) (T, error)) {
	g.save(w, r, http.StatusCreated, nil, save)
}

// update answers PUT {path}/{id}: the decoded record replaces record id for
// the caller and is answered as stored.
func (g register[T, G]) update(w http.ResponseWriter, r *http.Request, save func(context.Context, *quarterhour.User, int64, T) (T, error)) {
	id, err := pathID(r)
	g.save(w, r, http.StatusOK, err, func(ctx context.Context, u *quarterhour.User, t T) (T, error) { return save(ctx, u, id, t) })
}

// save decodes the record of a write, unless err came before, and answers
// what save makes of it. Writes need a login, known before the body is
// read; the coordinate system of the answer is checked before anything is
// stored.
func (g register[T, G]) save(w http.ResponseWriter, r *http.Request, status int, err error, save func(context.Context, *quarterhour.User, T) (T, error)) {
	p := principalFrom(r.Context())
	q := params(r)
	crs := q.crs()
	var t T
	switch {
	case p == nil:
		err = errUnauthenticated
	case err == nil && q.err == nil:
		if t, err = g.decode(r); err == nil {
			t, err = save(r.Context(), p.user(), t)
		}
	}
	g.write(w, r, status, crs, t, cmp.Or(err, q.err))
}

// decode reads a record Feature from the body: its properties into a T,
// its geometry checked by g.as, and a top-level version, which wins over
// properties.version.
func (g register[T, G]) decode(r *http.Request) (T, error) {
	var in featureInput
	var t T
	if err := decodeJSON(r, &in); err != nil {
		return t, err
	}
	geom, err := decodeFeatureInput(&in, &t)
	at, version := g.fields(&t)
	if err == nil {
		*at, err = g.as(geom, "geometry")
	}
	if in.Version != nil {
		*version = *in.Version
	}
	return t, err
}

// write answers t as a Feature in crs with status, or err; a created
// record's Location is set.
func (g register[T, G]) write(w http.ResponseWriter, r *http.Request, status int, crs geo.CRS, t T, err error) {
	var f Feature
	if err == nil {
		f, err = g.feature(r.Context(), t)
	}
	if err != nil {
		g.s.writeError(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("%s/%d", g.path, f.ID))
	}
	writeGeoJSON(w, status, crs, &f)
}

// list answers GET {path} with the records fetch finds for filter f as a
// FeatureCollection in the coordinate system asked for. f is read from q
// before list checks q.
func list[T, F any](s *Server, w http.ResponseWriter, r *http.Request, q *query, f F,
	fetch func(context.Context, F) ([]T, error), feature func(T) Feature) {
	crs := q.crs()
	if s.badQuery(w, r, q) {
		return
	}
	ts, err := fetch(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeGeoJSON(w, http.StatusOK, crs, collection(ts, feature))
}

// collection is the records ts as a FeatureCollection.
func collection[T any](ts []T, feature func(T) Feature) *FeatureCollection {
	fs := make([]Feature, len(ts))
	for i, t := range ts {
		fs[i] = feature(t)
	}
	return newCollection(fs)
}

// Outlet list paging.
const (
	DefaultOutletLimit = app.DefaultOutletLimit
	MaxOutletLimit     = app.MaxOutletLimit
)

func outletFeature(o quarterhour.Outlet) Feature {
	return newFeature(o.ID, o.Point, o)
}

// outlets: an outlet is a Point Feature.
func (s *Server) outlets() register[quarterhour.Outlet, orb.Point] {
	return register[quarterhour.Outlet, orb.Point]{s: s, path: "/api/v1/outlets", as: asPoint, feature: plain(outletFeature),
		fields: func(o *quarterhour.Outlet) (*orb.Point, *int) { return &o.Point, &o.Version }}
}

func (s *Server) handleListOutlets(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	f := store.OutletFilter{BBox: q.bbox(), District: q.district(), Category: q.str("category"), Status: q.str("status"),
		Limit: q.int("limit", DefaultOutletLimit), Offset: q.int("offset", 0)}
	crs := q.crs()
	if s.badQuery(w, r, q) {
		return
	}
	page, err := s.app.ListOutlets(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	fc := collection(page.Outlets, outletFeature)
	fc.Total, fc.Limit, fc.Offset = &page.Total, page.Limit, page.Offset
	writeGeoJSON(w, http.StatusOK, crs, fc)
}

func (s *Server) handleGetOutlet(w http.ResponseWriter, r *http.Request) {
	s.outlets().get(w, r, s.app.GetOutlet)
}

func (s *Server) handleCreateOutlet(w http.ResponseWriter, r *http.Request) {
	s.outlets().create(w, r, s.app.CreateOutlet)
}

func (s *Server) handleUpdateOutlet(w http.ResponseWriter, r *http.Request) {
	s.outlets().update(w, r, s.app.UpdateOutlet)
}

func (s *Server) handleDeleteOutlet(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q := params(r)
	id, err := pathID(r)
	version := q.int("version", 0)
	switch {
	case p == nil:
		err = errUnauthenticated
	case err == nil && q.err == nil:
		err = s.app.DeleteOutlet(r.Context(), p.user(), id, version)
	}
	if err = cmp.Or(err, q.err); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func communityFeature(c quarterhour.Community) Feature {
	if len(c.Polygon) == 0 {
		return newFeature(c.ID, nil, c)
	}
	return newFeature(c.ID, c.Polygon, c)
}

// communities: a community is a Polygon or MultiPolygon Feature.
func (s *Server) communities() register[quarterhour.Community, orb.MultiPolygon] {
	return register[quarterhour.Community, orb.MultiPolygon]{s: s, path: "/api/v1/communities", as: asMultiPolygon, feature: plain(communityFeature),
		fields: func(c *quarterhour.Community) (*orb.MultiPolygon, *int) { return &c.Polygon, &c.Version }}
}

func (s *Server) handleListCommunities(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	list(s, w, r, q, store.CommunityFilter{BBox: q.bbox(), District: q.district()}, s.app.ListCommunities, communityFeature)
}

func (s *Server) handleGetCommunity(w http.ResponseWriter, r *http.Request) {
	s.communities().get(w, r, s.app.GetCommunity)
}

func (s *Server) handleCreateCommunity(w http.ResponseWriter, r *http.Request) {
	s.communities().create(w, r, s.app.CreateCommunity)
}

func (s *Server) handleUpdateCommunity(w http.ResponseWriter, r *http.Request) {
	s.communities().update(w, r, s.app.UpdateCommunity)
}

// circleFeature is a circle at its centre(s), properties = the circle.
func circleFeature(c quarterhour.Circle) Feature {
	return newFeature(c.ID, pointsGeometry(c.Centers), c)
}

// circles: a circle is a Point or MultiPoint Feature of its centres,
// answered with its communities as a nested FeatureCollection.
func (s *Server) circles() register[quarterhour.Circle, []orb.Point] {
	return register[quarterhour.Circle, []orb.Point]{s: s, path: "/api/v1/circles", as: asPoints,
		fields: func(c *quarterhour.Circle) (*[]orb.Point, *int) { return &c.Centers, &c.Version },
		feature: func(ctx context.Context, c quarterhour.Circle) (Feature, error) {
			cs, err := s.app.CircleCommunities(ctx, c)
			f := circleFeature(c)
			f.Communities = collection(cs, communityFeature)
			return f, err
		},
	}
}

func (s *Server) handleListCircles(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	list(s, w, r, q, store.CircleFilter{District: q.district(), Status: q.str("status")}, s.app.ListCircles, circleFeature)
}

func (s *Server) handleGetCircle(w http.ResponseWriter, r *http.Request) {
	s.circles().get(w, r, s.app.GetCircle)
}

func (s *Server) handleCreateCircle(w http.ResponseWriter, r *http.Request) {
	s.circles().create(w, r, s.app.CreateCircle)
}

func (s *Server) handleUpdateCircle(w http.ResponseWriter, r *http.Request) {
	s.circles().update(w, r, s.app.UpdateCircle)
}

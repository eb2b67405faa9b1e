package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
)

type communityOut = featureOut[quarterhour.Community]

func communityBody(poly any, props map[string]any) map[string]any {
	base := map[string]any{"name": "测试社区", "population": 3200, "households": 1100, "building_area_m2": 250000.0}
	for k, v := range props {
		base[k] = v
	}
	return map[string]any{
		"type":       "Feature",
		"geometry":   map[string]any{"type": "Polygon", "coordinates": poly},
		"properties": base,
	}
}

// createCommunity posts a square community in county as user.
func createCommunity(t *testing.T, f *fixture, user, county string) communityOut {
	t.Helper()
	var c communityOut
	body := communityBody(square(countyPoint(t, f.st, county)), map[string]any{"region_code": townOf(t, f.st, county)})
	f.do(t, http.MethodPost, "/api/v1/communities", user, body, http.StatusCreated, &c)
	return c
}

func TestCommunities_CreateReadUpdateWithVersion(t *testing.T) {
	f := sqliteAPI(t)
	c := createCommunity(t, f, "rencheng", "370811")
	if c.Properties.District != "370811" || c.Properties.Version != 1 || c.Properties.Population != 3200 {
		t.Fatalf("created community = %+v", c.Properties)
	}
	path := fmt.Sprintf("/api/v1/communities/%d", c.ID)
	var got communityOut
	f.do(t, http.MethodGet, path, "", nil, http.StatusOK, &got)
	var geom struct{ Type string }
	decodeRaw(t, got.Geometry, &geom)
	if geom.Type != "MultiPolygon" {
		t.Errorf("geometry type %q, want MultiPolygon", geom.Type)
	}
	body := communityBody(square(countyPoint(t, f.st, "370811")), map[string]any{"region_code": c.Properties.RegionCode, "population": 3300, "version": 1})
	f.do(t, http.MethodPut, path, "rencheng", body, http.StatusOK, &got)
	if got.Properties.Population != 3300 || got.Properties.Version != 2 {
		t.Errorf("after update: population %d version %d", got.Properties.Population, got.Properties.Version)
	}
	f.wantError(t, http.MethodPut, path, "rencheng", body, http.StatusConflict, "version")
	f.wantError(t, http.MethodPut, path, "yanzhou", body, http.StatusForbidden, "district")
	f.wantError(t, http.MethodPut, path, "", body, http.StatusUnauthorized, "")

	list := listFeatures[quarterhour.Community](t, f, "/api/v1/communities?district=370811")
	for id, x := range list {
		if x.Properties.District != "370811" {
			t.Errorf("community %d of district %s in a 370811 list", id, x.Properties.District)
		}
	}
	if _, found := list[c.ID]; !found {
		t.Errorf("the list does not hold community %d", c.ID)
	}
}

func TestCommunities_BadPolygonsAndRegionsAreRejected(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	town := townOf(t, f.st, "370811")
	const d = 0.001
	bowtie := orb.Polygon{{p, {p[0] + d, p[1] + d}, {p[0] + d, p[1]}, {p[0], p[1] + d}, p}}
	open := orb.Polygon{{p, {p[0] + d, p[1]}, {p[0] + d, p[1] + d}, {p[0], p[1] + d}}}
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"self-intersecting", communityBody(bowtie, map[string]any{"region_code": town}), "geometry"},
		{"not closed", communityBody(open, map[string]any{"region_code": town}), "geometry"},
		{"unknown region", communityBody(square(p), map[string]any{"region_code": "370811999999"}), "region_code"},
		{"missing region", communityBody(square(p), nil), "region_code"},
		{"region of another district", communityBody(square(p), map[string]any{"region_code": townOf(t, f.st, "370812")}), "region_code"},
		{"polygon outside its region's district", communityBody(square(countyPoint(t, f.st, "370812")), map[string]any{"region_code": town}), "region_code"},
		{"polygon outside the given district", communityBody(square(countyPoint(t, f.st, "370812")), map[string]any{"region_code": town, "district": "370811"}), "district"},
		{"negative population", communityBody(square(p), map[string]any{"region_code": town, "population": -1}), "population"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.wantError(t, http.MethodPost, "/api/v1/communities", "admin", tt.body, http.StatusBadRequest, tt.field)
		})
	}
	f.wantError(t, http.MethodPost, "/api/v1/communities", "", communityBody(square(p), map[string]any{"region_code": town}), http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPost, "/api/v1/communities", "yanzhou", communityBody(square(p), map[string]any{"region_code": town}), http.StatusForbidden, "district")
}

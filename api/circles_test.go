package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
)

type circleOut struct {
	featureOut[quarterhour.Circle]
	Communities *struct {
		Features []communityOut `json:"features"`
	} `json:"communities"`
}

func circleBody(centres []orb.Point, props map[string]any) map[string]any {
	base := map[string]any{"name": "测试生活圈", "layout": quarterhour.LayoutBlock, "status": quarterhour.CirclePlanned, "planned_year": 2024}
	for k, v := range props {
		base[k] = v
	}
	var geom map[string]any
	if len(centres) == 1 {
		geom = map[string]any{"type": "Point", "coordinates": centres[0]}
	} else {
		geom = map[string]any{"type": "MultiPoint", "coordinates": centres}
	}
	return map[string]any{"type": "Feature", "geometry": geom, "properties": base}
}

func TestCircles_CreateReturnsTheCircleWithItsCommunities(t *testing.T) {
	f := sqliteAPI(t)
	a := createCommunity(t, f, "rencheng", "370811")
	b := createCommunity(t, f, "rencheng", "370811")
	p := countyPoint(t, f.st, "370811")
	var c circleOut
	f.do(t, http.MethodPost, "/api/v1/circles", "rencheng", circleBody([]orb.Point{p}, map[string]any{"community_ids": []int64{a.ID, b.ID}}), http.StatusCreated, &c)
	if c.Properties.District != "370811" || c.Properties.Version != 1 || c.Communities == nil || len(c.Communities.Features) != 2 {
		t.Fatalf("created circle = %+v with communities %+v", c.Properties, c.Communities)
	}
	path := fmt.Sprintf("/api/v1/circles/%d", c.ID)
	var got circleOut
	f.do(t, http.MethodGet, path, "", nil, http.StatusOK, &got)
	if len(got.Communities.Features) != 2 {
		t.Errorf("GET circle has %d communities, want 2", len(got.Communities.Features))
	}

	two := []orb.Point{p, {p[0] + 0.002, p[1]}}
	upd := circleBody(two, map[string]any{"community_ids": []int64{a.ID}, "status": quarterhour.CircleCompleted, "completed_year": 2024, "version": 1})
	f.do(t, http.MethodPut, path, "rencheng", upd, http.StatusOK, &got)
	var geom struct{ Type string }
	decodeRaw(t, got.Geometry, &geom)
	if got.Properties.Version != 2 || len(got.Communities.Features) != 1 || geom.Type != "MultiPoint" {
		t.Errorf("after update: version %d, %d communities, geometry %s", got.Properties.Version, len(got.Communities.Features), geom.Type)
	}
	f.wantError(t, http.MethodPut, path, "rencheng", upd, http.StatusConflict, "version")
	f.wantError(t, http.MethodPut, path, "yanzhou", upd, http.StatusForbidden, "district")
	f.wantError(t, http.MethodPut, path, "reviewer", upd, http.StatusForbidden, "")
	f.wantError(t, http.MethodPut, path, "", upd, http.StatusUnauthorized, "")

	listed, found := listFeatures[quarterhour.Circle](t, f, "/api/v1/circles?district=370811")[c.ID]
	if !found {
		t.Errorf("circle %d not in the 370811 list", c.ID)
	} else if ids := listed.Properties.CommunityIDs; len(ids) != 1 || ids[0] != a.ID {
		t.Errorf("listed circle community_ids %v, want [%d]", ids, a.ID)
	}
}

func TestCircles_BadInputIsRejected(t *testing.T) {
	f := sqliteAPI(t)
	rc := createCommunity(t, f, "admin", "370811")
	yz := createCommunity(t, f, "admin", "370812")
	p := countyPoint(t, f.st, "370811")
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"unknown layout", circleBody([]orb.Point{p}, map[string]any{"community_ids": []int64{rc.ID}, "layout": "ring"}), "layout"},
		{"unknown status", circleBody([]orb.Point{p}, map[string]any{"community_ids": []int64{rc.ID}, "status": "dreaming"}), "status"},
		{"no communities", circleBody([]orb.Point{p}, nil), "community_ids"},
		{"missing community", circleBody([]orb.Point{p}, map[string]any{"community_ids": []int64{999999999}}), "community_ids"},
		{"community of another district", circleBody([]orb.Point{p}, map[string]any{"community_ids": []int64{rc.ID, yz.ID}}), "community_ids"},
		{"completed without a year", circleBody([]orb.Point{p}, map[string]any{"community_ids": []int64{rc.ID}, "status": quarterhour.CircleCompleted}), "completed_year"},
		{"centre outside the city", circleBody([]orb.Point{{121.47, 31.23}}, map[string]any{"community_ids": []int64{rc.ID}}), "geometry"},
		{"swapped centre", circleBody([]orb.Point{{p[1], p[0]}}, map[string]any{"community_ids": []int64{rc.ID}}), "geometry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.wantError(t, http.MethodPost, "/api/v1/circles", "admin", tt.body, http.StatusBadRequest, tt.field)
		})
	}
	f.wantError(t, http.MethodPost, "/api/v1/circles", "yanzhou", circleBody([]orb.Point{p}, map[string]any{"community_ids": []int64{rc.ID}}), http.StatusForbidden, "district")
}

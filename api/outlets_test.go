package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

type collectionOut struct {
	Type     string      `json:"type"`
	Features []outletOut `json:"features"`
	Total    int         `json:"total"`
	Limit    int         `json:"limit"`
}

// createOutlet posts an outlet as user and returns it.
func createOutlet(t *testing.T, f *fixture, user string, p orb.Point, props map[string]any) outletOut {
	t.Helper()
	var o outletOut
	f.do(t, http.MethodPost, "/api/v1/outlets", user, outletBody(p, props), http.StatusCreated, &o)
	return o
}

func TestOutlets_ListIsGeoJSONWithFiltersAndPaging(t *testing.T) {
	f := sqliteAPI(t)
	createOutlet(t, f, "admin", countyPoint(t, f.st, "370811"), map[string]any{"category": "pharmacy", "name": "列表药店"})
	var all collectionOut
	f.do(t, http.MethodGet, "/api/v1/outlets?limit=2", "", nil, http.StatusOK, &all)
	if all.Type != "FeatureCollection" || len(all.Features) > 2 || all.Limit != 2 || all.Total < 1 {
		t.Fatalf("list = %s with %d features, limit %d, total %d", all.Type, len(all.Features), all.Limit, all.Total)
	}
	var pharmacies collectionOut
	f.do(t, http.MethodGet, "/api/v1/outlets?category=pharmacy&district=370811&limit=5000", "", nil, http.StatusOK, &pharmacies)
	if len(pharmacies.Features) == 0 {
		t.Fatal("no pharmacies in 370811")
	}
	for _, o := range pharmacies.Features {
		if o.Properties.Category != "pharmacy" || o.Properties.District != "370811" {
			t.Errorf("outlet %d is %s in %s", o.ID, o.Properties.Category, o.Properties.District)
		}
	}
	p := countyPoint(t, f.st, "370811")
	bbox := fmt.Sprintf("%f,%f,%f,%f", p[0]-0.01, p[1]-0.01, p[0]+0.01, p[1]+0.01)
	var boxed collectionOut
	f.do(t, http.MethodGet, "/api/v1/outlets?bbox="+bbox, "", nil, http.StatusOK, &boxed)
	if len(boxed.Features) == 0 {
		t.Fatal("bbox around a created outlet returned nothing")
	}
	for _, o := range boxed.Features {
		var pt struct {
			Coordinates [2]float64 `json:"coordinates"`
		}
		decodeRaw(t, o.Geometry, &pt)
		if pt.Coordinates[0] < p[0]-0.01 || pt.Coordinates[0] > p[0]+0.01 {
			t.Errorf("outlet %d at %v is outside bbox %s", o.ID, pt.Coordinates, bbox)
		}
	}
}

func TestOutlets_ListRejectsBadParameters(t *testing.T) {
	f := sqliteAPI(t)
	for _, tt := range []struct{ query, field string }{
		{"limit=5001", "limit"},
		{"limit=0", "limit"},
		{"offset=-1", "offset"},
		{"bbox=1,2,3", "bbox"},
		{"bbox=117,36,116,35", "bbox"},
		{"bbox=NaN,35,117,36", "bbox"},
		{"bbox=116,35,+Inf,36", "bbox"},
		{"crs=mercator", "crs"},
		{"category=spaceport", "category"},
		{"district=3708", "district"},
		{"status=maybe", "status"},
	} {
		f.wantError(t, http.MethodGet, "/api/v1/outlets?"+tt.query, "", nil, http.StatusBadRequest, tt.field)
	}
}

func TestOutlets_AnonymousWritesAre401(t *testing.T) {
	f := sqliteAPI(t)
	o := createOutlet(t, f, "admin", countyPoint(t, f.st, "370811"), nil)
	path := fmt.Sprintf("/api/v1/outlets/%d", o.ID)
	body := outletBody(countyPoint(t, f.st, "370811"), map[string]any{"version": o.Properties.Version})
	f.wantError(t, http.MethodPost, "/api/v1/outlets", "", body, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPut, path, "", body, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodDelete, path+"?version=1", "", nil, http.StatusUnauthorized, "")
	f.do(t, http.MethodGet, path, "", nil, http.StatusOK, nil)
}

func TestOutlets_DistrictUserWritesOwnDistrictWithOptimisticLocking(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	o := createOutlet(t, f, "rencheng", p, map[string]any{"services": []string{quarterhour.ServiceBillPayment}, "accepts_cash": true})
	got := o.Properties
	if got.District != "370811" || got.H3 == "" || got.Version != 1 || got.Source != "manual" || got.Status != quarterhour.OutletOpen {
		t.Fatalf("created outlet = district %q h3 %q version %d source %q status %q", got.District, got.H3, got.Version, got.Source, got.Status)
	}
	path := fmt.Sprintf("/api/v1/outlets/%d", o.ID)

	var updated outletOut
	f.do(t, http.MethodPut, path, "rencheng", outletBody(p, map[string]any{"name": "改名便利店", "version": 1}), http.StatusOK, &updated)
	if updated.Properties.Name != "改名便利店" || updated.Properties.Version != 2 {
		t.Errorf("after update: name %q version %d, want 改名便利店 2", updated.Properties.Name, updated.Properties.Version)
	}
	f.wantError(t, http.MethodPut, path, "rencheng", outletBody(p, map[string]any{"name": "过期", "version": 1}), http.StatusConflict, "version")
	f.wantError(t, http.MethodDelete, path+"?version=1", "rencheng", nil, http.StatusConflict, "version")
	f.wantError(t, http.MethodDelete, path, "rencheng", nil, http.StatusBadRequest, "version")
	f.do(t, http.MethodDelete, path+"?version=2", "rencheng", nil, http.StatusNoContent, nil)
	f.wantError(t, http.MethodGet, path, "", nil, http.StatusNotFound, "")
}

func TestOutlets_DistrictUserCannotTouchAnotherDistrict(t *testing.T) {
	f := sqliteAPI(t)
	yz := countyPoint(t, f.st, "370812")
	theirs := createOutlet(t, f, "yanzhou", yz, nil)
	path := fmt.Sprintf("/api/v1/outlets/%d", theirs.ID)

	f.wantError(t, http.MethodPost, "/api/v1/outlets", "rencheng", outletBody(yz, nil), http.StatusForbidden, "district")
	f.wantError(t, http.MethodPut, path, "rencheng", outletBody(yz, map[string]any{"version": 1}), http.StatusForbidden, "district")
	f.wantError(t, http.MethodDelete, path+"?version=1", "rencheng", nil, http.StatusForbidden, "district")
	// Moving one's own outlet into another district is a write there too.
	mine := createOutlet(t, f, "rencheng", countyPoint(t, f.st, "370811"), nil)
	f.wantError(t, http.MethodPut, fmt.Sprintf("/api/v1/outlets/%d", mine.ID), "rencheng", outletBody(yz, map[string]any{"version": 1}), http.StatusForbidden, "district")
	// Reading the other district's public layer is fine.
	f.do(t, http.MethodGet, path, "rencheng", nil, http.StatusOK, nil)
}

func TestOutlets_ReviewerCannotWrite(t *testing.T) {
	f := sqliteAPI(t)
	f.wantError(t, http.MethodPost, "/api/v1/outlets", "reviewer", outletBody(countyPoint(t, f.st, "370811"), nil), http.StatusForbidden, "")
}

func TestOutlets_HighTechZoneAcceptsPointsInItsHostCounties(t *testing.T) {
	f := sqliteAPI(t)
	o := createOutlet(t, f, "gaoxin", countyPoint(t, f.st, "370811"), nil)
	if o.Properties.District != "370871" {
		t.Errorf("district %q, want 370871", o.Properties.District)
	}
	o = createOutlet(t, f, "admin", countyPoint(t, f.st, "370812"), map[string]any{"district": "370871"})
	if o.Properties.District != "370871" {
		t.Errorf("district %q, want 370871", o.Properties.District)
	}
	// A zone user still cannot write in a county that does not host the zone.
	f.wantError(t, http.MethodPost, "/api/v1/outlets", "gaoxin", outletBody(countyPoint(t, f.st, "370826"), nil), http.StatusBadRequest, "district")
}

func TestOutlets_BadInputIsRejectedWithItsFieldAndWritesNothing(t *testing.T) {
	f := sqliteAPI(t)
	ctx := context.Background()
	rc := countyPoint(t, f.st, "370811")
	before, err := f.st.CountOutlets(ctx, store.OutletFilter{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		body    any
		field   string
		message string
	}{
		{"unknown category", outletBody(rc, map[string]any{"category": "spaceport"}), "category", "unknown category"},
		{"missing name", outletBody(rc, map[string]any{"name": "  "}), "name", "required"},
		{"latitude out of range", outletBody(orb.Point{116.6, 135.4}, nil), "geometry", "latitude"},
		{"longitude out of range", outletBody(orb.Point{216.6, 35.4}, nil), "geometry", "longitude"},
		{"outside every county", outletBody(orb.Point{121.47, 31.23}, nil), "geometry", "outside every county"},
		{"swapped axes", outletBody(orb.Point{rc[1], rc[0]}, nil), "geometry", "swapped"},
		{"district does not match the point", outletBody(rc, map[string]any{"district": "370812"}), "district", "not in district"},
		{"unknown district", outletBody(rc, map[string]any{"district": "370899"}), "district", "unknown district"},
		{"unknown service", outletBody(rc, map[string]any{"services": []string{"teleport"}}), "services", "unknown service"},
		{"bad date", outletBody(rc, map[string]any{"opened_on": "2023/03/09"}), "opened_on", "YYYY-MM-DD"},
		{"bad status", outletBody(rc, map[string]any{"status": "gone"}), "status", "status"},
		{"unknown property", outletBody(rc, map[string]any{"colour": "red"}), "colour", "unknown field"},
		{"wrong type", outletBody(rc, map[string]any{"name": 42}), "name", "type"},
		{"polygon instead of point", map[string]any{"type": "Feature", "properties": map[string]any{"name": "x", "category": "pharmacy"},
			"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{116, 35}, {117, 35}, {117, 36}, {116, 35}}}}}, "geometry", "Point"},
		{"no geometry", map[string]any{"type": "Feature", "properties": map[string]any{"name": "x", "category": "pharmacy"}}, "geometry", "required"},
		{"not a feature", map[string]any{"type": "FeatureCollection", "properties": map[string]any{}}, "type", "Feature"},
		{"malformed JSON", []byte(`{"type": "Feature",`), "", "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := f.wantError(t, http.MethodPost, "/api/v1/outlets", "admin", tt.body, http.StatusBadRequest, tt.field)
			if !strings.Contains(e.Error, tt.message) {
				t.Errorf("error %q does not mention %q", e.Error, tt.message)
			}
		})
	}
	o := createOutlet(t, f, "admin", rc, nil)
	f.wantError(t, http.MethodPut, fmt.Sprintf("/api/v1/outlets/%d", o.ID), "admin", outletBody(rc, nil), http.StatusBadRequest, "version")
	after, err := f.st.CountOutlets(ctx, store.OutletFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if after != before+1 {
		t.Errorf("outlets went from %d to %d; only the one valid create should have written", before, after)
	}
}

func TestOutlets_PutAcceptsTopLevelVersion(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370812")
	o := createOutlet(t, f, "admin", p, nil)
	body := outletBody(p, map[string]any{"name": "顶层版本"})
	body["version"] = o.Properties.Version
	var out outletOut
	f.do(t, http.MethodPut, fmt.Sprintf("/api/v1/outlets/%d", o.ID), "admin", body, http.StatusOK, &out)
	if out.Properties.Version != o.Properties.Version+1 {
		t.Errorf("version %d, want %d", out.Properties.Version, o.Properties.Version+1)
	}
}

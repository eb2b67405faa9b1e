package api

import (
	"net/http"
	"testing"

	"github.com/quarterhour/quarterhour"
)

type regionsOut struct {
	Regions []struct {
		quarterhour.Region
		Boundary *struct {
			Type string `json:"type"`
		} `json:"boundary"`
	} `json:"regions"`
}

func TestRegions_ListsTheTwelveCountiesOfJining(t *testing.T) {
	var out regionsOut
	sqliteAPI(t).do(t, http.MethodGet, "/api/v1/regions?level=county", "", nil, http.StatusOK, &out)
	if n := len(out.Regions); n != 12 {
		t.Fatalf("%d county-level regions, want 12", n)
	}
	withBoundary := 0
	for _, r := range out.Regions {
		if r.Boundary != nil {
			withBoundary++
			if r.Boundary.Type != "MultiPolygon" {
				t.Errorf("%s boundary type %q, want MultiPolygon", r.Code, r.Boundary.Type)
			}
		}
	}
	// Every county but 济宁高新区 has a published boundary.
	if withBoundary != 11 {
		t.Errorf("%d counties with a boundary, want 11", withBoundary)
	}
}

func TestRegions_ParentAcceptsSixAndTwelveDigitCodes(t *testing.T) {
	f := sqliteAPI(t)
	var short, long regionsOut
	f.do(t, http.MethodGet, "/api/v1/regions?level=town&parent=370811", "", nil, http.StatusOK, &short)
	f.do(t, http.MethodGet, "/api/v1/regions?level=town&parent=370811000000", "", nil, http.StatusOK, &long)
	if len(short.Regions) == 0 || len(short.Regions) != len(long.Regions) {
		t.Fatalf("towns of 任城区: %d by 6-digit code, %d by 12-digit code", len(short.Regions), len(long.Regions))
	}
	for _, r := range short.Regions {
		if r.Parent != "370811000000" || r.Level != quarterhour.LevelTown {
			t.Errorf("region %s (%s, parent %s) is not a town of 370811", r.Code, r.Level, r.Parent)
		}
	}
}

func TestRegions_GetOneByCode(t *testing.T) {
	f := sqliteAPI(t)
	var r struct {
		quarterhour.Region
		Boundary map[string]any `json:"boundary"`
	}
	f.do(t, http.MethodGet, "/api/v1/regions/370811", "", nil, http.StatusOK, &r)
	if r.Name != "任城区" || r.Boundary == nil {
		t.Errorf("region 370811 = %s with boundary %v, want 任城区 with a boundary", r.Name, r.Boundary != nil)
	}
	f.wantError(t, http.MethodGet, "/api/v1/regions/999999", "", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodGet, "/api/v1/regions/abc", "", nil, http.StatusNotFound, "code")
}

func TestRegions_BadFiltersNameTheField(t *testing.T) {
	f := sqliteAPI(t)
	for query, field := range map[string]string{"level=province": "level", "parent=37": "parent"} {
		f.wantError(t, http.MethodGet, "/api/v1/regions?"+query, "", nil, http.StatusBadRequest, field)
	}
}

func TestCategories_HoldAtLeastTwelveBasicTypes(t *testing.T) {
	f := sqliteAPI(t)
	var out struct {
		Categories []quarterhour.Category `json:"categories"`
	}
	f.do(t, http.MethodGet, "/api/v1/categories", "", nil, http.StatusOK, &out)
	basic := 0
	for _, c := range out.Categories {
		if c.Tier == quarterhour.TierBasic {
			basic++
		}
	}
	if basic < 12 {
		t.Errorf("%d basic categories, want >= 12", basic)
	}
}

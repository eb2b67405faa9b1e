package api

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func (f *fixture) search(t *testing.T, user, q string, limit int) searchResponse {
	t.Helper()
	var out searchResponse
	path := "/api/v1/search?q=" + url.QueryEscape(q)
	if limit > 0 {
		path += fmt.Sprintf("&limit=%d", limit)
	}
	f.do(t, http.MethodGet, path, user, nil, http.StatusOK, &out)
	return out
}

func TestSearch_FindsEachKindWithWhereToGo(t *testing.T) {
	f := sqliteAPI(t)
	got := f.search(t, "", "北门", 0)
	if len(got.Hits) == 0 {
		t.Fatal("北门 finds nothing")
	}
	var community, circle bool
	for _, h := range got.Hits {
		if h.Lon < 116 || h.Lon > 117.5 || h.Lat < 35 || h.Lat > 36 {
			t.Errorf("%s %s at %v,%v", h.Kind, h.Name, h.Lon, h.Lat)
		}
		switch h.Kind {
		case "community":
			community = community || (h.Name == "北门社区" && h.BBox != nil && h.ID > 0)
		case "circle":
			circle = circle || h.ID > 0
		}
	}
	if !community || !circle {
		t.Errorf("北门: community %v, circle %v in %+v", community, circle, got.Hits)
	}
	if first := got.Hits[0]; first.Name != "北门社区" {
		t.Errorf("the exact name is not first: %+v", first)
	}
	region := f.search(t, "", "任城区", 3).Hits
	if len(region) == 0 || region[0].Kind != "region" || region[0].Code == "" || region[0].BBox == nil {
		t.Errorf("任城区: %+v", region)
	}
	if n := len(f.search(t, "", "社区", 5).Hits); n != 5 {
		t.Errorf("limit 5 gave %d hits", n)
	}
	if n := len(f.search(t, "", "没有这个地方zzz", 0).Hits); n != 0 {
		t.Errorf("%d hits for nonsense", n)
	}
	f.wantError(t, http.MethodGet, "/api/v1/search", "", nil, http.StatusBadRequest, "q")
	f.wantError(t, http.MethodGet, "/api/v1/search?q=x&limit=500", "", nil, http.StatusBadRequest, "limit")
}

func TestSearch_ClosedOutletsOnlyForLoggedInUsers(t *testing.T) {
	f := sqliteAPI(t)
	var created outletOut
	f.do(t, http.MethodPost, "/api/v1/outlets", "admin", outletBody(renchengCentre, map[string]any{"name": "测试歇业小卖部", "status": "closed", "closed_on": "2024-01-01"}), http.StatusCreated, &created)
	t.Cleanup(func() {
		f.do(t, http.MethodDelete, fmt.Sprintf("/api/v1/outlets/%d?version=%d", created.ID, created.Properties.Version), "admin", nil, http.StatusNoContent, nil)
	})
	f.api.maps.search.mu.Lock()
	f.api.maps.search.ix = nil
	f.api.maps.search.mu.Unlock()
	if n := len(f.search(t, "", "测试歇业小卖部", 0).Hits); n != 0 {
		t.Errorf("an anonymous search finds the closed outlet (%d hits)", n)
	}
	hits := f.search(t, "rencheng", "测试歇业小卖部", 0).Hits
	if len(hits) != 1 || hits[0].Kind != "outlet" || hits[0].ID != created.ID {
		t.Errorf("a logged-in search: %+v", hits)
	}
}

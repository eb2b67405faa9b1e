package api

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/app/ingest"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmcommunity"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// Porto imported as a city without a community register would be: walking
// network, OSM outlets and OSM residential areas as communities of the
// district label PT1312; after a reload the gap and access layers carry
// their estimated residents.
func TestPortoCommunitiesFromOSM_GiveGapAndAccessLayers(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFixture(st, Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.srv.Close(); st.Close() })
	pbf, err := os.ReadFile("../testdata/osm/porto.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportNetwork(ctx, st, bytes.NewReader(pbf), osmnet.PBF, "porto", "porto.osm.pbf", nil); err != nil {
		t.Fatalf("import porto network: %v", err)
	}
	if _, err := ingest.ImportOSMOutlets(ctx, st, bytes.NewReader(pbf), osmnet.PBF, "porto.osm.pbf"); err != nil {
		t.Fatalf("import porto outlets: %v", err)
	}
	communities, err := ingest.ImportOSMCommunities(ctx, st, bytes.NewReader(pbf), osmnet.PBF, "PT1312", "porto.osm.pbf", osmcommunity.DefaultParams())
	if err != nil {
		t.Fatalf("import porto communities: %v", err)
	}
	f.do(t, http.MethodPost, "/api/v1/admin/reload", "admin", nil, http.StatusOK, nil)

	stored, err := st.ListCommunities(ctx, store.CommunityFilter{District: "PT1312"})
	if err != nil {
		t.Fatal(err)
	}
	pop := map[int64]int{}
	total := 0
	for _, c := range stored {
		if !c.PopulationEstimated || c.Source != "osm" || !strings.HasPrefix(c.SourceRef, "way/") && !strings.HasPrefix(c.SourceRef, "relation/") {
			t.Errorf("community %d: estimated %v, source %s %s; want an estimated population from osm way/relation",
				c.ID, c.PopulationEstimated, c.Source, c.SourceRef)
		}
		pop[c.ID] = c.Population
		total += c.Population
	}
	if len(stored) != communities.Summary.AreasKept || total != communities.Summary.Population {
		t.Fatalf("stored %d communities with %d residents, the import kept %d with %d",
			len(stored), total, communities.Summary.AreasKept, communities.Summary.Population)
	}

	var gaps gapsOut
	f.do(t, http.MethodGet, "/api/v1/gaps?district=PT1312", "", nil, http.StatusOK, &gaps)
	if len(gaps.Communities) != len(stored) || len(gaps.Categories) == 0 {
		t.Fatalf("gaps: %d communities (stored %d), %d categories", len(gaps.Communities), len(stored), len(gaps.Categories))
	}
	var pharmacyShares []float64
	pharmacyUncovered := 0
	for _, c := range gaps.Communities {
		if c.Population != pop[c.ID] {
			t.Errorf("community %d: gaps population %d, stored %d", c.ID, c.Population, pop[c.ID])
		}
		for _, cat := range gaps.Categories {
			g, ok := c.Gaps[cat]
			covered := c.Population - g.Uncovered
			if !ok || g.Share < 0 || g.Share > 1 || g.Uncovered < 0 || covered < 0 || covered+g.Uncovered != c.Population ||
				math.Abs(g.Share-float64(g.Uncovered)/float64(c.Population)) > 1e-9 {
				t.Errorf("community %d %s: %+v of %d residents", c.ID, cat, g, c.Population)
			}
		}
		pharmacyShares = append(pharmacyShares, 1-c.Gaps["pharmacy"].Share)
		pharmacyUncovered += c.Gaps["pharmacy"].Uncovered
	}
	slices.Sort(pharmacyShares)
	t.Logf("Porto PT1312: %d communities, %d estimated residents; share with a pharmacy within 15 min: median community %.3f (min %.3f), all residents %.3f",
		len(stored), total, pharmacyShares[len(pharmacyShares)/2], pharmacyShares[0], 1-float64(pharmacyUncovered)/float64(total))

	// The extract's bounding box: central Porto.
	bbox := "-8.6212,41.1247,-8.5937,41.1561"
	var access accessOut
	f.do(t, http.MethodGet, "/api/v1/access?category=pharmacy&bbox="+bbox, "", nil, http.StatusOK, &access)
	peopled, residents := 0, 0
	for _, ft := range access.Features {
		if ft.Properties.Population > 0 {
			peopled++
			residents += ft.Properties.Population
		}
	}
	t.Logf("pharmacy access over central Porto: %d cells, %d with residents (%d)", len(access.Features), peopled, residents)
	if peopled == 0 {
		t.Errorf("no cell of central Porto has residents in the pharmacy access layer (%d cells)", len(access.Features))
	}

	f.wantError(t, http.MethodGet, "/api/v1/gaps?district=PT9999", "", nil, http.StatusBadRequest, "district")
	f.wantError(t, http.MethodGet, "/api/v1/gaps?district=porto", "", nil, http.StatusBadRequest, "district")
}

// TestImportCommunities_OverHTTP posts a GeoJSON register: the report comes
// back as JSON, and the request's faults as statuses.
func TestImportCommunities_OverHTTP(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	var ring [][]float64
	for _, q := range square(p)[0] {
		g := geo.WGS84ToGCJ02(q)
		ring = append(ring, []float64{g[0], g[1]})
	}
	feature := func(props map[string]any) map[string]any {
		return map[string]any{"type": "Feature", "properties": props,
			"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}}}
	}
	body, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": []any{
		feature(map[string]any{"名称": "接口社区", "人口": 800, "编号": "HTTP-1"}),
		feature(map[string]any{"人口": 10, "编号": "HTTP-2"}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/imports/communities?crs=gcj02&source=register"

	var rep app.ImportReport
	f.do(t, http.MethodPost, path+"&dry_run=1", "rencheng", body, http.StatusOK, &rep)
	if !rep.DryRun || rep.ImportID != 0 || rep.RowsOK != 1 || rep.Inserted != 1 || len(rep.Rejections) != 1 ||
		rep.Rejections[0] != (app.Rejection{Row: 2, Field: "name", Reason: "name (名称) is required"}) {
		t.Errorf("dry run: %+v", rep)
	}
	f.do(t, http.MethodPost, path, "admin", body, http.StatusOK, &rep)
	if rep.ImportID == 0 || rep.Inserted != 1 || rep.RowsRejected != 1 {
		t.Errorf("import: %+v", rep)
	}

	f.wantError(t, http.MethodPost, path, "reviewer", body, http.StatusForbidden, "")
	f.wantError(t, http.MethodPost, path, "", body, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPost, "/api/v1/imports/communities?source=register", "admin", body, http.StatusBadRequest, "crs")
	f.wantError(t, http.MethodPost, "/api/v1/imports/communities?crs=gcj02&source=weibo", "admin", body, http.StatusBadRequest, "source")
	f.wantError(t, http.MethodPost, path, "admin", []byte(`{"type":"Feature"}`), http.StatusBadRequest, "file")
}

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
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
	var communities ingest.CommunityImport
	for _, imp := range []func(*os.File) error{
		func(r *os.File) error {
			_, err := ingest.ImportNetwork(ctx, st, r, osmnet.PBF, "porto", "porto.osm.pbf", nil)
			return err
		},
		func(r *os.File) error {
			_, err := ingest.ImportOSMOutlets(ctx, st, r, osmnet.PBF, "porto.osm.pbf")
			return err
		},
		func(r *os.File) error {
			communities, err = ingest.ImportOSMCommunities(ctx, st, r, osmnet.PBF, "PT1312", "porto.osm.pbf", osmcommunity.DefaultParams())
			return err
		},
	} {
		r, err := os.Open("../testdata/osm/porto.osm.pbf")
		if err != nil {
			t.Fatal(err)
		}
		err = imp(r)
		r.Close()
		if err != nil {
			t.Fatalf("import porto: %v", err)
		}
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

// registerFeature is a community register feature around p (WGS-84),
// written in crs.
func registerFeature(t *testing.T, p orb.Point, crs geo.CRS, props map[string]any) map[string]any {
	t.Helper()
	var ring [][]float64
	for _, q := range square(p)[0] {
		c, err := geo.Transform(q, geo.WGS84, crs)
		if err != nil {
			t.Fatal(err)
		}
		ring = append(ring, []float64{c[0], c[1]})
	}
	return map[string]any{"type": "Feature", "properties": props,
		"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}}}
}

func featureCollection(fs ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return b
}

func TestImportCommunities_RegisterInGCJ02(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	town := townOf(t, f.st, "370811")
	bow := registerFeature(t, p, geo.WGS84, map[string]any{"名称": "自交叉"})
	coords := bow["geometry"].(map[string]any)["coordinates"].([][][]float64)
	coords[0][1], coords[0][2] = coords[0][2], coords[0][1]
	body := featureCollection(
		registerFeature(t, p, geo.GCJ02, map[string]any{"名称": "翠园社区", "人口": 4200, "户数": "1,500", "建筑面积": "180000 ㎡",
			"新建": "是", "区划代码": town, "编号": "JN-RC-001", "物业": "某公司"}),
		registerFeature(t, orb.Point{p[0] + 0.01, p[1]}, geo.GCJ02, map[string]any{"名称": "无编号社区", "人口": 900}),
		registerFeature(t, orb.Point{p[0] + 0.02, p[1]}, geo.GCJ02, map[string]any{"名称": "人口为负", "人口": -5, "编号": "JN-RC-003"}),
		bow,
		registerFeature(t, orb.Point{p[0] + 0.03, p[1]}, geo.GCJ02, map[string]any{"人口": 10, "编号": "JN-RC-005"}),
		registerFeature(t, orb.Point{p[0] + 0.04, p[1]}, geo.GCJ02, map[string]any{"名称": "重复", "编号": "JN-RC-001"}),
		registerFeature(t, orb.Point{p[0] + 0.05, p[1]}, geo.GCJ02, map[string]any{"名称": "别区", "区县": "370812", "编号": "JN-RC-007"}),
	)
	path := "/api/v1/imports/communities?crs=gcj02&source=register"

	var dry ImportReport
	f.do(t, http.MethodPost, path+"&dry_run=1", "admin", body, http.StatusOK, &dry)
	var rows []string
	for _, r := range dry.Rejections {
		rows = append(rows, fmt.Sprintf("%d:%s", r.Row, r.Field))
	}
	wantRows := []string{"3:population", "4:geometry", "5:name", "6:ref", "7:district"}
	if !slices.Equal(rows, wantRows) || dry.RowsOK != 2 || dry.Inserted != 2 || dry.ImportID != 0 {
		t.Fatalf("dry run: ok %d, inserted %d, id %d, rejections %v (%+v); want 2 ok and rows %v",
			dry.RowsOK, dry.Inserted, dry.ImportID, rows, dry.Rejections, wantRows)
	}
	if len(dry.Warnings) != 1 || !strings.Contains(dry.Warnings[0], "物业") {
		t.Errorf("warnings %v, want the unknown property 物业", dry.Warnings)
	}

	var rep ImportReport
	f.do(t, http.MethodPost, path, "admin", body, http.StatusOK, &rep)
	if rep.ImportID == 0 || rep.Inserted != 2 || rep.RowsRejected != 5 {
		t.Fatalf("import: %+v", rep)
	}
	all, err := f.st.ListCommunities(context.Background(), store.CommunityFilter{District: "370811"})
	if err != nil {
		t.Fatal(err)
	}
	var got *quarterhour.Community
	for i := range all {
		if all[i].Source == "register" && all[i].SourceRef == "JN-RC-001" {
			got = &all[i]
		}
	}
	if got == nil {
		t.Fatal("community JN-RC-001 not stored")
	}
	if got.Name != "翠园社区" || got.Population != 4200 || got.Households != 1500 || got.BuildingAreaM2 != 180000 ||
		!got.IsNew || got.RegionCode != town || got.OriginalCRS != "gcj02" || got.PopulationEstimated || got.Synthetic {
		t.Errorf("stored %+v", *got)
	}
	if d := geo.DistanceM(got.Polygon[0][0][0], square(p)[0][0]); d > 0.5 {
		t.Errorf("first vertex lands %.2f m from where the GCJ-02 file put it in WGS-84", d)
	}

	var again ImportReport
	f.do(t, http.MethodPost, path, "admin", body, http.StatusOK, &again)
	if again.Inserted != 0 || again.Unchanged != 2 {
		t.Errorf("re-import: %+v, want 2 unchanged", again)
	}

	var yz ImportReport
	f.do(t, http.MethodPost, path+"&dry_run=1", "yanzhou", body, http.StatusOK, &yz)
	if yz.RowsOK != 0 {
		t.Errorf("a Yanzhou user could import %d Rencheng communities", yz.RowsOK)
	}
	f.wantError(t, http.MethodPost, path, "reviewer", body, http.StatusForbidden, "")
	f.wantError(t, http.MethodPost, path, "", body, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPost, "/api/v1/imports/communities?source=register", "admin", body, http.StatusBadRequest, "crs")
	f.wantError(t, http.MethodPost, "/api/v1/imports/communities?crs=gcj02&source=weibo", "admin", body, http.StatusBadRequest, "source")
	f.wantError(t, http.MethodPost, path, "admin", []byte(`{"type":"Feature"}`), http.StatusBadRequest, "file")
}

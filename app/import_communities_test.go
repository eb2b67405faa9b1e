package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// registerFeature is a community register feature: a ~100 m square with
// its south-west corner at p (WGS-84), written in crs.
func registerFeature(t *testing.T, p orb.Point, crs geo.CRS, props map[string]any) map[string]any {
	t.Helper()
	const d = 0.001
	var ring [][]float64
	for _, q := range []orb.Point{p, {p[0] + d, p[1]}, {p[0] + d, p[1] + d}, {p[0], p[1] + d}, p} {
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

// townIn returns the code of a town-level unit of county.
func townIn(t *testing.T, st store.Store, county string) string {
	t.Helper()
	rs, err := st.ListRegions(context.Background(), store.RegionFilter{Level: quarterhour.LevelTown, Parent: county + "000000"})
	if err != nil || len(rs) == 0 {
		t.Fatalf("towns of %s: %v (%d)", county, err, len(rs))
	}
	return rs[0].Code
}

// importCommunities imports body as u and wants a report.
func (f *registerApp) importCommunities(t *testing.T, u *quarterhour.User, req app.RegisterImport, body []byte) app.ImportReport {
	t.Helper()
	rep, err := f.a.ImportCommunities(context.Background(), u, bytes.NewReader(body), req)
	if err != nil {
		t.Fatalf("import %+v as %s: %v", req, u.Username, err)
	}
	return *rep
}

func TestImportCommunities_RegisterInGCJ02(t *testing.T) {
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370811")
	town := townIn(t, f.st, "370811")
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
	req := app.RegisterImport{CRS: crsOf(geo.GCJ02), Source: "register", File: "register.geojson"}
	dryReq := req
	dryReq.DryRun = true

	dry := f.importCommunities(t, importAdmin, dryReq, body)
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

	rep := f.importCommunities(t, importAdmin, req, body)
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
	if d := geo.DistanceM(got.Polygon[0][0][0], p); d > 0.5 {
		t.Errorf("first vertex lands %.2f m from where the GCJ-02 file put it in WGS-84", d)
	}
	imps, err := f.st.ListImports(context.Background(), 1)
	if err != nil || len(imps) != 1 || imps[0].ID != rep.ImportID || imps[0].Kind != app.ImportKindCommunitiesGeoJSON ||
		imps[0].File != "register.geojson" || imps[0].CreatedBy != "admin" || imps[0].RowsRejected != 5 {
		t.Errorf("recorded imports %+v (%v)", imps, err)
	}

	again := f.importCommunities(t, importAdmin, req, body)
	if again.Inserted != 0 || again.Unchanged != 2 {
		t.Errorf("re-import: %+v, want 2 unchanged", again)
	}

	yz := f.importCommunities(t, importYanzhou, dryReq, body)
	if yz.RowsOK != 0 {
		t.Errorf("a Yanzhou user could import %d Rencheng communities", yz.RowsOK)
	}
}

func TestImportCommunities_RequestErrors(t *testing.T) {
	f := registerFixture(t)
	body := featureCollection(registerFeature(t, insideCounty(t, f.st, "370811"), geo.GCJ02, map[string]any{"名称": "请求社区"}))
	req := app.RegisterImport{CRS: crsOf(geo.GCJ02), Source: "register", DryRun: true}
	for _, tt := range []struct {
		name        string
		user        *quarterhour.User
		req         app.RegisterImport
		body        []byte
		code, field string
	}{
		{"anonymous", nil, req, body, quarterhour.EUnauthenticated, ""},
		{"reviewer", importReviewer, req, body, quarterhour.EForbidden, ""},
		{"no crs", importAdmin, app.RegisterImport{Source: "register"}, body, quarterhour.EInvalid, "crs"},
		{"unknown source", importAdmin, app.RegisterImport{CRS: crsOf(geo.GCJ02), Source: "weibo"}, body, quarterhour.EInvalid, "source"},
		{"a CSV", importAdmin, req, []byte("名称,经度,纬度\n"), quarterhour.EUnsupportedMedia, "format"},
		{"an XLSX", importAdmin, app.RegisterImport{CRS: crsOf(geo.GCJ02), Source: "register", Format: app.FormatXLSX}, body, quarterhour.EUnsupportedMedia, "format"},
		{"not GeoJSON", importAdmin, app.RegisterImport{CRS: crsOf(geo.GCJ02), Source: "register", File: "x.geojson"}, []byte("名称,经度,纬度\n"), quarterhour.EInvalid, "file"},
		{"a Feature", importAdmin, req, []byte(`{"type":"Feature"}`), quarterhour.EInvalid, "file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := f.a.ImportCommunities(context.Background(), tt.user, bytes.NewReader(tt.body), tt.req)
			if err == nil {
				t.Fatalf("imported: %+v", rep)
			}
			wantCode(t, err, tt.code, tt.field)
		})
	}
}

func TestImportCommunities_FeatureGeometryFaults(t *testing.T) {
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370811")
	point := map[string]any{"type": "Feature", "properties": map[string]any{"名称": "点"},
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{p[0], p[1]}}}
	none := map[string]any{"type": "Feature", "properties": map[string]any{"名称": "无"}, "geometry": nil}
	broken := map[string]any{"type": "Feature", "properties": map[string]any{"名称": "坏"},
		"geometry": map[string]any{"type": "Polygon", "coordinates": "x"}}
	rep := f.importCommunities(t, importAdmin, app.RegisterImport{CRS: crsOf(geo.WGS84), Source: "register", DryRun: true},
		featureCollection(point, none, broken))
	wantRejection(t, rep, 1, "geometry", "Point")
	wantRejection(t, rep, 2, "geometry", "required")
	wantRejection(t, rep, 3, "geometry", "bad GeoJSON geometry")
}

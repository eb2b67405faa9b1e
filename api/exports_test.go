package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// download fetches an export as user and checks it is an attachment.
func (f *fixture) download(t *testing.T, path, user string) (*http.Response, []byte) {
	t.Helper()
	resp, data := f.get(t, path, user)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s as %q: status %d, body %s", path, user, resp.StatusCode, data)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") {
		t.Errorf("GET %s: Content-Disposition %q", path, cd)
	}
	return resp, data
}

// exportCollection downloads a GeoJSON export and parses it with orb.
func (f *fixture) exportCollection(t *testing.T, path, user string) *geojson.FeatureCollection {
	t.Helper()
	resp, data := f.download(t, path, user)
	if ct := resp.Header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatalf("GET %s: parse: %v", path, err)
	}
	return fc
}

func TestExportOutlets_GeoJSONHoldsEveryOutletForAnyone(t *testing.T) {
	f := sqliteAPI(t)
	ctx := context.Background()
	total, err := f.st.CountOutlets(ctx, store.OutletFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total <= exportPageSize {
		t.Fatalf("demo has %d outlets; the test wants more than one page (%d)", total, exportPageSize)
	}
	fc := f.exportCollection(t, "/api/v1/exports/outlets.geojson", "")
	if len(fc.Features) != total {
		t.Fatalf("exported %d outlets, store holds %d", len(fc.Features), total)
	}
	seen := map[int64]bool{}
	for _, ft := range fc.Features {
		id := int64(ft.ID.(float64))
		if seen[id] {
			t.Fatalf("outlet %d exported twice", id)
		}
		seen[id] = true
	}
	o := firstOpenOutlet(t, f.st)
	ft := fc.Features[slices.IndexFunc(fc.Features, func(ft *geojson.Feature) bool { return ft.ID == float64(o.ID) })]
	if ft.Geometry != orb.Geometry(o.Point) || ft.Properties["name"] != o.Name {
		t.Errorf("outlet %d exported as %v %v, stored at %v named %s", o.ID, ft.Geometry, ft.Properties["name"], o.Point, o.Name)
	}
}

func TestExportOutlets_FiltersLikeTheList(t *testing.T) {
	f := sqliteAPI(t)
	ctx := context.Background()
	o := firstOpenOutlet(t, f.st)
	want, err := f.st.CountOutlets(ctx, store.OutletFilter{District: o.District, Category: o.Category, Status: quarterhour.OutletOpen})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/exports/outlets.geojson?district=%s&category=%s&status=open", o.District, o.Category)
	fc := f.exportCollection(t, path, "")
	if len(fc.Features) != want || want == 0 {
		t.Fatalf("exported %d, want %d", len(fc.Features), want)
	}
	for _, ft := range fc.Features {
		if ft.Properties["district"] != o.District || ft.Properties["category"] != o.Category || ft.Properties["status"] != quarterhour.OutletOpen {
			t.Fatalf("filtered export holds %v", ft.Properties)
		}
	}
	box := orb.Bound{Min: orb.Point{o.Point.Lon() - 0.01, o.Point.Lat() - 0.01}, Max: orb.Point{o.Point.Lon() + 0.01, o.Point.Lat() + 0.01}}
	inBox, err := f.st.CountOutlets(ctx, store.OutletFilter{BBox: &box})
	if err != nil {
		t.Fatal(err)
	}
	fc = f.exportCollection(t, fmt.Sprintf("/api/v1/exports/outlets.geojson?bbox=%f,%f,%f,%f", box.Min[0], box.Min[1], box.Max[0], box.Max[1]), "")
	if len(fc.Features) != inBox {
		t.Errorf("bbox export %d, want %d", len(fc.Features), inBox)
	}
	for _, ft := range fc.Features {
		if !box.Contains(ft.Geometry.(orb.Point)) {
			t.Fatalf("outlet %v outside the bbox", ft.ID)
		}
	}
}

func TestExportCommunities_NeedLoginAndStayInTheUsersDistrict(t *testing.T) {
	f := sqliteAPI(t)
	ctx := context.Background()
	f.wantError(t, http.MethodGet, "/api/v1/exports/communities.geojson", "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodGet, "/api/v1/exports/circles.geojson", "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodGet, "/api/v1/exports/network.geojson", "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodGet, "/api/v1/exports/communities.geojson?district=370812", "rencheng", nil, http.StatusForbidden, "district")

	all, err := f.st.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	own, err := f.st.ListCommunities(ctx, store.CommunityFilter{District: "370811"})
	if err != nil {
		t.Fatal(err)
	}
	if len(own) == 0 || len(own) == len(all) {
		t.Fatalf("demo: %d communities in 370811 of %d; the test needs some in and some out", len(own), len(all))
	}
	for _, path := range []string{"/api/v1/exports/communities.geojson", "/api/v1/exports/communities.geojson?district=370811"} {
		fc := f.exportCollection(t, path, "rencheng")
		if len(fc.Features) != len(own) {
			t.Errorf("%s as rencheng: %d communities, want 370811's %d", path, len(fc.Features), len(own))
		}
		for _, ft := range fc.Features {
			if ft.Properties["district"] != "370811" {
				t.Fatalf("%s as rencheng: community of %v", path, ft.Properties["district"])
			}
			if _, ok := ft.Geometry.(orb.MultiPolygon); !ok {
				t.Fatalf("community geometry %T", ft.Geometry)
			}
		}
	}
	if fc := f.exportCollection(t, "/api/v1/exports/communities.geojson", "reviewer"); len(fc.Features) != len(all) {
		t.Errorf("reviewer exported %d communities, want all %d", len(fc.Features), len(all))
	}
}

func TestExportCircles_CentresWithTheirCommunities(t *testing.T) {
	f := sqliteAPI(t)
	cs, err := f.st.ListCircles(context.Background(), store.CircleFilter{District: "370812"})
	if err != nil || len(cs) == 0 {
		t.Fatalf("circles of 370812: %d, %v", len(cs), err)
	}
	fc := f.exportCollection(t, "/api/v1/exports/circles.geojson", "yanzhou")
	if len(fc.Features) != len(cs) {
		t.Fatalf("exported %d circles, want 370812's %d", len(fc.Features), len(cs))
	}
	for i, ft := range fc.Features {
		if ft.ID != float64(cs[i].ID) || ft.Properties["district"] != "370812" {
			t.Errorf("circle %d exported as %v in %v", cs[i].ID, ft.ID, ft.Properties["district"])
		}
		if ids, _ := ft.Properties["community_ids"].([]any); len(ids) != len(cs[i].CommunityIDs) {
			t.Errorf("circle %d: %d community ids, want %d", cs[i].ID, len(ids), len(cs[i].CommunityIDs))
		}
	}
	f.wantError(t, http.MethodGet, "/api/v1/exports/circles.geojson?status=done", "admin", nil, http.StatusBadRequest, "status")
}

func TestExportNetwork_IsPgRoutingReady(t *testing.T) {
	f := sqliteAPI(t)
	nets, err := f.st.LoadNetworks(context.Background())
	if err != nil || len(nets) == 0 {
		t.Fatalf("networks: %v", err)
	}
	o := firstOpenOutlet(t, f.st)
	box := orb.Bound{Min: orb.Point{o.Point.Lon() - 0.005, o.Point.Lat() - 0.005}, Max: orb.Point{o.Point.Lon() + 0.005, o.Point.Lat() + 0.005}}
	want := map[int64]quarterhour.WalkEdge{}
	for _, n := range nets {
		for _, e := range n.Edges {
			if e.Geom.Bound().Intersects(box) {
				want[e.ID] = e
			}
		}
	}
	path := fmt.Sprintf("/api/v1/exports/network.geojson?bbox=%f,%f,%f,%f", box.Min[0], box.Min[1], box.Max[0], box.Max[1])
	fc := f.exportCollection(t, path, "rencheng")
	if len(fc.Features) != len(want) || len(want) == 0 {
		t.Fatalf("exported %d edges, want %d", len(fc.Features), len(want))
	}
	for _, ft := range fc.Features {
		e, ok := want[int64(ft.Properties["id"].(float64))]
		if !ok {
			t.Fatalf("edge %v is not in the bbox", ft.Properties["id"])
		}
		for k, v := range map[string]float64{"source": float64(e.Source), "target": float64(e.Target), "cost": e.Cost, "reverse_cost": e.ReverseCost} {
			if got, _ := ft.Properties[k].(float64); math.Abs(got-v) > 1e-6 {
				t.Errorf("edge %d %s = %v, want %v", e.ID, k, ft.Properties[k], v)
			}
		}
		if ls, ok := ft.Geometry.(orb.LineString); !ok || len(ls) != len(e.Geom) {
			t.Errorf("edge %d geometry %v", e.ID, ft.Geometry)
		}
	}
	f.wantError(t, http.MethodGet, "/api/v1/exports/network.geojson?area=atlantis", "admin", nil, http.StatusBadRequest, "area")
}

func TestExportRegions_CountyBoundariesArePublic(t *testing.T) {
	f := sqliteAPI(t)
	counties, err := f.st.ListRegions(context.Background(), store.RegionFilter{Level: quarterhour.LevelCounty})
	if err != nil {
		t.Fatal(err)
	}
	fc := f.exportCollection(t, "/api/v1/exports/regions.geojson?level=county", "")
	if len(fc.Features) != len(counties) {
		t.Fatalf("exported %d counties, want %d", len(fc.Features), len(counties))
	}
	var rencheng *geojson.Feature
	for _, ft := range fc.Features {
		if ft.Properties["code"] == "370811000000" {
			rencheng = ft
		}
	}
	if rencheng == nil || rencheng.Properties["name"] != "任城区" {
		t.Fatalf("任城区 missing: %v", rencheng)
	}
	if _, ok := rencheng.Geometry.(orb.MultiPolygon); !ok {
		t.Errorf("任城区 boundary %T", rencheng.Geometry)
	}
	f.wantError(t, http.MethodGet, "/api/v1/exports/regions.geojson?level=province", "", nil, http.StatusBadRequest, "level")
	f.wantError(t, http.MethodGet, "/api/v1/exports/buildings.geojson", "", nil, http.StatusNotFound, "layer")
	f.wantError(t, http.MethodGet, "/api/v1/exports/outlets.geojson?bbox=1,2,3", "", nil, http.StatusBadRequest, "bbox")
}

// readOutletCSV downloads outlets.csv and checks the BOM and header.
func (f *fixture) readOutletCSV(t *testing.T, query string) [][]string {
	t.Helper()
	resp, data := f.download(t, "/api/v1/exports/outlets.csv"+query, "")
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 byte-order mark; starts %q", data[:min(8, len(data))])
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], outletCSVHeader) {
		t.Fatalf("header %v", rows[:min(1, len(rows))])
	}
	return rows[1:]
}

func TestExportOutletsCSV_OpensInExcel(t *testing.T) {
	f := sqliteAPI(t)
	ctx := context.Background()
	o := firstOpenOutlet(t, f.st)
	want, err := f.st.CountOutlets(ctx, store.OutletFilter{District: o.District})
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		return slices.IndexFunc(outletCSVHeader, func(h string) bool { return strings.Contains(h, name) })
	}
	rows := f.readOutletCSV(t, "?district="+o.District)
	if len(rows) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	i := slices.IndexFunc(rows, func(r []string) bool { return r[0] == strconv.FormatInt(o.ID, 10) })
	if i < 0 {
		t.Fatalf("outlet %d missing", o.ID)
	}
	row := rows[i]
	if row[col("名称(name)")] != o.Name || row[col("状态(status)")] != "营业" || row[col("坐标系(crs)")] != "wgs84" || row[col("区县代码(district)")] != o.District {
		t.Errorf("row %v for outlet %+v", row, o)
	}
	if row[col("区县")] == "" || row[col("类别层级(tier)")] == "" {
		t.Errorf("row lacks county or tier names: %v", row)
	}
	lon, _ := strconv.ParseFloat(row[col("经度(lon)")], 64)
	lat, _ := strconv.ParseFloat(row[col("纬度(lat)")], 64)
	if math.Abs(lon-o.Point.Lon()) > 1e-7 || math.Abs(lat-o.Point.Lat()) > 1e-7 {
		t.Errorf("lon/lat %v,%v, stored %v", lon, lat, o.Point)
	}

	gcj := f.readOutletCSV(t, "?crs=gcj02&district="+o.District)
	i = slices.IndexFunc(gcj, func(r []string) bool { return r[0] == strconv.FormatInt(o.ID, 10) })
	wantP := geo.WGS84ToGCJ02(o.Point)
	lon, _ = strconv.ParseFloat(gcj[i][col("经度(lon)")], 64)
	lat, _ = strconv.ParseFloat(gcj[i][col("纬度(lat)")], 64)
	if math.Abs(lon-wantP.Lon()) > 1e-7 || math.Abs(lat-wantP.Lat()) > 1e-7 || gcj[i][col("坐标系(crs)")] != "gcj02" {
		t.Errorf("gcj02 lon/lat %v,%v (%s), want %v", lon, lat, gcj[i][col("坐标系(crs)")], wantP)
	}
	f.wantError(t, http.MethodGet, "/api/v1/exports/outlets.csv?crs=utm", "", nil, http.StatusBadRequest, "crs")
}

func TestCell_DisarmsSpreadsheetFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+86 537":           "'+86 537",
		"-1":                "'-1",
		"@SUM(A1)":          "'@SUM(A1)",
		"济宁便利店":             "济宁便利店",
		"":                  "",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

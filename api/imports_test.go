package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/postgres"
)

const registerFixture = "../app/testdata/jining_register_gcj02.csv"

// postRegister sends a CSV register as user with the given query and
// content type, and returns the status and body.
func postRegister(t *testing.T, f *fixture, user, query, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/imports/outlets?"+query, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

// importCSV imports body as text/csv and wants a report.
func importCSV(t *testing.T, f *fixture, user, query string, body []byte) ImportReport {
	t.Helper()
	status, data := postRegister(t, f, user, query, "text/csv; charset=utf-8", body)
	if status != http.StatusOK {
		t.Fatalf("import ?%s as %s: status %d, body %s", query, user, status, data)
	}
	var rep ImportReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("decode report %s: %v", data, err)
	}
	return rep
}

func readFixture(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// anchorWGS84 maps the GCJ-02 positions of the Amap anchor points to their
// independently derived WGS-84 positions.
func anchorWGS84(t *testing.T) map[orb.Point]orb.Point {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readFixture(t, "../geo/testdata/amap_anchor_points_gcj02.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[orb.Point]orb.Point{}
	for _, r := range rows[1:] {
		var v [4]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(r[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		out[orb.Point{v[0], v[1]}] = orb.Point{v[2], v[3]}
	}
	return out
}

// sourceOutlets returns the stored outlets of source by ref.
func sourceOutlets(t *testing.T, st store.Store, source string) map[string]quarterhour.Outlet {
	t.Helper()
	os, err := st.ListOutlets(context.Background(), store.OutletFilter{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]quarterhour.Outlet{}
	for _, o := range os {
		if _, dup := out[o.SourceRef]; dup {
			t.Fatalf("source %s holds ref %s twice", source, o.SourceRef)
		}
		out[o.SourceRef] = o
	}
	return out
}

// wantRejection checks that rep rejects row with field and a reason
// containing each of words.
func wantRejection(t *testing.T, rep ImportReport, row int, field string, words ...string) {
	t.Helper()
	for _, r := range rep.Rejections {
		if r.Row != row {
			continue
		}
		if r.Field != field {
			t.Errorf("row %d rejected on field %q (%s), want %q", row, r.Field, r.Reason, field)
		}
		for _, w := range words {
			if !strings.Contains(r.Reason, w) {
				t.Errorf("row %d reason %q does not mention %q", row, r.Reason, w)
			}
		}
		return
	}
	t.Errorf("row %d not rejected; rejections %+v", row, rep.Rejections)
}

// gcjRow is one register line at the GCJ-02 position of WGS-84 point p.
func gcjRow(ref, name, category string, p orb.Point) string {
	g := geo.WGS84ToGCJ02(p)
	return fmt.Sprintf("%s,%s,%s,%.7f,%.7f\n", ref, name, category, g[0], g[1])
}

const shortHeader = "编号,名称,类别,经度,纬度\n"

func TestImportOutlets_GCJ02RegisterLandsOnTheDerivedWGS84Positions(t *testing.T) {
	f := sqliteAPI(t)
	data := readFixture(t, registerFixture)
	rep := importCSV(t, f, "admin", "crs=gcj02&source=amap", data)
	if rep.RowsOK != 6 || rep.RowsRejected != 0 || rep.ImportID == 0 {
		t.Fatalf("report %+v, want 6 rows ok, none rejected, an import id", rep)
	}
	if rep.Inserted+rep.Updated+rep.Unchanged != 6 {
		t.Errorf("report %+v: inserted+updated+unchanged != 6", rep)
	}
	anchors := anchorWGS84(t)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	stored := sourceOutlets(t, f.st, "amap")
	worst := 0.0
	for _, r := range rows[1:] {
		o, ok := stored[r[0]]
		if !ok {
			t.Errorf("ref %s not stored", r[0])
			continue
		}
		lon, _ := strconv.ParseFloat(r[3], 64)
		lat, _ := strconv.ParseFloat(r[4], 64)
		want, ok := anchors[orb.Point{lon, lat}]
		if !ok {
			t.Fatalf("row %s: %v,%v is not an anchor point", r[0], lon, lat)
		}
		d := geo.DistanceM(o.Point, want)
		if d > 2 {
			t.Errorf("%s %s stored at %v, %.2f m from the derived WGS-84 %v", r[0], o.Name, o.Point, d, want)
		}
		worst = max(worst, d)
		if o.OriginalCRS != "gcj02" || o.Source != "amap" || o.District == "" || o.H3 == "" {
			t.Errorf("%s: crs %q source %q district %q h3 %q", r[0], o.OriginalCRS, o.Source, o.District, o.H3)
		}
	}
	t.Logf("largest distance from the derived WGS-84 positions: %.3f m", worst)
	wantCategory := map[string]string{
		"QH-T-0001": "convenience_store", "QH-T-0002": "pharmacy",
		"QH-T-0003": "supermarket", // from Amap typecode 060400
		"QH-T-0004": "parcel_point", "QH-T-0005": "laundry",
		"B0FFK4JXLQ": "specialty_dining", // from Amap typecode 050100
	}
	for ref, cat := range wantCategory {
		if got := stored[ref].Category; got != cat {
			t.Errorf("%s category %q, want %q", ref, got, cat)
		}
	}
	shop := stored["QH-T-0001"]
	if shop.Brand != "利群" || !shop.IsChain || shop.FloorAreaM2 != 85 || !shop.AcceptsCash || !shop.AcceptsCard ||
		shop.OpeningHours != "Mo-Su 07:00-22:00" || strings.Join(shop.Services, ",") != "bill_payment,smart_payment" {
		t.Errorf("QH-T-0001 attributes not imported: %+v", shop)
	}
	if got := stored["QH-T-0003"].Services; strings.Join(got, ",") != "bill_payment,delivery" {
		t.Errorf("QH-T-0003 services %v, want bill_payment,delivery", got)
	}
}

func TestImportOutlets_ReimportUpdatesWithoutDuplicates(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370812")
	first := shortHeader + gcjRow("RE-1", "复导便利店", "便利店", p) + gcjRow("RE-2", "复导药店", "药店", orb.Point{p[0] + 0.001, p[1]})
	rep := importCSV(t, f, "admin", "crs=gcj02&source=csv", []byte(first))
	if rep.Inserted != 2 || rep.RowsOK != 2 {
		t.Fatalf("first import %+v, want 2 inserted", rep)
	}
	before := sourceOutlets(t, f.st, "csv")
	rep = importCSV(t, f, "admin", "crs=gcj02&source=csv", []byte(first))
	if rep.Inserted != 0 || rep.Updated != 0 || rep.Unchanged != 2 {
		t.Errorf("same file again: %+v, want 2 unchanged", rep)
	}
	renamed := shortHeader + gcjRow("RE-1", "复导便利店(新店名)", "便利店", p) + gcjRow("RE-2", "复导药店", "药店", orb.Point{p[0] + 0.001, p[1]})
	rep = importCSV(t, f, "admin", "crs=gcj02&source=csv", []byte(renamed))
	if rep.Inserted != 0 || rep.Updated != 1 || rep.Unchanged != 1 {
		t.Errorf("one row renamed: %+v, want 1 updated, 1 unchanged", rep)
	}
	after := sourceOutlets(t, f.st, "csv")
	if len(after) != len(before) {
		t.Errorf("re-imports changed the number of csv outlets from %d to %d", len(before), len(after))
	}
	if after["RE-1"].ID != before["RE-1"].ID || after["RE-1"].Name != "复导便利店(新店名)" || after["RE-1"].Version <= before["RE-1"].Version {
		t.Errorf("RE-1 after rename: %+v, before %+v", after["RE-1"], before["RE-1"])
	}
}

func TestImportOutlets_KeepsValuesOfColumnsTheFileLacks(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	g := geo.WGS84ToGCJ02(p)
	full := fmt.Sprintf("编号,名称,类别,经度,纬度,现金,品牌\nKEEP-1,保留便利店,便利店,%.7f,%.7f,是,统一银座\n", g[0], g[1])
	importCSV(t, f, "admin", "crs=gcj02&source=csv", []byte(full))
	o := sourceOutlets(t, f.st, "csv")["KEEP-1"]
	o.LowMargin = true
	if err := f.st.UpdateOutlet(context.Background(), &o); err != nil {
		t.Fatal(err)
	}
	bare := shortHeader + gcjRow("KEEP-1", "保留便利店", "便利店", p)
	rep := importCSV(t, f, "admin", "crs=gcj02&source=csv", []byte(bare))
	if rep.RowsOK != 1 {
		t.Fatalf("report %+v", rep)
	}
	got := sourceOutlets(t, f.st, "csv")["KEEP-1"]
	if !got.AcceptsCash || got.Brand != "统一银座" || !got.LowMargin {
		t.Errorf("after importing a file without 现金/品牌: cash %v brand %q low-margin %v, want the stored values kept",
			got.AcceptsCash, got.Brand, got.LowMargin)
	}
}

func TestImportOutlets_DryRunWritesNothing(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	body := shortHeader + gcjRow("DRY-1", "试运行便利店", "便利店", p) + gcjRow("DRY-2", "试运行药店", "药店", orb.Point{p[0] + 0.002, p[1]}) +
		"DRY-3,坏行,不存在的类别,116.5,35.4\n"
	importsBefore, err := f.st.ListImports(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	rep := importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", []byte(body))
	if !rep.DryRun || rep.ImportID != 0 || rep.RowsOK != 2 || rep.RowsRejected != 1 || rep.Inserted != 2 {
		t.Errorf("dry run report %+v, want 2 ok (both new), 1 rejected, no import id", rep)
	}
	stored := sourceOutlets(t, f.st, "csv")
	for _, ref := range []string{"DRY-1", "DRY-2", "DRY-3"} {
		if _, ok := stored[ref]; ok {
			t.Errorf("dry run stored %s", ref)
		}
	}
	importsAfter, err := f.st.ListImports(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(importsAfter) != len(importsBefore) {
		t.Errorf("dry run recorded an import batch (%d -> %d)", len(importsBefore), len(importsAfter))
	}
}

func TestImportOutlets_DryRunPredictsTheImport(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	base := shortHeader + gcjRow("PRED-1", "预测便利店", "便利店", p) + gcjRow("PRED-2", "预测药店", "药店", orb.Point{p[0] + 0.002, p[1]})
	importCSV(t, f, "admin", "crs=gcj02&source=csv", []byte(base))
	next := shortHeader + gcjRow("PRED-1", "预测便利店", "便利店", p) + gcjRow("PRED-2", "预测大药房", "药店", orb.Point{p[0] + 0.002, p[1]}) +
		gcjRow("PRED-3", "预测超市", "综合超市", orb.Point{p[0], p[1] + 0.002})
	dry := importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", []byte(next))
	real := importCSV(t, f, "admin", "crs=gcj02&source=csv", []byte(next))
	if dry.Inserted != real.Inserted || dry.Updated != real.Updated || dry.Unchanged != real.Unchanged ||
		real.Inserted != 1 || real.Updated != 1 || real.Unchanged != 1 {
		t.Errorf("dry run predicted %d/%d/%d inserted/updated/unchanged, import did %d/%d/%d, want 1/1/1",
			dry.Inserted, dry.Updated, dry.Unchanged, real.Inserted, real.Updated, real.Unchanged)
	}
}

func TestImportOutlets_RejectsBadRowsWithRowAndField(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	g := geo.WGS84ToGCJ02(p)
	body := "编号,名称,类别,经度,纬度,现金,服务,高德类型\n" +
		fmt.Sprintf("BAD-2,好的便利店,便利店,%.7f,%.7f,,,\n", g[0], g[1]) + // row 2: fine
		"BAD-3,经纬颠倒,便利店,35.415117,116.587116,,,\n" + // row 3
		fmt.Sprintf("BAD-4,太空港,spaceport,%.7f,%.7f,,,\n", g[0], g[1]+0.001) + // row 4
		fmt.Sprintf("BAD-2,重复编号,药店,%.7f,%.7f,,,\n", g[0], g[1]+0.002) + // row 5
		fmt.Sprintf("BAD-6,,药店,%.7f,%.7f,,,\n", g[0], g[1]+0.003) + // row 6
		"BAD-7,北京的店,便利店,116.397128,39.916527,,,\n" + // row 7
		fmt.Sprintf("BAD-8,现金不明,便利店,%.7f,%.7f,也许,,\n", g[0], g[1]+0.004) + // row 8
		fmt.Sprintf("BAD-9,服务不明,便利店,%.7f,%.7f,,算命,\n", g[0], g[1]+0.005) + // row 9
		fmt.Sprintf("BAD-10,类型不明,,%.7f,%.7f,,,999999\n", g[0], g[1]+0.006) + // row 10
		"BAD-11,经度坏,便利店,东经116度,35.4,,,\n" + // row 11
		fmt.Sprintf("BAD-12,多一列,便利店,%.7f,%.7f,,,,额外\n", g[0], g[1]+0.007) + // row 12
		"BAD-13,经度超界,便利店,216.5,35.4,,,\n" // row 13
	rep := importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", []byte(body))
	if rep.RowsOK != 1 || rep.RowsRejected != 11 {
		t.Errorf("rows ok %d rejected %d, want 1 and 11; rejections %+v", rep.RowsOK, rep.RowsRejected, rep.Rejections)
	}
	wantRejection(t, rep, 3, "lat", "swapped")
	wantRejection(t, rep, 4, "category", "spaceport")
	wantRejection(t, rep, 5, "ref", "BAD-2", "row 2")
	wantRejection(t, rep, 6, "name", "required")
	wantRejection(t, rep, 7, "coordinates", "outside every county")
	wantRejection(t, rep, 8, "accepts_cash", "也许")
	wantRejection(t, rep, 9, "services", "算命")
	wantRejection(t, rep, 10, "amap_typecode", "999999")
	wantRejection(t, rep, 11, "lon", "东经116度")
	wantRejection(t, rep, 12, "row", "cells")
	wantRejection(t, rep, 13, "lon", "out of range")
}

func TestImportOutlets_RowNumbersCountLikeASpreadsheet(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	g := geo.WGS84ToGCJ02(p)
	body := "编号,名称,类别,经度,纬度,地址\n" +
		fmt.Sprintf("SP-2,第二行,便利店,%.7f,%.7f,一行地址\n", g[0], g[1]) +
		"\n" + // row 3, blank
		fmt.Sprintf("SP-4,第四行,便利店,%.7f,%.7f,\"两行\n地址\"\n", g[0], g[1]+0.001) + // row 4 spans two lines
		fmt.Sprintf("SP-5,,便利店,%.7f,%.7f,\n", g[0], g[1]+0.002) // row 5
	rep := importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", []byte(body))
	if rep.RowsOK != 2 || len(rep.Rejections) != 1 {
		t.Fatalf("report %+v, want 2 ok and 1 rejected", rep)
	}
	wantRejection(t, rep, 5, "name")
}

func TestImportOutlets_HintsWhenGCJ02IsDeclaredAsWGS84(t *testing.T) {
	f := sqliteAPI(t)
	ix, err := f.api.app.Counties(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The easternmost vertex of the city; GCJ-02 shifts Jining about 500 m
	// east, so a GCJ-02 point of a place just inside the eastern edge, read
	// as WGS-84, lies outside every county.
	var east orb.Point
	for _, c := range ix.Polygons {
		for _, poly := range c.Boundary {
			for _, v := range poly[0] {
				if v[0] > east[0] {
					east = v
				}
			}
		}
	}
	var inside orb.Point
	for _, d := range []float64{0.0005, 0.001, 0.0015, 0.002} {
		if q := (orb.Point{east[0] - d, east[1]}); ix.Locate(q) != "" && ix.Locate(geo.WGS84ToGCJ02(q)) == "" {
			inside = q
			break
		}
	}
	if inside == (orb.Point{}) {
		t.Fatalf("no point just inside the eastern edge near %v", east)
	}
	// The same place inland, where the mix-up cannot be seen.
	inland := countyPoint(t, f.st, "370811")
	body := shortHeader + gcjRow("EDGE-1", "边缘便利店", "便利店", inside) + gcjRow("EDGE-2", "城里便利店", "便利店", inland)

	rep := importCSV(t, f, "admin", "crs=wgs84&source=csv&dry_run=1", []byte(body))
	wantRejection(t, rep, 2, "coordinates", "outside every county", "GCJ-02 declared as WGS-84")
	if rep.RowsOK != 1 {
		t.Errorf("declared wgs84: rows ok %d, want the inland row to land (500 m off, still in Jining)", rep.RowsOK)
	}
	rep = importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", []byte(body))
	if rep.RowsOK != 2 || rep.RowsRejected != 0 {
		t.Errorf("declared gcj02: %+v, want both rows", rep)
	}
}

func TestImportOutlets_SameFileDeclaredWGS84LandsOffsetAndWarnsForAmap(t *testing.T) {
	f := sqliteAPI(t)
	data := readFixture(t, registerFixture)
	rep := importCSV(t, f, "admin", "crs=wgs84&source=amap&dry_run=1", data)
	if rep.RowsOK != 6 {
		t.Errorf("declared wgs84: %+v, want all 6 rows to land in Jining", rep)
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || strings.Contains(w, "GCJ-02")
	}
	if !warned {
		t.Errorf("source amap declared wgs84 gave no GCJ-02 warning: %v", rep.Warnings)
	}
	rep = importCSV(t, f, "admin", "crs=gcj02&source=amap&dry_run=1", data)
	for _, w := range rep.Warnings {
		if strings.Contains(w, "GCJ-02") {
			t.Errorf("source amap declared gcj02 warned %q", w)
		}
	}
}

func TestImportOutlets_DistrictUserImportsOnlyItsOwnRows(t *testing.T) {
	f := sqliteAPI(t)
	own := countyPoint(t, f.st, "370811")
	other := countyPoint(t, f.st, "370812")
	body := shortHeader + gcjRow("DIST-1", "任城便利店", "便利店", own) + gcjRow("DIST-2", "兖州便利店", "便利店", other)
	rep := importCSV(t, f, "rencheng", "crs=gcj02&source=csv", []byte(body))
	if rep.RowsOK != 1 || rep.RowsRejected != 1 || rep.ImportID == 0 {
		t.Fatalf("report %+v, want 1 ok, 1 rejected", rep)
	}
	wantRejection(t, rep, 3, "district", "370812", "370811")
	stored := sourceOutlets(t, f.st, "csv")
	if o, ok := stored["DIST-1"]; !ok || o.District != "370811" {
		t.Errorf("DIST-1 stored %v in %q, want in 370811", ok, o.District)
	}
	if _, ok := stored["DIST-2"]; ok {
		t.Error("DIST-2 of 370812 was stored by a 370811 user")
	}

	// The same ref cannot be taken over by another district's user.
	rep = importCSV(t, f, "yanzhou", "crs=gcj02&source=csv&dry_run=1", []byte(shortHeader+gcjRow("DIST-1", "兖州抢占", "便利店", other)))
	wantRejection(t, rep, 2, "ref", "370811")

	// The admin may import anything.
	rep = importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", []byte(body))
	if rep.RowsOK != 2 {
		t.Errorf("admin: %+v, want both rows", rep)
	}
}

func TestImportOutlets_ZoneUserImportsInItsHostCounties(t *testing.T) {
	f := sqliteAPI(t)
	host := countyPoint(t, f.st, "370812")
	body := shortHeader + gcjRow("ZONE-1", "高新区便利店", "便利店", orb.Point{host[0] + 0.003, host[1]})
	rep := importCSV(t, f, "gaoxin", "crs=gcj02&source=csv", []byte(body))
	if rep.RowsOK != 1 {
		t.Fatalf("zone user: %+v", rep)
	}
	if d := sourceOutlets(t, f.st, "csv")["ZONE-1"].District; d != "370871" {
		t.Errorf("zone outlet in district %q, want 370871", d)
	}
}

func TestImportOutlets_EncodingsAndUploadForms(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	body := shortHeader + gcjRow("ENC-1", "编码便利店", "便利店", p)

	bom := append([]byte("\xef\xbb\xbf"), body...)
	if rep := importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", bom); rep.RowsOK != 1 {
		t.Errorf("UTF-8 with BOM: %+v", rep)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	rep := importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", gbk)
	if rep.RowsOK != 1 || len(rep.Warnings) == 0 || !strings.Contains(rep.Warnings[0], "GBK") {
		t.Errorf("GBK: %+v, want the row and a GBK warning", rep)
	}
	g := geo.WGS84ToGCJ02(p)
	english := "ref,name,category,lon,lat,accepts_card,services\n" +
		fmt.Sprintf("ENC-2,English header shop,Convenience store,%.7f,%.7f,yes,home_visit\n", g[0], g[1])
	if rep := importCSV(t, f, "admin", "crs=gcj02&source=csv&dry_run=1", []byte(english)); rep.RowsOK != 1 {
		t.Errorf("English headers: %+v", rep)
	}

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", "rencheng-register.csv")
	if err != nil {
		t.Fatal(err)
	}
	part.Write([]byte(shortHeader + gcjRow("FORM-1", "表单便利店", "便利店", p)))
	mw.Close()
	status, data := postRegister(t, f, "admin", "crs=gcj02&source=csv", mw.FormDataContentType(), form.Bytes())
	if status != http.StatusOK {
		t.Fatalf("multipart: %d %s", status, data)
	}
	imps, err := f.st.ListImports(context.Background(), 1)
	if err != nil || len(imps) != 1 {
		t.Fatal(err)
	}
	if imps[0].File != "rencheng-register.csv" || imps[0].CRS != "gcj02" || imps[0].Kind != ImportKindOutletsCSV ||
		imps[0].RowsOK != 1 || imps[0].CreatedBy != "admin" {
		t.Errorf("recorded import %+v", imps[0])
	}
}

func TestImportOutlets_RequestErrors(t *testing.T) {
	f := sqliteAPI(t)
	good := []byte(shortHeader + gcjRow("REQ-1", "请求便利店", "便利店", countyPoint(t, f.st, "370811")))
	for _, tt := range []struct {
		name, user, query, ctype string
		body                     []byte
		status                   int
		field                    string
	}{
		{"anonymous", "", "crs=gcj02&source=csv", "text/csv", good, http.StatusUnauthorized, ""},
		{"reviewer", "reviewer", "crs=gcj02&source=csv", "text/csv", good, http.StatusForbidden, ""},
		{"no crs", "admin", "source=csv", "text/csv", good, http.StatusBadRequest, "crs"},
		{"unknown crs", "admin", "crs=utm&source=csv", "text/csv", good, http.StatusBadRequest, "crs"},
		{"no source", "admin", "crs=gcj02", "text/csv", good, http.StatusBadRequest, "source"},
		{"unknown source", "admin", "crs=gcj02&source=weibo", "text/csv", good, http.StatusBadRequest, "source"},
		{"bad dry_run", "admin", "crs=gcj02&source=csv&dry_run=maybe", "text/csv", good, http.StatusBadRequest, "dry_run"},
		{"json body", "admin", "crs=gcj02&source=csv", "application/json", []byte(`{}`), http.StatusUnsupportedMediaType, "Content-Type"},
		{"empty file", "admin", "crs=gcj02&source=csv", "text/csv", nil, http.StatusBadRequest, "file"},
		{"no lon column", "admin", "crs=gcj02&source=csv", "text/csv", []byte("名称,类别,纬度\n店,便利店,35.4\n"), http.StatusBadRequest, "file"},
		{"no category column", "admin", "crs=gcj02&source=csv", "text/csv", []byte("名称,经度,纬度\n店,116.5,35.4\n"), http.StatusBadRequest, "file"},
		{"two name columns", "admin", "crs=gcj02&source=csv", "text/csv", []byte("名称,name,类别,经度,纬度\n"), http.StatusBadRequest, "file"},
		{"broken quotes", "admin", "crs=gcj02&source=csv", "text/csv", []byte("名称,类别,经度,纬度\n\"店,便利店,116.5,35.4\n"), http.StatusBadRequest, "file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, data := postRegister(t, f, tt.user, tt.query, tt.ctype, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d; body %s", status, tt.status, data)
			}
			var e errorBody
			if err := json.Unmarshal(data, &e); err != nil || e.Error == "" {
				t.Fatalf("error body %s: %v", data, err)
			}
			if tt.field != "" && e.Field != tt.field {
				t.Errorf("field %q, want %q (%s)", e.Field, tt.field, e.Error)
			}
		})
	}
}

func TestImports_ListIsForAdminsAndReviewers(t *testing.T) {
	f := sqliteAPI(t)
	importCSV(t, f, "admin", "crs=gcj02&source=csv&file=list-test.csv",
		[]byte(shortHeader+gcjRow("LIST-1", "列表便利店", "便利店", countyPoint(t, f.st, "370811"))+"LIST-2,坏,不存在,116.5,35.4\n"))
	for _, user := range []string{"admin", "reviewer"} {
		var out struct {
			Imports []quarterhour.Import `json:"imports"`
		}
		f.do(t, http.MethodGet, "/api/v1/imports?limit=1", user, nil, http.StatusOK, &out)
		if len(out.Imports) != 1 {
			t.Fatalf("%s: %d imports, want 1 (limit)", user, len(out.Imports))
		}
		imp := out.Imports[0]
		var rej []Rejection
		if err := json.Unmarshal(imp.Rejections, &rej); err != nil {
			t.Fatalf("rejections %s: %v", imp.Rejections, err)
		}
		if imp.File != "list-test.csv" || imp.RowsOK != 1 || imp.RowsRejected != 1 || len(rej) != 1 || rej[0].Row != 3 || rej[0].Field != "category" {
			t.Errorf("%s: latest import %+v, rejections %+v", user, imp, rej)
		}
	}
	f.wantError(t, http.MethodGet, "/api/v1/imports", "rencheng", nil, http.StatusForbidden, "")
	f.wantError(t, http.MethodGet, "/api/v1/imports", "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodGet, "/api/v1/imports?limit=0", "admin", nil, http.StatusBadRequest, "limit")
}

// BenchmarkImportOutlets_DryRun measures checking a register of 1,000
// GCJ-02 rows spread over central Jining.
func BenchmarkImportOutlets_DryRun(b *testing.B) {
	f := sqliteAPI(&testing.T{})
	var body strings.Builder
	body.WriteString(shortHeader)
	for i := range 1000 {
		p := orb.Point{116.50 + float64(i%40)*0.005, 35.33 + float64(i/40)*0.0045}
		body.WriteString(gcjRow(fmt.Sprintf("BENCH-%d", i), fmt.Sprintf("网点%d", i), "便利店", p))
	}
	data := []byte(body.String())
	req := OutletImport{CRS: geo.GCJ02, Source: "csv", File: "bench.csv", DryRun: true}
	b.ResetTimer()
	for b.Loop() {
		rep, err := f.api.ImportOutlets(context.Background(), bytes.NewReader(data), req)
		if err != nil || rep.RowsOK+rep.RowsRejected != 1000 {
			b.Fatalf("%v %+v", err, rep)
		}
	}
}

// TestPostgres_OutletImportRoundTrip imports the GCJ-02 register into
// PostgreSQL twice and checks positions, the second pass's counts and the
// recorded batches.
func TestPostgres_OutletImportRoundTrip(t *testing.T) {
	st, err := postgres.Open(context.Background(), throwawayDatabase(t))
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	f, err := newFixture(st, Config{})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	defer func() {
		f.srv.Close()
		st.Close()
	}()
	data := readFixture(t, registerFixture)
	rep := importCSV(t, f, "admin", "crs=gcj02&source=amap", data)
	if rep.Inserted != 6 || rep.ImportID == 0 {
		t.Fatalf("first import %+v, want 6 inserted", rep)
	}
	rep = importCSV(t, f, "admin", "crs=gcj02&source=amap", data)
	if rep.Unchanged != 6 || rep.Inserted+rep.Updated != 0 {
		t.Errorf("second import %+v, want 6 unchanged", rep)
	}
	anchors := anchorWGS84(t)
	stored := sourceOutlets(t, st, "amap")
	if len(stored) != 6 {
		t.Errorf("%d amap outlets stored, want 6", len(stored))
	}
	for _, o := range stored {
		g := geo.WGS84ToGCJ02(o.Point)
		best := math.Inf(1)
		for _, want := range anchors {
			best = min(best, geo.DistanceM(o.Point, want))
		}
		if best > 2 || o.OriginalCRS != "gcj02" {
			t.Errorf("%s at %v (gcj02 %v) is %.2f m from the nearest derived anchor, crs %q", o.SourceRef, o.Point, g, best, o.OriginalCRS)
		}
	}
	imps, err := st.ListImports(context.Background(), 2)
	if err != nil || len(imps) != 2 || imps[0].Kind != ImportKindOutletsCSV || imps[0].RowsOK != 6 {
		t.Errorf("recorded imports %+v (%v)", imps, err)
	}
}

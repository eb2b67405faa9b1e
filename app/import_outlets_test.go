package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
)

func TestImportOutlets_GCJ02RegisterLandsOnTheDerivedWGS84Positions(t *testing.T) {
	f := registerFixture(t)
	data := readTestFile(t, registerCSV)
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "amap", false), data)
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
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370812")
	first := shortHeader + gcjRow("RE-1", "复导便利店", "便利店", p) + gcjRow("RE-2", "复导药店", "药店", orb.Point{p[0] + 0.001, p[1]})
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", false), []byte(first))
	if rep.Inserted != 2 || rep.RowsOK != 2 {
		t.Fatalf("first import %+v, want 2 inserted", rep)
	}
	before := sourceOutlets(t, f.st, "csv")
	rep = f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", false), []byte(first))
	if rep.Inserted != 0 || rep.Updated != 0 || rep.Unchanged != 2 {
		t.Errorf("same file again: %+v, want 2 unchanged", rep)
	}
	renamed := shortHeader + gcjRow("RE-1", "复导便利店(新店名)", "便利店", p) + gcjRow("RE-2", "复导药店", "药店", orb.Point{p[0] + 0.001, p[1]})
	rep = f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", false), []byte(renamed))
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
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370811")
	g := geo.WGS84ToGCJ02(p)
	full := fmt.Sprintf("编号,名称,类别,经度,纬度,现金,品牌\nKEEP-1,保留便利店,便利店,%.7f,%.7f,是,统一银座\n", g[0], g[1])
	f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", false), []byte(full))
	o := sourceOutlets(t, f.st, "csv")["KEEP-1"]
	o.LowMargin = true
	if err := f.st.UpdateOutlet(context.Background(), &o); err != nil {
		t.Fatal(err)
	}
	bare := shortHeader + gcjRow("KEEP-1", "保留便利店", "便利店", p)
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", false), []byte(bare))
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
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370811")
	body := shortHeader + gcjRow("DRY-1", "试运行便利店", "便利店", p) + gcjRow("DRY-2", "试运行药店", "药店", orb.Point{p[0] + 0.002, p[1]}) +
		"DRY-3,坏行,不存在的类别,116.5,35.4\n"
	importsBefore, err := f.st.ListImports(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), []byte(body))
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
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370811")
	base := shortHeader + gcjRow("PRED-1", "预测便利店", "便利店", p) + gcjRow("PRED-2", "预测药店", "药店", orb.Point{p[0] + 0.002, p[1]})
	f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", false), []byte(base))
	next := shortHeader + gcjRow("PRED-1", "预测便利店", "便利店", p) + gcjRow("PRED-2", "预测大药房", "药店", orb.Point{p[0] + 0.002, p[1]}) +
		gcjRow("PRED-3", "预测超市", "综合超市", orb.Point{p[0], p[1] + 0.002})
	dry := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), []byte(next))
	real := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", false), []byte(next))
	if dry.Inserted != real.Inserted || dry.Updated != real.Updated || dry.Unchanged != real.Unchanged ||
		real.Inserted != 1 || real.Updated != 1 || real.Unchanged != 1 {
		t.Errorf("dry run predicted %d/%d/%d inserted/updated/unchanged, import did %d/%d/%d, want 1/1/1",
			dry.Inserted, dry.Updated, dry.Unchanged, real.Inserted, real.Updated, real.Unchanged)
	}
}

func TestImportOutlets_RejectsBadRowsWithRowAndField(t *testing.T) {
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370811")
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
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), []byte(body))
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
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370811")
	g := geo.WGS84ToGCJ02(p)
	body := "编号,名称,类别,经度,纬度,地址\n" +
		fmt.Sprintf("SP-2,第二行,便利店,%.7f,%.7f,一行地址\n", g[0], g[1]) +
		"\n" + // row 3, blank
		fmt.Sprintf("SP-4,第四行,便利店,%.7f,%.7f,\"两行\n地址\"\n", g[0], g[1]+0.001) + // row 4 spans two lines
		fmt.Sprintf("SP-5,,便利店,%.7f,%.7f,\n", g[0], g[1]+0.002) // row 5
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), []byte(body))
	if rep.RowsOK != 2 || len(rep.Rejections) != 1 {
		t.Fatalf("report %+v, want 2 ok and 1 rejected", rep)
	}
	wantRejection(t, rep, 5, "name")
}

func TestImportOutlets_HintsWhenGCJ02IsDeclaredAsWGS84(t *testing.T) {
	f := registerFixture(t)
	ix, err := f.a.Counties(context.Background())
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
	inland := insideCounty(t, f.st, "370811")
	body := shortHeader + gcjRow("EDGE-1", "边缘便利店", "便利店", inside) + gcjRow("EDGE-2", "城里便利店", "便利店", inland)

	rep := f.importOutlets(t, importAdmin, csvImport(geo.WGS84, "csv", true), []byte(body))
	wantRejection(t, rep, 2, "coordinates", "outside every county", "GCJ-02 declared as WGS-84")
	if rep.RowsOK != 1 {
		t.Errorf("declared wgs84: rows ok %d, want the inland row to land (500 m off, still in Jining)", rep.RowsOK)
	}
	rep = f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), []byte(body))
	if rep.RowsOK != 2 || rep.RowsRejected != 0 {
		t.Errorf("declared gcj02: %+v, want both rows", rep)
	}
}

func TestImportOutlets_SameFileDeclaredWGS84LandsOffsetAndWarnsForAmap(t *testing.T) {
	f := registerFixture(t)
	data := readTestFile(t, registerCSV)
	rep := f.importOutlets(t, importAdmin, csvImport(geo.WGS84, "amap", true), data)
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
	rep = f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "amap", true), data)
	for _, w := range rep.Warnings {
		if strings.Contains(w, "GCJ-02") {
			t.Errorf("source amap declared gcj02 warned %q", w)
		}
	}
}

func TestImportOutlets_DistrictUserImportsOnlyItsOwnRows(t *testing.T) {
	f := registerFixture(t)
	own := insideCounty(t, f.st, "370811")
	other := insideCounty(t, f.st, "370812")
	body := shortHeader + gcjRow("DIST-1", "任城便利店", "便利店", own) + gcjRow("DIST-2", "兖州便利店", "便利店", other)
	rep := f.importOutlets(t, importRencheng, csvImport(geo.GCJ02, "csv", false), []byte(body))
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
	rep = f.importOutlets(t, importYanzhou, csvImport(geo.GCJ02, "csv", true), []byte(shortHeader+gcjRow("DIST-1", "兖州抢占", "便利店", other)))
	wantRejection(t, rep, 2, "ref", "370811")

	// The admin may import anything.
	rep = f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), []byte(body))
	if rep.RowsOK != 2 {
		t.Errorf("admin: %+v, want both rows", rep)
	}
}

func TestImportOutlets_ZoneUserImportsInItsHostCounties(t *testing.T) {
	f := registerFixture(t)
	host := insideCounty(t, f.st, "370812")
	body := shortHeader + gcjRow("ZONE-1", "高新区便利店", "便利店", orb.Point{host[0] + 0.003, host[1]})
	rep := f.importOutlets(t, importGaoxin, csvImport(geo.GCJ02, "csv", false), []byte(body))
	if rep.RowsOK != 1 {
		t.Fatalf("zone user: %+v", rep)
	}
	if d := sourceOutlets(t, f.st, "csv")["ZONE-1"].District; d != "370871" {
		t.Errorf("zone outlet in district %q, want 370871", d)
	}
}

func TestImportOutlets_ReadsBOMGBKAndEnglishHeaders(t *testing.T) {
	f := registerFixture(t)
	p := insideCounty(t, f.st, "370811")
	body := shortHeader + gcjRow("ENC-1", "编码便利店", "便利店", p)

	bom := append([]byte("\xef\xbb\xbf"), body...)
	if rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), bom); rep.RowsOK != 1 {
		t.Errorf("UTF-8 with BOM: %+v", rep)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), gbk)
	if rep.RowsOK != 1 || len(rep.Warnings) == 0 || !strings.Contains(rep.Warnings[0], "GBK") {
		t.Errorf("GBK: %+v, want the row and a GBK warning", rep)
	}
	g := geo.WGS84ToGCJ02(p)
	english := "ref,name,category,lon,lat,accepts_card,services\n" +
		fmt.Sprintf("ENC-2,English header shop,Convenience store,%.7f,%.7f,yes,home_visit\n", g[0], g[1])
	if rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), []byte(english)); rep.RowsOK != 1 {
		t.Errorf("English headers: %+v", rep)
	}

}

// BenchmarkImportOutlets_DryRun measures checking a register of 1,000
// GCJ-02 rows spread over central Jining.
func BenchmarkImportOutlets_DryRun(b *testing.B) {
	f := registerFixture(b)
	var body strings.Builder
	body.WriteString(shortHeader)
	for i := range 1000 {
		p := orb.Point{116.50 + float64(i%40)*0.005, 35.33 + float64(i/40)*0.0045}
		body.WriteString(gcjRow(fmt.Sprintf("BENCH-%d", i), fmt.Sprintf("网点%d", i), "便利店", p))
	}
	data := []byte(body.String())
	req := app.RegisterImport{CRS: crsOf(geo.GCJ02), Source: "csv", File: "bench.csv", DryRun: true}
	b.ResetTimer()
	for b.Loop() {
		rep, err := f.a.ImportOutlets(context.Background(), importAdmin, bytes.NewReader(data), req)
		if err != nil || rep.RowsOK+rep.RowsRejected != 1000 {
			b.Fatalf("%v %+v", err, rep)
		}
	}
}

// TestPostgres_OutletImportRoundTrip imports the GCJ-02 register into
// PostgreSQL twice and checks positions, the second pass's counts and the
// recorded batches.
func TestPostgres_OutletImportRoundTrip(t *testing.T) {
	f := postgresRegisterApp(t)
	st := f.st
	data := readTestFile(t, registerCSV)
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "amap", false), data)
	if rep.Inserted != 6 || rep.ImportID == 0 {
		t.Fatalf("first import %+v, want 6 inserted", rep)
	}
	rep = f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "amap", false), data)
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
	if err != nil || len(imps) != 2 || imps[0].Kind != app.ImportKindOutletsCSV || imps[0].RowsOK != 6 {
		t.Errorf("recorded imports %+v (%v)", imps, err)
	}
}

func TestImportOutlets_RecordsTheBatch(t *testing.T) {
	f := registerFixture(t)
	req := csvImport(geo.GCJ02, "csv", false)
	req.File = "rencheng-register.csv"
	rep := f.importOutlets(t, importRencheng, req, []byte(shortHeader+gcjRow("BATCH-1", "批次便利店", "便利店", insideCounty(t, f.st, "370811"))))
	imps, err := f.st.ListImports(context.Background(), 1)
	if err != nil || len(imps) != 1 {
		t.Fatal(err)
	}
	if imp := imps[0]; imp.ID != rep.ImportID || imp.File != "rencheng-register.csv" || imp.CRS != "gcj02" ||
		imp.Kind != app.ImportKindOutletsCSV || imp.RowsOK != 1 || imp.CreatedBy != "rencheng" {
		t.Errorf("recorded import %+v, report %+v", imp, rep)
	}
}

func TestImportOutlets_RequestErrors(t *testing.T) {
	f := registerFixture(t)
	good := []byte(shortHeader + gcjRow("REQ-1", "请求便利店", "便利店", insideCounty(t, f.st, "370811")))
	for _, tt := range []struct {
		name        string
		user        *quarterhour.User
		req         app.RegisterImport
		body        []byte
		code, field string
	}{
		{"anonymous", nil, csvImport(geo.GCJ02, "csv", true), good, quarterhour.EUnauthenticated, ""},
		{"reviewer", importReviewer, csvImport(geo.GCJ02, "csv", true), good, quarterhour.EForbidden, ""},
		{"another district", importRencheng, app.RegisterImport{CRS: crsOf(geo.GCJ02), Source: "csv", District: "370812"}, good, quarterhour.EForbidden, "district"},
		{"no crs", importAdmin, csvImport("", "csv", true), good, quarterhour.EInvalid, "crs"},
		{"no source", importAdmin, csvImport(geo.GCJ02, "", true), good, quarterhour.EInvalid, "source"},
		{"unknown source", importAdmin, csvImport(geo.GCJ02, "weibo", true), good, quarterhour.EInvalid, "source"},
		{"format not the content's", importAdmin, app.RegisterImport{CRS: crsOf(geo.GCJ02), Source: "csv", Format: app.FormatShapefile}, good, quarterhour.EUnsupportedMedia, "format"},
		{"old Excel", importAdmin, csvImport(geo.GCJ02, "csv", true), []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), quarterhour.EUnsupportedMedia, "format"},
		{"empty file", importAdmin, csvImport(geo.GCJ02, "csv", true), nil, quarterhour.EInvalid, "file"},
		{"not text", importAdmin, csvImport(geo.GCJ02, "csv", true), []byte{0xff, 0xfe, 0x00, 0x81}, quarterhour.EInvalid, "file"},
		{"no lon column", importAdmin, csvImport(geo.GCJ02, "csv", true), []byte("名称,类别,纬度\n店,便利店,35.4\n"), quarterhour.EInvalid, "file"},
		{"no category column", importAdmin, csvImport(geo.GCJ02, "csv", true), []byte("名称,经度,纬度\n店,116.5,35.4\n"), quarterhour.EInvalid, "file"},
		{"two name columns", importAdmin, csvImport(geo.GCJ02, "csv", true), []byte("名称,name,类别,经度,纬度\n"), quarterhour.EInvalid, "file"},
		{"broken quotes", importAdmin, csvImport(geo.GCJ02, "csv", true), []byte("名称,类别,经度,纬度\n\"店,便利店,116.5,35.4\n"), quarterhour.EInvalid, "file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := f.a.ImportOutlets(context.Background(), tt.user, bytes.NewReader(tt.body), tt.req)
			if err == nil {
				t.Fatalf("imported: %+v", rep)
			}
			wantCode(t, err, tt.code, tt.field)
		})
	}
}

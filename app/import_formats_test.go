package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/shp/shptest"
	"github.com/quarterhour/quarterhour/store"
)

// The zipped Shapefiles of geo/shp: community polygons in EPSG:4548 with
// GBK attributes, and their vertices converted by PROJ's cs2cs.
const (
	shpCommunities      = "../geo/shp/testdata/communities.zip"
	shpCommunitiesWGS84 = "../geo/shp/testdata/communities_wgs84.csv"
	shpOutlets          = "../geo/shp/testdata/outlets.zip"
)

// amapRow is a row of an Amap place-search export.
type amapRow struct {
	id, name, typ, typecode, location string
}

// amapWorkbook writes rows as Amap exports them to Excel: id, name, type,
// typecode, address, location ("lng,lat" in GCJ-02), pname, cityname,
// adname; a blank row after the second.
func amapWorkbook(t *testing.T, rows []amapRow, withID bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "高德POI"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	header := []any{"name", "type", "typecode", "address", "location", "pname", "cityname", "adname"}
	if withID {
		header = append([]any{"id"}, header...)
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		t.Fatal(err)
	}
	line := 2
	for i, r := range rows {
		if i == 2 {
			line++ // a blank row, as exports saved by hand have
		}
		cells := []any{r.name, r.typ, r.typecode, "济宁市任城区", r.location, "山东省", "济宁市", "任城区"}
		if withID {
			cells = append([]any{r.id}, cells...)
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", line), &cells); err != nil {
			t.Fatal(err)
		}
		line++
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// anchorRows are the six Amap anchor points as export rows, by their
// GCJ-02 positions, with the Amap types of invented outlets there.
func anchorRows(t *testing.T) ([]amapRow, []orb.Point) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readTestFile(t, "../geo/testdata/amap_anchor_points_gcj02.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	types := [][2]string{
		{"购物服务;便民商店/便利店;便利店", "060200"},
		{"医疗保健服务;医药保健销售店;药房", "090601"},
		{"购物服务;综合市场;蔬菜市场", ""},       // no typecode: by text
		{"生活服务;物流速递;物流速递", "070000"}, // a typecode that maps nowhere: by text
		{"医疗保健服务;诊所;诊所", "090300"},
		{"餐饮服务;中餐厅;中餐厅", "050100|050000"}, // typecode wins
	}
	var out []amapRow
	var gcj []orb.Point
	for i, r := range rows[1:] {
		lon, _ := strconv.ParseFloat(r[1], 64)
		lat, _ := strconv.ParseFloat(r[2], 64)
		gcj = append(gcj, orb.Point{lon, lat})
		out = append(out, amapRow{id: fmt.Sprintf("B0XLSX%04d", i+1), name: fmt.Sprintf("表格网点%d", i+1),
			typ: types[i][0], typecode: types[i][1], location: r[1] + "," + r[2]})
	}
	return out, gcj
}

func TestImportOutlets_AmapXLSXLandsWithinAMetreOfTheDerivedWGS84(t *testing.T) {
	f := registerFixture(t)
	rows, gcj := anchorRows(t)
	bad := []amapRow{
		{id: "B0XLSX0101", name: "经纬颠倒", typ: "购物服务;便民商店/便利店;便利店", typecode: "060200", location: "35.415222,116.568183"},
		{id: "B0XLSX0102", name: "加油站", typ: "汽车服务;加油站;加油站", typecode: "010100", location: "116.568183,35.415222"},
		{id: "B0XLSX0103", name: "无坐标", typ: "购物服务;便民商店/便利店;便利店", typecode: "060200", location: "[]"},
	}
	book := amapWorkbook(t, append(rows, bad...), true)
	req := app.RegisterImport{File: "济宁POI.xlsx", Source: "amap", CRS: mustCRS(t, "gcj02")}
	dry := req
	dry.DryRun = true
	rep := f.importOutlets(t, importAdmin, dry, book)
	if rep.Format != app.FormatXLSX || rep.CRS != "gcj02" || rep.CRSFrom != "declared" || rep.RowsOK != 6 || rep.Inserted != 6 {
		t.Fatalf("dry run %+v", rep)
	}
	// Rows 2 and 3, a blank row 4, then rows 5 to 11.
	wantRejection(t, rep, 9, "location", "lat,lng")
	wantRejection(t, rep, 10, "amap_typecode", "010100", "加油站")
	wantRejection(t, rep, 11, "location", "empty")
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "2 rows") ||
		!strings.Contains(rep.Warnings[0], "row 5 (购物服务;综合市场;蔬菜市场 → wet_market)") ||
		!strings.Contains(rep.Warnings[0], "row 6 (生活服务;物流速递;物流速递 → parcel_point)") {
		t.Errorf("warnings %q: want one naming rows 5 and 6 as mapped by the type text, and none for pname, cityname, adname", rep.Warnings)
	}

	rep = f.importOutlets(t, importAdmin, req, book)
	if rep.ImportID == 0 || rep.Inserted != 6 || rep.RowsRejected != 3 {
		t.Fatalf("import %+v", rep)
	}
	anchors := anchorWGS84(t)
	stored := sourceOutlets(t, f.st, "amap")
	wantCategory := []string{"convenience_store", "pharmacy", "wet_market", "parcel_point", "health_station", "specialty_dining"}
	worst := 0.0
	for i, r := range rows {
		o, ok := stored[r.id]
		if !ok {
			t.Fatalf("%s not stored", r.id)
		}
		d := geo.DistanceM(o.Point, anchors[gcj[i]])
		worst = math.Max(worst, d)
		if d > 1 {
			t.Errorf("%s stored at %v, %.3f m from the derived WGS-84 %v", r.id, o.Point, d, anchors[gcj[i]])
		}
		if o.Category != wantCategory[i] || o.OriginalCRS != "gcj02" || o.Address != "济宁市任城区" || o.District != "370811" {
			t.Errorf("%s: category %s, crs %s, address %q, district %s", r.id, o.Category, o.OriginalCRS, o.Address, o.District)
		}
	}
	t.Logf("Amap XLSX: largest distance from the derived WGS-84 positions %.3f m", worst)
	imps, err := f.st.ListImports(context.Background(), 1)
	if err != nil || imps[0].Kind != "outlets-xlsx" || imps[0].CRS != "gcj02" || imps[0].File != "济宁POI.xlsx" || imps[0].RowsRejected != 3 {
		t.Errorf("recorded %+v (%v)", imps, err)
	}
	// The id column keys the rows: the same export again changes nothing.
	if again := f.importOutlets(t, importAdmin, req, book); again.Unchanged != 6 || again.Inserted != 0 {
		t.Errorf("re-import %+v", again)
	}
}

func TestImportOutlets_XLSXWithoutIDIsKeyedByContent(t *testing.T) {
	f := registerFixture(t)
	rows, _ := anchorRows(t)
	for i := range rows {
		rows[i].name = fmt.Sprintf("无编号网点%d", i+1)
	}
	book := amapWorkbook(t, rows, false)
	req := app.RegisterImport{File: "poi.xlsx", Source: "amap", CRS: mustCRS(t, "amap")}
	if rep := f.importOutlets(t, importAdmin, req, book); rep.Inserted != 6 {
		t.Fatalf("first import %+v", rep)
	}
	if rep := f.importOutlets(t, importAdmin, req, book); rep.Unchanged != 6 || rep.Inserted != 0 {
		t.Errorf("re-import %+v: want every row keyed by its name and position", rep)
	}
	for ref, o := range sourceOutlets(t, f.st, "amap") {
		if strings.HasPrefix(o.Name, "无编号网点") && !strings.HasPrefix(ref, "sha256:") {
			t.Errorf("%s has ref %s", o.Name, ref)
		}
	}
}

func TestImportOutlets_XLSXSheetAndColumns(t *testing.T) {
	f := registerFixture(t)
	p := geo.WGS84ToGCJ02(insideCounty(t, f.st, "370811"))
	x := excelize.NewFile()
	x.SetCellValue("Sheet1", "A1", "说明：本表为测试")
	x.NewSheet("网点")
	for cell, v := range map[string]any{
		"A2": "名称", "B2": "类别", "C2": "经度", "D2": "纬度", "E2": "编号",
		"A3": "工作表便利店", "B3": "便利店", "C3": p[0], "D3": p[1], "E3": "SHEET-1",
		"A4": "多出一列", "B4": "便利店", "C4": p[0], "D4": p[1], "E4": "SHEET-2", "G4": "额外",
	} {
		x.SetCellValue("网点", cell, v)
	}
	var buf bytes.Buffer
	x.Write(&buf)
	req := app.RegisterImport{File: "register.xlsx", Source: "csv", CRS: mustCRS(t, "gcj02"), DryRun: true}
	_, err := f.a.ImportOutlets(context.Background(), importAdmin, bytes.NewReader(buf.Bytes()), req)
	wantCode(t, err, quarterhour.EInvalid, "file") // the first sheet holds no register
	req.Sheet = "网点"
	rep := f.importOutlets(t, importAdmin, req, buf.Bytes())
	if rep.RowsOK != 1 {
		t.Errorf("sheet 网点: %+v", rep)
	}
	wantRejection(t, rep, 4, "row", "column G")
	req.Sheet = "汇总"
	_, err = f.a.ImportOutlets(context.Background(), importAdmin, bytes.NewReader(buf.Bytes()), req)
	wantCode(t, err, quarterhour.EInvalid, "file")
}

// projectedPoints are WGS-84 points inside Rencheng and their EPSG:4548
// coordinates.
func projectedPoints(t *testing.T, f *registerApp, n int) ([]orb.Point, []orb.Point) {
	t.Helper()
	gk := mustCRS(t, "EPSG:4548")
	c := insideCounty(t, f.st, "370811")
	var wgs, xy []orb.Point
	for i := range n {
		w := orb.Point{c[0] + 0.002*float64(i), c[1] + 0.001*float64(i)}
		p, err := gk.FromWGS84(w)
		if err != nil {
			t.Fatal(err)
		}
		wgs, xy = append(wgs, w), append(xy, p)
	}
	return wgs, xy
}

func TestImportOutlets_ProjectedCoordinatesInEveryFormat(t *testing.T) {
	f := registerFixture(t)
	wgs, xy := projectedPoints(t, f, 2)
	gk := mustCRS(t, "EPSG:4548")

	// CSV with x and y in metres: the CRS must be declared.
	body := fmt.Sprintf("编号,名称,类别,x,y\nGK-CSV-1,投影便利店,便利店,%.3f,%.3f\nGK-CSV-2,投影药店,药店,%.3f,%.3f\n", xy[0][0], xy[0][1], xy[1][0], xy[1][1])
	_, err := f.a.ImportOutlets(context.Background(), importAdmin, strings.NewReader(body), app.RegisterImport{Source: "csv", File: "gk.csv"})
	wantCode(t, err, quarterhour.EInvalid, "crs")
	if err == nil || !strings.Contains(err.Error(), "never guessed") || !strings.Contains(err.Error(), "EPSG:4548") {
		t.Errorf("no CRS for metres: %v", err)
	}
	_, err = f.a.ImportOutlets(context.Background(), importAdmin, strings.NewReader(body), app.RegisterImport{Source: "csv", File: "gk.csv", CRS: mustCRS(t, "wgs84")})
	if wantCode(t, err, quarterhour.EInvalid, "crs"); err == nil || !strings.Contains(err.Error(), "EPSG:4548") {
		t.Errorf("wgs84 declared for metres: %v", err)
	}
	rep := f.importOutlets(t, importAdmin, app.RegisterImport{Source: "csv", File: "gk.csv", CRS: gk}, []byte(body))
	if rep.RowsOK != 2 || rep.CRS != "EPSG:4548" {
		t.Fatalf("CSV in EPSG:4548: %+v", rep)
	}
	stored := sourceOutlets(t, f.st, "csv")
	for i, ref := range []string{"GK-CSV-1", "GK-CSV-2"} {
		if d := geo.DistanceM(stored[ref].Point, wgs[i]); d > 0.01 || stored[ref].OriginalCRS != "EPSG:4548" {
			t.Errorf("%s %.4f m off, crs %s", ref, d, stored[ref].OriginalCRS)
		}
	}

	// GeoJSON points declaring EPSG:4548 in their crs member.
	fc := map[string]any{"type": "FeatureCollection",
		"crs": map[string]any{"type": "name", "properties": map[string]any{"name": "urn:ogc:def:crs:EPSG::4548"}},
		"features": []any{
			map[string]any{"type": "Feature", "properties": map[string]any{"name": "点要素便利店", "typecode": "060200", "id": "GK-GJ-1"},
				"geometry": map[string]any{"type": "Point", "coordinates": []float64{xy[0][0], xy[0][1]}}},
			map[string]any{"type": "Feature", "properties": map[string]any{"name": "线要素", "typecode": "060200", "id": "GK-GJ-2"},
				"geometry": map[string]any{"type": "LineString", "coordinates": [][]float64{{xy[0][0], xy[0][1]}, {xy[1][0], xy[1][1]}}}},
			map[string]any{"type": "Feature", "properties": map[string]any{"name": "无几何", "typecode": "060200", "id": "GK-GJ-3"}, "geometry": nil},
		}}
	gj, _ := json.Marshal(fc)
	rep = f.importOutlets(t, importAdmin, app.RegisterImport{Source: "csv", File: "gk.geojson"}, gj)
	if rep.Format != app.FormatGeoJSON || rep.CRS != "EPSG:4548" || rep.CRSFrom != "the GeoJSON crs member" || rep.RowsOK != 1 {
		t.Fatalf("GeoJSON in EPSG:4548: %+v", rep)
	}
	wantRejection(t, rep, 2, "geometry", "LineString")
	wantRejection(t, rep, 3, "coordinates", "Point geometry")
	if d := geo.DistanceM(sourceOutlets(t, f.st, "csv")["GK-GJ-1"].Point, wgs[0]); d > 0.01 {
		t.Errorf("GeoJSON point %.4f m off", d)
	}
	// A declared CRS that contradicts the file's is refused.
	_, err = f.a.ImportOutlets(context.Background(), importAdmin, bytes.NewReader(gj), app.RegisterImport{Source: "csv", File: "gk.geojson", CRS: mustCRS(t, "gcj02")})
	if wantCode(t, err, quarterhour.EInvalid, "crs"); err == nil || !strings.Contains(err.Error(), "the GeoJSON crs member says EPSG:4548") {
		t.Errorf("conflicting CRS: %v", err)
	}
}

func TestImportOutlets_OneSwappedRowIsARowRejection(t *testing.T) {
	f := registerFixture(t)
	rep := f.importOutlets(t, importAdmin, csvImport(geo.GCJ02, "csv", true), []byte(shortHeader+"SWAP-1,颠倒便利店,便利店,35.415117,116.587116\n"))
	wantRejection(t, rep, 2, "lat", "swapped")
}

func TestImportOutlets_ShapefilePoints(t *testing.T) {
	f := registerFixture(t)
	// Two points in EPSG:4490 (.prj) with a typecode, and a null shape.
	rep := f.importOutlets(t, importAdmin, app.RegisterImport{Source: "csv", File: "outlets.zip", DryRun: true}, readTestFile(t, shpOutlets))
	if rep.Format != app.FormatShapefile || rep.CRS != "EPSG:4490" || rep.CRSFrom != "outlets.prj" || rep.RowsOK != 1 {
		t.Fatalf("report %+v", rep)
	}
	// 090602 and its middle class 090600 map to no category.
	wantRejection(t, rep, 2, "amap_typecode", "090602")
	wantRejection(t, rep, 3, "coordinates", "required")
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, `"open"`) }) {
		t.Errorf("warnings %q: want the unknown column open", rep.Warnings)
	}
}

// communityTruth maps the EPSG:4548 vertices of the community fixture to
// their WGS-84 (CGCS2000) positions from cs2cs.
func communityTruth(t *testing.T) map[orb.Point]orb.Point {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readTestFile(t, shpCommunitiesWGS84))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[orb.Point]orb.Point{}
	for _, r := range rows[1:] {
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(r[i], 64)
		}
		out[orb.Point{v[0], v[1]}] = orb.Point{v[2], v[3]}
	}
	return out
}

func TestImportCommunities_ShapefileInEPSG4548WithGBKLandsWithinAMetre(t *testing.T) {
	f := registerFixture(t)
	data := readTestFile(t, shpCommunities)
	req := app.RegisterImport{Source: "register", File: "communities.zip"}
	rep := f.importCommunities(t, importAdmin, req, data)
	if rep.Format != app.FormatShapefile || rep.CRS != "EPSG:4548" || rep.CRSFrom != "communities.prj" || rep.RowsOK != 3 || rep.Inserted != 3 {
		t.Fatalf("report %+v", rep)
	}
	for _, col := range []string{"面积", "街道", "更新"} {
		if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, col) }) {
			t.Errorf("warnings %q do not name the unknown column %s", rep.Warnings, col)
		}
	}
	imps, err := f.st.ListImports(context.Background(), 1)
	if err != nil || imps[0].Kind != "communities-shapefile" || imps[0].CRS != "EPSG:4548" {
		t.Errorf("recorded %+v (%v)", imps, err)
	}
	all, err := f.st.ListCommunities(context.Background(), store.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]quarterhour.Community{}
	for _, c := range all {
		if c.Source == "register" && slices.Contains([]string{"幸福社区", "和平社区", "光明社区"}, c.Name) && c.OriginalCRS == "EPSG:4548" {
			got[c.Name] = c
		}
	}
	if len(got) != 3 {
		t.Fatalf("stored %d of the three communities", len(got))
	}
	if c := got["幸福社区"]; c.Population != 3200 || len(c.Polygon) != 1 || len(c.Polygon[0]) != 2 || c.District != "370811" {
		t.Errorf("幸福社区: population %d, %d polygons, district %s; want 3200, one with a hole, 370811", c.Population, len(c.Polygon), c.District)
	}
	if c := got["和平社区"]; len(c.Polygon) != 2 || c.Population != 4150 {
		t.Errorf("和平社区: %d polygons, population %d", len(c.Polygon), c.Population)
	}
	// Every vertex against cs2cs's conversion of the file's vertex.
	truth := communityTruth(t)
	gk := mustCRS(t, "EPSG:4548")
	worst, n := 0.0, 0
	for _, c := range got {
		for _, poly := range c.Polygon {
			for _, ring := range poly {
				for _, p := range ring {
					xy, err := gk.FromWGS84(p)
					if err != nil {
						t.Fatal(err)
					}
					var want orb.Point
					found := false
					for k, v := range truth {
						if math.Abs(k[0]-xy[0]) < 0.01 && math.Abs(k[1]-xy[1]) < 0.01 {
							want, found = v, true
						}
					}
					if !found {
						t.Fatalf("%s vertex %v (%v in EPSG:4548) is not a vertex of the file", c.Name, p, xy)
					}
					d := geo.DistanceM(p, want)
					worst = math.Max(worst, d)
					n++
				}
			}
		}
	}
	if worst > 1 {
		t.Errorf("a vertex lands %.3f m from cs2cs's position", worst)
	}
	t.Logf("Shapefile EPSG:4548: %d vertices, largest distance from cs2cs %.2g m", n, worst)
	if again := f.importCommunities(t, importAdmin, req, data); again.Unchanged != 3 {
		t.Errorf("re-import %+v", again)
	}
}

// badRegisterFile is a damaged register and how it must be refused.
type badRegisterFile struct {
	Name, File  string
	Body        []byte
	Code, Field string
	Reason      string
}

// badRegisterFiles are damaged files the importers must refuse without
// storing anything, each with the code, field and reason of the refusal.
func badRegisterFiles(t *testing.T) []badRegisterFile {
	t.Helper()
	good := shptest.Unzip(t, readTestFile(t, shpCommunities))
	with := func(edit func(m map[string][]byte)) []byte {
		m := map[string][]byte{}
		for k, v := range good {
			m[k] = v
		}
		edit(m)
		return shptest.Zip(t, m)
	}
	noPRJ := with(func(m map[string][]byte) { delete(m, "communities.prj") })
	wrongCPG := with(func(m map[string][]byte) { m["communities.cpg"] = []byte("UTF-8") })
	shortDBF := with(func(m map[string][]byte) {
		d := append([]byte(nil), m["communities.dbf"]...)
		hdr, rec := int(binary.LittleEndian.Uint16(d[8:])), int(binary.LittleEndian.Uint16(d[10:]))
		d = append(d[:hdr+2*rec], 0x1A)
		d[4] = 2
		m["communities.dbf"] = d
	})
	// A zip whose .shp entry declares 2 GB unpacked but holds 1 MB.
	var huge bytes.Buffer
	zw := zip.NewWriter(&huge)
	for _, n := range []string{"communities.dbf", "communities.prj", "communities.shx"} {
		w, _ := zw.Create(n)
		w.Write(good[n])
	}
	junk := bytes.Repeat([]byte{0}, 1<<20)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "communities.shp", Method: zip.Store,
		CompressedSize64: uint64(len(junk)), UncompressedSize64: 2 << 30, CRC32: crc32.ChecksumIEEE(junk)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(junk)
	zw.Close()

	merged := excelize.NewFile()
	for cell, v := range map[string]any{"A1": "社区信息", "A2": "幸福社区", "B2": 3200} {
		merged.SetCellValue("Sheet1", cell, v)
	}
	merged.MergeCell("Sheet1", "A1", "B1")
	var mergedBuf bytes.Buffer
	merged.Write(&mergedBuf)

	return []badRegisterFile{
		{"missing .prj", "communities.zip", noPRJ, quarterhour.EInvalid, "crs", "communities.shp comes without communities.prj"},
		{"wrong encoding", "communities.zip", wrongCPG, quarterhour.EInvalid, "file", "communities.cpg says UTF-8"},
		{".dbf not matching .shp", "communities.zip", shortDBF, quarterhour.EInvalid, "file", "communities.dbf has 2 records but communities.shp has 3 shapes"},
		{"2 GB declared", "communities.zip", huge.Bytes(), quarterhour.ETooLarge, "file", "communities.shp declares 2.0 GB unpacked"},
		{"merged header", "社区.xlsx", mergedBuf.Bytes(), quarterhour.EInvalid, "file", "merged cells A1:B1"},
		{"old .xls", "社区.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an old workbook"), quarterhour.EUnsupportedMedia, "format", "save it as .xlsx"},
		{"lone .shp", "communities.shp", good["communities.shp"], quarterhour.EUnsupportedMedia, "format", "zip the .shp"},
		{"KML", "communities.kml", []byte("<kml/>"), quarterhour.EUnsupportedMedia, "format", ".kml files are not read"},
	}
}

func TestImports_BadFilesAreRefusedAndNothingIsStored(t *testing.T) {
	f := registerFixture(t)
	ctx := context.Background()
	before, err := f.st.ListImports(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	countCommunities := func() int {
		cs, err := f.st.ListCommunities(ctx, store.CommunityFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	communities := countCommunities()
	outlets, _ := f.st.CountOutlets(ctx, store.OutletFilter{})
	for _, bf := range badRegisterFiles(t) {
		t.Run(bf.Name, func(t *testing.T) {
			for what, run := range map[string]func(context.Context, *quarterhour.User, io.Reader, app.RegisterImport) (*app.ImportReport, error){
				"outlets": f.a.ImportOutlets, "communities": f.a.ImportCommunities,
			} {
				if what == "communities" && strings.HasSuffix(bf.File, ".xlsx") {
					continue // refused before it is read: see TestImportCommunities_XLSXIsRefused
				}
				_, err := run(ctx, importAdmin, bytes.NewReader(bf.Body), app.RegisterImport{Source: map[string]string{"outlets": "csv", "communities": "register"}[what], File: bf.File})
				wantCode(t, err, bf.Code, bf.Field)
				if err == nil || !strings.Contains(err.Error(), bf.Reason) {
					t.Errorf("%s: %v, want a reason with %q", what, err, bf.Reason)
				}
			}
		})
	}
	// Declaring what the file lacks or mislabels lets it in.
	bad := badRegisterFiles(t)
	rep := f.importCommunities(t, importAdmin, app.RegisterImport{Source: "register", File: "x.zip", CRS: mustCRS(t, "EPSG:4548"), DryRun: true}, bad[0].Body)
	if rep.RowsOK != 3 || rep.CRSFrom != "declared" {
		t.Errorf("missing .prj, CRS declared: %+v", rep)
	}
	rep = f.importCommunities(t, importAdmin, app.RegisterImport{Source: "register", File: "x.zip", Encoding: "GBK", DryRun: true}, bad[1].Body)
	if rep.RowsOK != 3 {
		t.Errorf("wrong .cpg, encoding declared: %+v", rep)
	}
	after, err := f.st.ListImports(ctx, 1)
	if err != nil || len(after) != len(before) || len(after) > 0 && after[0].ID != before[0].ID {
		t.Errorf("a refused file recorded an import: %+v", after)
	}
	if n := countCommunities(); n != communities {
		t.Errorf("communities %d, were %d", n, communities)
	}
	if n, _ := f.st.CountOutlets(ctx, store.OutletFilter{}); n != outlets {
		t.Errorf("outlets %d, were %d", n, outlets)
	}
}

func TestImportCommunities_XLSXIsRefused(t *testing.T) {
	f := registerFixture(t)
	x := excelize.NewFile()
	x.SetCellValue("Sheet1", "A1", "名称")
	x.SetCellValue("Sheet1", "A2", "幸福社区")
	var buf bytes.Buffer
	x.Write(&buf)
	_, err := f.a.ImportCommunities(context.Background(), importAdmin, &buf, app.RegisterImport{Source: "register", File: "社区.xlsx", CRS: mustCRS(t, "wgs84")})
	if wantCode(t, err, quarterhour.EUnsupportedMedia, "format"); err == nil || !strings.Contains(err.Error(), "polygons") {
		t.Errorf("XLSX communities: %v", err)
	}
}

func TestDetectRegisterFormat(t *testing.T) {
	x := excelize.NewFile()
	var xlsx bytes.Buffer
	x.Write(&xlsx)
	shpZip := readTestFile(t, shpOutlets)
	for _, tc := range []struct {
		name string
		data []byte
		want app.RegisterFormat
		bad  bool
	}{
		{"a.csv", []byte("a,b\n"), app.FormatCSV, false},
		{"a.TXT", []byte("a,b\n"), app.FormatCSV, false},
		{"a.geojson", []byte(`{"type":"FeatureCollection"}`), app.FormatGeoJSON, false},
		{"upload", []byte("\xef\xbb\xbf  {\"type\":1}"), app.FormatGeoJSON, false},
		{"upload", []byte("名称,经度\n"), app.FormatCSV, false},
		{"", xlsx.Bytes(), app.FormatXLSX, false},
		{"a.zip", xlsx.Bytes(), app.FormatXLSX, false}, // the content decides
		{"a.xlsx", shpZip, app.FormatShapefile, false},
		{"upload", shpZip, app.FormatShapefile, false},
		{"a.xlsx", []byte("not a zip"), app.FormatXLSX, false},
		{"a.zip", []byte("not a zip"), app.FormatShapefile, false},
		{"a.xls", []byte("x"), "", true},
		{"a.dbf", []byte("x"), "", true},
		{"a.gpkg", []byte("x"), "", true},
	} {
		got, err := app.DetectRegisterFormat(tc.name, tc.data)
		if got != tc.want || (err != nil) != tc.bad {
			t.Errorf("%s: %q, %v", tc.name, got, err)
		}
	}
	for in, want := range map[string]app.RegisterFormat{"CSV": app.FormatCSV, ".xlsx": app.FormatXLSX, "json": app.FormatGeoJSON, "shp": app.FormatShapefile, "zip": app.FormatShapefile} {
		if got, err := app.ParseRegisterFormat(in); got != want || err != nil {
			t.Errorf("ParseRegisterFormat(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"xls", "kml", ""} {
		_, err := app.ParseRegisterFormat(in)
		wantCode(t, err, quarterhour.EUnsupportedMedia, "format")
	}
}

func TestPostgres_ShapefileCommunitiesAndAmapXLSX(t *testing.T) {
	f := postgresRegisterApp(t)
	ctx := context.Background()
	rep := f.importCommunities(t, importAdmin, app.RegisterImport{Source: "register", File: "communities.zip"}, readTestFile(t, shpCommunities))
	if rep.Inserted != 3 || rep.CRS != "EPSG:4548" {
		t.Fatalf("communities: %+v", rep)
	}
	all, err := f.st.ListCommunities(ctx, store.CommunityFilter{District: "370811"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range all {
		if c.Source == "register" && c.OriginalCRS == "EPSG:4548" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d communities stored with original CRS EPSG:4548, want 3", n)
	}
	rows, _ := anchorRows(t)
	req := app.RegisterImport{File: "poi.xlsx", Source: "amap", CRS: mustCRS(t, "gcj02")}
	if rep := f.importOutlets(t, importAdmin, req, amapWorkbook(t, rows, true)); rep.Inserted != 6 {
		t.Fatalf("outlets: %+v", rep)
	}
	imps, err := f.st.ListImports(ctx, 2)
	if err != nil || len(imps) != 2 || imps[0].Kind != "outlets-xlsx" || imps[1].Kind != "communities-shapefile" || imps[1].CRS != "EPSG:4548" {
		t.Errorf("recorded imports %+v (%v)", imps, err)
	}
}

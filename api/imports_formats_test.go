package api

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/shp/shptest"
)

const communitiesZip = "../geo/shp/testdata/communities.zip"

// postFile sends body to path as user, as the "file" part of a multipart
// form named name when name is not "", else as the body with contentType.
func postFile(t *testing.T, f *fixture, path, user, name, contentType string, body []byte) (int, []byte) {
	t.Helper()
	if name != "" {
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		part, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(body)
		mw.Close()
		body, contentType = form.Bytes(), mw.FormDataContentType()
	}
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	w := httptest.NewRecorder()
	f.api.ServeHTTP(w, req)
	return w.Code, w.Body.Bytes()
}

func report(t *testing.T, status int, data []byte) app.ImportReport {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, data)
	}
	var rep app.ImportReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// amapXLSX is a workbook shaped like an Amap place export: name, type,
// typecode, address, location ("lng,lat", GCJ-02), pname, cityname, adname.
func amapXLSX(t *testing.T, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	header := []any{"name", "type", "typecode", "address", "location", "pname", "cityname", "adname"}
	x.SetSheetRow("Sheet1", "A1", &header)
	for i, r := range rows {
		x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &r)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportOutlets_AmapXLSXOverHTTP(t *testing.T) {
	f := sqliteAPI(t)
	p := geo.WGS84ToGCJ02(countyPoint(t, f.st, "370811"))
	loc := func(dx float64) string { return fmt.Sprintf("%.6f,%.6f", p[0]+dx, p[1]) }
	book := amapXLSX(t, [][]any{
		{"接口表格便利店", "购物服务;便民商店/便利店;便利店", "060200", "任城区", loc(0), "山东省", "济宁市", "任城区"},
		{"接口表格菜市场", "购物服务;综合市场;蔬菜市场", "", "任城区", loc(0.001), "山东省", "济宁市", "任城区"},
	})
	status, data := postFile(t, f, "/api/v1/imports/outlets?crs=gcj02&source=amap&dry_run=1", "admin", "高德导出.xlsx", "", book)
	rep := report(t, status, data)
	if rep.Format != app.FormatXLSX || rep.CRS != "gcj02" || rep.RowsOK != 2 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "row 3") {
		t.Errorf("multipart XLSX: %+v", rep)
	}
	// As the body, told by its media type or by its content alone.
	for _, ct := range []string{xlsxMedia, "application/octet-stream"} {
		status, data = postFile(t, f, "/api/v1/imports/outlets?crs=gcj02&source=amap&dry_run=1", "admin", "", ct, book)
		rep = report(t, status, data)
		if rep.Format != app.FormatXLSX || rep.RowsOK != 2 {
			t.Errorf("%s body: %+v", ct, rep)
		}
	}
}

func TestImportCommunities_ShapefileOverHTTP(t *testing.T) {
	f := sqliteAPI(t)
	zipped, err := os.ReadFile(communitiesZip)
	if err != nil {
		t.Fatal(err)
	}
	// No crs=: the .prj says EPSG:4548.
	status, data := postFile(t, f, "/api/v1/imports/communities?source=register&dry_run=1", "admin", "", "application/zip", zipped)
	rep := report(t, status, data)
	if rep.Format != app.FormatShapefile || rep.CRS != "EPSG:4548" || rep.CRSFrom != "communities.prj" || rep.RowsOK != 3 {
		t.Errorf("zip body: %+v", rep)
	}
	status, data = postFile(t, f, "/api/v1/imports/communities?source=register&dry_run=1&crs=EPSG:4509", "rencheng", "社区.zip", "", zipped)
	rep = report(t, status, data)
	if rep.RowsOK != 3 {
		t.Errorf("multipart, agreeing CRS, district user: %+v", rep)
	}
}

func TestImports_BadFilesGet400413415AndStoreNothing(t *testing.T) {
	f := sqliteAPI(t)
	data, err := os.ReadFile(communitiesZip)
	if err != nil {
		t.Fatal(err)
	}
	with := func(edit func(map[string][]byte)) []byte {
		m := shptest.Unzip(t, data)
		edit(m)
		return shptest.Zip(t, m)
	}
	var huge bytes.Buffer
	zw := zip.NewWriter(&huge)
	good := shptest.Unzip(t, data)
	for _, n := range []string{"communities.dbf", "communities.prj", "communities.shx"} {
		w, _ := zw.Create(n)
		w.Write(good[n])
	}
	junk := bytes.Repeat([]byte{0}, 1<<20)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "communities.shp", Method: zip.Store,
		CompressedSize64: uint64(len(junk)), UncompressedSize64: 2 << 30, CRC32: crc32.ChecksumIEEE(junk)})
	w.Write(junk)
	zw.Close()
	merged := excelize.NewFile()
	merged.SetCellValue("Sheet1", "A1", "网点")
	merged.SetCellValue("Sheet1", "A2", "便利店")
	merged.MergeCell("Sheet1", "A1", "C1")
	var mergedBuf bytes.Buffer
	merged.Write(&mergedBuf)

	before, err := f.st.ListImports(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, route, query, file string
		body                     []byte
		status                   int
		field, reason            string
	}{
		{"missing .prj", "communities", "", "c.zip", with(func(m map[string][]byte) { delete(m, "communities.prj") }),
			http.StatusBadRequest, "crs", "comes without communities.prj"},
		{"wrong encoding", "communities", "", "c.zip", with(func(m map[string][]byte) { m["communities.cpg"] = []byte("UTF-8") }),
			http.StatusBadRequest, "file", "communities.cpg says UTF-8"},
		{".dbf not matching .shp", "communities", "", "c.zip", with(func(m map[string][]byte) {
			d := m["communities.dbf"]
			hdr, rec := int(binary.LittleEndian.Uint16(d[8:])), int(binary.LittleEndian.Uint16(d[10:]))
			d = append(d[:hdr+2*rec:hdr+2*rec], 0x1A)
			d[4] = 2
			m["communities.dbf"] = d
		}), http.StatusBadRequest, "file", "communities.dbf has 2 records but communities.shp has 3 shapes"},
		{"2 GB declared", "communities", "", "c.zip", huge.Bytes(), http.StatusRequestEntityTooLarge, "file", "declares 2.0 GB unpacked"},
		{"merged header", "outlets", "&crs=gcj02", "a.xlsx", mergedBuf.Bytes(), http.StatusBadRequest, "file", "merged cells A1:C1"},
		{"XLSX communities", "communities", "&crs=gcj02", "a.xlsx", mergedBuf.Bytes(), http.StatusUnsupportedMediaType, "format", "polygons"},
		{"old .xls", "outlets", "&crs=gcj02", "a.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old"), http.StatusUnsupportedMediaType, "format", ".xlsx"},
		{"lone .shp", "communities", "", "c.shp", good["communities.shp"], http.StatusUnsupportedMediaType, "format", "zip the .shp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := map[string]string{"outlets": "csv", "communities": "register"}[tc.route]
			status, body := postFile(t, f, "/api/v1/imports/"+tc.route+"?source="+src+tc.query, "admin", tc.file, "", tc.body)
			var e errorBody
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("%d %s", status, body)
			}
			if status != tc.status || e.Field != tc.field || !strings.Contains(e.Error+" "+e.Detail, tc.reason) {
				t.Errorf("status %d field %q error %q; want %d, %q and %q", status, e.Field, e.Error, tc.status, tc.field, tc.reason)
			}
		})
	}
	after, err := f.st.ListImports(t.Context(), 1)
	if err != nil || len(after) != len(before) || len(after) > 0 && after[0].ID != before[0].ID {
		t.Errorf("a refused file recorded an import: %+v, before %+v", after, before)
	}
}

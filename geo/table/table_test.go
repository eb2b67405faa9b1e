package table

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestAmapExport(t *testing.T) {
	b, err := os.ReadFile("testdata/amap_export.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Read(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"name", "type", "typecode", "address", "location", "pname", "cityname", "adname"}
	if !reflect.DeepEqual(tb.Header, want) || tb.Sheet != "高德POI" || tb.HeaderLine != 1 {
		t.Fatalf("header %q on sheet %q", tb.Header, tb.Sheet)
	}
	if len(tb.Rows) != 4 {
		t.Fatalf("%d rows", len(tb.Rows))
	}
	var lines []int
	for _, r := range tb.Rows {
		lines = append(lines, r.Line)
	}
	if !reflect.DeepEqual(lines, []int{2, 3, 5, 6}) {
		t.Errorf("row numbers %v, want the blank row 4 skipped", lines)
	}
	loc := tb.Column("Location")
	r := tb.Rows[0]
	if r.Get(tb.Column("name")) != "便民超市(古槐路店)" || r.Get(tb.Column("type")) != "购物服务;便民商店/便利店;便利店" || r.Get(tb.Column("typecode")) != "060200" {
		t.Errorf("row 2 %q", r.Cells)
	}
	if tb.Rows[3].Get(0) != "和平幼儿园" {
		t.Errorf("cells are not trimmed: %q", tb.Rows[3].Get(0))
	}
	for i, w := range []orb.Point{{116.587069, 35.415137}, {116.5754321, 35.4123456}, {116.578, 35.412}, {116.561234, 35.401234}} {
		p, err := ParseLocation(tb.Rows[i].Get(loc))
		if err != nil || p != w {
			t.Errorf("row %d location %q: %v %v", tb.Rows[i].Line, tb.Rows[i].Get(loc), p, err)
		}
	}
	if tb.Column("nope") != -1 || tb.Rows[0].Get(99) != "" {
		t.Error("absent column")
	}
}

// workbook builds an XLSX with excelize; edit fills it.
func workbook(t *testing.T, edit func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	edit(f, "Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func set(t *testing.T, f *excelize.File, sheet string, rows map[string]any) {
	t.Helper()
	for cell, v := range rows {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMergedHeader(t *testing.T) {
	b := workbook(t, func(f *excelize.File, s string) {
		set(t, f, s, map[string]any{"A1": "社区", "C1": "人口", "A2": "幸福社区", "B2": "古槐街道", "C2": 3200})
		f.MergeCell(s, "A1", "B1")
	})
	_, err := ReadXLSX(b, Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "header row 1 has merged cells A1:B1") {
		t.Errorf("got %v", err)
	}
	// A merged title above the header is the first non-blank row, and so
	// refused the same way, with advice to delete it.
	b = workbook(t, func(f *excelize.File, s string) {
		set(t, f, s, map[string]any{"A1": "济宁市社区人口登记表", "A3": "社区", "B3": "人口", "A4": "幸福社区", "B4": 3200})
		f.MergeCell(s, "A1", "D1")
	})
	_, err = ReadXLSX(b, Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "A1:D1") || !strings.Contains(err.Error(), "title rows") {
		t.Errorf("title row: %v", err)
	}
}

func TestCommunityList(t *testing.T) {
	b := workbook(t, func(f *excelize.File, s string) {
		f.SetSheetName(s, "社区")
		s = "社区"
		f.NewSheet("说明")
		set(t, f, s, map[string]any{
			"A2": "街道", "B2": "社区名称", "C2": "人口", "D2": "经度",
			"A3": "古槐街道", "B3": "幸福社区", "C3": 3200, "D3": 116.58731234,
			"B4": "光明社区", "C4": 2875,
			"A6": "越河街道", "B6": "和平社区", "C6": 4150.5,
		})
		f.MergeCell(s, "A3", "A4")
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
		f.SetCellStyle(s, "C3", "C6", style)
		style2, _ := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
		f.SetCellStyle(s, "D3", "D3", style2)
	})
	tb, err := ReadXLSX(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tb.Sheet != "社区" || tb.HeaderLine != 2 || len(tb.Rows) != 3 {
		t.Fatalf("sheet %q header line %d, %d rows", tb.Sheet, tb.HeaderLine, len(tb.Rows))
	}
	got := [][]string{}
	for _, r := range tb.Rows {
		got = append(got, append([]string{string(rune('0' + r.Line))}, r.Cells...))
	}
	want := [][]string{
		{"3", "古槐街道", "幸福社区", "3200", "116.58731234"},
		{"4", "古槐街道", "光明社区", "2875", ""},
		{"6", "越河街道", "和平社区", "4150.5", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
	if !reflect.DeepEqual(tb.Merged, []string{"A3:A4"}) {
		t.Errorf("merged %v", tb.Merged)
	}
	if _, err := ReadXLSX(b, Options{Sheet: "说明"}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty sheet: %v", err)
	}
	if _, err := ReadXLSX(b, Options{Sheet: "人口"}); err == nil || !strings.Contains(err.Error(), `no sheet "人口" (it has "社区", "说明")`) {
		t.Errorf("absent sheet: %v", err)
	}
}

func TestHugeMergedRange(t *testing.T) {
	b := workbook(t, func(f *excelize.File, s string) {
		set(t, f, s, map[string]any{"A1": "name", "XFD1": "far"})
		for r := 2; r <= 1000; r++ {
			f.SetCellValue(s, fmt.Sprintf("A%d", r), r)
		}
	})
	// Merge B2:XFD1000 by editing the sheet's XML: 16 million cells.
	b = editPart(t, b, "xl/worksheets/sheet1.xml", func(x string) string {
		return strings.Replace(x, "</sheetData>", `</sheetData><mergeCells count="1"><mergeCell ref="B2:XFD1000"/></mergeCells>`, 1)
	})
	_, err := ReadXLSX(b, Options{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "merged cells covering more than") {
		t.Errorf("got %v", err)
	}
}

// editPart rewrites one part of a zip.
func editPart(t *testing.T, b []byte, name string, edit func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, _ := f.Open()
		var part bytes.Buffer
		part.ReadFrom(rc)
		rc.Close()
		data := part.Bytes()
		if f.Name == name {
			data, found = []byte(edit(string(data))), true
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	zw.Close()
	if !found {
		t.Fatalf("no part %s", name)
	}
	return buf.Bytes()
}

func TestXLSXLimits(t *testing.T) {
	b, _ := os.ReadFile("testdata/amap_export.xlsx")
	if _, err := ReadXLSX(b, Options{MaxSize: 1000}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "over the 1000 bytes limit") {
		t.Errorf("file size: %v", err)
	}
	// A part whose header declares 2 GB is refused before it is read.
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/worksheets/sheet1") {
			junk := []byte("<worksheet/>")
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Store, CompressedSize64: uint64(len(junk)),
				UncompressedSize64: 2 << 30, CRC32: crc32.ChecksumIEEE(junk)})
			w.Write(junk)
			continue
		}
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		var part bytes.Buffer
		part.ReadFrom(rc)
		rc.Close()
		w.Write(part.Bytes())
	}
	zw.Close()
	_, err := Read(buf.Bytes(), Options{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "declares 2.0 GB unpacked") {
		t.Errorf("2 GB part: %v", err)
	}
	if _, err := Read([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}, Options{}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), ".xls") {
		t.Errorf("old xls: %v", err)
	}
	if _, err := ReadXLSX([]byte("PK\x03\x04garbage"), Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("broken zip: %v", err)
	}
}

const csvText = "\n名称,人口,location\n幸福社区,3200,\"116.587069,35.415137\"\n\n\"光明\n社区\",2875,116.5 35.4\n,,\n和平社区,4150\n"

func TestCSVEncodings(t *testing.T) {
	gbkB, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(csvText))
	u16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(strings.ReplaceAll(csvText, ",", "\t")))
	for name, tc := range map[string]struct {
		data []byte
		enc  string
	}{
		"utf-8":      {[]byte(csvText), "UTF-8"},
		"utf-8 bom":  {append([]byte("\xef\xbb\xbf"), csvText...), "UTF-8"},
		"gbk":        {gbkB, "GBK"},
		"utf-16 tab": {u16, "UTF-16LE"},
	} {
		tb, err := Read(tc.data, Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if tb.Encoding != tc.enc || !reflect.DeepEqual(tb.Header, []string{"名称", "人口", "location"}) || tb.HeaderLine != 2 {
			t.Errorf("%s: %s %q line %d", name, tb.Encoding, tb.Header, tb.HeaderLine)
			continue
		}
		var lines []int
		for _, r := range tb.Rows {
			lines = append(lines, r.Line)
		}
		if !reflect.DeepEqual(lines, []int{3, 5, 7}) || tb.Rows[1].Get(0) != "光明\n社区" || tb.Rows[2].Get(2) != "" || len(tb.Rows[2].Cells) != 3 {
			t.Errorf("%s: rows %v %+v", name, lines, tb.Rows)
		}
	}
	if _, err := ReadCSV([]byte{0xff, 0xff, 0x30, 0x0a}, Options{}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "neither UTF-8 nor GBK") {
		t.Errorf("garbage: %v", err)
	}
	if tb, err := ReadCSV(gbkB, Options{Encoding: "GB18030"}); err != nil || tb.Encoding != "GB18030" || tb.Rows[0].Get(0) != "幸福社区" {
		t.Errorf("declared: %v", err)
	}
	if _, err := ReadCSV(gbkB, Options{Encoding: "UTF-8"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("wrong declared encoding: %v", err)
	}
	if _, err := ReadCSV([]byte("a,b\n\"x,y\n"), Options{}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad quote: %v", err)
	}
	if tb, err := ReadCSV([]byte("a;b\n1;2\n"), Options{}); err != nil || len(tb.Header) != 2 {
		t.Errorf("semicolons: %v", err)
	}
	if _, err := ReadCSV([]byte("a,b\n"), Options{MaxSize: 2}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit: %v", err)
	}
}

func TestParseLocation(t *testing.T) {
	for in, want := range map[string]orb.Point{
		"116.587069,35.415137":    {116.587069, 35.415137},
		" 116.587069 , 35.415137": {116.587069, 35.415137},
		"116.587069 35.415137":    {116.587069, 35.415137},
		"116.587069\t35.415137":   {116.587069, 35.415137},
		"116.587069，35.415137":    {116.587069, 35.415137},
		"１１６．５，３５．４":              {116.5, 35.4},
		"-73.98,40.75":            {-73.98, 40.75},
	} {
		p, err := ParseLocation(in)
		if err != nil || p != want {
			t.Errorf("ParseLocation(%q) = %v, %v", in, p, err)
		}
	}
	for in, want := range map[string]string{
		"":                      "empty",
		"[]":                    "empty",
		"116.5":                 "not a \"lng,lat\" pair",
		"116.5,":                "not a \"lng,lat\" pair",
		"116.5,35.4;116.6,35.5": "more than one point",
		"116.5,35.4,116.6":      "more than one point",
		"东经116.5,35.4":          "not a number",
		"NaN,35":                "not a finite number",
		"35.415137,116.587069":  "looks like \"lat,lng\"",
		"200,100":               "out of range",
		"0,0":                   "missing position",
		"463000,3920000":        "out of range",
	} {
		_, err := ParseLocation(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseLocation(%q) = %v, want an error with %q", in, err, want)
		}
	}
}

package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// seededDB is a fresh SQLite database seeded with the reference data and
// the demo.
func seededDB(t *testing.T) string {
	t.Helper()
	db := "sqlite:" + filepath.Join(t.TempDir(), "qh.db")
	e, _, _ := testEnv(nil)
	if err := run(context.Background(), []string{"seed", "--db", db}, e); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	e, out, errOut := testEnv(nil)
	if err := run(context.Background(), args, e); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errOut)
	}
	return out.String()
}

func TestImportOutlets_AmapXLSX(t *testing.T) {
	db := seededDB(t)
	x := excelize.NewFile()
	rows := [][]any{
		{"id", "name", "type", "typecode", "address", "location", "pname", "cityname", "adname"},
		{"B0CLI00001", "命令行便利店", "购物服务;便民商店/便利店;便利店", "060200", "太白楼路", "116.587116,35.415117", "山东省", "济宁市", "任城区"},
		{"B0CLI00002", "命令行菜市场", "购物服务;综合市场;蔬菜市场", "", "共青团路", "116.571709,35.415469", "山东省", "济宁市", "任城区"},
	}
	for i, r := range rows {
		x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r)
	}
	file := filepath.Join(t.TempDir(), "高德导出.xlsx")
	if err := x.SaveAs(file); err != nil {
		t.Fatal(err)
	}
	out := runOK(t, "import", "outlets", file, "--crs", "gcj02", "--source", "amap", "--db", db)
	if !strings.Contains(out, "(xlsx, gcj02, source amap): 2 rows ok, 0 rejected") || !strings.Contains(out, "2 inserted") ||
		!strings.Contains(out, "row 3 (购物服务;综合市场;蔬菜市场 → wet_market)") {
		t.Errorf("printed:\n%s", out)
	}
}

func TestImportCommunities_ShapefileWithItsOwnCRS(t *testing.T) {
	db := seededDB(t)
	zipped := filepath.Join("..", "..", "geo", "shp", "testdata", "communities.zip")
	out := runOK(t, "import", "communities", zipped, "--source", "register", "--dry-run", "--db", db)
	if !strings.Contains(out, "(shapefile, EPSG:4548 from communities.prj, source register): 3 features ok, 0 rejected") ||
		!strings.Contains(out, "would insert 3") {
		t.Errorf("printed:\n%s", out)
	}
	// Without its .prj the CRS must be declared.
	data, err := os.ReadFile(zipped)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".prj") {
			continue
		}
		rc, _ := f.Open()
		w, _ := zw.Create(f.Name)
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	noPRJ := filepath.Join(t.TempDir(), "无坐标.zip")
	if err := os.WriteFile(noPRJ, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	e, _, _ := testEnv(nil)
	err = run(context.Background(), []string{"import", "communities", noPRJ, "--source", "register", "--db", db}, e)
	if err == nil || !strings.Contains(err.Error(), "without communities.prj") || !strings.Contains(err.Error(), "EPSG:4548") {
		t.Errorf("no .prj: %v", err)
	}
	out = runOK(t, "import", "communities", noPRJ, "--source", "register", "--crs", "EPSG:4548", "--db", db)
	if !strings.Contains(out, "(shapefile, EPSG:4548, source register): 3 features ok") || !strings.Contains(out, "3 inserted") {
		t.Errorf("declared CRS printed:\n%s", out)
	}
}

func TestImportNetwork_LineFiles(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "qh.db")
	f, err := os.Open(filepath.Join("..", "..", "testdata", "osm", "porto_lines.geojson.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	geojson := filepath.Join(t.TempDir(), "porto_lines.geojson")
	if err := os.WriteFile(geojson, lines, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runOK(t, "import", "network", geojson, "--db", db)
	for _, want := range []string{`network "porto_lines" from`, "EPSG:4326 (WGS 84) from the GeoJSON crs member", "walkable rules: osm",
		"features 3460: walkable lines 3265", "components 197"} {
		if !strings.Contains(out, want) {
			t.Errorf("printed:\n%s\nwant %q", out, want)
		}
	}

	roads := filepath.Join("..", "..", "geo", "shp", "testdata", "roads.zip")
	rules := filepath.Join(t.TempDir(), "walkable.txt")
	os.WriteFile(rules, []byte("# 主干路 are not walked here\n等级!=主干路\n"), 0o644)
	out = runOK(t, "import", "network", roads, "--area", "jining", "--walkable", "@"+rules, "--db", db)
	if !strings.Contains(out, "from roads.prj") || !strings.Contains(out, "left out by the rules 1") {
		t.Errorf("printed:\n%s", out)
	}

	for _, args := range [][]string{
		{"import", "network", filepath.Join("..", "..", "testdata", "osm", "porto.osm.pbf"), "--crs", "wgs84", "--db", db},
	} {
		e, _, _ := testEnv(nil)
		if err := run(context.Background(), args, e); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	e, _, _ := testEnv(nil)
	err = run(context.Background(), []string{"import", "network", roads, "--area", "jining", "--walkable", "道路等级!=高速公路", "--db", db}, e)
	if err == nil || !strings.Contains(err.Error(), "道路等级") || !strings.Contains(err.Error(), "unchanged") {
		t.Errorf("a rule on a missing column: %v", err)
	}
}

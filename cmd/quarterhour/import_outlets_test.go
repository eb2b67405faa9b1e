package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportOutlets_ImportsARegisterAndPrintsTheReport(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "qh.db")
	e, _, _ := testEnv(nil)
	if err := run(context.Background(), []string{"seed", "--db", db}, e); err != nil {
		t.Fatalf("seed: %v", err)
	}
	register := filepath.Join("..", "..", "app", "testdata", "jining_register_gcj02.csv")

	e, out, _ := testEnv(nil)
	if err := run(context.Background(), []string{"import", "outlets", register, "--crs", "gcj02", "--source", "amap", "--db", db}, e); err != nil {
		t.Fatalf("import: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "6 rows ok, 0 rejected") || !strings.Contains(s, "6 inserted, 0 updated, 0 unchanged") {
		t.Errorf("first import printed:\n%s", s)
	}

	e, out, _ = testEnv(nil)
	if err := run(context.Background(), []string{"import", "outlets", "--db", db, "--source", "amap", "--crs", "gcj02", register}, e); err != nil {
		t.Fatalf("re-import: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "0 inserted, 0 updated, 6 unchanged") {
		t.Errorf("re-import printed:\n%s", s)
	}

	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("编号,名称,类别,经度,纬度\nX1,颠倒,便利店,35.415117,116.587116\nX2,未知,飞船,116.587116,35.415117\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, out, _ = testEnv(nil)
	if err := run(context.Background(), []string{"import", "outlets", bad, "--crs", "gcj02", "--source", "csv", "--dry-run", "--db", db}, e); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	lines := strings.Split(out.String(), "\n")
	want := [][]string{{"ROW", "FIELD", "REASON"}, {"2", "lat", "swapped"}, {"3", "category", "飞船"}}
	found := 0
	for _, l := range lines {
		f := strings.Fields(l)
		if found < len(want) && len(f) >= 3 && f[0] == want[found][0] && f[1] == want[found][1] && strings.Contains(l, want[found][2]) {
			found++
		}
	}
	if found != len(want) || !strings.Contains(out.String(), "dry run, nothing written") {
		t.Errorf("dry run printed:\n%s\nwant a rejection table with rows 2 (lat) and 3 (category)", out.String())
	}
}

func TestImportOutlets_RequiresASourceAndACRSUnlessTheFileHasOne(t *testing.T) {
	for _, args := range [][]string{
		{"import", "outlets", "x.csv", "--crs", "gcj02"},
		{"import", "outlets", "--crs", "gcj02", "--source", "amap"},
	} {
		e, _, errOut := testEnv(nil)
		if err := run(context.Background(), args, e); !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
		if errOut.Len() == 0 {
			t.Errorf("%v: no usage printed", args)
		}
	}
	for crs, want := range map[string]string{"utm50": "utm50", "EPSG:3857": "Web Mercator"} {
		e, _, _ := testEnv(nil)
		err := run(context.Background(), []string{"import", "outlets", "x.csv", "--crs", crs, "--source", "amap"}, e)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--crs %s: err = %v", crs, err)
		}
	}
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "qh.db")
	e, _, _ := testEnv(nil)
	if err := run(context.Background(), []string{"seed", "--db", db}, e); err != nil {
		t.Fatalf("seed: %v", err)
	}
	register := filepath.Join("..", "..", "app", "testdata", "jining_register_gcj02.csv")
	e, _, _ = testEnv(nil)
	err := run(context.Background(), []string{"import", "outlets", register, "--source", "amap", "--db", db}, e)
	if err == nil || !strings.Contains(err.Error(), "never guessed") {
		t.Errorf("a CSV without --crs: err = %v", err)
	}
}

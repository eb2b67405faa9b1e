package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvaluate_ScoresADemoCircleAsJSONAndAsATable(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "qh.db")
	e, _, _ := testEnv(nil)
	if err := run(ctx, []string{"seed", "--demo", "--db", db}, e); err != nil {
		t.Fatalf("seed: %v", err)
	}
	e, out, _ := testEnv(nil)
	if err := run(ctx, []string{"evaluate", "--db", db, "--circle", "1", "--format", "json"}, e); err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	var res struct {
		Scheme     string           `json:"scheme"`
		Year       int              `json:"year"`
		Tier       string           `json:"tier"`
		Indicators []map[string]any `json:"indicators"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	if res.Scheme != "jining-2023" || res.Year != 2023 || res.Tier == "" || len(res.Indicators) != 15 {
		t.Errorf("result %+v", res)
	}
	e, out, _ = testEnv(nil)
	if err := run(ctx, []string{"evaluate", "--db", db, "--circle", "1"}, e); err != nil {
		t.Fatalf("evaluate as a table: %v", err)
	}
	if !strings.Contains(out.String(), "scheme jining-2023") || !strings.Contains(out.String(), "\ntotal ") {
		t.Errorf("table output:\n%s", out.String())
	}
	e, _, _ = testEnv(nil)
	if err := run(ctx, []string{"evaluate", "--db", db, "--circle", "999999"}, e); err == nil || !strings.Contains(err.Error(), "999999") {
		t.Errorf("unknown circle: err = %v", err)
	}
}

func TestDisplayWidth_CountsChineseAsTwoColumns(t *testing.T) {
	for s, want := range map[string]int{"A1": 2, "便利店": 6, "100%（满分 20）": 15, "": 0} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestWriteAligned_LinesUpMixedScripts(t *testing.T) {
	var b bytes.Buffer
	writeAligned(&b, [][]string{{"ID", "NAME", "VALUE"}, {"A1", "基本保障类业态配置", "100%"}, {"D1", "chain rate", "18%"}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	col := -1
	for _, l := range lines {
		i := strings.LastIndex(l, "  ")
		if c := displayWidth(l[:i]); col < 0 {
			col = c
		} else if c != col {
			t.Errorf("value column at %d, want %d:\n%s", c, col, b.String())
		}
	}
}

package api

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Sheet titles the workbooks promise.
const (
	sheetSummary    = "评价结果"
	sheetIndicators = "指标得分"
	sheetGates      = "等级门槛"
	sheetEvents     = "流转记录"
	sheetCity       = "全市"
)

// openWorkbook fetches path as user and opens it with excelize.
func openWorkbook(t *testing.T, f *fixture, path, user string) *excelize.File {
	t.Helper()
	status, body, err := f.raw(http.MethodGet, path, user, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET %s: %d %v %.200s", path, status, err, body)
	}
	if !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("GET %s: not a zip file", path)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func sheetCell(t *testing.T, x *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := x.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

func TestReports_EvaluationWorkbookHasIndicatorsGatesAndEvents(t *testing.T) {
	f := sqliteAPI(t)
	e := createEval(t, f, "gaoxin", pickCircle(t, f, "370871", "none", 0), 2023)
	e = move(t, f, "gaoxin", e, "submit", map[string]any{"comment": "请审核"}, http.StatusOK)
	path := fmt.Sprintf("/api/v1/evaluations/%d/report.xlsx", e.ID)

	x := openWorkbook(t, f, path, "gaoxin")
	if got, want := x.GetSheetList(), []string{sheetSummary, sheetIndicators, sheetGates, sheetEvents}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for ref, want := range map[string]string{"A1": "指标编号", "B1": "指标名称", "D1": "数值", "F1": "得分", "G1": "满分", "H1": "说明", "A2": "A1", "A16": "E3"} {
		if got := sheetCell(t, x, sheetIndicators, ref); got != want {
			t.Errorf("%s!%s = %q, want %q", sheetIndicators, ref, got, want)
		}
	}
	if got := sheetCell(t, x, sheetIndicators, "H2"); got == "" {
		t.Error("indicator A1 has no explanation")
	}
	if got := sheetCell(t, x, sheetSummary, "B10"); got == "" {
		t.Error("summary has no tier")
	}
	if got := sheetCell(t, x, sheetGates, "C1"); got != "是否满足" {
		t.Errorf("gates header %q", got)
	}
	// Rows: created, three files attached, submitted.
	if got, want := sheetCell(t, x, sheetEvents, "E6"), "请审核"; got != want {
		t.Errorf("events E6 = %q, want the submit comment %q", got, want)
	}
	f.wantError(t, http.MethodGet, path, "rencheng", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodGet, path, "", nil, http.StatusUnauthorized, "")
	openWorkbook(t, f, path, "reviewer")
}

func TestReports_ProgressWorkbookHasCityAndDistrictSheets(t *testing.T) {
	f := sqliteAPI(t)
	x := openWorkbook(t, f, "/api/v1/reports/progress.xlsx", "rencheng")
	sheets := x.GetSheetList()
	if len(sheets) < 4 || sheets[0] != sheetCity {
		t.Fatalf("sheets %v, want 全市 first and one per district", sheets)
	}
	for _, name := range sheets {
		if got := sheetCell(t, x, name, "A3"); got != "年度" {
			t.Errorf("%s!A3 = %q, want 年度", name, got)
		}
		if got := sheetCell(t, x, name, "F3"); got != "认定高品质（当年）" {
			t.Errorf("%s!F3 = %q", name, got)
		}
		if got := sheetCell(t, x, name, "A4"); got != "2023" {
			t.Errorf("%s!A4 = %q, want the first year 2023", name, got)
		}
	}
	// 全市: the 2023 target, the targets to date by 2025 (circles and
	// high-quality ones), the award budget header, the 2023 budget and the
	// budget to date by 2025.
	for ref, want := range map[string]string{"D4": "40", "E6": "120", "I6": "60", "L3": "奖励预算（元，当年，可配置）", "L4": "3300000", "M6": "3300000"} {
		if got := sheetCell(t, x, sheetCity, ref); got != want {
			t.Errorf("全市!%s = %q, want %q", ref, got, want)
		}
	}
	if !slices.ContainsFunc(sheets, func(s string) bool { return s == "任城区 370811" }) {
		t.Errorf("no 任城区 sheet in %v", sheets)
	}
	f.wantError(t, http.MethodGet, "/api/v1/reports/progress.xlsx", "", nil, http.StatusUnauthorized, "")
}

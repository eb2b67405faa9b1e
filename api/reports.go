package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
)

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// progressHeaders head every sheet of the progress workbook.
var progressHeaders = []any{"年度", "建成生活圈（当年）", "建成生活圈（累计）", "建设目标（当年）", "建设目标（累计）",
	"认定高品质（当年）", "认定高品质（累计）", "高品质目标（当年）", "高品质目标（累计）", "已承诺奖励（元，当年）", "已承诺奖励（元，累计）",
	"奖励预算（元，当年，可配置）", "奖励预算（元，累计）"}

// Sheet titles of the evaluation workbook.
const (
	sheetSummary    = "评价结果"
	sheetIndicators = "指标得分"
	sheetGates      = "等级门槛"
	sheetEvents     = "流转记录"
	sheetCity       = "全市"
)

func (s *Server) handleProgressReport(w http.ResponseWriter, r *http.Request) {
	if principalFrom(r.Context()) == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	rep, err := s.progress(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := progressWorkbook(rep)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeWorkbook(w, r, f, "progress.xlsx")
}

// progressWorkbook has a 全市 summary sheet and one sheet per district, each
// a row per year.
func progressWorkbook(rep progressReport) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheetCity); err != nil {
		return nil, fmt.Errorf("progress workbook: %w", err)
	}
	if err := progressSheet(f, sheetCity, rep.City); err != nil {
		return nil, err
	}
	used := map[string]bool{sheetCity: true}
	for _, d := range rep.Districts {
		name := sheetName(d.Name+" "+d.District, used)
		if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("progress workbook: sheet %s: %w", name, err)
		}
		if err := progressSheet(f, name, d); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func progressSheet(f *excelize.File, sheet string, d progressDistrict) error {
	rows := [][]any{{"区县", d.Name, d.District}, {}, progressHeaders}
	for _, y := range d.Years {
		rows = append(rows, []any{y.Year, y.CirclesBuilt, y.CirclesBuiltToDate, intCell(y.TargetCircles), intCell(y.TargetCirclesToDate),
			y.HighQuality, y.HighQualityToDate, intCell(y.TargetHighQuality), intCell(y.TargetHighQualityToDate),
			y.AwardCommittedYuan, y.AwardCommittedYuanToDate, int64Cell(y.AwardBudgetYuan), int64Cell(y.AwardBudgetYuanToDate)})
	}
	return writeRows(f, sheet, rows)
}

// intCell is an optional count: empty when not set.
func intCell(v *int) any {
	if v == nil {
		return ""
	}
	return *v
}

// int64Cell is an optional amount: empty when not set.
func int64Cell(v *int64) any {
	if v == nil {
		return ""
	}
	return *v
}

// sheetName is a unique sheet title of at most 31 characters.
func sheetName(want string, used map[string]bool) string {
	name := want
	for utf8.RuneCountInString(name) > 31 {
		r := []rune(name)
		name = string(r[:31])
	}
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s %d", string([]rune(want)[:min(utf8.RuneCountInString(want), 27)]), i)
	}
	used[name] = true
	return name
}

func writeRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		if len(row) == 0 {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return fmt.Errorf("sheet %s row %d: %w", sheet, i+1, err)
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("sheet %s row %d: %w", sheet, i+1, err)
		}
	}
	return nil
}

func (s *Server) writeWorkbook(w http.ResponseWriter, r *http.Request, f *excelize.File, filename string) {
	defer f.Close()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		s.writeError(w, r, fmt.Errorf("write %s: %w", filename, err))
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filename))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) handleEvaluationReport(w http.ResponseWriter, r *http.Request) {
	e, err := s.evaluationFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := s.evaluationWorkbook(r.Context(), e)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeWorkbook(w, r, f, fmt.Sprintf("evaluation-%d.xlsx", e.ID))
}

// evaluationWorkbook sets out one evaluation: a summary, every indicator
// with its value, points and explanation, the tier gates and the events.
func (s *Server) evaluationWorkbook(ctx context.Context, e quarterhour.Evaluation) (*excelize.File, error) {
	var res scoring.Result
	if len(e.Result) > 0 {
		if err := json.Unmarshal(e.Result, &res); err != nil {
			return nil, fmt.Errorf("decode result of evaluation %d: %w", e.ID, err)
		}
	}
	c, err := s.store.GetCircle(ctx, e.CircleID)
	if err != nil {
		return nil, fmt.Errorf("get circle %d: %w", e.CircleID, err)
	}
	district, err := s.districtName(ctx, e.District)
	if err != nil {
		return nil, err
	}
	evs, err := s.store.ListEvaluationEvents(ctx, e.ID)
	if err != nil {
		return nil, fmt.Errorf("events of evaluation %d: %w", e.ID, err)
	}
	certified := ""
	if e.CertifiedAt != nil {
		certified = e.CertifiedAt.Format("2006-01-02 15:04")
	}
	notice := ""
	if res.Reconstructed {
		notice = res.Notice
	}
	summary := [][]any{
		{"项目", "内容"},
		{"评价编号", e.ID},
		{"生活圈", c.Name},
		{"区县", fmt.Sprintf("%s %s", district, e.District)},
		{"评价方案", fmt.Sprintf("%s v%d", e.Scheme, res.SchemeVersion)},
		{"方案说明", notice},
		{"评价年度", e.Year},
		{"状态", e.Status},
		{"总分", fmt.Sprintf("%.2f / %.0f", res.Total, res.MaxTotal)},
		{"等级", fmt.Sprintf("%s（%s）", res.TierName, res.Tier)},
		{"等级说明", res.TierReason},
		{"奖励资格", res.Award.Reason},
		{"奖励上限（元）", res.Award.CapYuan},
		{"认定奖励（元）", e.AwardYuan},
		{"认定时间", certified},
		{"版本", e.Version},
	}
	indicators := [][]any{{"指标编号", "指标名称", "分组", "数值", "单位", "得分", "满分", "说明", "依据"}}
	for _, ind := range res.Indicators {
		var v any = "未提供"
		if ind.Value != nil {
			v = *ind.Value
		}
		indicators = append(indicators, []any{ind.ID, ind.Name, ind.Group, v, ind.Unit, ind.Points, ind.MaxPoints, ind.Explanation, ind.Basis})
	}
	gates := [][]any{{"等级", "条件", "是否满足", "说明"}}
	for _, g := range res.Gates {
		held := "否"
		if g.Held {
			held = "是"
		}
		gates = append(gates, []any{g.Tier, g.Condition, held, g.Message})
	}
	events := [][]any{{"时间", "操作人", "原状态", "新状态", "意见"}}
	for _, ev := range evs {
		events = append(events, []any{ev.At.Format("2006-01-02 15:04:05"), ev.Actor, ev.From, ev.To, ev.Comment})
	}

	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheetSummary); err != nil {
		return nil, fmt.Errorf("evaluation workbook: %w", err)
	}
	for _, sh := range []struct {
		name string
		rows [][]any
	}{{sheetSummary, summary}, {sheetIndicators, indicators}, {sheetGates, gates}, {sheetEvents, events}} {
		if sh.name != sheetSummary {
			if _, err := f.NewSheet(sh.name); err != nil {
				return nil, fmt.Errorf("evaluation workbook: sheet %s: %w", sh.name, err)
			}
		}
		if err := writeRows(f, sh.name, sh.rows); err != nil {
			return nil, err
		}
	}
	return f, nil
}

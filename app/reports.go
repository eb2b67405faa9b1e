package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
)

// progressHeaders head every sheet of the progress workbook.
var progressHeaders = []any{"年度", "建成生活圈（当年）", "建成生活圈（累计）", "建设目标（当年）", "建设目标（累计）",
	"认定高品质（当年）", "认定高品质（累计）", "高品质目标（当年）", "高品质目标（累计）", "已承诺奖励（元，当年）", "已承诺奖励（元，累计）",
	"奖励预算（元，当年，可配置）", "奖励预算（元，累计）"}

// Sheet titles of the workbooks.
const (
	sheetSummary    = "评价结果"
	sheetIndicators = "指标得分"
	sheetGates      = "等级门槛"
	sheetEvents     = "流转记录"
	sheetCity       = "全市"
)

// sheet is one worksheet: its title and its rows from A1 down; an empty
// row is left blank.
type sheet struct {
	name string
	rows [][]any
}

// ProgressWorkbook is the progress (see Progress) as an Excel workbook: a
// 全市 summary sheet and one sheet per district, each a row per year.
func (a *App) ProgressWorkbook(ctx context.Context, u *quarterhour.User) ([]byte, error) {
	rep, err := a.Progress(ctx, u)
	if err != nil {
		return nil, err
	}
	sheets := []sheet{progressSheet(sheetCity, rep.City)}
	used := map[string]bool{sheetCity: true}
	for _, d := range rep.Districts {
		sheets = append(sheets, progressSheet(uniqueSheetName(d.Name+" "+d.District, used), d))
	}
	return workbook("progress", sheets)
}

func progressSheet(name string, d ProgressDistrict) sheet {
	rows := [][]any{{"区县", d.Name, d.District}, {}, progressHeaders}
	for _, y := range d.Years {
		rows = append(rows, []any{y.Year, y.CirclesBuilt, y.CirclesBuiltToDate, optionalCell(y.TargetCircles), optionalCell(y.TargetCirclesToDate),
			y.HighQuality, y.HighQualityToDate, optionalCell(y.TargetHighQuality), optionalCell(y.TargetHighQualityToDate),
			y.AwardCommittedYuan, y.AwardCommittedYuanToDate, optionalCell(y.AwardBudgetYuan), optionalCell(y.AwardBudgetYuanToDate)})
	}
	return sheet{name: name, rows: rows}
}

// optionalCell is an optional count or amount: empty when not set.
func optionalCell[T int | int64](v *T) any {
	if v == nil {
		return ""
	}
	return *v
}

// uniqueSheetName is a unique sheet title of at most 31 characters.
func uniqueSheetName(want string, used map[string]bool) string {
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

// EvaluationWorkbook sets out evaluation id as an Excel workbook, if u may
// read it: a summary, every indicator with its value, points and
// explanation, the tier gates and the events.
func (a *App) EvaluationWorkbook(ctx context.Context, u *quarterhour.User, id int64) ([]byte, error) {
	e, err := a.Evaluation(ctx, u, id)
	if err != nil {
		return nil, err
	}
	var res scoring.Result
	if len(e.Result) > 0 {
		if err := json.Unmarshal(e.Result, &res); err != nil {
			return nil, fmt.Errorf("decode result of evaluation %d: %w", e.ID, err)
		}
	}
	c, err := a.store.GetCircle(ctx, e.CircleID)
	if err != nil {
		return nil, fmt.Errorf("get circle %d: %w", e.CircleID, err)
	}
	district, err := a.progressDistrictName(ctx, e.District)
	if err != nil {
		return nil, err
	}
	evs, err := a.store.ListEvaluationEvents(ctx, e.ID)
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

	return workbook(fmt.Sprintf("evaluation %d", e.ID), []sheet{
		{sheetSummary, summary}, {sheetIndicators, indicators}, {sheetGates, gates}, {sheetEvents, events}})
}

// workbook writes sheets, in order, as an XLSX file; what names it in errors.
func workbook(what string, sheets []sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		var err error
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s workbook: sheet %s: %w", what, sh.name, err)
		}
		for r, row := range sh.rows {
			if len(row) == 0 {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(1, r+1)
			if err == nil {
				err = f.SetSheetRow(sh.name, cell, &row)
			}
			if err != nil {
				return nil, fmt.Errorf("%s workbook: sheet %s row %d: %w", what, sh.name, r+1, err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write %s workbook: %w", what, err)
	}
	return buf.Bytes(), nil
}

package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// CityDistrict is the district code of target rows for the whole city.
const CityDistrict = "370800"

// ProgressYear is one district's progress in one year against its targets.
// Counts are of that year; the ToDate fields add up every year so far.
type ProgressYear struct {
	Year int `json:"year"`
	// CirclesBuilt counts circles completed that year (status completed,
	// completed_year).
	CirclesBuilt       int `json:"circles_built"`
	CirclesBuiltToDate int `json:"circles_built_to_date"`
	// HighQuality counts circles first certified high-quality in an
	// evaluation of that year.
	HighQuality       int `json:"high_quality_certified"`
	HighQualityToDate int `json:"high_quality_certified_to_date"`
	// Targets: the yearly figures and the totals to date, from the target
	// rows (a cumulative row, else the sum of the yearly rows so far); nil
	// when no row names them.
	TargetCircles           *int `json:"target_circles"`
	TargetHighQuality       *int `json:"target_high_quality"`
	TargetCirclesToDate     *int `json:"target_circles_to_date"`
	TargetHighQualityToDate *int `json:"target_high_quality_to_date"`
	// AwardCommittedYuan sums the awards set on certified evaluations of
	// that year.
	AwardCommittedYuan       int64 `json:"award_committed_yuan"`
	AwardCommittedYuanToDate int64 `json:"award_committed_yuan_to_date"`
	// AwardBudgetYuan is the award money set aside for the year by the
	// yearly target row (configuration, not from the plan), and its sum
	// over the years so far; nil when no row sets a budget.
	AwardBudgetYuan       *int64 `json:"award_budget_yuan"`
	AwardBudgetYuanToDate *int64 `json:"award_budget_yuan_to_date"`
}

// ProgressDistrict is one district's (or the whole city's) progress.
type ProgressDistrict struct {
	District string         `json:"district"`
	Name     string         `json:"name"`
	Years    []ProgressYear `json:"years"`
}

// Progress is the city's and every district's progress, year by year.
type Progress struct {
	Years     []int              `json:"years"`
	City      ProgressDistrict   `json:"city"`
	Districts []ProgressDistrict `json:"districts"`
}

// defaultProgressYears are reported when no target row names a year: the
// plan's 2023-2025 programme.
var defaultProgressYears = []int{2023, 2024, 2025}

// Progress counts built and certified circles and committed awards per
// district and year and sets them against the targets. Any user may see it.
func (a *App) Progress(ctx context.Context, u *quarterhour.User) (Progress, error) {
	if u == nil {
		return Progress{}, errLoginRequired
	}
	targets, err := a.store.ListTargets(ctx)
	if err != nil {
		return Progress{}, fmt.Errorf("list targets: %w", err)
	}
	circles, err := a.store.ListCircles(ctx, store.CircleFilter{})
	if err != nil {
		return Progress{}, fmt.Errorf("list circles: %w", err)
	}
	certified, err := a.store.ListEvaluations(ctx, store.EvaluationFilter{Status: quarterhour.EvalCertified})
	if err != nil {
		return Progress{}, fmt.Errorf("list certified evaluations: %w", err)
	}
	years := progressYears(targets)
	f := newProgressFacts(circles, certified)

	districts := map[string]bool{}
	for _, t := range targets {
		if t.District != CityDistrict {
			districts[t.District] = true
		}
	}
	for _, c := range circles {
		districts[c.District] = true
	}
	codes := make([]string, 0, len(districts))
	for d := range districts {
		codes = append(codes, d)
	}
	sort.Strings(codes)

	rep := Progress{Years: years}
	if rep.City, err = a.progressOf(ctx, CityDistrict, years, targets, f); err != nil {
		return rep, err
	}
	for _, d := range codes {
		pd, err := a.progressOf(ctx, d, years, targets, f)
		if err != nil {
			return rep, err
		}
		rep.Districts = append(rep.Districts, pd)
	}
	return rep, nil
}

// progressYears are the years named by target rows, else the default.
func progressYears(ts []quarterhour.Target) []int {
	var ys []int
	for _, t := range ts {
		if !slices.Contains(ys, t.Year) {
			ys = append(ys, t.Year)
		}
	}
	if len(ys) == 0 {
		return slices.Clone(defaultProgressYears)
	}
	slices.Sort(ys)
	return ys
}

// progressFacts are the yearly counts per district; district CityDistrict
// holds the sums over all districts.
type progressFacts struct {
	built   map[string]map[int]int
	hq      map[string]map[int]int
	awarded map[string]map[int]int64
}

func newProgressFacts(circles []quarterhour.Circle, certified []quarterhour.Evaluation) progressFacts {
	f := progressFacts{built: map[string]map[int]int{}, hq: map[string]map[int]int{}, awarded: map[string]map[int]int64{}}
	add := func(m map[string]map[int]int, district string, year int) {
		for _, d := range []string{district, CityDistrict} {
			if m[d] == nil {
				m[d] = map[int]int{}
			}
			m[d][year]++
		}
	}
	for _, c := range circles {
		if c.Status == quarterhour.CircleCompleted && c.CompletedYear > 0 {
			add(f.built, c.District, c.CompletedYear)
		}
	}
	// A circle counts once, in the year of its first high-quality
	// certification.
	first := map[int64]quarterhour.Evaluation{}
	for _, e := range certified {
		if e.Tier != "high_quality" {
			continue
		}
		if old, ok := first[e.CircleID]; !ok || e.Year < old.Year {
			first[e.CircleID] = e
		}
		for _, d := range []string{e.District, CityDistrict} {
			if f.awarded[d] == nil {
				f.awarded[d] = map[int]int64{}
			}
			f.awarded[d][e.Year] += e.AwardYuan
		}
	}
	for _, e := range first {
		add(f.hq, e.District, e.Year)
	}
	return f
}

func (a *App) progressOf(ctx context.Context, district string, years []int, ts []quarterhour.Target, f progressFacts) (ProgressDistrict, error) {
	name, err := a.progressDistrictName(ctx, district)
	if err != nil {
		return ProgressDistrict{}, err
	}
	pd := ProgressDistrict{District: district, Name: name}
	var built, hq int
	var awarded int64
	var sumCircles, sumHQ int
	var sumBudget int64
	anyYearly, anyBudget := false, false
	for _, y := range years {
		py := ProgressYear{Year: y, CirclesBuilt: f.built[district][y], HighQuality: f.hq[district][y],
			AwardCommittedYuan: f.awarded[district][y]}
		built += py.CirclesBuilt
		hq += py.HighQuality
		awarded += py.AwardCommittedYuan
		py.CirclesBuiltToDate, py.HighQualityToDate, py.AwardCommittedYuanToDate = built, hq, awarded
		for _, t := range ts {
			if t.District != district || t.Year != y || t.Cumulative {
				continue
			}
			anyYearly = true
			py.TargetCircles, py.TargetHighQuality = progressPtr(t.Circles), progressPtr(t.HighQuality)
			sumCircles += t.Circles
			sumHQ += t.HighQuality
			if t.AwardBudgetYuan > 0 {
				anyBudget = true
				py.AwardBudgetYuan = progressPtr(t.AwardBudgetYuan)
				sumBudget += t.AwardBudgetYuan
			}
		}
		if anyBudget {
			py.AwardBudgetYuanToDate = progressPtr(sumBudget)
		}
		if anyYearly {
			py.TargetCirclesToDate, py.TargetHighQualityToDate = progressPtr(sumCircles), progressPtr(sumHQ)
		}
		for _, t := range ts {
			if t.District == district && t.Year == y && t.Cumulative {
				py.TargetCirclesToDate, py.TargetHighQualityToDate = progressPtr(t.Circles), progressPtr(t.HighQuality)
			}
		}
		pd.Years = append(pd.Years, py)
	}
	return pd, nil
}

// progressDistrictName is the NBS name of a 6-digit county code, or the
// code when the region is unknown.
func (a *App) progressDistrictName(ctx context.Context, code string) (string, error) {
	r, err := a.store.GetRegion(ctx, code+"000000")
	if errors.Is(err, quarterhour.ErrNotFound) {
		return code, nil
	}
	if err != nil {
		return "", fmt.Errorf("get region %s: %w", code, err)
	}
	return r.Name, nil
}

func progressPtr[T any](v T) *T { return &v }

package scoring

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestEvaluate_MatchesGoldenFiles(t *testing.T) {
	s := jining(t)
	cases := []struct {
		name string
		m    Metrics
		sub  Submitted
		ctx  EvalContext
		tier string
	}{
		{"excellent", excellentMetrics(), excellentSubmitted(), EvalContext{Year: 2023}, "high_quality"},
		{"middling", middlingMetrics(), middlingSubmitted(), EvalContext{Year: 2023}, "basic"},
		{"short", shortMetrics(), shortSubmitted(), EvalContext{Year: 2024}, "none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Evaluate(s, c.m, c.sub, c.ctx)
			if res.Tier != c.tier {
				t.Errorf("tier %s (%s), want %s", res.Tier, res.TierReasonEN, c.tier)
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", c.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./scoring -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from %s; run go test ./scoring -update and review the diff\n%s", path, got)
			}
		})
	}
}

func TestEvaluate_IsDeterministic(t *testing.T) {
	s := jining(t)
	a, _ := json.Marshal(Evaluate(s, middlingMetrics(), middlingSubmitted(), EvalContext{Year: 2023}))
	for i := 0; i < 20; i++ {
		b, _ := json.Marshal(Evaluate(s, middlingMetrics(), middlingSubmitted(), EvalContext{Year: 2023}))
		if !bytes.Equal(a, b) {
			t.Fatal("two evaluations of the same input differ")
		}
	}
}

func TestEvaluate_ResultMarshalsToTheAPIShape(t *testing.T) {
	res := Evaluate(jining(t), excellentMetrics(), excellentSubmitted(), EvalContext{Year: 2023})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scheme", "year", "total", "tier", "indicators", "gates", "award"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("result JSON lacks %q", k)
		}
	}
	ind := doc["indicators"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "name", "value", "points", "max_points", "explanation"} {
		if _, ok := ind[k]; !ok {
			t.Errorf("indicator JSON lacks %q", k)
		}
	}
	award := doc["award"].(map[string]any)
	if award["eligible"] != true || award["cap_yuan"] != float64(300000) {
		t.Errorf("award %v, want eligible with cap 300000", award)
	}
}

func indicatorOf(t *testing.T, res Result, id string) IndicatorResult {
	t.Helper()
	for _, ir := range res.Indicators {
		if ir.ID == id {
			return ir
		}
	}
	t.Fatalf("no indicator %s", id)
	return IndicatorResult{}
}

func TestEvaluate_ExcellentScoresFullMarksWhereMet(t *testing.T) {
	res := Evaluate(jining(t), excellentMetrics(), excellentSubmitted(), EvalContext{Year: 2023})
	for _, id := range []string{"A1", "B1", "B2", "C1", "C2", "C3", "D1", "D2", "D3", "D4", "E1", "E2", "E3"} {
		ir := indicatorOf(t, res, id)
		if ir.Points != ir.MaxPoints {
			t.Errorf("%s: %v of %v points: %s", id, ir.Points, ir.MaxPoints, ir.ExplanationEN)
		}
	}
	if a2 := indicatorOf(t, res, "A2"); a2.Points != 8.57 || !strings.Contains(a2.Explanation, "缺少：幼儿托管") {
		t.Errorf("A2 = %v, %q; want 8.57 and childcare named missing", a2.Points, a2.Explanation)
	}
}

func TestEvaluate_MissingBasicTypeIsNamedInChineseAndEnglish(t *testing.T) {
	m := excellentMetrics()
	m.Values[MetricBasicTypesShare], m.Values[MetricBasicTypesPresent] = 11.0/12, 11
	m.Lists[MetricBasicTypesMissing] = []string{"laundry"}
	a1 := indicatorOf(t, Evaluate(jining(t), m, excellentSubmitted(), EvalContext{Year: 2023}), "A1")
	if !strings.Contains(a1.Explanation, "缺少：洗染店") || !strings.Contains(a1.ExplanationEN, "missing: laundry") {
		t.Errorf("A1 explanation %q / %q", a1.Explanation, a1.ExplanationEN)
	}
	if a1.Points != 18.33 {
		t.Errorf("A1 = %v, want 20 x 11/12 = 18.33", a1.Points)
	}
}

func TestEvaluate_SmallSurveySampleScoresZeroWithReason(t *testing.T) {
	sub := excellentSubmitted()
	sub.SurveySampleSize = ptrI(80)
	e1 := indicatorOf(t, Evaluate(jining(t), excellentMetrics(), sub, EvalContext{Year: 2023}), "E1")
	if e1.Points != 0 || !strings.Contains(e1.ExplanationEN, "satisfaction sample >= 100 not met (now 80, below 100): 0 points") {
		t.Errorf("E1 = %v, %q", e1.Points, e1.ExplanationEN)
	}
}

func TestEvaluate_NoComplaintsReceivedEarnsFullMarks(t *testing.T) {
	e3 := indicatorOf(t, Evaluate(jining(t), excellentMetrics(), excellentSubmitted(), EvalContext{Year: 2023}), "E3")
	if e3.Points != 2 || !strings.Contains(e3.ExplanationEN, "no complaints received") {
		t.Errorf("E3 = %v, %q", e3.Points, e3.ExplanationEN)
	}
}

func TestEvaluate_PlatformComplaintsCountInTheResolutionRate(t *testing.T) {
	withPlatform := func(received, resolved float64) Metrics {
		m := excellentMetrics()
		m.Values[MetricPlatformComplaintsReceived] = received
		m.Values[MetricPlatformComplaintsResolved] = resolved
		return m
	}
	// The district reports none, but residents posted four, one resolved.
	e3 := indicatorOf(t, Evaluate(jining(t), withPlatform(4, 1), excellentSubmitted(), EvalContext{Year: 2023}), "E3")
	if e3.Points != 0 || e3.Value == nil || *e3.Value != 0.25 ||
		!strings.Contains(e3.ExplanationEN, "1 of 4 complaints resolved, including 4 residents posted on the platform (1 resolved)") ||
		!strings.Contains(e3.Explanation, "含居民在平台提交的投诉 4 件（办结 1 件）") {
		t.Errorf("E3 with unresolved platform complaints = %v (%v), %q / %q", e3.Points, e3.Value, e3.ExplanationEN, e3.Explanation)
	}
	// Resolved on the platform too: full marks, and the figures shown.
	sub := excellentSubmitted()
	sub.ComplaintsReceived, sub.ComplaintsResolved = 10, 10
	e3 = indicatorOf(t, Evaluate(jining(t), withPlatform(2, 2), sub, EvalContext{Year: 2023}), "E3")
	if e3.Points != 2 || !strings.Contains(e3.ExplanationEN, "12 of 12 complaints resolved") {
		t.Errorf("E3 with every complaint resolved = %v, %q", e3.Points, e3.ExplanationEN)
	}
	// Without the register the figures are still shown.
	sub.Evidence = sub.Evidence[:2]
	e3 = indicatorOf(t, Evaluate(jining(t), withPlatform(2, 1), sub, EvalContext{Year: 2023}), "E3")
	if e3.Points != 0 || !strings.Contains(e3.ExplanationEN, "no evidence attached") ||
		!strings.Contains(e3.ExplanationEN, "residents posted 2 complaints on the platform (1 resolved)") {
		t.Errorf("E3 without its evidence = %v, %q", e3.Points, e3.ExplanationEN)
	}
	sub.Evidence = excellentSubmitted().Evidence
	// Without platform complaints E3 reads as before.
	e3 = indicatorOf(t, Evaluate(jining(t), excellentMetrics(), sub, EvalContext{Year: 2023}), "E3")
	if e3.Points != 2 || strings.Contains(e3.ExplanationEN, "platform") {
		t.Errorf("E3 without platform complaints = %v, %q", e3.Points, e3.ExplanationEN)
	}
}

func TestEvaluate_SubmittedClaimWithoutEvidenceScoresZero(t *testing.T) {
	sub := excellentSubmitted()
	sub.Evidence = nil
	res := Evaluate(jining(t), excellentMetrics(), sub, EvalContext{Year: 2023})
	for _, id := range []string{"E1", "E2", "E3"} {
		if ir := indicatorOf(t, res, id); ir.Points != 0 || !strings.Contains(ir.ExplanationEN, "no evidence attached") {
			t.Errorf("%s = %v, %q", id, ir.Points, ir.ExplanationEN)
		}
	}
}

func TestEvaluate_EvidenceCountsOnlyWhenItNamesAFileOfTheEvaluation(t *testing.T) {
	sub := excellentSubmitted()
	sub.Evidence = []Evidence{
		{Indicator: "E1", Ref: "/api/v1/evidence/7"},
		{Indicator: "E2", Ref: "/api/v1/evidence/16"}, // another evaluation's file
		{Indicator: "E3", Ref: "anything"},
		{Indicator: "E3", Ref: "https://example.org/complaints.pdf"},
	}
	res := Evaluate(jining(t), excellentMetrics(), sub, EvalContext{Year: 2023, Files: map[string]bool{"/api/v1/evidence/7": true}})
	if e1 := indicatorOf(t, res, "E1"); e1.Points != 6 {
		t.Errorf("E1 with its file = %v, %q; want 6", e1.Points, e1.ExplanationEN)
	}
	for id, refs := range map[string]string{"E2": `"/api/v1/evidence/16"`, "E3": `"anything", "https://example.org/complaints.pdf"`} {
		ir := indicatorOf(t, res, id)
		if ir.Points != 0 || !strings.Contains(ir.ExplanationEN, "evidence "+refs+" is not a file uploaded to this evaluation") ||
			!strings.Contains(ir.Explanation, "不是本评价上传的文件") {
			t.Errorf("%s = %v, %q / %q; want 0 naming %s", id, ir.Points, ir.ExplanationEN, ir.Explanation, refs)
		}
	}
	// No files at all: nothing counts.
	none := Evaluate(jining(t), excellentMetrics(), sub, EvalContext{Year: 2023, Files: map[string]bool{}})
	if e1 := indicatorOf(t, none, "E1"); e1.Points != 0 {
		t.Errorf("E1 without any uploaded file = %v", e1.Points)
	}
}

func TestEvaluate_UnavailableInputScoresZero(t *testing.T) {
	m := excellentMetrics()
	delete(m.Values, MetricPopulationCoverage)
	sub := excellentSubmitted()
	sub.SatisfactionRate = nil
	res := Evaluate(jining(t), m, sub, EvalContext{Year: 2023})
	if b1 := indicatorOf(t, res, "B1"); b1.Points != 0 || b1.Value != nil || b1.ExplanationEN != "not computed: 0 points" {
		t.Errorf("B1 = %+v", b1)
	}
	if e1 := indicatorOf(t, res, "E1"); e1.Points != 0 || e1.ExplanationEN != "not submitted: 0 points" {
		t.Errorf("E1 = %+v", e1)
	}
	if res.Tier != "none" {
		t.Errorf("tier %s with coverage and satisfaction unknown, want none", res.Tier)
	}
}

func TestEvaluate_ChecksRuleNamesWhatIsNotMet(t *testing.T) {
	d3 := indicatorOf(t, Evaluate(jining(t), middlingMetrics(), middlingSubmitted(), EvalContext{Year: 2023}), "D3")
	if d3.Points != 1 {
		t.Errorf("D3 = %v, want 1 (bill payment only)", d3.Points)
	}
	for _, want := range []string{"met: bill payment at >= 3 outlets", "payment agency at >= 3 outlets (now 1, below 3)", "home visits at >= 3 outlets (now 2, below 3)"} {
		if !strings.Contains(d3.ExplanationEN, want) {
			t.Errorf("D3 explanation %q lacks %q", d3.ExplanationEN, want)
		}
	}
}

// scoreScheme is a one-indicator scheme whose total equals 100 x the
// chain rate, with Jining's tier thresholds and no gates.
func scoreScheme() *Scheme {
	return &Scheme{
		Code: "t", Name: Text{"测试", "test"}, Version: 1, Years: []int{2023}, TotalPoints: 100,
		Walking: Walking{SpeedKMH: 4, Minutes: 15, DoorstepMinutes: 10},
		Indicators: []Indicator{{ID: "X", NameZH: "x", NameEN: "x", Source: "metric:chain_rate",
			Rule: Rule{Type: RuleShare}, Points: 100, Basis: "test"}},
		Tiers: []Tier{
			{Code: "none", NameZH: "未达标", NameEN: "not yet"},
			{Code: "basic", NameZH: "达标", NameEN: "basic", MinTotal: 60},
			{Code: "high_quality", NameZH: "高品质", NameEN: "high quality", MinTotal: 85},
		},
	}
}

func TestEvaluate_TierBoundaryAt85(t *testing.T) {
	s := scoreScheme()
	if err := s.Validate(DefaultInputs()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rate  float64
		total float64
		tier  string
	}{
		{0.8499, 84.99, "basic"},
		{0.85, 85, "high_quality"},
		{0.5999, 59.99, "none"},
		{0.60, 60, "basic"},
	} {
		res := Evaluate(s, NewMetrics().Set(MetricChainRate, c.rate), Submitted{}, EvalContext{Year: 2023})
		if res.Total != c.total || res.Tier != c.tier {
			t.Errorf("rate %v: total %v tier %s, want %v %s", c.rate, res.Total, res.Tier, c.total, c.tier)
		}
	}
	res := Evaluate(s, NewMetrics().Set(MetricChainRate, 0.8499), Submitted{}, EvalContext{Year: 2023})
	if res.TierReasonEN != "not high quality: total 84.99 is below 85" {
		t.Errorf("reason %q", res.TierReasonEN)
	}
}

func TestEvaluate_EachFailedGateAloneCapsTheTier(t *testing.T) {
	s := jining(t)
	cases := []struct {
		name   string
		change func(*Metrics, *Submitted)
		tier   string
		reason string
	}{
		{"one basic type missing", func(m *Metrics, _ *Submitted) {
			m.Values[MetricBasicTypesShare], m.Values[MetricBasicTypesPresent] = 11.0/12, 11
			m.Lists[MetricBasicTypesMissing] = []string{"laundry"}
		}, "basic", "高品质需具备全部 12 类基本保障业态；缺少：洗染店"},
		{"four quality types", func(m *Metrics, _ *Submitted) {
			m.Values[MetricQualityTypesShare], m.Values[MetricQualityTypesPresent] = 4.0/7, 4
			m.Lists[MetricQualityTypesMissing] = []string{"wellness", "childcare", "leisure"}
		}, "basic", "高品质需具备 7 类品质提升业态中至少 5 类；缺少：保健养生、幼儿托管、休闲娱乐"},
		{"no elderly care of either kind", func(m *Metrics, _ *Submitted) {
			m.Values[MetricElderlyCarePresent], m.Values[MetricElderlyDaycarePresent] = 0, 0
		}, "basic", "高品质需有养老服务中心（日间照料）或老年康护；缺少：养老服务中心（日间照料）、老年康护"},
		{"coverage 84%", func(m *Metrics, _ *Submitted) {
			m.Values[MetricPopulationCoverage] = 0.84
		}, "basic", "高品质需 85% 以上居民 15 分钟步行可达；现为 84%，低于 85%"},
		{"satisfaction 89%", func(_ *Metrics, s *Submitted) {
			s.SatisfactionRate = ptrF(0.89)
		}, "basic", "高品质需居民满意度不低于 90%；现为 89%，低于 90%"},
		{"seven basic types", func(m *Metrics, _ *Submitted) {
			m.Values[MetricBasicTypesPresent] = 7
		}, "none", "达标需具备 12 类基本保障业态中至少 8 类"},
		{"coverage 59%", func(m *Metrics, _ *Submitted) {
			m.Values[MetricPopulationCoverage] = 0.59
		}, "none", "达标需 60% 以上居民 15 分钟步行可达；现为 59%，低于 60%"},
		{"satisfaction 69%", func(_ *Metrics, s *Submitted) {
			s.SatisfactionRate = ptrF(0.69)
		}, "none", "达标需居民满意度不低于 70%；现为 69%，低于 70%"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, sub := excellentMetrics(), excellentSubmitted()
			c.change(&m, &sub)
			res := Evaluate(s, m, sub, EvalContext{Year: 2023})
			if res.Total < 85 {
				t.Fatalf("total %v fell below 85: the gate is not tested alone", res.Total)
			}
			if res.Tier != c.tier || !strings.Contains(res.TierReason, c.reason) {
				t.Errorf("tier %s reason %q; want %s naming %q", res.Tier, res.TierReason, c.tier, c.reason)
			}
			capped := s.Tiers[s.tier(c.tier)+1].Code
			failed := 0
			for _, g := range res.Gates {
				if g.Tier == capped && !g.Held {
					failed++
				}
			}
			if failed != 1 {
				t.Errorf("%d gates of tier %s failed, want exactly 1: %+v", failed, capped, res.Gates)
			}
		})
	}
}

func TestEvaluate_Award(t *testing.T) {
	s := jining(t)
	cases := []struct {
		name     string
		ctx      EvalContext
		eligible bool
		reason   string
	}{
		{"high quality in 2023", EvalContext{Year: 2023}, true, "at most ¥300000"},
		{"high quality in 2024", EvalContext{Year: 2024}, false, "2024 is not an award year (2023)"},
		{"already awarded", EvalContext{Year: 2023, CircleAwarded: true}, false, "once per circle"},
		{"certified in 2023", EvalContext{Year: 2023, CertifiedYear: 2023}, true, "at most ¥300000"},
		{"certified too late", EvalContext{Year: 2023, CertifiedYear: 2024}, false, "certified in an award year (2023); a certification in 2024 is too late"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := Evaluate(s, excellentMetrics(), excellentSubmitted(), c.ctx).Award
			if a.Eligible != c.eligible || !strings.Contains(a.ReasonEN, c.reason) {
				t.Errorf("award %+v, want eligible=%v naming %q", a, c.eligible, c.reason)
			}
			if !a.Eligible && a.CapYuan != 0 {
				t.Errorf("cap %d shown for an ineligible circle", a.CapYuan)
			}
		})
	}
	a := Evaluate(s, middlingMetrics(), middlingSubmitted(), EvalContext{Year: 2023}).Award
	if a.Eligible || a.ReasonEN != "the award is for tier high_quality only" {
		t.Errorf("basic-tier award %+v", a)
	}
}

func TestEvaluate_MofcomClassesUseTheSameServiceScore(t *testing.T) {
	s := shippedScheme(t, "mofcom-2023")
	improved := middlingMetrics()
	improved.Values[MetricPopulationCoverage] = 0.9
	improved.Values[MetricBasicNeedsCoverage] = 0.7
	cases := []struct {
		name string
		m    Metrics
		sub  Submitted
		tier string
	}{
		{"excellent", excellentMetrics(), excellentSubmitted(), "quality"},
		{"middling", middlingMetrics(), middlingSubmitted(), "basic_type"},
		{"middling with wide coverage", improved, middlingSubmitted(), "improved"},
		{"short", shortMetrics(), shortSubmitted(), "none"},
	}
	for _, c := range cases {
		res := Evaluate(s, c.m, c.sub, EvalContext{Year: 2024})
		if res.Tier != c.tier {
			t.Errorf("%s: class %s (total %v, %s), want %s", c.name, res.Tier, res.Total, res.TierReasonEN, c.tier)
		}
		if res.Award.Eligible {
			t.Errorf("%s: award eligible under a scheme without an award", c.name)
		}
	}
}

func BenchmarkEvaluate_Jining(b *testing.B) {
	s := shippedScheme(b, "jining-2023")
	m, sub := middlingMetrics(), middlingSubmitted()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Evaluate(s, m, sub, EvalContext{Year: 2023})
	}
}

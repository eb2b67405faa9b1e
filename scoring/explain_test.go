package scoring

import (
	"strings"
	"testing"
)

func TestInputNames_NameEveryMetricAndField(t *testing.T) {
	fields := []string{FieldSatisfactionRate, FieldSurveySampleSize, FieldManagementSystem, FieldComplaintChannel,
		FieldComplaintsReceived, FieldComplaintsResolved, FieldComplaintResolutionRate}
	for _, name := range append(append([]string{}, MetricNames...), fields...) {
		n, ok := inputNames[name]
		if !ok || n.zh == "" || n.en == "" || strings.Contains(n.zh, "_") {
			t.Errorf("input %s has no reading name: %+v", name, n)
		}
	}
}

// Failed conditions read as sentences that name what is missing or how far
// a value falls short; never as bare relations like "0 ≠ 1".
func TestCondition_ExplainsAsSentences(t *testing.T) {
	s := jining(t)
	m, sub := excellentMetrics(), excellentSubmitted()
	m.Values[MetricElderlyCarePresent], m.Values[MetricElderlyDaycarePresent] = 0, 0
	m.Values[MetricPopulationCoverage] = 0.84
	sub.ManagementSystem = false
	e := evaluator{s: s, m: m, sub: sub}
	eq := func(metric string) Condition { return Condition{Metric: metric, Op: OpEQ, Value: 1} }
	cases := []struct {
		name   string
		c      Condition
		named  bool
		zh, en string
	}{
		{"either elderly service", Condition{AnyOf: []Condition{eq(MetricElderlyDaycarePresent), eq(MetricElderlyCarePresent)}}, true,
			"缺少：养老服务中心（日间照料）、老年康护", "missing: elderly day care centre, elderly care"},
		{"a value short, unnamed", Condition{Metric: MetricPopulationCoverage, Op: OpGE, Value: 0.85}, false,
			"15 分钟步行可达的居民比例为 84%，低于 85%", "residents within the walk is 84%, below 85%"},
		{"a value short, named", Condition{Metric: MetricPopulationCoverage, Op: OpGE, Value: 0.85, MessageZH: "覆盖"}, true,
			"现为 84%，低于 85%", "now 84%, below 85%"},
		{"a submitted yes/no", Condition{Submitted: FieldManagementSystem, Op: OpEQ, Value: 1}, true,
			"缺少：共建共管管理制度", "missing: co-management system"},
		{"alternatives of different kinds", Condition{AnyOf: []Condition{eq(MetricElderlyCarePresent),
			{Metric: MetricPopulationCoverage, Op: OpGE, Value: 0.9}}}, true,
			"以下条件均未满足：缺少：老年康护；15 分钟步行可达的居民比例为 84%，低于 90%",
			"none of these holds: missing: elderly care; residents within the walk is 84%, below 90%"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			held, zh, en := e.condition(c.c, c.named)
			if held || zh != c.zh || en != c.en {
				t.Errorf("condition = %v, %q, %q; want false, %q, %q", held, zh, en, c.zh, c.en)
			}
		})
	}
	sub.SatisfactionRate = nil
	e.sub = sub
	if _, zh, en := e.condition(Condition{Submitted: FieldSatisfactionRate, Op: OpGE, Value: 0.9}, true); zh != "居民满意度尚未填报" || en != "resident satisfaction not submitted" {
		t.Errorf("missing input: %q / %q", zh, en)
	}
}

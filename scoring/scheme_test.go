package scoring

import (
	"math"
	"strings"
	"testing"
)

func TestParseScheme_RefusesUnknownKeys(t *testing.T) {
	_, err := ParseScheme([]byte("code: x\ntotal_pionts: 100\n"))
	if err == nil || !strings.Contains(err.Error(), "total_pionts") {
		t.Errorf("err = %v, want the misspelt key named", err)
	}
}

func TestValidate_RefusesWithTheReason(t *testing.T) {
	cases := []struct {
		name   string
		change func(s *Scheme)
		reason string
	}{
		{"unknown metric", func(s *Scheme) { s.Indicators[0].Source = "metric:shops_per_km" },
			`indicator A1: unknown metric "shops_per_km"`},
		{"unknown submitted field", func(s *Scheme) { s.Indicators[12].Source = "submitted:happiness" },
			`indicator E1: unknown submitted field "happiness"`},
		{"malformed source", func(s *Scheme) { s.Indicators[0].Source = "basic_types_share" },
			"neither metric:<name> nor submitted:<field>"},
		{"points not adding up", func(s *Scheme) { s.Indicators[0].Points = 19 },
			"indicator points add up to 99, not the declared total 100"},
		{"tiers out of order", func(s *Scheme) { s.Tiers[1], s.Tiers[2] = s.Tiers[2], s.Tiers[1] },
			"tier basic: min_total 60 does not rise above tier high_quality's 85"},
		{"overlapping tiers", func(s *Scheme) { s.Tiers[2].MinTotal = 60 },
			"tier high_quality: min_total 60 does not rise above tier basic's 60"},
		{"gate on unknown input", func(s *Scheme) { s.Tiers[2].Gates[0].Metric = "stars" },
			`tier high_quality gate 1: unknown metric "stars"`},
		{"gate on unknown alternative", func(s *Scheme) { s.Tiers[2].Gates[2].AnyOf[1].Metric = "nursing_home" },
			`tier high_quality gate 3 alternative 2: unknown metric "nursing_home"`},
		{"linear from == to", func(s *Scheme) { v := 0.5; s.Indicators[3].Rule.To = &v },
			"indicator B1: linear rule has from == to (0.5)"},
		{"negative points", func(s *Scheme) { s.Indicators[0].Points = -20; s.Indicators[1].Points = 50 },
			"indicator A1: negative points -20"},
		{"negative step points", func(s *Scheme) { s.Indicators[7].Rule.Steps[0].Points = -2 },
			"indicator C3: step 1 has negative points -2"},
		{"negative check points", func(s *Scheme) {
			s.Indicators[10].Rule.Checks[0].Points = -1
			s.Indicators[10].Rule.Checks[1].Points = 3
		}, "indicator D3: check 1 has negative points -1"},
		{"checks not adding up", func(s *Scheme) { s.Indicators[10].Rule.Checks[0].Points = 2 },
			"indicator D3: checks add up to 4 points, not the indicator's 3"},
		{"steps out of order", func(s *Scheme) { s.Indicators[7].Rule.Steps[1].Min = 1 },
			"indicator C3: step minimums are not increasing at step 2"},
		{"unknown rule type", func(s *Scheme) { s.Indicators[0].Rule.Type = "sigmoid" },
			`indicator A1: unknown rule type "sigmoid"`},
		{"unknown operator", func(s *Scheme) { s.Tiers[1].Gates[0].Op = ">" },
			`tier basic gate 1: unknown operator ">"`},
		{"award for unknown tier", func(s *Scheme) { s.Award.Tier = "gold" }, `award: unknown tier "gold"`},
		{"fallback tier with gates", func(s *Scheme) { s.Tiers[0].Gates = s.Tiers[1].Gates },
			"tier none: the lowest tier is the fallback"},
		{"indicator without basis", func(s *Scheme) { s.Indicators[2].Basis = "" }, "indicator A3: basis is required"},
		{"reconstructed without notice", func(s *Scheme) { s.Notice = "" }, "needs a notice"},
		{"walking speed not a number", func(s *Scheme) { s.Walking.SpeedKMH = math.NaN() },
			"walking: speed_kmh must be above 0 and at most 10, not NaN"},
		{"walking longer than an hour", func(s *Scheme) { s.Walking.Minutes = 90 },
			"walking: minutes must be above 0 and at most 60, not 90"},
		{"doorstep beyond the budget", func(s *Scheme) { s.Walking.DoorstepMinutes = 20 },
			"walking: doorstep_minutes must be above 0 and at most minutes, not 20"},
		{"doorstep not a number", func(s *Scheme) { s.Walking.DoorstepMinutes = math.NaN() },
			"walking: doorstep_minutes must be above 0 and at most minutes, not NaN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := jining(t)
			c.change(s)
			err := s.Validate(DefaultInputs())
			if err == nil || !strings.Contains(err.Error(), c.reason) {
				t.Errorf("err = %v\nwant it to contain %q", err, c.reason)
			}
		})
	}
}

func TestValidate_KnownInputsAreTheCallers(t *testing.T) {
	s := jining(t)
	known := DefaultInputs()
	known.Metrics = []string{MetricBasicTypesShare}
	if err := s.Validate(known); err == nil || !strings.Contains(err.Error(), `unknown metric "quality_types_share"`) {
		t.Errorf("err = %v, want quality_types_share refused when the caller cannot compute it", err)
	}
}

func TestRulePoints_EveryRuleType(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		name string
		ind  Indicator
		v    float64
		want float64
	}{
		{"linear below from", Indicator{Points: 15, Rule: Rule{Type: RuleLinear, From: f(0.5), To: f(0.9)}}, 0.4, 0},
		{"linear midway", Indicator{Points: 15, Rule: Rule{Type: RuleLinear, From: f(0.5), To: f(0.9)}}, 0.7, 7.5},
		{"linear above to", Indicator{Points: 15, Rule: Rule{Type: RuleLinear, From: f(0.5), To: f(0.9)}}, 1, 15},
		{"linear decreasing midway", Indicator{Points: 4, Rule: Rule{Type: RuleLinear, From: f(20), To: f(10)}}, 15, 2},
		{"linear decreasing best", Indicator{Points: 4, Rule: Rule{Type: RuleLinear, From: f(20), To: f(10)}}, 5, 4},
		{"steps below first", Indicator{Points: 6, Rule: Rule{Type: RuleSteps, Steps: []Step{{1, 2}, {2, 4}, {3, 6}}}}, 0, 0},
		{"steps on a step", Indicator{Points: 6, Rule: Rule{Type: RuleSteps, Steps: []Step{{1, 2}, {2, 4}, {3, 6}}}}, 2, 4},
		{"steps between", Indicator{Points: 6, Rule: Rule{Type: RuleSteps, Steps: []Step{{1, 2}, {2, 4}, {3, 6}}}}, 2.9, 4},
		{"boolean met", Indicator{Points: 5, Rule: Rule{Type: RuleBoolean}}, 1, 5},
		{"boolean not met", Indicator{Points: 5, Rule: Rule{Type: RuleBoolean}}, 0, 0},
		{"share", Indicator{Points: 20, Rule: Rule{Type: RuleShare}}, 0.75, 15},
		{"share clamped", Indicator{Points: 20, Rule: Rule{Type: RuleShare}}, 1.2, 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := rulePoints(c.ind, c.v); round2(got) != c.want {
				t.Errorf("rulePoints(%v) = %v, want %v", c.v, got, c.want)
			}
		})
	}
}

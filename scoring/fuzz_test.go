package scoring

import (
	"math"
	"testing"
)

// smallScheme is a valid scheme using every rule type, short enough that
// mutations of it often still validate.
const smallScheme = `code: small
name: {zh: 小方案, en: small scheme}
version: 1
years: [2024]
walking: {speed_kmh: 4, minutes: 15, doorstep_minutes: 10}
total_points: 10
indicators:
  - {id: A, name_zh: 甲, name_en: a, basis: b, source: "metric:basic_types_share", rule: {type: share}, points: 2}
  - {id: B, name_zh: 乙, name_en: b, basis: b, source: "metric:population_coverage", rule: {type: linear, from: 0.5, to: 0.9}, points: 2}
  - {id: C, name_zh: 丙, name_en: c, basis: b, source: "metric:chain_rate", rule: {type: steps, steps: [{min: 0.1, points: 1}, {min: 0.3, points: 2}]}, points: 2}
  - {id: D, name_zh: 丁, name_en: d, basis: b, source: "metric:smart_locker_present", rule: {type: boolean}, points: 1}
  - {id: E, name_zh: 戊, name_en: e, basis: b, rule: {type: checks, checks: [{metric: elderly_care_present, op: ">=", value: 1, points: 1}, {submitted: satisfaction_rate, op: ">=", value: 0.9, points: 1}]}, points: 2}
  - {id: F, name_zh: 己, name_en: f, basis: b, source: "submitted:complaint_resolution_rate", rule: {type: share}, points: 1, requires: [{submitted: survey_sample_size, op: ">=", value: 30}]}
tiers:
  - {code: none, name_zh: 未达标, name_en: not met, min_total: 0}
  - {code: basic, name_zh: 达标, name_en: basic, min_total: 6, gates: [{metric: basic_types_share, op: ">=", value: 1}]}
  - {code: high, name_zh: 高品质, name_en: high, min_total: 9, gates: [{any_of: [{metric: childcare_present, op: "==", value: 1}, {metric: elderly_daycare_present, op: "==", value: 1}]}]}
award: {tier: high, years: [2024], cap_yuan: 300000, basis: b}
`

func FuzzParseScheme(f *testing.F) {
	// The shipped schemes are left out: minimizing an interesting mutation
	// of a 20 kB document takes the fuzzer's whole time budget.
	docs := [][]byte{[]byte(smallScheme)}
	docs = append(docs, []byte("code: x\ntotal_pionts: 100\n"), []byte("{"), []byte(""), []byte("tiers: [{code: a}, 7]"))
	for _, doc := range docs {
		f.Add(doc, 1.0, 0.5, 12.0, uint8(0), uint64(0), 0.95, int16(10), int16(9))
		f.Add(doc, 0.0, 0.0, 0.0, uint8(0), uint64(1<<63|1), 0.0, int16(0), int16(0))
		f.Add(doc, -3.0, 1e300, 0.85, uint8(0), uint64(0x5555), 1.0, int16(100), int16(0))
	}

	// special replaces values by NaN, +Inf or -Inf, which the mutator
	// rarely reaches on its own: two bits per value, a, b, c, then the
	// satisfaction rate.
	specials := []float64{0, math.NaN(), math.Inf(1), math.Inf(-1)}
	f.Fuzz(func(t *testing.T, doc []byte, a, b, c float64, special uint8, absent uint64, satisfaction float64, received, resolved int16) {
		for i, v := range []*float64{&a, &b, &c, &satisfaction} {
			if k := special >> (2 * i) & 3; k > 0 {
				*v = specials[k]
			}
		}
		s, err := ParseScheme(doc)
		if err != nil {
			if s != nil {
				t.Fatalf("ParseScheme returned a scheme with error %v", err)
			}
			return
		}
		if s.Validate(DefaultInputs()) != nil {
			return
		}
		m := NewMetrics()
		vals := []float64{a, b, c}
		for i, name := range MetricNames {
			if absent&(1<<(i%64)) == 0 {
				m.Values[name] = vals[i%len(vals)]
			}
		}
		sample := int(received) * 3
		sub := Submitted{SatisfactionRate: &satisfaction, SurveySampleSize: &sample,
			ManagementSystem: a > 0, ComplaintChannel: b > 0,
			ComplaintsReceived: int(received), ComplaintsResolved: int(resolved)}
		if len(ValidateSubmitted(sub)) > 0 {
			sub = Submitted{}
		}

		res := Evaluate(s, m, sub, EvalContext{Year: 2024})
		if !(res.MaxTotal >= 0) || math.IsInf(res.MaxTotal, 0) {
			t.Fatalf("scheme %s validates with a total of %v points", s.Code, res.MaxTotal)
		}
		const tol = 0.005 + epsilon // Total is rounded to 0.01
		if math.IsNaN(res.Total) || res.Total < 0 || res.Total > res.MaxTotal+tol {
			t.Fatalf("total %v outside [0, %v] for metrics %v, submitted %+v (satisfaction %v)",
				res.Total, res.MaxTotal, m.Values, sub, satisfaction)
		}
		for _, ir := range res.Indicators {
			if math.IsNaN(ir.Points) || ir.Points < 0 || ir.Points > ir.MaxPoints+tol {
				t.Fatalf("indicator %s scores %v of %v (value %v)", ir.ID, ir.Points, ir.MaxPoints, ir.Value)
			}
		}
		if s.tier(res.Tier) < 0 {
			t.Fatalf("tier %q is not a tier of scheme %s", res.Tier, s.Code)
		}
		if res.Award.Eligible && (s.Award == nil || res.Tier != s.Award.Tier) {
			t.Fatalf("award eligible at tier %q", res.Tier)
		}
		if again := Evaluate(s, m, sub, EvalContext{Year: 2024}); again.Total != res.Total || again.Tier != res.Tier {
			t.Fatalf("evaluation is not deterministic: %v %s, then %v %s", res.Total, res.Tier, again.Total, again.Tier)
		}
	})
}

package scoring

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/quarterhour/quarterhour/geo"
)

// Scheme is an indicator scheme: what is measured, how it scores, which tiers
// a circle can reach and what award a tier earns. It is data, parsed from a
// YAML document; JSON encoding gives the stored document.
type Scheme struct {
	Code          string   `yaml:"code" json:"code"`
	Name          Text     `yaml:"name" json:"name"`
	Version       int      `yaml:"version" json:"version"`
	Years         []int    `yaml:"years" json:"years"`
	Reconstructed bool     `yaml:"reconstructed" json:"reconstructed"`
	Notice        string   `yaml:"notice,omitempty" json:"notice,omitempty"`
	Sources       []Source `yaml:"sources" json:"sources"`
	Walking       Walking  `yaml:"walking" json:"walking"`
	TotalPoints   float64  `yaml:"total_points" json:"total_points"`

	// BasicTypes, QualityTypes and PublicTypes are the category checklists
	// behind the type metrics; DoorstepSets lists the groups of categories of
	// which residents need one each within the doorstep minutes (A3).
	BasicTypes   []TypeRef  `yaml:"basic_types" json:"basic_types"`
	QualityTypes []TypeRef  `yaml:"quality_types" json:"quality_types"`
	PublicTypes  []TypeRef  `yaml:"public_types" json:"public_types"`
	DoorstepSets [][]string `yaml:"doorstep_sets" json:"doorstep_sets"`
	// PresenceMetrics maps a presence metric (elderly_care_present, ...) to the
	// categories of which any one present sets it to 1.
	PresenceMetrics map[string][]string `yaml:"presence_metrics" json:"presence_metrics"`
	// NewCommunityCommercialMinRatio is the least commercial and service
	// floor area of a new community as a share of its building area.
	NewCommunityCommercialMinRatio float64 `yaml:"new_community_commercial_min_ratio" json:"new_community_commercial_min_ratio"`

	Indicators []Indicator `yaml:"indicators" json:"indicators"`
	// Tiers are ordered from the lowest (the fallback, no gates) upwards.
	Tiers []Tier     `yaml:"tiers" json:"tiers"`
	Award *AwardRule `yaml:"award,omitempty" json:"award,omitempty"`
	// Notes record why the scheme departs from its sources, if it does.
	Notes []string `yaml:"notes,omitempty" json:"notes,omitempty"`
}

// Text is a name in Chinese and English.
type Text struct {
	ZH string `yaml:"zh" json:"zh"`
	EN string `yaml:"en" json:"en"`
}

// Source is a document a scheme rests on.
type Source struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	Ref   string `yaml:"ref,omitempty" json:"ref,omitempty"`
}

// Walking is the walking profile a scheme fixes.
type Walking struct {
	SpeedKMH        float64 `yaml:"speed_kmh" json:"speed_kmh"`
	Minutes         float64 `yaml:"minutes" json:"minutes"`
	DoorstepMinutes float64 `yaml:"doorstep_minutes" json:"doorstep_minutes"`
	Basis           string  `yaml:"basis,omitempty" json:"basis,omitempty"`
}

// Walk is the full walking budget.
func (w Walking) Walk() geo.Walk { return geo.Walk{Minutes: w.Minutes, SpeedKmh: w.SpeedKMH} }

// Doorstep is the walk of the doorstep ring.
func (w Walking) Doorstep() geo.Walk {
	return geo.Walk{Minutes: w.DoorstepMinutes, SpeedKmh: w.SpeedKMH}
}

// BudgetMetres is the walking distance of the full budget.
func (w Walking) BudgetMetres() float64 { return w.Walk().Metres() }

// DoorstepMetres is the walking distance of the doorstep ring.
func (w Walking) DoorstepMetres() float64 { return w.Doorstep().Metres() }

// TypeRef names a category of the taxonomy inside a scheme, so explanations
// can name what is missing without a database.
type TypeRef struct {
	Code   string `yaml:"code" json:"code"`
	NameZH string `yaml:"name_zh" json:"name_zh"`
	NameEN string `yaml:"name_en" json:"name_en"`
}

// Indicator is one scored item of a scheme.
type Indicator struct {
	ID     string `yaml:"id" json:"id"`
	NameZH string `yaml:"name_zh" json:"name_zh"`
	NameEN string `yaml:"name_en" json:"name_en"`
	Group  string `yaml:"group" json:"group"`
	// Source is "metric:<name>" or "submitted:<field>"; empty for a checks
	// rule, whose checks name their own inputs.
	Source string `yaml:"source,omitempty" json:"source,omitempty"`
	// Unit says how the value reads: share (shown as a percentage), count,
	// m2 or bool.
	Unit   string  `yaml:"unit,omitempty" json:"unit,omitempty"`
	Rule   Rule    `yaml:"rule" json:"rule"`
	Points float64 `yaml:"points" json:"points"`
	// Requires are preconditions: when one fails the indicator scores 0 and
	// the explanation names it (a survey sample too small, say).
	Requires []Condition `yaml:"requires,omitempty" json:"requires,omitempty"`
	// Evidence lists the documents a district must attach; without any the
	// indicator scores 0.
	Evidence []string `yaml:"evidence,omitempty" json:"evidence,omitempty"`
	Basis    string   `yaml:"basis" json:"basis"`
	Note     string   `yaml:"note,omitempty" json:"note,omitempty"`
}

// Rule types.
const (
	RuleLinear  = "linear"  // 0 points at From, full points at To, linear between, clamped
	RuleSteps   = "steps"   // points of the highest step whose Min the value reaches
	RuleBoolean = "boolean" // full points when the value is non-zero
	RuleShare   = "share"   // full points times the value clamped to 0..1
	RuleChecks  = "checks"  // the points of every check that holds, added up
)

// Rule turns an indicator's value into points.
type Rule struct {
	Type   string   `yaml:"type" json:"type"`
	From   *float64 `yaml:"from,omitempty" json:"from,omitempty"`
	To     *float64 `yaml:"to,omitempty" json:"to,omitempty"`
	Steps  []Step   `yaml:"steps,omitempty" json:"steps,omitempty"`
	Checks []Check  `yaml:"checks,omitempty" json:"checks,omitempty"`
}

// Step is one threshold of a steps rule.
type Step struct {
	Min    float64 `yaml:"min" json:"min"`
	Points float64 `yaml:"points" json:"points"`
}

// Check is one condition of a checks rule and the points it is worth.
type Check struct {
	Condition `yaml:",inline"`
	Points    float64 `yaml:"points" json:"points"`
}

// Comparison operators of a condition.
const (
	OpGE = ">="
	OpLE = "<="
	OpEQ = "=="
)

// Condition is a test on one input, or on any of several (AnyOf). Exactly
// one of Metric, Submitted and AnyOf is set.
type Condition struct {
	Metric    string      `yaml:"metric,omitempty" json:"metric,omitempty"`
	Submitted string      `yaml:"submitted,omitempty" json:"submitted,omitempty"`
	Op        string      `yaml:"op,omitempty" json:"op,omitempty"`
	Value     float64     `yaml:"value" json:"value"`
	AnyOf     []Condition `yaml:"any_of,omitempty" json:"any_of,omitempty"`
	MessageZH string      `yaml:"message_zh,omitempty" json:"message_zh,omitempty"`
	MessageEN string      `yaml:"message_en,omitempty" json:"message_en,omitempty"`
}

// Tier is a level a circle can reach: a least total and gates that must all
// hold. A tier also needs the gates of every tier below it.
type Tier struct {
	Code     string      `yaml:"code" json:"code"`
	NameZH   string      `yaml:"name_zh" json:"name_zh"`
	NameEN   string      `yaml:"name_en" json:"name_en"`
	MinTotal float64     `yaml:"min_total" json:"min_total"`
	Gates    []Condition `yaml:"gates,omitempty" json:"gates,omitempty"`
	Basis    string      `yaml:"basis,omitempty" json:"basis,omitempty"`
}

// AwardRule is the money a tier earns.
type AwardRule struct {
	Tier                  string `yaml:"tier" json:"tier"`
	Years                 []int  `yaml:"years" json:"years"`
	CapYuan               int64  `yaml:"cap_yuan" json:"cap_yuan"`
	OncePerCircle         bool   `yaml:"once_per_circle" json:"once_per_circle"`
	MustBeCertifiedInYear bool   `yaml:"must_be_certified_in_year" json:"must_be_certified_in_year"`
	Basis                 string `yaml:"basis" json:"basis"`
}

// ParseScheme decodes a YAML scheme document. Unknown keys are refused so a
// misspelt threshold cannot be silently ignored; call Validate before use.
func ParseScheme(b []byte) (*Scheme, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s Scheme
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("parse scheme: %w", err)
	}
	return &s, nil
}

// KnownInputs are the metric and submitted-field names a scheme may use.
type KnownInputs struct {
	Metrics   []string
	Submitted []string
}

// DefaultInputs returns every metric and submitted field this package knows.
func DefaultInputs() KnownInputs {
	return KnownInputs{Metrics: MetricNames, Submitted: SubmittedFields}
}

// Input kinds of an indicator source.
const (
	sourceMetric    = "metric"
	sourceSubmitted = "submitted"
)

// ParseSource splits an indicator source "metric:<name>" or
// "submitted:<field>" into its kind and name.
func ParseSource(src string) (kind, name string, err error) {
	kind, name, ok := strings.Cut(src, ":")
	if !ok || name == "" || (kind != sourceMetric && kind != sourceSubmitted) {
		return "", "", fmt.Errorf("source %q is neither metric:<name> nor submitted:<field>", src)
	}
	return kind, name, nil
}

// Validate checks the scheme against the inputs that can be supplied. It
// reports every problem found, each with its reason.
func (s *Scheme) Validate(known KnownInputs) error {
	v := validator{
		metrics:   toSet(known.Metrics),
		submitted: toSet(known.Submitted),
	}
	v.scheme(s)
	return errors.Join(v.errs...)
}

type validator struct {
	metrics, submitted map[string]bool
	errs               []error
}

func (v *validator) fail(format string, a ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, a...))
}

func (v *validator) scheme(s *Scheme) {
	if s.Code == "" {
		v.fail("scheme: code is empty")
	}
	if s.Name.ZH == "" || s.Name.EN == "" {
		v.fail("scheme %s: name needs zh and en", s.Code)
	}
	if s.Version < 1 {
		v.fail("scheme %s: version %d is not positive", s.Code, s.Version)
	}
	if len(s.Years) == 0 {
		v.fail("scheme %s: no years", s.Code)
	}
	if s.Reconstructed && s.Notice == "" {
		v.fail("scheme %s: a reconstructed scheme needs a notice saying so", s.Code)
	}
	if err := s.Walking.Walk().Validate(); err != nil {
		v.fail("scheme %s: walking: %v", s.Code, err)
	}
	if d := s.Walking.DoorstepMinutes; !(d > 0) || d > s.Walking.Minutes {
		v.fail("scheme %s: walking: doorstep_minutes must be above 0 and at most minutes, not %v", s.Code, d)
	}
	if s.NewCommunityCommercialMinRatio < 0 || s.NewCommunityCommercialMinRatio > 1 {
		v.fail("scheme %s: new_community_commercial_min_ratio %v is outside 0..1", s.Code, s.NewCommunityCommercialMinRatio)
	}
	v.types(s)
	for name := range s.PresenceMetrics {
		if !v.metrics[name] {
			v.fail("presence_metrics: unknown metric %q", name)
		}
	}

	ids := map[string]bool{}
	sum := 0.0
	for _, ind := range s.Indicators {
		if ids[ind.ID] {
			v.fail("indicator %s: duplicate id", ind.ID)
		}
		ids[ind.ID] = true
		v.indicator(ind)
		sum += ind.Points
	}
	if !finite(s.TotalPoints) || !(math.Abs(sum-s.TotalPoints) <= epsilon) {
		v.fail("scheme %s: indicator points add up to %v, not the declared total %v", s.Code, sum, s.TotalPoints)
	}
	v.tiers(s)
	v.award(s)
}

func (v *validator) types(s *Scheme) {
	seen := map[string]bool{}
	for _, list := range [][]TypeRef{s.BasicTypes, s.QualityTypes, s.PublicTypes} {
		for _, t := range list {
			if t.Code == "" || t.NameZH == "" || t.NameEN == "" {
				v.fail("type %q: code, name_zh and name_en are required", t.Code)
			}
			if seen[t.Code] {
				v.fail("type %q: listed twice", t.Code)
			}
			seen[t.Code] = true
		}
	}
	for i, set := range s.DoorstepSets {
		if len(set) == 0 {
			v.fail("doorstep set %d: empty", i+1)
		}
	}
}

func (v *validator) indicator(ind Indicator) {
	where := "indicator " + ind.ID
	if ind.ID == "" || ind.NameZH == "" || ind.NameEN == "" {
		v.fail("%s: id, name_zh and name_en are required", where)
	}
	if ind.Basis == "" {
		v.fail("%s: basis is required", where)
	}
	if ind.Points < 0 {
		v.fail("%s: negative points %v", where, ind.Points)
	} else if !finite(ind.Points) {
		v.fail("%s: points must be a finite number, not %v", where, ind.Points)
	}
	switch ind.Unit {
	case "", unitShare, unitCount, unitM2, unitBool:
	default:
		v.fail("%s: unknown unit %q", where, ind.Unit)
	}
	r := ind.Rule
	if r.Type == RuleChecks {
		if ind.Source != "" {
			v.fail("%s: a checks rule names its inputs in its checks, not in source", where)
		}
	} else {
		v.source(where, ind.Source)
	}
	switch r.Type {
	case RuleLinear:
		if r.From == nil || r.To == nil {
			v.fail("%s: linear rule needs from and to", where)
		} else if !finite(*r.From) || !finite(*r.To) {
			v.fail("%s: linear rule bounds must be finite numbers (from %v, to %v)", where, *r.From, *r.To)
		} else if *r.From == *r.To {
			v.fail("%s: linear rule has from == to (%v)", where, *r.From)
		}
	case RuleSteps:
		if len(r.Steps) == 0 {
			v.fail("%s: steps rule has no steps", where)
		}
		for i, st := range r.Steps {
			if st.Points < 0 {
				v.fail("%s: step %d has negative points %v", where, i+1, st.Points)
			}
			if st.Points > ind.Points+epsilon {
				v.fail("%s: step %d gives %v points, more than the indicator's %v", where, i+1, st.Points, ind.Points)
			}
			if i > 0 && st.Min <= r.Steps[i-1].Min {
				v.fail("%s: step minimums are not increasing at step %d", where, i+1)
			}
		}
	case RuleBoolean, RuleShare:
	case RuleChecks:
		if len(r.Checks) == 0 {
			v.fail("%s: checks rule has no checks", where)
		}
		sum := 0.0
		for i, c := range r.Checks {
			if c.Points < 0 {
				v.fail("%s: check %d has negative points %v", where, i+1, c.Points)
			}
			sum += c.Points
			v.condition(fmt.Sprintf("%s check %d", where, i+1), c.Condition)
		}
		if math.Abs(sum-ind.Points) > epsilon {
			v.fail("%s: checks add up to %v points, not the indicator's %v", where, sum, ind.Points)
		}
	default:
		v.fail("%s: unknown rule type %q", where, r.Type)
	}
	for i, c := range ind.Requires {
		v.condition(fmt.Sprintf("%s requirement %d", where, i+1), c)
	}
}

func (v *validator) source(where, src string) {
	kind, name, err := ParseSource(src)
	if err != nil {
		v.fail("%s: %w", where, err)
		return
	}
	v.input(where, kind, name)
}

func (v *validator) input(where, kind, name string) {
	switch {
	case kind == sourceMetric && !v.metrics[name]:
		v.fail("%s: unknown metric %q", where, name)
	case kind == sourceSubmitted && !v.submitted[name]:
		v.fail("%s: unknown submitted field %q", where, name)
	}
}

func (v *validator) condition(where string, c Condition) {
	if len(c.AnyOf) > 0 {
		if c.Metric != "" || c.Submitted != "" {
			v.fail("%s: any_of cannot also name an input", where)
		}
		for i, sub := range c.AnyOf {
			v.condition(fmt.Sprintf("%s alternative %d", where, i+1), sub)
		}
	} else {
		switch {
		case c.Metric != "" && c.Submitted != "":
			v.fail("%s: names both metric %q and submitted field %q", where, c.Metric, c.Submitted)
		case c.Metric != "":
			v.input(where, sourceMetric, c.Metric)
		case c.Submitted != "":
			v.input(where, sourceSubmitted, c.Submitted)
		default:
			v.fail("%s: names no input", where)
		}
		switch c.Op {
		case OpGE, OpLE, OpEQ:
		default:
			v.fail("%s: unknown operator %q", where, c.Op)
		}
	}
}

func (v *validator) tiers(s *Scheme) {
	if len(s.Tiers) == 0 {
		v.fail("scheme %s: no tiers", s.Code)
		return
	}
	if low := s.Tiers[0]; low.MinTotal != 0 || len(low.Gates) > 0 {
		v.fail("tier %s: the lowest tier is the fallback and needs min_total 0 and no gates", low.Code)
	}
	codes := map[string]bool{}
	for i, t := range s.Tiers {
		if t.Code == "" || t.NameZH == "" || t.NameEN == "" {
			v.fail("tier %d: code, name_zh and name_en are required", i+1)
		}
		if codes[t.Code] {
			v.fail("tier %s: duplicate code", t.Code)
		}
		codes[t.Code] = true
		if i > 0 && t.MinTotal <= s.Tiers[i-1].MinTotal {
			v.fail("tier %s: min_total %v does not rise above tier %s's %v (tiers overlap or are out of order)",
				t.Code, t.MinTotal, s.Tiers[i-1].Code, s.Tiers[i-1].MinTotal)
		}
		if t.MinTotal > s.TotalPoints {
			v.fail("tier %s: min_total %v is above the total %v", t.Code, t.MinTotal, s.TotalPoints)
		}
		for j, g := range t.Gates {
			v.condition(fmt.Sprintf("tier %s gate %d", t.Code, j+1), g)
		}
	}
}

func (v *validator) award(s *Scheme) {
	a := s.Award
	if a == nil {
		return
	}
	if s.tier(a.Tier) < 0 {
		v.fail("award: unknown tier %q", a.Tier)
	}
	if len(a.Years) == 0 {
		v.fail("award: no years")
	}
	if a.CapYuan <= 0 {
		v.fail("award: cap_yuan %d is not positive", a.CapYuan)
	}
	if a.Basis == "" {
		v.fail("award: basis is required")
	}
}

// tier returns the index of the tier with code, or -1.
func (s *Scheme) tier(code string) int {
	for i, t := range s.Tiers {
		if t.Code == code {
			return i
		}
	}
	return -1
}

// Indicator returns the indicator with id.
func (s *Scheme) Indicator(id string) (Indicator, bool) {
	for _, ind := range s.Indicators {
		if ind.ID == id {
			return ind, true
		}
	}
	return Indicator{}, false
}

// typeRef finds a category of the scheme's checklists by code.
func (s *Scheme) typeRef(code string) (TypeRef, bool) {
	for _, list := range [][]TypeRef{s.BasicTypes, s.QualityTypes, s.PublicTypes} {
		for _, t := range list {
			if t.Code == code {
				return t, true
			}
		}
	}
	return TypeRef{}, false
}

// typeNames gives the zh and en names of category codes, falling back to the
// code for a category the scheme does not list.
func (s *Scheme) typeNames(codes []string) (zh, en []string) {
	for _, c := range codes {
		t, ok := s.typeRef(c)
		if !ok {
			t = TypeRef{Code: c, NameZH: c, NameEN: c}
		}
		zh = append(zh, t.NameZH)
		en = append(en, t.NameEN)
	}
	return zh, en
}

func typeCodes(ts []TypeRef) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

func toSet(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

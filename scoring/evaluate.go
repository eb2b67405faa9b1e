package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// EvalContext is what an evaluation knows beyond metrics and submissions.
type EvalContext struct {
	Year          int  // the evaluation year
	CircleAwarded bool // the circle already received the scheme's award
	// CertifiedYear is the calendar year of the certification: the year it
	// was recorded, or for an evaluation not yet certified the current
	// year, the earliest it can be. 0 when not known; an award rule's
	// must_be_certified_in_year is then left to CheckAward.
	CertifiedYear int
	// Files, when not nil, holds the references of the files uploaded to
	// the evaluation: evidence counts only when its reference is one of
	// them, and the explanation says why any other earns nothing. nil
	// counts every reference (a submission scored on its own).
	Files map[string]bool
}

// Result is the outcome of one evaluation, in the JSON shape the API serves
// and the evaluation row stores.
type Result struct {
	Scheme        string            `json:"scheme"`
	SchemeVersion int               `json:"scheme_version"`
	Reconstructed bool              `json:"reconstructed"`
	Notice        string            `json:"notice,omitempty"`
	Year          int               `json:"year"`
	Total         float64           `json:"total"`
	MaxTotal      float64           `json:"max_total"`
	Tier          string            `json:"tier"`
	TierName      string            `json:"tier_name"`
	TierNameEN    string            `json:"tier_name_en"`
	TierReason    string            `json:"tier_reason"`
	TierReasonEN  string            `json:"tier_reason_en"`
	Indicators    []IndicatorResult `json:"indicators"`
	Gates         []GateResult      `json:"gates"`
	Award         AwardResult       `json:"award"`
}

// IndicatorResult is one indicator's score and why.
type IndicatorResult struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	NameEN        string   `json:"name_en"`
	Group         string   `json:"group"`
	Value         *float64 `json:"value"` // nil when the input is not available
	Unit          string   `json:"unit,omitempty"`
	Points        float64  `json:"points"`
	MaxPoints     float64  `json:"max_points"`
	Rule          string   `json:"rule"`
	Explanation   string   `json:"explanation"`
	ExplanationEN string   `json:"explanation_en"`
	Missing       []string `json:"missing,omitempty"` // category codes
	Basis         string   `json:"basis"`
}

// GateResult is one tier gate and whether it held.
type GateResult struct {
	Tier      string `json:"tier"`
	Condition string `json:"condition"`
	Held      bool   `json:"held"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

// AwardResult says whether the evaluation qualifies for the scheme's award.
// CapYuan is the most a reviewer may grant, 0 when not eligible.
type AwardResult struct {
	Eligible bool   `json:"eligible"`
	CapYuan  int64  `json:"cap_yuan"`
	Reason   string `json:"reason"`
	ReasonEN string `json:"reason_en"`
}

// Evaluate scores metrics and submitted values against a validated scheme.
// It is pure and deterministic: the same inputs give the same Result.
func Evaluate(s *Scheme, m Metrics, sub Submitted, ctx EvalContext) Result {
	e := evaluator{s: s, m: m, sub: sub, files: ctx.Files}
	res := Result{
		Scheme:        s.Code,
		SchemeVersion: s.Version,
		Reconstructed: s.Reconstructed,
		Notice:        s.Notice,
		Year:          ctx.Year,
		MaxTotal:      s.TotalPoints,
		Indicators:    []IndicatorResult{},
		Gates:         []GateResult{},
	}
	total := 0.0
	for _, ind := range s.Indicators {
		ir := e.indicator(ind)
		total += ir.Points
		res.Indicators = append(res.Indicators, ir)
	}
	res.Total = round2(total)

	tierHeld := make([]bool, len(s.Tiers))
	var failed [][]GateResult
	for i, t := range s.Tiers {
		held := true
		var fails []GateResult
		for _, g := range t.Gates {
			gr := e.gate(t.Code, g)
			res.Gates = append(res.Gates, gr)
			if !gr.Held {
				held = false
				fails = append(fails, gr)
			}
		}
		tierHeld[i] = held
		failed = append(failed, fails)
	}
	e.tier(&res, tierHeld, failed)
	res.Award = award(s, res.Tier, ctx)
	return res
}

type evaluator struct {
	s     *Scheme
	m     Metrics
	sub   Submitted
	files map[string]bool // nil: every reference counts
}

// input returns the value of a metric or submitted field; a NaN or
// infinite value counts as not available, so it can never earn points or
// pass a threshold.
func (e evaluator) input(kind, name string) (float64, bool) {
	var v float64
	var ok bool
	if kind == sourceSubmitted {
		v, ok = e.sub.Value(name)
		if name == FieldComplaintResolutionRate {
			v, ok = e.complaintResolution(), true
		}
	} else {
		v, ok = e.m.Values[name]
	}
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// complaints returns the complaints received and resolved in the year:
// those the district submitted plus those residents posted on the platform.
func (e evaluator) complaints() (received, resolved float64) {
	received = float64(e.sub.ComplaintsReceived) + e.m.Values[MetricPlatformComplaintsReceived]
	resolved = float64(e.sub.ComplaintsResolved) + e.m.Values[MetricPlatformComplaintsResolved]
	return received, resolved
}

// complaintResolution is the share of the year's complaints resolved, 1
// when there were none.
func (e evaluator) complaintResolution() float64 {
	received, resolved := e.complaints()
	if received <= 0 {
		return 1
	}
	return resolved / received
}

// missing returns the category codes explaining a metric's shortfall.
func (e evaluator) missing(kind, name string) []string {
	if kind != sourceMetric {
		return nil
	}
	return e.m.Lists[missingListOf[name]]
}

func (e evaluator) indicator(ind Indicator) IndicatorResult {
	r := IndicatorResult{
		ID: ind.ID, Name: ind.NameZH, NameEN: ind.NameEN, Group: ind.Group,
		Unit: ind.Unit, MaxPoints: ind.Points, Rule: ruleText(ind), Basis: ind.Basis,
	}
	if ind.Rule.Type == RuleChecks {
		e.checks(ind, &r)
		return r
	}
	kind, name, err := ParseSource(ind.Source)
	if err != nil {
		r.Explanation, r.ExplanationEN = "来源无效："+err.Error(), "invalid source: "+err.Error()
		return r
	}
	if r.Unit == "" {
		r.Unit = inputUnit(name)
	}
	v, ok := e.input(kind, name)
	if !ok {
		r.Explanation = "未提供" + ifSubmitted(kind, "（待填报）", "（未计算）") + "：0 分"
		r.ExplanationEN = "not " + ifSubmitted(kind, "submitted", "computed") + ": 0 points"
		return r
	}
	r.Value = &v
	shown := formatValue(v, r.Unit)

	for _, c := range ind.Requires {
		if held, zh, en := e.condition(c, c.MessageZH != ""); !held {
			r.Explanation = fmt.Sprintf("%s，未满足（%s）：0 分", c.MessageZH, zh)
			r.ExplanationEN = fmt.Sprintf("%s not met (%s): 0 points", c.MessageEN, en)
			return r
		}
	}
	if e.lacksEvidence(ind, &r) {
		if kind == sourceSubmitted && name == FieldComplaintResolutionRate {
			e.notePlatformComplaints(&r)
		}
		return r
	}

	r.Points = round2(rulePoints(ind, v))
	r.Explanation = fmt.Sprintf("%s → %s 分（满分 %s）", shown, num(r.Points), num(ind.Points))
	r.ExplanationEN = fmt.Sprintf("%s → %s of %s points", shown, num(r.Points), num(ind.Points))
	if kind == sourceSubmitted && name == FieldComplaintResolutionRate {
		e.explainComplaints(&r)
	}
	if miss := e.missing(kind, name); len(miss) > 0 {
		r.Missing = miss
		zh, en := e.s.typeNames(miss)
		r.Explanation += "；缺少：" + strings.Join(zh, "、")
		r.ExplanationEN += "; missing: " + strings.Join(en, ", ")
	}
	return r
}

// explainComplaints says what the complaint resolution rate of r is made
// of: the district's figures and the platform's.
func (e evaluator) explainComplaints(r *IndicatorResult) {
	received, resolved := e.complaints()
	if received <= 0 {
		r.Explanation = "未收到投诉：满分 " + num(r.Points)
		r.ExplanationEN = "no complaints received: full marks (" + num(r.Points) + ")"
		return
	}
	pr, ps := e.m.Values[MetricPlatformComplaintsReceived], e.m.Values[MetricPlatformComplaintsResolved]
	if pr <= 0 {
		return
	}
	r.Explanation += fmt.Sprintf("；投诉 %s 件办结 %s 件，含居民在平台提交的投诉 %s 件（办结 %s 件）", num(received), num(resolved), num(pr), num(ps))
	r.ExplanationEN += fmt.Sprintf("; %s of %s complaints resolved, including %s residents posted on the platform (%s resolved)",
		num(resolved), num(received), num(pr), num(ps))
}

// notePlatformComplaints adds to r the complaints residents posted on the
// platform, when there are any.
func (e evaluator) notePlatformComplaints(r *IndicatorResult) {
	pr, ps := e.m.Values[MetricPlatformComplaintsReceived], e.m.Values[MetricPlatformComplaintsResolved]
	if pr <= 0 {
		return
	}
	r.Explanation += fmt.Sprintf("；居民在平台提交投诉 %s 件（办结 %s 件），计入办结率", num(pr), num(ps))
	r.ExplanationEN += fmt.Sprintf("; residents posted %s complaints on the platform (%s resolved), which count in the rate", num(pr), num(ps))
}

// checks scores a checks rule: every condition that holds adds its points.
func (e evaluator) checks(ind Indicator, r *IndicatorResult) {
	held := 0.0
	var metZH, metEN, notZH, notEN []string
	for _, c := range ind.Rule.Checks {
		ok, zh, en := e.condition(c.Condition, c.MessageZH != "")
		if ok {
			held++
			r.Points += c.Points
			metZH, metEN = append(metZH, c.MessageZH), append(metEN, c.MessageEN)
		} else {
			notZH = append(notZH, fmt.Sprintf("%s（%s）", c.MessageZH, zh))
			notEN = append(notEN, fmt.Sprintf("%s (%s)", c.MessageEN, en))
		}
	}
	r.Value = &held
	r.Unit = unitCount
	if r.Points > 0 && e.lacksEvidence(ind, r) {
		return
	}
	r.Points = round2(r.Points)
	var zh, en []string
	if len(metZH) > 0 {
		zh = append(zh, "满足："+strings.Join(metZH, "；"))
		en = append(en, "met: "+strings.Join(metEN, "; "))
	}
	if len(notZH) > 0 {
		zh = append(zh, "未满足："+strings.Join(notZH, "；"))
		en = append(en, "not met: "+strings.Join(notEN, "; "))
	}
	r.Explanation = strings.Join(zh, "。") + fmt.Sprintf("。得 %s 分（满分 %s）", num(r.Points), num(ind.Points))
	r.ExplanationEN = strings.Join(en, ". ") + fmt.Sprintf(". %s of %s points", num(r.Points), num(ind.Points))
}

// lacksEvidence zeroes r and says so when ind requires evidence and none is
// attached: no reference, or only references that name no file of the
// evaluation.
func (e evaluator) lacksEvidence(ind Indicator, r *IndicatorResult) bool {
	if len(ind.Evidence) == 0 {
		return false
	}
	var foreign []string
	for _, ev := range e.sub.Evidence {
		if ev.Indicator != ind.ID || ev.Ref == "" {
			continue
		}
		if e.files == nil || e.files[ev.Ref] {
			return false
		}
		foreign = append(foreign, strconv.Quote(ev.Ref))
	}
	r.Points = 0
	needs := strings.Join(ind.Evidence, "；")
	if len(foreign) > 0 {
		refs := strings.Join(foreign, ", ")
		r.Explanation = "佐证 " + refs + " 不是本评价上传的文件，不计（需要：" + needs + "）：0 分"
		r.ExplanationEN = "evidence " + refs + " is not a file uploaded to this evaluation and counts for nothing (needs: " +
			strings.Join(ind.Evidence, "; ") + "): 0 points"
		return true
	}
	r.Explanation = "未附佐证材料（需要：" + needs + "）：0 分"
	r.ExplanationEN = "no evidence attached (needs: " + strings.Join(ind.Evidence, "; ") + "): 0 points"
	return true
}

// condition tests c; when it fails, zh and en say why as a sentence naming
// what is missing ("缺少：洗染店", "居民满意度为 80%，低于 90%"). A named
// condition comes with its own message naming the input, so the reason
// only gives the value ("现为 80%，低于 90%").
func (e evaluator) condition(c Condition, named bool) (held bool, zh, en string) {
	held, sf := e.shortfall(c)
	if held {
		return true, "", ""
	}
	zh, en = sf.text(named)
	return false, zh, en
}

// shortfall tests c and, when it fails, tells what falls short.
func (e evaluator) shortfall(c Condition) (bool, shortfall) {
	if len(c.AnyOf) > 0 {
		var alts []shortfall
		for _, alt := range c.AnyOf {
			ok, sf := e.shortfall(alt)
			if ok {
				return true, shortfall{}
			}
			alts = append(alts, sf)
		}
		return false, anyOfShortfall(alts)
	}
	kind, name := sourceMetric, c.Metric
	if c.Submitted != "" {
		kind, name = sourceSubmitted, c.Submitted
	}
	v, ok := e.input(kind, name)
	if !ok {
		return false, notAvailable(kind, name)
	}
	if compare(v, c.Op, c.Value) {
		return true, shortfall{}
	}
	if miss := e.missing(kind, name); len(miss) > 0 {
		z, en := e.s.typeNames(miss)
		return false, shortfall{missingZH: z, missingEN: en}
	}
	return false, compared(name, v, c.Op, c.Value)
}

func (e evaluator) gate(tier string, g Condition) GateResult {
	held, zh, en := e.condition(g, g.MessageZH != "")
	gr := GateResult{Tier: tier, Condition: conditionText(g), Held: held, Message: g.MessageZH, MessageEN: g.MessageEN}
	if !held {
		gr.Message += "；" + zh
		gr.MessageEN += "; " + en
	}
	return gr
}

// tier sets the highest tier reached: each tier needs its least total and
// its gates and those of every tier below it, so a failed gate caps the tier.
func (e evaluator) tier(res *Result, gatesHeld []bool, failed [][]GateResult) {
	s := e.s
	reached := 0
	res.TierReason, res.TierReasonEN = "已达最高等级", "highest tier reached"
	for i := 1; i < len(s.Tiers); i++ {
		t := s.Tiers[i]
		var zh, en []string
		if !(res.Total >= t.MinTotal-epsilon) {
			zh = append(zh, fmt.Sprintf("总分 %s，低于 %s", num(res.Total), num(t.MinTotal)))
			en = append(en, fmt.Sprintf("total %s is below %s", num(res.Total), num(t.MinTotal)))
		}
		if !gatesHeld[i] {
			for _, g := range failed[i] {
				zh, en = append(zh, g.Message), append(en, g.MessageEN)
			}
		}
		if len(zh) > 0 {
			res.TierReason = "未达到" + t.NameZH + "：" + strings.Join(zh, "；")
			res.TierReasonEN = "not " + t.NameEN + ": " + strings.Join(en, "; ")
			break
		}
		reached = i
	}
	t := s.Tiers[reached]
	res.Tier, res.TierName, res.TierNameEN = t.Code, t.NameZH, t.NameEN
}

// award decides eligibility for the scheme's award; the amount is the
// reviewer's decision within CapYuan (see CheckAward).
func award(s *Scheme, tier string, ctx EvalContext) AwardResult {
	a := s.Award
	switch {
	case a == nil:
		return AwardResult{Reason: "本方案无奖励", ReasonEN: "this scheme carries no award"}
	case tier != a.Tier:
		name := a.Tier
		if i := s.tier(a.Tier); i >= 0 {
			name = s.Tiers[i].NameZH
		}
		return AwardResult{Reason: "奖励仅限" + name, ReasonEN: "the award is for tier " + a.Tier + " only"}
	case !slices.Contains(a.Years, ctx.Year):
		return AwardResult{
			Reason:   fmt.Sprintf("%d 年不在奖励年度 %s 内", ctx.Year, years(a.Years)),
			ReasonEN: fmt.Sprintf("%d is not an award year (%s)", ctx.Year, years(a.Years)),
		}
	case a.MustBeCertifiedInYear && ctx.CertifiedYear != 0 && !slices.Contains(a.Years, ctx.CertifiedYear):
		return AwardResult{
			Reason:   fmt.Sprintf("奖励仅限在 %s 年内认定的生活圈，%d 年认定已逾期", years(a.Years), ctx.CertifiedYear),
			ReasonEN: fmt.Sprintf("the award is only for circles certified in an award year (%s); a certification in %d is too late", years(a.Years), ctx.CertifiedYear),
		}
	case a.OncePerCircle && ctx.CircleAwarded:
		return AwardResult{Reason: "该生活圈已获奖励，每圈仅奖一次", ReasonEN: "the circle has already been awarded; once per circle"}
	}
	return AwardResult{
		Eligible: true, CapYuan: a.CapYuan,
		Reason:   fmt.Sprintf("认定后可获一次性奖励，不超过 %d 元", a.CapYuan),
		ReasonEN: fmt.Sprintf("eligible for a one-time award of at most ¥%d once certified", a.CapYuan),
	}
}

// rulePoints applies an indicator's rule to a value.
func rulePoints(ind Indicator, v float64) float64 {
	r := ind.Rule
	switch r.Type {
	case RuleLinear:
		return ind.Points * clamp01((v-*r.From)/(*r.To-*r.From))
	case RuleSteps:
		p := 0.0
		for _, st := range r.Steps {
			if v >= st.Min-epsilon {
				p = st.Points
			}
		}
		return p
	case RuleBoolean:
		if v != 0 {
			return ind.Points
		}
		return 0
	case RuleShare:
		return ind.Points * clamp01(v)
	}
	return 0
}

func compare(v float64, op string, want float64) bool {
	switch op {
	case OpGE:
		return v >= want-epsilon
	case OpLE:
		return v <= want+epsilon
	case OpEQ:
		return math.Abs(v-want) <= epsilon
	}
	return false
}

// conditionText renders a condition for reading: "basic_types_share >= 1".
func conditionText(c Condition) string {
	if len(c.AnyOf) > 0 {
		parts := make([]string, len(c.AnyOf))
		for i, alt := range c.AnyOf {
			parts[i] = conditionText(alt)
		}
		return "(" + strings.Join(parts, " or ") + ")"
	}
	name := c.Metric
	if c.Submitted != "" {
		name = c.Submitted
	}
	return fmt.Sprintf("%s %s %s", name, c.Op, num(c.Value))
}

// ruleText renders an indicator's rule for reading.
func ruleText(ind Indicator) string {
	r := ind.Rule
	unit := ind.Unit
	if unit == "" && ind.Source != "" {
		if _, name, err := ParseSource(ind.Source); err == nil {
			unit = inputUnit(name)
		}
	}
	var t string
	switch r.Type {
	case RuleLinear:
		if r.From != nil && r.To != nil {
			t = fmt.Sprintf("linear: 0 points at %s, %s points at %s",
				formatValue(*r.From, unit), num(ind.Points), formatValue(*r.To, unit))
		}
	case RuleSteps:
		parts := make([]string, len(r.Steps))
		for i, st := range r.Steps {
			parts[i] = fmt.Sprintf(">= %s: %s", formatValue(st.Min, unit), num(st.Points))
		}
		t = "steps: " + strings.Join(parts, ", ")
	case RuleBoolean:
		t = fmt.Sprintf("%s points if met", num(ind.Points))
	case RuleShare:
		t = fmt.Sprintf("%s points x share", num(ind.Points))
	case RuleChecks:
		parts := make([]string, len(r.Checks))
		for i, c := range r.Checks {
			parts[i] = fmt.Sprintf("%s: %s", conditionText(c.Condition), num(c.Points))
		}
		t = "checks: " + strings.Join(parts, ", ")
	}
	for _, c := range ind.Requires {
		t += "; requires " + conditionText(c)
	}
	if len(ind.Evidence) > 0 {
		t += "; evidence required"
	}
	return t
}

// Value units.
const (
	unitShare = "share"
	unitCount = "count"
	unitM2    = "m2"
	unitBool  = "bool"
)

// shareInputs are the inputs that are fractions, shown as percentages.
var shareInputs = map[string]bool{
	MetricBasicTypesShare: true, MetricQualityTypesShare: true, MetricDoorstepBasicsShare: true,
	MetricPopulationCoverage: true, MetricBasicNeedsCoverage: true, MetricChainRate: true,
	MetricCashAndCardShare: true, MetricOnlineOrderShare: true,
	FieldSatisfactionRate: true, FieldComplaintResolutionRate: true,
}

func inputUnit(name string) string {
	if shareInputs[name] {
		return unitShare
	}
	return ""
}

func formatValue(v float64, unit string) string {
	switch unit {
	case unitShare:
		return num(v*100) + "%"
	case unitM2:
		return num(v) + " m²"
	case unitBool:
		if v != 0 {
			return "yes"
		}
		return "no"
	}
	return num(v)
}

// num prints a number rounded to 0.01 without trailing zeros.
func num(v float64) string {
	return strconv.FormatFloat(round2(v), 'f', -1, 64)
}

func years(ys []int) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}

func clamp01(v float64) float64 {
	return math.Max(0, math.Min(1, v))
}

func ifSubmitted(kind, submitted, metric string) string {
	if kind == sourceSubmitted {
		return submitted
	}
	return metric
}

package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/store"
)

// The demo's evaluation work: a few evaluations in each state of the
// workflow, so a reviewer opening the demo has a queue to work through and
// the progress page has a certified circle. They are made through the same
// use cases people use — the district creates, fills in and submits with
// evidence attached, the reviewer returns or approves, an admin other than
// the approver certifies — and every comment they write says 演示数据 demo.
// Everything is fixed: the same demo database gives the same evaluations.

// DemoLabel marks every comment the demo workflow writes.
const DemoLabel = "演示数据 demo"

// DemoWorkflowUsers names who plays each part of the demo workflow.
type DemoWorkflowUsers struct {
	// Districts maps a county code to the district user who evaluates its
	// circles; circles of other counties are left alone.
	Districts map[string]string
	// Reviewer returns and approves.
	Reviewer string
	// Certifier certifies; an admin, never the reviewer who approved.
	Certifier string
}

// demoSurvey is a survey result a district enters.
type demoSurvey struct {
	rate               float64
	sample             int
	management         bool
	channel            bool
	received, resolved int
}

// demoStep is one demo evaluation: a circle of district whose values reach
// tier (any tier when empty), taken as far as status.
type demoStep struct {
	district string
	tier     string
	survey   demoSurvey
	status   string
	comment  string // the reviewer's comment on return, approval or certification
}

// The surveys: a strong one, a middling one, and one with too few residents
// asked for satisfaction to count.
var (
	surveyStrong = demoSurvey{rate: 0.93, sample: 320, management: true, channel: true, received: 14, resolved: 13}
	surveyGood   = demoSurvey{rate: 0.91, sample: 260, management: true, channel: true, received: 6, resolved: 6}
	surveyFair   = demoSurvey{rate: 0.86, sample: 180, management: true, channel: true, received: 11, resolved: 9}
	surveyBasic  = demoSurvey{rate: 0.82, sample: 210, management: true, channel: false, received: 9, resolved: 7}
	surveySmall  = demoSurvey{rate: 0.88, sample: 60, management: true, channel: true, received: 5, resolved: 5}
)

// demoSteps, in the order they are made: the submitted ones last, so the
// queue's oldest item is the first of them.
var demoSteps = []demoStep{
	{district: "370811", tier: "high_quality", survey: surveyStrong, status: quarterhour.EvalCertified, comment: "认定为高品质便民生活圈，按方案上限给予一次性奖励"},
	{district: "370812", tier: "basic", survey: surveyBasic, status: quarterhour.EvalCertified, comment: "认定为达标便民生活圈（非高品质，不予奖励）"},
	{district: "370812", tier: "high_quality", survey: surveyStrong, status: quarterhour.EvalApproved, comment: "材料齐全，指标核实无误，同意通过，待认定"},
	{district: "370811", tier: "basic", survey: surveyBasic, status: quarterhour.EvalApproved, comment: "材料齐全，同意通过，待认定"},
	{district: "370811", survey: surveySmall, status: quarterhour.EvalReturned, comment: "满意度调查仅 60 份，少于方案要求的 100 份，请补充调查后重新提交"},
	{district: "370812", survey: surveyFair, status: quarterhour.EvalReturned, comment: "投诉办结台账未加盖社区公章，请补充盖章版后重新提交"},
	{district: "370812", tier: "high_quality", survey: surveyGood, status: quarterhour.EvalSubmitted},
	{district: "370811", survey: surveyFair, status: quarterhour.EvalSubmitted},
	{district: "370812", survey: surveyFair, status: quarterhour.EvalSubmitted},
	{district: "370811", tier: "high_quality", survey: surveyGood, status: quarterhour.EvalSubmitted},
}

// demoYear is the year the demo evaluates: the award year of the plan.
const demoYear = 2023

// SeedDemoEvaluations makes the demo's evaluations through the workflow, on
// completed demo circles, the most recently registered first, each picked so
// that its survey gives the tier its step needs. It returns how many it made.
func (a *App) SeedDemoEvaluations(ctx context.Context, users DemoWorkflowUsers) (int, error) {
	reviewer, err := a.demoUser(ctx, users.Reviewer)
	if err != nil {
		return 0, err
	}
	certifier, err := a.demoUser(ctx, users.Certifier)
	if err != nil {
		return 0, err
	}
	if reviewer.Username == certifier.Username {
		return 0, errors.New("demo workflow: the certifier must not be the reviewer who approves")
	}
	sch, err := a.ParsedScheme(ctx, DefaultScheme)
	if err != nil {
		return 0, err
	}
	if err := a.access.EnsureLoaded(ctx); err != nil {
		return 0, fmt.Errorf("demo workflow: %w", err)
	}
	circles, err := a.store.ListCircles(ctx, store.CircleFilter{Status: quarterhour.CircleCompleted})
	if err != nil {
		return 0, fmt.Errorf("demo workflow: list circles: %w", err)
	}
	slices.SortFunc(circles, func(x, y quarterhour.Circle) int { return int(y.ID - x.ID) })
	used := map[int64]bool{}
	made := 0
	for i, step := range demoSteps {
		name, ok := users.Districts[step.district]
		if !ok {
			continue
		}
		district, err := a.demoUser(ctx, name)
		if err != nil {
			return made, err
		}
		c, ok, err := a.demoCircle(ctx, sch, circles, used, step)
		if err != nil {
			return made, err
		}
		if !ok {
			a.log.Warn("demo workflow: no circle fits a step; skipped", "step", i+1, "district", step.district, "tier", step.tier)
			continue
		}
		used[c.ID] = true
		if err := a.demoEvaluation(ctx, sch, c, step, district, reviewer, certifier); err != nil {
			return made, fmt.Errorf("demo evaluation of circle %d (%s): %w", c.ID, c.Name, err)
		}
		made++
	}
	return made, nil
}

func (a *App) demoUser(ctx context.Context, username string) (*quarterhour.User, error) {
	u, err := a.store.GetUserByName(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("demo workflow: user %q: %w", username, err)
	}
	return &u, nil
}

// demoCircle picks the first unused synthetic circle of the step's district
// whose metrics and survey, with evidence for every indicator, give the
// step's tier.
func (a *App) demoCircle(ctx context.Context, sch *scoring.Scheme, circles []quarterhour.Circle, used map[int64]bool, step demoStep) (quarterhour.Circle, bool, error) {
	for _, c := range circles {
		if used[c.ID] || !c.Synthetic || c.District != step.district {
			continue
		}
		if step.tier == "" {
			return c, true, nil
		}
		m, err := a.CircleMetrics(ctx, c, sch)
		if err != nil {
			return c, false, fmt.Errorf("demo workflow: metrics of circle %d: %w", c.ID, err)
		}
		sub := step.survey.submitted()
		for _, ind := range sch.Indicators {
			if len(ind.Evidence) > 0 {
				sub.Evidence = append(sub.Evidence, scoring.Evidence{Indicator: ind.ID, Ref: "planned"})
			}
		}
		if scoring.Evaluate(sch, m, sub, scoring.EvalContext{Year: demoYear}).Tier == step.tier {
			return c, true, nil
		}
	}
	return quarterhour.Circle{}, false, nil
}

func (s demoSurvey) submitted() scoring.Submitted {
	rate, sample := s.rate, s.sample
	return scoring.Submitted{SatisfactionRate: &rate, SurveySampleSize: &sample, ManagementSystem: s.management,
		ComplaintChannel: s.channel, ComplaintsReceived: s.received, ComplaintsResolved: s.resolved}
}

// demoEvaluation takes one circle through the workflow to the step's status.
func (a *App) demoEvaluation(ctx context.Context, sch *scoring.Scheme, c quarterhour.Circle, step demoStep, district, reviewer, certifier *quarterhour.User) error {
	e, err := a.CreateEvaluation(ctx, district, EvaluationDraft{CircleID: c.ID, Scheme: sch.Code, Year: demoYear})
	if err != nil {
		return err
	}
	if e, err = a.UpdateEvaluation(ctx, district, e.ID, EvaluationEdit{Version: e.Version, Submitted: step.survey.submitted()}); err != nil {
		return err
	}
	for _, f := range demoEvidence(sch, c, step.survey) {
		if _, e, err = a.AddEvidence(ctx, district, e.ID, f); err != nil {
			return fmt.Errorf("attach %s: %w", f.Name, err)
		}
	}
	move := func(u *quarterhour.User, action, comment string, award int64) error {
		var err error
		e, err = a.MoveEvaluation(ctx, u, e.ID, action, EvaluationMove{Version: e.Version, Comment: DemoLabel + "：" + comment, AwardYuan: award})
		return err
	}
	if err := move(district, "submit", "区县填报满意度调查、管理制度与投诉办结情况，附佐证材料，提交评审", 0); err != nil {
		return err
	}
	switch step.status {
	case quarterhour.EvalSubmitted:
		return nil
	case quarterhour.EvalReturned:
		return move(reviewer, "return", step.comment, 0)
	}
	approve := step.comment
	if step.status == quarterhour.EvalCertified {
		approve = "材料齐全，指标核实无误，同意通过"
	}
	if err := move(reviewer, "approve", approve, 0); err != nil {
		return err
	}
	if step.status == quarterhour.EvalApproved {
		return nil
	}
	var award int64
	if r := sch.Award; r != nil && e.Tier == r.Tier && slices.Contains(r.Years, e.Year) {
		award = r.CapYuan
	}
	err = move(certifier, "certify", step.comment, award)
	var refused *quarterhour.Error
	if award > 0 && errors.As(err, &refused) && refused.Field == "award_yuan" {
		// The scheme may allow the award only for a certification within
		// the award year, which a demo seeded later is not.
		a.log.Warn("demo workflow: award refused; certified without it", "circle", c.ID, "reason", refused.Message)
		return move(certifier, "certify", step.comment+"（按方案奖励须在奖励年度内认定，演示数据生成时已过该年度，故不予奖励）", 0)
	}
	return err
}

// demoEvidence is the evidence a district attaches: for every indicator of
// the scheme that asks for evidence, a generated document saying it is demo
// data — the survey report and the management rules as PDF, the complaint
// register as a PNG chart.
func demoEvidence(sch *scoring.Scheme, c quarterhour.Circle, s demoSurvey) []EvidenceUpload {
	var out []EvidenceUpload
	for _, ind := range sch.Indicators {
		if len(ind.Evidence) == 0 {
			continue
		}
		up := EvidenceUpload{Indicator: ind.ID, Note: DemoLabel + "：" + strings.Join(ind.Evidence, "；")}
		switch ind.ID {
		case "E3":
			up.Name, up.ContentType, up.Data = "投诉办结台账（演示）.png", "image/png", demoComplaintChart(s)
		case "E1":
			up.Name, up.ContentType = "居民满意度调查报告（演示）.pdf", "application/pdf"
			up.Data = demoPDF("Resident satisfaction survey - DEMO DATA (synthetic)", []string{
				fmt.Sprintf("Circle %d, evaluation year %d", c.ID, demoYear),
				fmt.Sprintf("Residents surveyed: %d", s.sample),
				fmt.Sprintf("Satisfied: %.0f%%", s.rate*100),
				"Generated for the QuarterHour demo; not a real survey.",
			})
		default:
			up.Name, up.ContentType = ind.ID+" 佐证材料（演示）.pdf", "application/pdf"
			if ind.ID == "E2" {
				up.Name = "管理制度与投诉渠道公示（演示）.pdf"
			}
			up.Data = demoPDF("Evidence for indicator "+ind.ID+" - DEMO DATA (synthetic)", []string{
				fmt.Sprintf("Circle %d, evaluation year %d", c.ID, demoYear),
				fmt.Sprintf("Co-management rules in place: %s", yesNo(s.management)),
				fmt.Sprintf("Complaint and feedback channel published: %s", yesNo(s.channel)),
				"Generated for the QuarterHour demo; not a real document.",
			})
		}
		out = append(out, up)
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// demoPDF writes a one-page PDF with a title and lines of ASCII text.
func demoPDF(title string, lines []string) []byte {
	esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	var content strings.Builder
	content.WriteString("0.42 0.11 0.6 rg 0 792 612 -60 re f\n")
	content.WriteString("BT /F1 18 Tf 1 1 1 rg 40 752 Td (" + esc.Replace(title) + ") Tj ET\n")
	for i, l := range lines {
		fmt.Fprintf(&content, "BT /F1 13 Tf 0 0 0 rg 40 %d Td (%s) Tj ET\n", 690-24*i, esc.Replace(l))
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// demoComplaintChart draws the complaint register as a chart: complaints
// received (grey) and resolved (purple) by month, spread evenly over the
// year, under a band in the app's colour.
func demoComplaintChart(s demoSurvey) []byte {
	const w, h = 480, 300
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	fill(0, 0, w, h, color.RGBA{255, 255, 255, 255})
	fill(0, 0, w, 36, color.RGBA{106, 27, 154, 255})
	fill(30, h-30, w-20, h-28, color.RGBA{60, 60, 60, 255})
	perMonth := func(total, m int) int { return total/12 + btoi(m < total%12) }
	for m := range 12 {
		x := 36 + m*35
		rec, res := perMonth(s.received, m), perMonth(s.resolved, m)
		fill(x, h-30-40*rec, x+14, h-30, color.RGBA{170, 170, 170, 255})
		fill(x+15, h-30-40*res, x+29, h-30, color.RGBA{106, 27, 154, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory RGBA image does not fail
	}
	return b.Bytes()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/open"
)

// demoWork seeds a fresh demo database as serve --demo does and returns its
// evaluations, each with its events, as "circle status total tier award".
func demoWork(t *testing.T) ([]string, map[string]int, []quarterhour.Evaluation, *app.App) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := open.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	seeded, err := seedStore(ctx, st, true, log)
	if err != nil || !seeded {
		t.Fatalf("seed: %v %v", seeded, err)
	}
	if err := ensureDemoUsers(ctx, st, log); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Config{Store: st, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemoEvaluations(ctx, a, log); err != nil {
		t.Fatal(err)
	}
	es, err := st.ListEvaluations(ctx, store.EvaluationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	statuses := map[string]int{}
	for _, e := range es {
		rows = append(rows, fmt.Sprintf("%d %s %.2f %s %d", e.CircleID, e.Status, e.Total, e.Tier, e.AwardYuan))
		statuses[e.Status]++
	}
	return rows, statuses, es, a
}

func TestDemoEvaluations_EveryStateThroughTheWorkflowByTheDemoUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two demo databases")
	}
	ctx := context.Background()
	rows, statuses, es, a := demoWork(t)
	for _, s := range []string{quarterhour.EvalSubmitted, quarterhour.EvalReturned, quarterhour.EvalApproved, quarterhour.EvalCertified} {
		if statuses[s] < 2 {
			t.Errorf("%d %s evaluations, want a few: %v", statuses[s], s, statuses)
		}
	}
	reviewer, _ := a.Store().GetUserByName(ctx, "demo-reviewer")
	awarded := 0
	for _, e := range es {
		if !strings.HasPrefix(e.CreatedBy, "demo-") || e.CreatedBy == "demo-admin" || e.CreatedBy == "demo-reviewer" {
			t.Errorf("evaluation %d created by %s, want a district user", e.ID, e.CreatedBy)
		}
		evs, err := a.EvaluationEvents(ctx, &reviewer, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		who := map[string]string{}
		for _, ev := range evs {
			who[ev.To] = ev.Actor
			if ev.From != ev.To && ev.To != quarterhour.EvalDraft && !strings.Contains(ev.Comment, app.DemoLabel) {
				t.Errorf("evaluation %d: %s → %s by %s says %q, not marked %s", e.ID, ev.From, ev.To, ev.Actor, ev.Comment, app.DemoLabel)
			}
		}
		if e.Status == quarterhour.EvalCertified {
			if who[quarterhour.EvalApproved] != "demo-reviewer" || who[quarterhour.EvalCertified] != "demo-admin" {
				t.Errorf("evaluation %d approved by %s and certified by %s, want demo-reviewer then demo-admin", e.ID, who[quarterhour.EvalApproved], who[quarterhour.EvalCertified])
			}
			if e.AwardYuan > 0 {
				awarded++
				if e.Tier != "high_quality" || e.AwardYuan != 300000 || e.Year != 2023 {
					t.Errorf("award %+v, want the cap for a high-quality 2023 circle", e)
				}
			}
		}
		files, err := a.EvidenceFiles(ctx, &reviewer, e.ID)
		if err != nil || len(files) != 3 {
			t.Errorf("evaluation %d: %d evidence files (%v), want E1, E2 and E3", e.ID, len(files), err)
		}
	}
	// One award, unless the scheme allows it only for a certification within
	// the award year and the demo is seeded later.
	if awarded > 1 || awarded == 0 && statuses[quarterhour.EvalCertified] < 2 {
		t.Errorf("%d awarded evaluations of %d certified, want at most one", awarded, statuses[quarterhour.EvalCertified])
	}
	again, _, _, _ := demoWork(t)
	if strings.Join(rows, "\n") != strings.Join(again, "\n") {
		t.Errorf("the demo work differs between two seedings:\n%s\n---\n%s", strings.Join(rows, "\n"), strings.Join(again, "\n"))
	}
}

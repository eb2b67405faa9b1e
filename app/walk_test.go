package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// demoCentre is the first centre of a demo circle of 370811, on the walking
// network.
func demoCentre(t *testing.T, st store.Store) (quarterhour.Circle, orb.Point) {
	t.Helper()
	cs, err := st.ListCircles(context.Background(), store.CircleFilter{District: "370811"})
	if err != nil || len(cs) == 0 {
		t.Fatalf("demo circles: %d, %v", len(cs), err)
	}
	return cs[0], cs[0].Centers[0]
}

func TestWalkingQuestions_CheckTheirInput(t *testing.T) {
	a, st := demoEngine(t)
	ctx := context.Background()
	_, p := demoCentre(t, st)
	budget := geo.DefaultWalk.Metres()

	_, err := a.Isochrone(ctx, p, budget, 12)
	wantAppError(t, err, quarterhour.EInvalid, "res")
	_, err = a.Nearby(ctx, p, budget, NearbyFilter{Limit: MaxNearby + 1})
	wantAppError(t, err, quarterhour.EInvalid, "limit")
	_, err = a.Nearby(ctx, p, budget, NearbyFilter{Limit: 10, Category: "spaceport"})
	wantAppError(t, err, quarterhour.EInvalid, "category")
	_, err = a.CellAccess(ctx, "pharmacy", nil, budget)
	wantAppError(t, err, quarterhour.EInvalid, "bbox")
	_, err = a.CellAccess(ctx, "pharmacy", &orb.Bound{Min: orb.Point{116, 35}, Max: orb.Point{117, 36}}, budget)
	wantAppError(t, err, quarterhour.EInvalid, "bbox")
	_, err = a.CellAccess(ctx, "", &orb.Bound{Min: p, Max: p}, budget)
	wantAppError(t, err, quarterhour.EInvalid, "category")
	_, _, err = a.Gaps(ctx, "", budget)
	wantAppError(t, err, quarterhour.EInvalid, "district")
	_, _, err = a.Gaps(ctx, "370899", budget)
	wantAppError(t, err, quarterhour.EInvalid, "district")
	_, err = a.Suggest(ctx, "laundry", "370811", budget, MaxSuggest+1)
	wantAppError(t, err, quarterhour.EInvalid, "n")
	_, err = a.Simulate(ctx, access.Scenario{}, "", budget)
	wantAppError(t, err, quarterhour.EInvalid, "add")
	_, err = a.Simulate(ctx, access.Scenario{Add: []access.ScenarioSite{{Category: "nope", Point: p}}}, "", budget)
	wantAppError(t, err, quarterhour.EInvalid, "add[0].category")
	_, err = a.Simulate(ctx, access.Scenario{Remove: []int64{999999999}}, "", budget)
	wantAppError(t, err, quarterhour.EInvalid, "remove")
	_, err = a.ReloadAccess(ctx, regReviewer)
	wantAppError(t, err, quarterhour.EForbidden, "")
}

func TestWalkingQuestions_AnswerAroundADemoCircle(t *testing.T) {
	a, st := demoEngine(t)
	ctx := context.Background()
	c, p := demoCentre(t, st)
	budget := geo.DefaultWalk.Metres()

	all, err := a.Nearby(ctx, p, budget, NearbyFilter{Limit: MaxNearby, Now: time.Now()})
	if err != nil || len(all) == 0 {
		t.Fatalf("nearby: %d, %v", len(all), err)
	}
	cash, err := a.Nearby(ctx, p, budget, NearbyFilter{Limit: MaxNearby, Cash: true, Now: time.Now()})
	if err != nil || len(cash) > len(all) {
		t.Fatalf("nearby accepting cash: %d of %d, %v", len(cash), len(all), err)
	}
	for _, o := range cash {
		if !o.Outlet.AcceptsCash || o.WalkM > budget {
			t.Errorf("outlet %d: cash %v, %.0f m", o.Outlet.ID, o.Outlet.AcceptsCash, o.WalkM)
		}
	}

	cats, gaps, err := a.Gaps(ctx, "370811", budget)
	if err != nil || len(cats) == 0 || len(gaps) == 0 {
		t.Fatalf("gaps: %d categories, %d communities, %v", len(cats), len(gaps), err)
	}
	for _, g := range gaps {
		for cat, gap := range g.Gaps {
			if gap.Uncovered > g.Population || gap.Share < 0 || gap.Share > 1 {
				t.Errorf("community %d, %s: %+v of %d", g.ID, cat, gap, g.Population)
			}
		}
	}

	cov, err := a.CircleCoverage(ctx, c.ID, budget)
	if err != nil {
		t.Fatal(err)
	}
	if cov.Isochrone == nil || len(cov.Communities) != len(c.CommunityIDs) {
		t.Errorf("circle coverage: isochrone %v, %d communities of %d", cov.Isochrone != nil, len(cov.Communities), len(c.CommunityIDs))
	}
	basic, byCat, err := a.CommunityCoverage(ctx, c.CommunityIDs[0], budget)
	if err != nil || len(byCat) == 0 {
		t.Fatalf("community coverage: %d categories, %v", len(byCat), err)
	}
	for _, cc := range byCat {
		if cc.Tier == "" || basic.Covered > cc.Covered && cc.Tier == quarterhour.TierBasic {
			t.Errorf("%s (%q): covers %d, basic needs %d", cc.Category, cc.Tier, cc.Covered, basic.Covered)
		}
	}

	// A point far from every street is blamed on the input that gave it.
	_, err = a.Isochrone(ctx, orb.Point{p[0] + 0.5, p[1] + 0.5}, budget, 10)
	var off *OffNetworkError
	if !errors.As(err, &off) || off.Field != "lon" || off.DistanceM <= off.MaxM {
		t.Errorf("far point: %v, want an OffNetworkError on lon", err)
	}
}

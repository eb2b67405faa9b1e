package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// The acting users of the register and walking tests, one per role.
var (
	regAdmin    = &quarterhour.User{Username: "admin", Role: quarterhour.RoleAdmin}
	regReviewer = &quarterhour.User{Username: "reviewer", Role: quarterhour.RoleReviewer}
	regRencheng = &quarterhour.User{Username: "rencheng", Role: quarterhour.RoleDistrict, District: "370811"}
	regYanzhou  = &quarterhour.User{Username: "yanzhou", Role: quarterhour.RoleDistrict, District: "370812"}
	regGaoxin   = &quarterhour.User{Username: "gaoxin", Role: quarterhour.RoleDistrict, District: "370871"}
)

// registersDemo is an application over a fresh SQLite store holding the
// Jining reference data and the demo, for tests that write.
func registersDemo(t *testing.T) *App {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := seeds.Reference()
	if err != nil {
		t.Fatal(err)
	}
	d, err := seeds.Demo(20230309)
	if err != nil {
		t.Fatal(err)
	}
	b.Communities, b.Outlets, b.Networks, b.Circles = d.Communities, d.Outlets, d.Networks, d.Circles
	if _, err := st.Seed(ctx, b); err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// pointIn is a point inside county code.
func pointIn(t *testing.T, a *App, code string) orb.Point {
	t.Helper()
	r, err := a.store.GetRegion(context.Background(), code+"000000")
	if err != nil || len(r.Boundary) == 0 {
		t.Fatalf("county %s: %v", code, err)
	}
	return RepresentativePoint(r.Boundary)
}

// wantAppError fails unless err is an application error with code and field.
func wantAppError(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *quarterhour.Error
	if !errors.As(err, &e) || e.Code != code || e.Field != field {
		t.Errorf("err = %v, want code %s on field %q", err, code, field)
	}
}

func TestRegisters_WhoMayWriteWhat(t *testing.T) {
	a := registersDemo(t)
	ctx := context.Background()
	rc, yz := pointIn(t, a, "370811"), pointIn(t, a, "370812")
	shop := func(p orb.Point) quarterhour.Outlet {
		return quarterhour.Outlet{Name: " 测试便利店 ", Category: "convenience_store", Point: p}
	}

	t.Run("outlets", func(t *testing.T) {
		_, err := a.CreateOutlet(ctx, nil, shop(rc))
		wantAppError(t, err, quarterhour.EUnauthenticated, "")
		_, err = a.CreateOutlet(ctx, regReviewer, shop(rc))
		wantAppError(t, err, quarterhour.EForbidden, "")
		_, err = a.CreateOutlet(ctx, regRencheng, shop(yz))
		wantAppError(t, err, quarterhour.EForbidden, "district")

		o, err := a.CreateOutlet(ctx, regRencheng, shop(rc))
		if err != nil {
			t.Fatal(err)
		}
		if o.ID == 0 || o.Version != 1 || o.District != "370811" || o.Name != "测试便利店" || o.Source != "manual" || o.H3 == "" {
			t.Fatalf("created %+v", o)
		}
		upd := o
		upd.Name, upd.Version, upd.Source, upd.SourceRef = "改名", 0, "", ""
		_, err = a.UpdateOutlet(ctx, regRencheng, o.ID, upd)
		wantAppError(t, err, quarterhour.EInvalid, "version")
		upd.Version = o.Version
		_, err = a.UpdateOutlet(ctx, regYanzhou, o.ID, upd)
		wantAppError(t, err, quarterhour.EForbidden, "district")
		got, err := a.UpdateOutlet(ctx, regRencheng, o.ID, upd)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "改名" || got.Version != 2 || got.Source != "manual" {
			t.Errorf("updated %+v: want the new name, version 2 and the source kept", got)
		}
		if _, err := a.UpdateOutlet(ctx, regRencheng, o.ID, upd); !errors.Is(err, quarterhour.ErrConflict) {
			t.Errorf("stale update: %v, want a conflict", err)
		}
		wantAppError(t, a.DeleteOutlet(ctx, regRencheng, o.ID, 0), quarterhour.EInvalid, "version")
		wantAppError(t, a.DeleteOutlet(ctx, regYanzhou, o.ID, 2), quarterhour.EForbidden, "district")
		if err := a.DeleteOutlet(ctx, regRencheng, o.ID, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := a.GetOutlet(ctx, o.ID); !errors.Is(err, quarterhour.ErrNotFound) {
			t.Errorf("deleted outlet: %v, want not found", err)
		}
	})

	t.Run("a development zone keeps what its users place in its host counties", func(t *testing.T) {
		o, err := a.CreateOutlet(ctx, regGaoxin, shop(rc))
		if err != nil {
			t.Fatal(err)
		}
		if o.District != "370871" {
			t.Fatalf("district %s, want the zone 370871", o.District)
		}
		o.Name, o.District = "区内改名", ""
		if o, err = a.UpdateOutlet(ctx, regGaoxin, o.ID, o); err != nil || o.District != "370871" {
			t.Fatalf("zone user's update: district %s, %v", o.District, err)
		}
		_, err = a.CreateOutlet(ctx, regGaoxin, shop(pointIn(t, a, "370826")))
		wantAppError(t, err, quarterhour.EInvalid, "district")
	})

	t.Run("communities and circles", func(t *testing.T) {
		town, err := a.store.ListRegions(ctx, store.RegionFilter{Level: quarterhour.LevelTown, Parent: "370811000000"})
		if err != nil || len(town) == 0 {
			t.Fatalf("towns: %v", err)
		}
		const d = 0.001
		square := orb.MultiPolygon{{{rc, {rc[0] + d, rc[1]}, {rc[0] + d, rc[1] + d}, {rc[0], rc[1] + d}, rc}}}
		c := quarterhour.Community{Name: "测试社区", RegionCode: town[0].Code, Polygon: square, Population: 3200}
		_, err = a.CreateCommunity(ctx, regYanzhou, c)
		wantAppError(t, err, quarterhour.EForbidden, "district")
		c, err = a.CreateCommunity(ctx, regRencheng, c)
		if err != nil {
			t.Fatal(err)
		}
		if c.District != "370811" || c.Version != 1 {
			t.Fatalf("created community %+v", c)
		}
		circle := quarterhour.Circle{Name: "测试生活圈", Layout: quarterhour.LayoutBlock, Centers: []orb.Point{rc}, CommunityIDs: []int64{c.ID}}
		_, err = a.CreateCircle(ctx, nil, circle)
		wantAppError(t, err, quarterhour.EUnauthenticated, "")
		circle, err = a.CreateCircle(ctx, regRencheng, circle)
		if err != nil {
			t.Fatal(err)
		}
		if circle.Status != quarterhour.CirclePlanned || circle.District != "370811" {
			t.Errorf("created circle %+v", circle)
		}
		cs, err := a.CircleCommunities(ctx, circle)
		if err != nil || len(cs) != 1 || cs[0].ID != c.ID {
			t.Errorf("circle's communities %v, %v", cs, err)
		}
		_, err = a.ListCircles(ctx, store.CircleFilter{Status: "dreaming"})
		wantAppError(t, err, quarterhour.EInvalid, "status")
	})
}

func TestListOutlets_PagesAndChecksItsFilter(t *testing.T) {
	a, _ := demoEngine(t)
	ctx := context.Background()
	page, err := a.ListOutlets(ctx, store.OutletFilter{District: "370811", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Outlets) != 3 || page.Total <= 3 || page.Limit != 3 {
		t.Errorf("page of %d outlets of %d, limit %d", len(page.Outlets), page.Total, page.Limit)
	}
	for _, tt := range []struct {
		f     store.OutletFilter
		field string
	}{
		{store.OutletFilter{Limit: 0}, "limit"},
		{store.OutletFilter{Limit: MaxOutletLimit + 1}, "limit"},
		{store.OutletFilter{Limit: 1, Category: "spaceport"}, "category"},
		{store.OutletFilter{Limit: 1, Status: "maybe"}, "status"},
	} {
		_, err := a.ListOutlets(ctx, tt.f)
		wantAppError(t, err, quarterhour.EInvalid, tt.field)
	}
}

func TestExportDistrict_PlanningLayersNeedALoginAndStayInTheDistrict(t *testing.T) {
	for _, tt := range []struct {
		u               *quarterhour.User
		layer, district string
		want, code      string
	}{
		{nil, "outlets", "", "", ""},
		{regRencheng, "outlets", "370812", "370812", ""},
		{nil, "communities", "", "", quarterhour.EUnauthenticated},
		{regRencheng, "communities", "", "370811", ""},
		{regRencheng, "circles", "370812", "", quarterhour.EForbidden},
		{regReviewer, "circles", "370812", "370812", ""},
		{nil, "network", "", "", quarterhour.EUnauthenticated},
		{regAdmin, "roads", "", "", quarterhour.ENotFound},
	} {
		got, err := ExportDistrict(tt.u, tt.layer, tt.district)
		if quarterhour.ErrorCode(err) != tt.code || (err == nil && got != tt.want) {
			t.Errorf("ExportDistrict(%v, %s, %q) = %q, %v; want %q, code %q", tt.u, tt.layer, tt.district, got, err, tt.want, tt.code)
		}
	}
}

func TestRegions_CodesArePaddedAndChecked(t *testing.T) {
	a, _ := demoEngine(t)
	ctx := context.Background()
	r, err := a.GetRegion(ctx, "370811")
	if err != nil || r.Code != "370811000000" {
		t.Fatalf("GetRegion(370811) = %s, %v", r.Code, err)
	}
	_, err = a.GetRegion(ctx, "37")
	wantAppError(t, err, quarterhour.ENotFound, "code")
	_, err = a.ListRegions(ctx, "province", "")
	wantAppError(t, err, quarterhour.EInvalid, "level")
	towns, err := a.ListRegions(ctx, quarterhour.LevelTown, "370811")
	if err != nil || len(towns) == 0 {
		t.Errorf("towns of 370811: %d, %v", len(towns), err)
	}
}

package access

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
)

// withinIDs lists the outlets of e within the default walk of portoCentre.
func withinIDs(t *testing.T, e *Index) map[int64]bool {
	t.Helper()
	hits, err := e.OutletsWithin(context.Background(), []orb.Point{portoCentre}, geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]bool{}
	for _, h := range hits {
		ids[h.Outlet.ID] = true
	}
	return ids
}

func TestRefreshOutlets_PlacesAndRemovesUpdatesItsCategoryAndKeepsOtherCategoriesSurfaces(t *testing.T) {
	ctx := context.Background()
	st := referenceStore(t)
	importPorto(t, st)
	e := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	before := e.snap.Load()
	for _, c := range []string{"pharmacy", "convenience_store"} {
		if _, err := before.surface(c, geo.DefaultWalk.Metres()); err != nil {
			t.Fatal(err)
		}
	}
	o := quarterhour.Outlet{Name: "Farmácia Nova", Category: "pharmacy", Point: portoCentre, Status: quarterhour.OutletOpen, Source: "manual"}
	if err := st.CreateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if withinIDs(t, e)[o.ID] {
		t.Fatal("the engine sees the outlet before any refresh")
	}
	if err := e.RefreshOutlets(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	after := e.snap.Load()
	if !withinIDs(t, e)[o.ID] || after.stats.Outlets != before.stats.Outlets+1 {
		t.Errorf("after refresh: listed %v, %d outlets (was %d)", withinIDs(t, e)[o.ID], after.stats.Outlets, before.stats.Outlets)
	}
	if after.netGen != before.netGen || after.comm != before.comm {
		t.Error("an outlet change rebuilt the networks or community caches")
	}
	keep := surfaceKey{"convenience_store", geo.DefaultWalk.Metres()}
	if after.surfaces[keep] != before.surfaces[keep] {
		t.Error("the convenience store surface was dropped by a pharmacy change")
	}
	pk := surfaceKey{"pharmacy", geo.DefaultWalk.Metres()}
	if ent, ok := after.surfaces[pk]; !ok || ent.s.Load() == nil {
		t.Error("the pharmacy surface is not current when the refresh returns")
	} else if ent.s.Load() == before.surfaces[pk].s.Load() {
		t.Error("the pharmacy surface survived a pharmacy change")
	}
	if d, ok := mustSurface(t, after, "pharmacy").distance(portoCentre); !ok || d > 100 {
		t.Errorf("pharmacy surface at the new pharmacy: %v m, %v", d, ok)
	}

	// A write the engine was not told of (another process) is found by a sync.
	o.Status = quarterhour.OutletClosed
	if err := st.UpdateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if err := e.SyncOutlets(ctx); err != nil {
		t.Fatal(err)
	}
	if withinIDs(t, e)[o.ID] || e.Stats().Outlets != before.stats.Outlets {
		t.Errorf("closed outlet still placed: %d outlets, want %d", e.Stats().Outlets, before.stats.Outlets)
	}
	if err := st.DeleteOutlet(ctx, o.ID, o.Version); err != nil {
		t.Fatal(err)
	}
	if err := e.RefreshOutlets(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if withinIDs(t, e)[o.ID] {
		t.Error("deleted outlet listed")
	}
}

func mustSurface(t *testing.T, s *snapshot, category string) *catSurface {
	t.Helper()
	cs, err := s.surface(category, geo.DefaultWalk.Metres())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

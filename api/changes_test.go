package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store/postgres"
)

// uncoveredSite returns the centre of a populated cell of community id
// from which no outlet of category is within the walk.
func uncoveredSite(t *testing.T, f *fixture, id int64, category string) orb.Point {
	t.Helper()
	comm, err := f.st.GetCommunity(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b := comm.Polygon.Bound()
	bbox := fmt.Sprintf("%v,%v,%v,%v", b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat())
	var cells accessOut
	f.do(t, http.MethodGet, "/api/v1/access?category="+category+"&bbox="+bbox, "", nil, http.StatusOK, &cells)
	for _, ft := range cells.Features {
		if ft.Properties.Minutes == nil && ft.Properties.Population > 0 {
			ll, err := h3.CellToLatLng(h3.CellFromString(ft.Properties.Cell))
			if err != nil {
				t.Fatal(err)
			}
			return orb.Point{ll.Lng, ll.Lat}
		}
	}
	t.Fatalf("community %d: no populated cell without a %s in its bbox", id, category)
	return orb.Point{}
}

// nearbyIDs lists the outlets of category the nearby route finds from p.
func nearbyIDs(t *testing.T, f *fixture, p orb.Point, category string) map[int64]float64 {
	t.Helper()
	var out nearbyOut
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/nearby?lon=%v&lat=%v&category=%s", p.Lon(), p.Lat(), category), "", nil, http.StatusOK, &out)
	ids := map[int64]float64{}
	for _, o := range out.Outlets {
		ids[o.ID] = o.WalkM
	}
	return ids
}

// laundryGap is the laundry gap of community id in the gaps route.
func laundryGap(t *testing.T, f *fixture, id int64) gapJSON {
	t.Helper()
	var out gapsOut
	f.do(t, http.MethodGet, "/api/v1/gaps?district=370811", "", nil, http.StatusOK, &out)
	for _, c := range out.Communities {
		if c.ID == id {
			return c.Gaps["laundry"]
		}
	}
	t.Fatalf("community %d not in the gaps of 370811", id)
	return gapJSON{}
}

func TestOutletWrites_AreSeenByTheWalkingRoutesAtOnce(t *testing.T) {
	f := sqliteAPI(t)
	gap := laundryGapCommunity(t, f)
	before := gap.Gaps["laundry"]
	site := uncoveredSite(t, f, gap.ID, "laundry")

	o := createOutlet(t, f, "rencheng", site, map[string]any{"name": "新开洗衣店", "category": "laundry", "district": "370811"})
	path := fmt.Sprintf("/api/v1/outlets/%d", o.ID)
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			f.raw(http.MethodDelete, fmt.Sprintf("%s?version=%d", path, o.Properties.Version), "admin", nil)
		}
	})
	if _, ok := nearbyIDs(t, f, site, "laundry")[o.ID]; !ok {
		t.Fatalf("new laundry %d not found nearby its own site", o.ID)
	}
	after := laundryGap(t, f, gap.ID)
	if after.Uncovered >= before.Uncovered {
		t.Errorf("laundry gap of community %d: %d uncovered before the new laundry, %d after", gap.ID, before.Uncovered, after.Uncovered)
	}

	// Closing it takes it out of the walk, as deleting does.
	var closed outletOut
	f.do(t, http.MethodPut, path, "rencheng", outletBody(site, map[string]any{"name": "新开洗衣店", "category": "laundry",
		"district": "370811", "status": "closed", "version": o.Properties.Version}), http.StatusOK, &closed)
	if _, ok := nearbyIDs(t, f, site, "laundry")[o.ID]; ok {
		t.Errorf("closed laundry %d still listed nearby", o.ID)
	}
	if g := laundryGap(t, f, gap.ID); g.Uncovered != before.Uncovered {
		t.Errorf("laundry gap after closing: %d uncovered, want %d as before", g.Uncovered, before.Uncovered)
	}
	f.do(t, http.MethodPut, path, "rencheng", outletBody(site, map[string]any{"name": "新开洗衣店", "category": "laundry",
		"district": "370811", "status": "open", "version": closed.Properties.Version}), http.StatusOK, &closed)
	if _, ok := nearbyIDs(t, f, site, "laundry")[o.ID]; !ok {
		t.Errorf("reopened laundry %d not listed nearby", o.ID)
	}

	f.do(t, http.MethodDelete, fmt.Sprintf("%s?version=%d", path, closed.Properties.Version), "rencheng", nil, http.StatusNoContent, nil)
	deleted = true
	if _, ok := nearbyIDs(t, f, site, "laundry")[o.ID]; ok {
		t.Errorf("deleted laundry %d still listed nearby", o.ID)
	}
	if g := laundryGap(t, f, gap.ID); g.Uncovered != before.Uncovered {
		t.Errorf("laundry gap after deleting: %d uncovered, want %d as before", g.Uncovered, before.Uncovered)
	}
}

// engineSees polls eng for up to five seconds until outlet id's presence
// within the walk from p is want.
func engineSees(t *testing.T, eng *access.Index, p orb.Point, id int64, want bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		hits, err := eng.OutletsWithin(context.Background(), []orb.Point{p}, geo.DefaultWalk.Metres())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.Outlet.ID == id
		}
		if found == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s the replica's engine lists outlet %d: %v, want %v", id, found, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPostgres_ReplicaEngineFollowsWritesMadeThroughAnother(t *testing.T) {
	ctx := context.Background()
	url := throwawayDatabase(t)
	f := postgresFixture(t, url)
	// The replica: its own pool and engine, as a second server process.
	st2, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	replica := access.New(st2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := replica.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	fctx, stop := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() { followed <- replica.Follow(fctx, st2) }()
	defer func() {
		stop()
		if err := <-followed; err != nil {
			t.Errorf("Follow: %v", err)
		}
	}()

	gap := laundryGapCommunity(t, f)
	site := uncoveredSite(t, f, gap.ID, "laundry")
	o := createOutlet(t, f, "rencheng", site, map[string]any{"name": "新开洗衣店", "category": "laundry", "district": "370811"})
	engineSees(t, replica, site, o.ID, true)
	f.do(t, http.MethodDelete, fmt.Sprintf("/api/v1/outlets/%d?version=%d", o.ID, o.Properties.Version), "rencheng", nil, http.StatusNoContent, nil)
	engineSees(t, replica, site, o.ID, false)
}

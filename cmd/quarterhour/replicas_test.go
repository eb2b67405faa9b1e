package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// Two servers on one database: a write through one shows in the other's
// walking-access answers within a second, carried by LISTEN/NOTIFY.
func TestServe_TwoServersOnOneDatabaseSeeEachOthersWrites(t *testing.T) {
	db := freshDatabase(t, testPG(t), "qh_replicas_")
	a := startServe(t, db, "--demo")
	b := startServe(t, db)

	ca, cb := newClient(a.base), newClient(b.base)
	ca.login(t, "demo-admin")

	// Next to a demo outlet, so the walking network reaches it.
	lon, lat := ca.nearDemoStore(t)
	ctx := context.Background()
	before, _, err := cb.nearbyIDs(ctx, lon, lat)
	if err != nil {
		t.Fatal(err)
	}

	var delays []time.Duration
	for i := range 3 {
		var created struct {
			ID int64 `json:"id"`
		}
		ca.must(t, http.MethodPost, "/api/v1/outlets", outletFeature(fmt.Sprintf("两站共享 %d", i), lon, lat), http.StatusCreated, &created)
		wrote := time.Now()
		if before[created.ID] {
			t.Fatalf("outlet %d was already near", created.ID)
		}
		for {
			ids, _, err := cb.nearbyIDs(ctx, lon, lat)
			if err != nil {
				t.Fatal(err)
			}
			if ids[created.ID] {
				break
			}
			if time.Since(wrote) > time.Second {
				t.Fatalf("outlet %d written through server A is not in server B's nearby answer after 1 s", created.ID)
			}
			time.Sleep(5 * time.Millisecond)
		}
		delays = append(delays, time.Since(wrote))
	}
	t.Logf("a write through server A showed in server B's nearby answer after %v", delays)

	// The coverage answers of B stay available and reflect the new state.
	var communities struct {
		Features []struct {
			ID int64 `json:"id"`
		} `json:"features"`
	}
	cb.must(t, http.MethodGet, "/api/v1/communities?limit=1", nil, http.StatusOK, &communities)
	if len(communities.Features) == 0 {
		t.Fatal("the demo has no community")
	}
	start := time.Now()
	cb.must(t, http.MethodGet, fmt.Sprintf("/api/v1/communities/%d/coverage", communities.Features[0].ID), nil, http.StatusOK, nil)
	if d := time.Since(start); d > time.Second {
		t.Errorf("coverage on server B took %v", d)
	}
}

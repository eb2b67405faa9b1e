package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/store/postgres"
)

// testPG is the server the PostgreSQL tests use; they fail when it is down.
func testPG() string {
	if u := os.Getenv("QUARTERHOUR_TEST_PG"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// throwawayDatabase creates an empty database on the test server and drops
// it when the test ends; it returns its URL.
func throwawayDatabase(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testPG())
	if err != nil {
		t.Fatalf("connect to %s (set QUARTERHOUR_TEST_PG): %v", testPG(), err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "qh_api_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		t.Fatalf("create database %s: %v", name, err)
	}
	conn.Close(ctx)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, testPG())
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(testPG())
	if err != nil {
		t.Fatalf("parse %s: %v", testPG(), err)
	}
	u.Path = "/" + name
	return u.String()
}

// TestPostgres_SameAPIFlow runs the central API flow against PostgreSQL:
// reference data, roles, optimistic locking and bad input.
func TestPostgres_SameAPIFlow(t *testing.T) {
	ctx := context.Background()
	st, err := postgres.Open(ctx, throwawayDatabase(t))
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	f, err := newFixture(st, Config{})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	defer func() {
		f.srv.Close()
		st.Close()
	}()

	var h healthResponse
	f.do(t, http.MethodGet, "/healthz", "", nil, http.StatusOK, &h)
	if h.Store != "postgres" || h.SchemaVersion < 1 {
		t.Errorf("healthz = %+v", h)
	}
	var regions regionsOut
	f.do(t, http.MethodGet, "/api/v1/regions?level=county", "", nil, http.StatusOK, &regions)
	if len(regions.Regions) != 12 {
		t.Errorf("%d counties, want 12", len(regions.Regions))
	}
	var demo collectionOut
	f.do(t, http.MethodGet, "/api/v1/outlets?district=370811&limit=10", "", nil, http.StatusOK, &demo)
	if demo.Total == 0 || len(demo.Features) != 10 {
		t.Errorf("demo outlets in 370811: total %d, page %d", demo.Total, len(demo.Features))
	}

	rc := countyPoint(t, st, "370811")
	f.wantError(t, http.MethodPost, "/api/v1/outlets", "", outletBody(rc, nil), http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPost, "/api/v1/outlets", "yanzhou", outletBody(rc, nil), http.StatusForbidden, "district")
	f.wantError(t, http.MethodPost, "/api/v1/outlets", "rencheng", outletBody(orb.Point{rc[1], rc[0]}, nil), http.StatusBadRequest, "geometry")
	o := createOutlet(t, f, "rencheng", rc, nil)
	path := fmt.Sprintf("/api/v1/outlets/%d", o.ID)
	f.do(t, http.MethodPut, path, "rencheng", outletBody(rc, map[string]any{"version": 1, "name": "新名字"}), http.StatusOK, nil)
	f.wantError(t, http.MethodPut, path, "rencheng", outletBody(rc, map[string]any{"version": 1}), http.StatusConflict, "version")

	c := createCommunity(t, f, "rencheng", "370811")
	var circle circleOut
	f.do(t, http.MethodPost, "/api/v1/circles", "rencheng", circleBody([]orb.Point{rc}, map[string]any{"community_ids": []int64{c.ID}}), http.StatusCreated, &circle)
	if circle.Communities == nil || len(circle.Communities.Features) != 1 {
		t.Errorf("circle communities %+v, want the one", circle.Communities)
	}
	var circles struct {
		Features []circleOut `json:"features"`
	}
	f.do(t, http.MethodGet, "/api/v1/circles", "", nil, http.StatusOK, &circles)
	if len(circles.Features) < 40 {
		t.Errorf("%d circles, want the 40+ demo circles and the new one", len(circles.Features))
	}
	if _, err := st.GetCircle(ctx, circle.ID); err != nil {
		t.Errorf("circle %d not in the store: %v", circle.ID, err)
	}
}

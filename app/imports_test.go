package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/postgres"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// The users imports run as, one per role.
var (
	importAdmin    = &quarterhour.User{Username: "admin", Role: quarterhour.RoleAdmin}
	importReviewer = &quarterhour.User{Username: "reviewer", Role: quarterhour.RoleReviewer}
	importRencheng = &quarterhour.User{Username: "rencheng", Role: quarterhour.RoleDistrict, District: "370811"}
	importYanzhou  = &quarterhour.User{Username: "yanzhou", Role: quarterhour.RoleDistrict, District: "370812"}
	importGaoxin   = &quarterhour.User{Username: "gaoxin", Role: quarterhour.RoleDistrict, District: "370871"}
)

// registerApp is an application over an in-memory store seeded with the
// Jining reference data and the demo; st is the store itself.
type registerApp struct {
	a  *app.App
	st store.Store
}

// sharedRegisterApp is shared by the import tests: each writes only rows
// with refs of its own.
var sharedRegisterApp = sync.OnceValues(func() (*registerApp, error) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return seededRegisterApp(st)
})

func seededRegisterApp(st store.Store) (*registerApp, error) {
	b, err := seeds.Reference()
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	d, err := seeds.Demo(20230309)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	b.Communities, b.Outlets, b.Networks, b.Circles = d.Communities, d.Outlets, d.Networks, d.Circles
	if _, err := st.Seed(context.Background(), b); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	a, err := app.New(app.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, err
	}
	return &registerApp{a: a, st: st}, nil
}

func registerFixture(t testing.TB) *registerApp {
	t.Helper()
	f, err := sharedRegisterApp()
	if err != nil {
		t.Fatalf("seeded app: %v", err)
	}
	return f
}

const registerCSV = "testdata/jining_register_gcj02.csv"

// importOutlets imports body as u and wants a report.
func (f *registerApp) importOutlets(t testing.TB, u *quarterhour.User, req app.RegisterImport, body []byte) app.ImportReport {
	t.Helper()
	rep, err := f.a.ImportOutlets(context.Background(), u, bytes.NewReader(body), req)
	if err != nil {
		t.Fatalf("import %+v as %s: %v", req, u.Username, err)
	}
	return *rep
}

// csvImport is an import of a CSV register of source in crs ("" for none).
func csvImport(crs geo.CRS, source string, dryRun bool) app.RegisterImport {
	return app.RegisterImport{CRS: crsOf(crs), Source: source, File: "test.csv", DryRun: dryRun}
}

// crsOf is the proj.CRS of a geo.CRS name; zero for "".
func crsOf(c geo.CRS) proj.CRS {
	if c == "" {
		return proj.CRS{}
	}
	p, err := proj.Parse(string(c))
	if err != nil {
		panic(err)
	}
	return p
}

// mustCRS parses a CRS name.
func mustCRS(t testing.TB, s string) proj.CRS {
	t.Helper()
	c, err := proj.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readTestFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// anchorWGS84 maps the GCJ-02 positions of the Amap anchor points to their
// independently derived WGS-84 positions.
func anchorWGS84(t *testing.T) map[orb.Point]orb.Point {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readTestFile(t, "../geo/testdata/amap_anchor_points_gcj02.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[orb.Point]orb.Point{}
	for _, r := range rows[1:] {
		var v [4]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(r[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		out[orb.Point{v[0], v[1]}] = orb.Point{v[2], v[3]}
	}
	return out
}

// sourceOutlets returns the stored outlets of source by ref.
func sourceOutlets(t *testing.T, st store.Store, source string) map[string]quarterhour.Outlet {
	t.Helper()
	os, err := st.ListOutlets(context.Background(), store.OutletFilter{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]quarterhour.Outlet{}
	for _, o := range os {
		if _, dup := out[o.SourceRef]; dup {
			t.Fatalf("source %s holds ref %s twice", source, o.SourceRef)
		}
		out[o.SourceRef] = o
	}
	return out
}

// insideCounty is a point inside county code (6 digits), from its boundary.
func insideCounty(t *testing.T, st store.Store, code string) orb.Point {
	t.Helper()
	r, err := st.GetRegion(context.Background(), code+"000000")
	if err != nil {
		t.Fatalf("get county %s: %v", code, err)
	}
	if len(r.Boundary) == 0 {
		t.Fatalf("county %s has no boundary", code)
	}
	return app.RepresentativePoint(r.Boundary)
}

// wantRejection checks that rep rejects row with field and a reason
// containing each of words.
func wantRejection(t *testing.T, rep app.ImportReport, row int, field string, words ...string) {
	t.Helper()
	for _, r := range rep.Rejections {
		if r.Row != row {
			continue
		}
		if r.Field != field {
			t.Errorf("row %d rejected on field %q (%s), want %q", row, r.Field, r.Reason, field)
		}
		for _, w := range words {
			if !strings.Contains(r.Reason, w) {
				t.Errorf("row %d reason %q does not mention %q", row, r.Reason, w)
			}
		}
		return
	}
	t.Errorf("row %d not rejected; rejections %+v", row, rep.Rejections)
}

// wantCode checks that err is a *quarterhour.Error with code and field.
func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *quarterhour.Error
	if !errors.As(err, &e) || e.Code != code || e.Field != field {
		t.Errorf("err = %v, want code %s on field %q", err, code, field)
	}
}

// gcjRow is one register line at the GCJ-02 position of WGS-84 point p.
func gcjRow(ref, name, category string, p orb.Point) string {
	g := geo.WGS84ToGCJ02(p)
	return fmt.Sprintf("%s,%s,%s,%.7f,%.7f\n", ref, name, category, g[0], g[1])
}

const shortHeader = "编号,名称,类别,经度,纬度\n"

func TestListImports_ForAdminsAndReviewers(t *testing.T) {
	f := registerFixture(t)
	ctx := context.Background()
	for _, u := range []*quarterhour.User{importAdmin, importReviewer} {
		if imps, err := f.a.ListImports(ctx, u, 1); err != nil || imps == nil {
			t.Errorf("%s: %v, %v", u.Username, imps, err)
		}
	}
	_, err := f.a.ListImports(ctx, importRencheng, 1)
	wantCode(t, err, quarterhour.EForbidden, "")
	_, err = f.a.ListImports(ctx, nil, 1)
	wantCode(t, err, quarterhour.EUnauthenticated, "")
	for _, limit := range []int{0, app.MaxImportLimit + 1} {
		_, err = f.a.ListImports(ctx, importAdmin, limit)
		wantCode(t, err, quarterhour.EInvalid, "limit")
	}
}

// postgresRegisterApp is a seeded application over a throwaway database on
// the test PostgreSQL server (QUARTERHOUR_TEST_PG), dropped when the test
// ends; the test fails when the server is down.
func postgresRegisterApp(t *testing.T) *registerApp {
	t.Helper()
	ctx := context.Background()
	server := os.Getenv("QUARTERHOUR_TEST_PG")
	if server == "" {
		server = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to %s (set QUARTERHOUR_TEST_PG): %v", server, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "qh_app_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, server)
		if err == nil {
			defer conn.Close(ctx)
			_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	st, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f, err := seededRegisterApp(st)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// referenceApp is an App over a SQLite store holding the Jining reference
// data (regions with county boundaries, categories), and no demo.
func referenceApp(t *testing.T) *App {
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
	if _, err := st.Seed(ctx, b); err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// rencheng is a small community square in the centre of 任城区.
func rencheng(t *testing.T, a *App) quarterhour.Community {
	t.Helper()
	ix, err := a.Counties(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var p orb.Point
	for _, c := range ix.Polygons {
		if c.Code == "370811" {
			p = RepresentativePoint(c.Boundary)
		}
	}
	d := 0.001
	ring := orb.Ring{{p[0] - d, p[1] - d}, {p[0] + d, p[1] - d}, {p[0] + d, p[1] + d}, {p[0] - d, p[1] + d}, {p[0] - d, p[1] - d}}
	return quarterhour.Community{Name: "幸福社区", RegionCode: "370811000000", Polygon: orb.MultiPolygon{{ring}},
		Population: 3200, Households: 1200, BuildingAreaM2: 120000}
}

func TestValidateCommunity_RefusesImpossibleFigures(t *testing.T) {
	a := referenceApp(t)
	ctx := context.Background()
	ok := rencheng(t, a)
	if err := a.ValidateCommunity(ctx, &ok); err != nil {
		t.Fatalf("a plausible community refused: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*quarterhour.Community)
		field string
	}{
		{"a trillion residents", func(c *quarterhour.Community) { c.Population = 1_000_000_000_000 }, "population"},
		{"just over the most one community holds", func(c *quarterhour.Community) { c.Population = quarterhour.MaxCommunityPopulation + 1 }, "population"},
		{"negative residents", func(c *quarterhour.Community) { c.Population = -5 }, "population"},
		{"more households than residents", func(c *quarterhour.Community) { c.Households = 3201 }, "households"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := rencheng(t, a)
			tc.edit(&c)
			err := a.ValidateCommunity(ctx, &c)
			var qe *quarterhour.Error
			if err == nil || !errorAs(err, &qe) || qe.Code != quarterhour.EInvalid || qe.Field != tc.field {
				t.Fatalf("got %v, want an invalid %s", err, tc.field)
			}
		})
	}
}

func TestCommunity_ImplausibleDensityIsFlaggedNotRefused(t *testing.T) {
	a := referenceApp(t)
	c := rencheng(t, a)
	c.Population, c.Households, c.BuildingAreaM2 = 150000, 50000, 300000
	if err := a.ValidateCommunity(context.Background(), &c); err != nil {
		t.Fatalf("an implausible but possible community refused: %v", err)
	}
	why := c.Implausible()
	if len(why) != 1 || !strings.Contains(why[0], "2.0 m² each") {
		t.Errorf("Implausible() = %q, want the floor area per resident flagged", why)
	}
	if why := rencheng(t, a).Implausible(); why != nil {
		t.Errorf("a plausible community flagged: %q", why)
	}
}

func errorAs(err error, target **quarterhour.Error) bool {
	e, ok := err.(*quarterhour.Error)
	if ok {
		*target = e
	}
	return ok
}

package nodecmp

import (
	"math"
	"testing"
)

func TestCompare_ReportsEachKindOfMismatch(t *testing.T) {
	const o = 1
	cases := []struct {
		name      string
		ours, pgr map[int64]float64
		ok        bool
		onlyOurs  int
		onlyPgr   int
		farApart  int
	}{
		{"same nodes and distances", map[int64]float64{1: 0, 2: 10, 3: 999.99}, map[int64]float64{1: 0, 2: 10.2, 3: 999.99}, true, 0, 0, 0},
		{"origin listed by one side only", map[int64]float64{2: 10}, map[int64]float64{1: 0, 2: 10}, true, 0, 0, 0},
		{"origin not at zero", map[int64]float64{1: 3, 2: 10}, map[int64]float64{1: 0, 2: 10}, false, 0, 0, 0},
		{"node only ours", map[int64]float64{1: 0, 2: 10, 4: 998}, map[int64]float64{1: 0, 2: 10}, false, 1, 0, 0},
		{"node only pgRouting", map[int64]float64{1: 0}, map[int64]float64{1: 0, 2: 10}, false, 0, 1, 0},
		{"distance beyond tolerance", map[int64]float64{1: 0, 2: 10}, map[int64]float64{1: 0, 2: 10.6}, false, 0, 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Compare(o, c.ours, c.pgr, 0.5)
			if d.OK() != c.ok || len(d.OnlyOurs) != c.onlyOurs || len(d.OnlyPgr) != c.onlyPgr || len(d.FarApart) != c.farApart {
				t.Errorf("ok %v, only ours %d, only pgRouting %d, far apart %d; want %v, %d, %d, %d",
					d.OK(), len(d.OnlyOurs), len(d.OnlyPgr), len(d.FarApart), c.ok, c.onlyOurs, c.onlyPgr, c.farApart)
			}
		})
	}
}

func TestQuantile_InterpolatesBetweenRanks(t *testing.T) {
	xs := []float64{4, 1, 3, 2}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 2.5}, {0.9, 3.7}, {1, 4}} {
		if got := Quantile(xs, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
}

func TestCompare_OriginAndTolerance(t *testing.T) {
	ours := map[int64]float64{2: 10, 3: 999.9}
	pgr := map[int64]float64{1: 0, 2: 10.4, 3: 999.9}
	if d := Compare(1, ours, pgr, 0.5); !d.OK() {
		t.Errorf("identical answers differ: %+v", d)
	}
	pgr[4] = 500
	pgr[2] = 11
	if d := Compare(1, ours, pgr, 0.5); len(d.OnlyOurs) != 0 || len(d.OnlyPgr) != 1 || len(d.FarApart) != 1 {
		t.Errorf("got only ours %d, only pgRouting %d, far %d; want 0, 1, 1", len(d.OnlyOurs), len(d.OnlyPgr), len(d.FarApart))
	}
	ours[1] = 2 // the origin listed off zero
	if d := Compare(1, ours, pgr, 0.5); d.OriginM != 2 || len(d.FarApart) != 1 || d.OK() {
		t.Errorf("origin at 2 m not counted: origin %v m, far %d", d.OriginM, len(d.FarApart))
	}
}

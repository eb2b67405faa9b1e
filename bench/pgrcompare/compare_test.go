package main

import (
	"math"
	"testing"
)

func TestDiff_ReportsEachKindOfMismatch(t *testing.T) {
	o := origin{ID: 1}
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
			d := diff(o, c.ours, c.pgr, 0.5)
			if d.ok() != c.ok || len(d.onlyOurs) != c.onlyOurs || len(d.onlyPgr) != c.onlyPgr || len(d.farApart) != c.farApart {
				t.Errorf("ok %v, only ours %d, only pgRouting %d, far apart %d; want %v, %d, %d, %d",
					d.ok(), len(d.onlyOurs), len(d.onlyPgr), len(d.farApart), c.ok, c.onlyOurs, c.onlyPgr, c.farApart)
			}
		})
	}
}

func TestQuantile_InterpolatesBetweenRanks(t *testing.T) {
	xs := []float64{4, 1, 3, 2}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 2.5}, {0.9, 3.7}, {1, 4}} {
		if got := quantile(xs, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
}

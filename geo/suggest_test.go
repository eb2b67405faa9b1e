package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestSuggestSites_PicksLargestUncoveredClusterFirst(t *testing.T) {
	n := &network{}
	gridNetwork(n, jining, 40, 10, 100, 1) // 3.9 km by 0.9 km
	g := n.build(t)
	spread := func(sw orb.Point, people int) []CellShare {
		cells, err := SpreadPopulation(squareArea(sw, 300), people, DefaultRes, nil)
		if err != nil {
			t.Fatal(err)
		}
		return cells
	}
	west := spread(offset(jining, 100, 300), 900)
	east := spread(offset(jining, 3400, 300), 2000)
	middle := spread(offset(jining, 1800, 300), 1500)
	demand := append(append(append([]CellShare{}, west...), east...), middle...)
	// An existing outlet already serves the middle.
	existing := g.Surface([]orb.Point{offset(jining, 1950, 450)}, 1000, 300)

	got, err := SuggestSites(g, demand, existing, SuggestOptions{BudgetM: 1000, N: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d suggestions, want 2 (the middle is served)", len(got))
	}
	if got[0].AddedPop != 2000 || got[1].AddedPop != 900 {
		t.Fatalf("added people %d then %d, want 2000 then 900", got[0].AddedPop, got[1].AddedPop)
	}
	if d := DistanceM(got[0].Point, offset(jining, 3550, 450)); d > 700 {
		t.Fatalf("first site %.0f m from the east cluster", d)
	}
}

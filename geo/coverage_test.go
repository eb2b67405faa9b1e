package geo

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

func squareArea(sw orb.Point, sideM float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{sw, offset(sw, sideM, 0), offset(sw, sideM, sideM), offset(sw, 0, sideM), sw}}}
}

func sumPeople(cells []CellShare) (people int, share float64) {
	for _, c := range cells {
		people += c.People
		share += c.Share
	}
	return people, share
}

func TestSpreadPopulation_ConservesPeopleExactly(t *testing.T) {
	for _, tc := range []struct {
		name       string
		poly       orb.MultiPolygon
		population int
		weight     func(h3.Cell) float64
	}{
		{"even split with remainder", squareArea(jining, 800), 10007, nil},
		{"weighted", squareArea(jining, 800), 3333, func(c h3.Cell) float64 { return float64(c % 7) }},
		{"all-zero weights fall back to even", squareArea(jining, 500), 101, func(h3.Cell) float64 { return 0 }},
		{"tiny polygon gets one cell", squareArea(jining, 5), 42, nil},
		{"fewer people than cells", squareArea(jining, 1000), 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cells, err := SpreadPopulation(tc.poly, tc.population, DefaultRes, tc.weight)
			if err != nil {
				t.Fatal(err)
			}
			people, share := sumPeople(cells)
			if people != tc.population || !near(share, 1, 1e-9) || len(cells) == 0 {
				t.Fatalf("%d cells hold %d people (share %v), want %d", len(cells), people, share, tc.population)
			}
		})
	}
}

func TestSpreadPopulation_EvenSplitDiffersByAtMostOne(t *testing.T) {
	cells, err := SpreadPopulation(squareArea(jining, 800), 1000, DefaultRes, nil)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := cells[0].People, cells[0].People
	for _, c := range cells {
		lo, hi = min(lo, c.People), max(hi, c.People)
	}
	if hi-lo > 1 {
		t.Fatalf("people per cell range %d..%d, want at most one apart", lo, hi)
	}
}

func TestCoverage_ConservesTotal(t *testing.T) {
	cells, err := SpreadPopulation(squareArea(jining, 800), 5000, DefaultRes, nil)
	if err != nil {
		t.Fatal(err)
	}
	mid := cells[len(cells)/2].Cell
	covered, uncovered := Coverage(cells, func(c h3.Cell) bool { return c < mid })
	if covered+uncovered != 5000 || covered == 0 || uncovered == 0 {
		t.Fatalf("covered %d + uncovered %d, want a split of 5000", covered, uncovered)
	}
}

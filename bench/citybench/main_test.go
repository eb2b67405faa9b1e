package main

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestOpeningZoom_FitsTheBoundInTheViewport(t *testing.T) {
	// A box one 512-pixel world tile wide at zoom 0 needs 1280-60 pixels:
	// zoom log2(1220/512) = 1.25.
	b := orb.Bound{Min: orb.Point{-180, -10}, Max: orb.Point{180, 10}}
	fit, z := openingZoom(b, 1280, 8000)
	if math.Abs(fit-math.Log2(1220.0/512)) > 1e-9 || z != 1 {
		t.Errorf("openingZoom = %v, %v; want %v, 1", fit, z, math.Log2(1220.0/512))
	}
	// The city: about 24 x 32 km at Jining opens at zoom 10.
	city := orb.Bound{Min: orb.Point{116.45987, 35.26695}, Max: orb.Point{116.72013, 35.55305}}
	if _, z := openingZoom(city, 1280, 800); z != 10 {
		t.Errorf("city opens at zoom %d, want 10", z)
	}
}

func TestSameNodes_OriginAndTolerance(t *testing.T) {
	o := origin{id: 1}
	ours := map[int64]float64{2: 10, 3: 999.9}
	pgr := map[int64]float64{1: 0, 2: 10.4, 3: 999.9}
	if a, b, far, _ := sameNodes(o, ours, pgr, 0.5); a+b+far != 0 {
		t.Errorf("identical answers differ: %d %d %d", a, b, far)
	}
	pgr[4] = 500
	pgr[2] = 11
	if a, b, far, _ := sameNodes(o, ours, pgr, 0.5); a != 0 || b != 1 || far != 1 {
		t.Errorf("got only ours %d, only pgRouting %d, far %d; want 0, 1, 1", a, b, far)
	}
	ours[1] = 2 // the origin listed off zero
	if _, _, far, _ := sameNodes(o, ours, pgr, 0.5); far != 2 {
		t.Errorf("origin at 2 m not counted: far %d", far)
	}
}

func TestBudgetBox_CoversTheBudget(t *testing.T) {
	s := budgetBox(orb.Point{116.59, 35.41}, 1000)
	if !strings.HasPrefix(s, "geom && ST_Expand(ST_SetSRID(ST_MakePoint(116.59000000, 35.41000000), 4326), 0.011") {
		t.Errorf("budgetBox = %s", s)
	}
}

func TestProcMem_ReadsThisProcess(t *testing.T) {
	m, err := readProcMem("self")
	if err != nil {
		t.Skip(err)
	}
	if m.RSS <= 0 || m.HWM < m.RSS {
		t.Errorf("memory %+v", m)
	}
	if _, err := procCPU(os.Getpid()); err != nil {
		t.Error(err)
	}
}

func TestQuote_DoublesQuotes(t *testing.T) {
	if got := edgesSQL("o'city", ""); got != "SELECT id, source, target, cost, reverse_cost FROM walk_edges WHERE area = 'o''city'" {
		t.Errorf("edgesSQL = %s", got)
	}
}

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

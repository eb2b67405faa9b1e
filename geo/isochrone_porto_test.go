package geo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo"
)

// TestPorto_IsochroneCellsEqualDirectSampling checks on Porto that the
// precomputed cell tables give exactly the cells (and so the polygon and
// area) of sampling every reached piece with H3 calls, from node origins
// and from points off the streets, for budgets from 5 to 20 minutes.
func TestPorto_IsochroneCellsEqualDirectSampling(t *testing.T) {
	g := portoGraph(t)
	origins := portoOrigins(g, 20)
	rng := rand.New(rand.NewPCG(3, 15))
	for range 20 {
		origins = append(origins, orb.Point{-8.6212353 + rng.Float64()*0.0275538, 41.1247318 + rng.Float64()*0.0313437})
	}
	checked := 0
	for _, budget := range []float64{333, 1000, 1333} {
		for _, p := range origins {
			if _, err := g.Snap(p, 0); err != nil {
				continue
			}
			if err := geo.CheckIsochroneCells(g, p, budget, geo.DefaultRes); err != nil {
				t.Errorf("%v m from %v: %v", budget, p, err)
			}
			checked++
		}
	}
	t.Logf("%d isochrones; res-10 cell tables take %.1f bytes/edge", checked, float64(g.IsochroneCellBytes())/float64(g.EdgeCount()))
	if checked < 90 {
		t.Fatalf("only %d isochrones checked", checked)
	}
}

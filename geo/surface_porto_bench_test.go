package geo_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkPortoSurfacesParallel builds the same surfaces as
// BenchmarkPortoSurfaceAllCategories, the categories spread over
// GOMAXPROCS goroutines by Graph.Surfaces.
func BenchmarkPortoSurfacesParallel(b *testing.B) {
	g := portoGraph(b)
	outlets := portoOutlets(b)
	var sets [][]orb.Point
	for _, cat := range slices.Sorted(maps.Keys(outlets)) {
		sets = append(sets, outlets[cat])
	}
	for b.Loop() {
		g.Surfaces(sets, 1000, 0)
	}
	b.ReportMetric(float64(len(sets)), "categories")
}

package geo_test

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/geo/osmpoi"
	"github.com/quarterhour/quarterhour/seeds"
)

// portoOrigins returns n node positions of the Porto graph, chosen with a
// fixed seed, so every run measures the same origins.
func portoOrigins(g *geo.Graph, n int) []orb.Point {
	rng := rand.New(rand.NewPCG(1, 15))
	out := make([]orb.Point, n)
	for i := range out {
		out[i] = g.NodePoint(int32(rng.IntN(g.NodeCount())))
	}
	return out
}

// portoOutlets maps Porto's shops and amenities to the taxonomy's categories
// with the taxonomy's own OSM tag rules and returns the points per category.
func portoOutlets(b *testing.B) map[string][]orb.Point {
	b.Helper()
	cats, err := seeds.Categories()
	if err != nil {
		b.Fatal(err)
	}
	rules := map[string][]string{}
	for _, c := range cats {
		if len(c.OSMTags) > 0 {
			rules[c.Code] = c.OSMTags
		}
	}
	m, err := osmpoi.NewMapper(rules)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(portoPBF)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	pois, _, err := osmpoi.Extract(context.Background(), f, osmnet.PBF, m)
	if err != nil {
		b.Fatal(err)
	}
	out := map[string][]orb.Point{}
	for _, p := range pois {
		out[p.Category] = append(out[p.Category], p.Point)
	}
	return out
}

func BenchmarkPortoSnap(b *testing.B) {
	g := portoGraph(b)
	rng := rand.New(rand.NewPCG(2, 15))
	// Header bbox of the extract (testdata/osm/SOURCE.md).
	pts := make([]orb.Point, 1024)
	for i := range pts {
		pts[i] = orb.Point{-8.6212353 + rng.Float64()*0.0275538, 41.1247318 + rng.Float64()*0.0313437}
	}
	cpu := startCPU()
	for i := 0; b.Loop(); i++ {
		g.Snap(pts[i%len(pts)], 300) // off-network points are part of the load
	}
	cpu.report(b)
	b.ReportMetric(float64(g.RoutingBytes())/float64(g.EdgeCount()), "routing-B/edge")
}

// BenchmarkPortoReach1000m is the node search alone, what compute_ms of an
// isochrone request spends before the polygon.
func BenchmarkPortoReach1000m(b *testing.B) {
	g := portoGraph(b)
	origins := portoOrigins(g, 50)
	snaps := make([]geo.Snap, len(origins))
	for i, p := range origins {
		s, err := g.Snap(p, 0)
		if err != nil {
			b.Fatal(err)
		}
		snaps[i] = s
	}
	nodes := 0
	cpu := startCPU()
	for i := 0; b.Loop(); i++ {
		nodes += len(g.ReachNodes(snaps[i%len(snaps)], 1000))
	}
	cpu.report(b)
	b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
}

func BenchmarkPortoIsochrone15min(b *testing.B) {
	g := portoGraph(b)
	origins := portoOrigins(g, 50)
	cells := 0
	cpu := startCPU()
	for i := 0; b.Loop(); i++ {
		iso, err := g.Isochrone(origins[i%len(origins)], geo.IsochroneOptions{BudgetM: 1000})
		if err != nil {
			b.Fatal(err)
		}
		cells += len(iso.Cells)
	}
	cpu.report(b)
	b.ReportMetric(float64(cells)/float64(b.N), "cells/op")
}

// BenchmarkPortoSurfaceAllCategories builds the accessibility surface of
// every taxonomy category over the whole Porto network from the outlets
// Porto's OSM data yields, one multi-source search per category.
func BenchmarkPortoSurfaceAllCategories(b *testing.B) {
	g := portoGraph(b)
	outlets := portoOutlets(b)
	total := 0
	for _, pts := range outlets {
		total += len(pts)
	}
	cpu := startCPU()
	for b.Loop() {
		for _, pts := range outlets {
			g.Surface(pts, 1000, 0)
		}
	}
	cpu.report(b)
	b.ReportMetric(float64(len(outlets)), "categories")
	b.ReportMetric(float64(total), "outlets")
}

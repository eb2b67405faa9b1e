package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// benchGraph is a 160 by 160 street grid (25,600 nodes, about Porto's
// walkable network) with 60 m blocks.
func benchGraph(b *testing.B) *Graph {
	b.Helper()
	n := &network{}
	gridNetwork(n, jining, 160, 160, 60, 1)
	return n.build(b)
}

func BenchmarkSnap(b *testing.B) {
	g := benchGraph(b)
	rng := rand.New(rand.NewPCG(1, 1))
	pts := randomPoints(rng, 1024, 9540)
	for i := 0; b.Loop(); i++ {
		if _, err := g.Snap(pts[i%len(pts)], 300); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(g.RoutingBytes())/float64(g.EdgeCount()), "routing-B/edge")
	b.ReportMetric(float64(g.GeometryBytes())/float64(g.EdgeCount()), "geom+index-B/edge")
}

func BenchmarkReach1000m(b *testing.B) {
	g := benchGraph(b)
	s, err := g.Snap(offset(jining, 4770, 4790), 300)
	if err != nil {
		b.Fatal(err)
	}
	var nodes int
	for b.Loop() {
		nodes = len(g.Reach(s, 1000).Nodes)
	}
	b.ReportMetric(float64(nodes), "nodes")
}

func BenchmarkIsochrone15min(b *testing.B) {
	g := benchGraph(b)
	var cells int
	for b.Loop() {
		iso, err := g.Isochrone(offset(jining, 4770, 4790), IsochroneOptions{BudgetM: 1000})
		if err != nil {
			b.Fatal(err)
		}
		cells = len(iso.Cells)
	}
	b.ReportMetric(float64(cells), "cells")
}

func BenchmarkSurface(b *testing.B) {
	g := benchGraph(b)
	rng := rand.New(rand.NewPCG(2, 2))
	sources := randomPoints(rng, 200, 9540)
	for b.Loop() {
		g.Surface(sources, 1000, 300)
	}
}

func BenchmarkSurfaceUpdate(b *testing.B) {
	g := benchGraph(b)
	rng := rand.New(rand.NewPCG(2, 2))
	sources := randomPoints(rng, 200, 9540)
	s := g.Surface(sources, 1000, 300)
	moves := randomPoints(rng, 2, 9540)
	for i := 0; b.Loop(); i++ {
		from, to := sources[0], moves[i%2]
		if err := s.Update([]orb.Point{to}, []orb.Point{from}); err != nil {
			b.Fatal(err)
		}
		sources[0] = to
		moves[i%2] = from
	}
}

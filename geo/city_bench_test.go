package geo

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// City-scale benchmarks: a 710 by 710 street grid with 60 m blocks (504,100
// nodes, 1,006,780 edges, 42 km across), its nodes given in random order as
// a stitched import gives them. Run with
//
//	go test ./geo -run '^$' -bench City -benchtime 5x
//
// bench/city.sh measures the same stages on real stitched streets.
const citySide = 710

var cityOnce struct {
	sync.Once
	n *network
	g *Graph
}

func cityNetwork() *network {
	n := &network{}
	gridNetwork(n, jining, citySide, citySide, 60, 1)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(n.nodes), func(i, j int) { n.nodes[i], n.nodes[j] = n.nodes[j], n.nodes[i] })
	return n
}

func cityGraph(b *testing.B) *Graph {
	b.Helper()
	cityOnce.Do(func() {
		cityOnce.n = cityNetwork()
		cityOnce.g = cityOnce.n.build(b)
	})
	return cityOnce.g
}

// cityOutlets is a category's outlets: k random points over the city.
func cityOutlets(k int, seed uint64) []orb.Point {
	return randomPoints(rand.New(rand.NewPCG(seed, seed)), k, citySide*60)
}

func BenchmarkCityNewGraph(b *testing.B) {
	cityGraph(b) // the network, built once
	n := cityOnce.n
	var g *Graph
	for b.Loop() {
		g = n.build(b)
	}
	b.ReportMetric(float64(g.RoutingBytes())/float64(g.EdgeCount()), "routing-B/edge")
	b.ReportMetric(float64(g.GeometryBytes()+g.IsochroneCellBytes())/float64(g.EdgeCount()), "geom+cells-B/edge")
}

func BenchmarkCityIsochrone15min(b *testing.B) {
	g := cityGraph(b)
	origins := cityOutlets(256, 3)
	var cells int
	for i := 0; b.Loop(); i++ {
		iso, err := g.Isochrone(origins[i%len(origins)], IsochroneOptions{BudgetM: 1000})
		if err != nil {
			b.Fatal(err)
		}
		cells += len(iso.Cells)
	}
	b.ReportMetric(float64(cells)/float64(b.N), "cells")
}

// BenchmarkCitySurface is one category's surface over the whole city: 1,100
// outlets, a thirtieth of 30,000 spread over 27 categories.
func BenchmarkCitySurface(b *testing.B) {
	g := cityGraph(b)
	src := cityOutlets(1100, 4)
	for b.Loop() {
		g.Surface(src, 1000, DefaultMaxSnapM)
	}
}

// BenchmarkCitySurfacesAll is every category's surface: 27 sets of 1,100
// outlets on all cores.
func BenchmarkCitySurfacesAll(b *testing.B) {
	g := cityGraph(b)
	sets := make([][]orb.Point, 27)
	for i := range sets {
		sets[i] = cityOutlets(1100, uint64(10+i))
	}
	for b.Loop() {
		g.Surfaces(sets, 1000, DefaultMaxSnapM)
	}
}

// BenchmarkCityReach15min is the node search of BenchmarkCityIsochrone15min
// alone, without cells or polygon.
func BenchmarkCityReach15min(b *testing.B) {
	g := cityGraph(b)
	origins := cityOutlets(256, 3)
	snaps := make([]Snap, len(origins))
	for i, p := range origins {
		s, err := g.Snap(p, DefaultMaxSnapM)
		if err != nil {
			b.Fatal(err)
		}
		snaps[i] = s
	}
	var nodes int
	for i := 0; b.Loop(); i++ {
		nodes += len(g.ReachNodes(snaps[i%len(snaps)], 1000))
	}
	b.ReportMetric(float64(nodes)/float64(b.N), "nodes")
}

package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

type weighted struct {
	to int
	w  float64
}

// randomGraph returns an undirected graph of n nodes and m random edges,
// some of zero weight and some loops.
func randomGraph(rng *rand.Rand, n, m int) [][]weighted {
	adj := make([][]weighted, n)
	for range m {
		u, v := rng.IntN(n), rng.IntN(n)
		w := math.Round(rng.Float64()*1000) / 10
		if rng.IntN(10) == 0 {
			w = 0
		}
		adj[u] = append(adj[u], weighted{v, w})
		adj[v] = append(adj[v], weighted{u, w})
	}
	return adj
}

func neighboursOf(adj [][]weighted) Neighbours {
	return func(u int, visit func(v int, w float64)) {
		for _, e := range adj[u] {
			visit(e.to, e.w)
		}
	}
}

// bellmanFord is the reference: relax every edge until nothing changes.
func bellmanFord(adj [][]weighted, sources []int) []float64 {
	dist := make([]float64, len(adj))
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	for _, s := range sources {
		dist[s] = 0
	}
	for changed := true; changed; {
		changed = false
		for u := range adj {
			for _, e := range adj[u] {
				if d := dist[u] + e.w; d < dist[e.to] {
					dist[e.to], changed = d, true
				}
			}
		}
	}
	return dist
}

func TestDijkstra_MatchesBellmanFord(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		n := 1 + rng.IntN(60)
		adj := randomGraph(rng, n, rng.IntN(3*n))
		s := NewDijkstra(n, neighboursOf(adj))
		for range 5 { // reuse the search
			sources := []int{rng.IntN(n)}
			if rng.IntN(2) == 0 {
				sources = append(sources, rng.IntN(n), sources[0])
			}
			limit := math.Inf(1)
			if rng.IntN(2) == 0 {
				limit = rng.Float64() * 300
			}
			want := bellmanFord(adj, sources)
			got := s.Distances(sources, limit)
			for v := range n {
				w := want[v]
				if w > limit {
					w = math.Inf(1)
				}
				if got[v] != w {
					t.Fatalf("round %d, sources %v, limit %v: node %d at %v, want %v", round, sources, limit, v, got[v], w)
				}
				if d := s.Distance(sources[0], v, limit); len(sources) == 1 && d != w {
					t.Fatalf("round %d: Distance(%d, %d, %v) = %v, want %v", round, sources[0], v, limit, d, w)
				}
			}
		}
	}
}

func TestDijkstra_Cases(t *testing.T) {
	// 0 -1- 1 -2- 2 -3- 3, and 4 on its own.
	adj := make([][]weighted, 5)
	link := func(u, v int, w float64) {
		adj[u] = append(adj[u], weighted{v, w})
		adj[v] = append(adj[v], weighted{u, w})
	}
	link(0, 1, 1)
	link(1, 2, 2)
	link(2, 3, 3)
	inf := math.Inf(1)
	tests := []struct {
		name    string
		sources []int
		limit   float64
		want    []float64
	}{
		{"one source", []int{0}, inf, []float64{0, 1, 3, 6, inf}},
		{"limit is inclusive", []int{0}, 3, []float64{0, 1, 3, inf, inf}},
		{"nearest of two sources", []int{0, 3}, inf, []float64{0, 1, 3, 0, inf}},
		{"no sources", nil, inf, []float64{inf, inf, inf, inf, inf}},
		{"isolated source", []int{4}, inf, []float64{inf, inf, inf, inf, 0}},
		{"negative limit", []int{0}, -1, []float64{inf, inf, inf, inf, inf}},
	}
	s := NewDijkstra(len(adj), neighboursOf(adj))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Distances(tc.sources, tc.limit)
			for v := range got {
				if got[v] != tc.want[v] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	if d := s.Distance(0, 3, 5.9); !math.IsInf(d, 1) {
		t.Errorf("Distance(0, 3) within 5.9 = %v, want +Inf", d)
	}
	if d := s.Distance(3, 0, 6); d != 6 {
		t.Errorf("Distance(3, 0) = %v, want 6", d)
	}
	if d := s.Distance(2, 2, 0); d != 0 {
		t.Errorf("Distance(2, 2) = %v, want 0", d)
	}
}

package geo

import (
	"fmt"
	"math"
)

// Neighbours lists the edges leaving node u: it calls visit once per edge
// with the node reached and the edge's weight, which must not be negative.
type Neighbours func(u int, visit func(v int, w float64))

// Dijkstra is a reusable bounded shortest-path search over nodes 0..n-1 of
// a graph given by its Neighbours. It is not safe for concurrent use.
type Dijkstra struct {
	neighbours Neighbours
	dist       []float64 // +Inf between searches
	touched    []int32
	heap       nodeHeap
}

// NewDijkstra returns a search over nodes 0..n-1.
func NewDijkstra(n int, neighbours Neighbours) *Dijkstra {
	if n < 0 || n > math.MaxInt32 {
		panic(fmt.Sprintf("geo: NewDijkstra: %d nodes out of range", n))
	}
	dist := make([]float64, n)
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	return &Dijkstra{neighbours: neighbours, dist: dist}
}

// Distances returns, for every node, the shortest distance from the nearest
// of sources, or +Inf if that exceeds limit (+Inf for no limit).
func (s *Dijkstra) Distances(sources []int, limit float64) []float64 {
	s.run(sources, -1, limit)
	out := append([]float64(nil), s.dist...)
	s.reset()
	return out
}

// Distance returns the shortest distance from source to target, or +Inf if
// that exceeds limit.
func (s *Dijkstra) Distance(source, target int, limit float64) float64 {
	s.run([]int{source}, target, limit)
	d := s.dist[target]
	s.reset()
	return d
}

// run settles nodes in order of distance up to limit, stopping early once
// target (if not negative) is settled.
func (s *Dijkstra) run(sources []int, target int, limit float64) {
	dist, touched, h := s.dist, s.touched, s.heap
	var from float64 // distance of the node being expanded
	offer := func(v int, d float64) {
		if d > limit || d >= dist[v] {
			return
		}
		if math.IsInf(dist[v], 1) {
			touched = append(touched, int32(v))
		}
		dist[v] = d
		h.push(heapItem{d: d, v: int32(v)})
	}
	visit := func(v int, w float64) { offer(v, from+w) }
	for _, src := range sources {
		offer(src, 0)
	}
	for len(h) > 0 {
		it := h.pop()
		if it.d > dist[it.v] {
			continue
		}
		if int(it.v) == target {
			break
		}
		from = it.d
		s.neighbours(int(it.v), visit)
	}
	s.touched, s.heap = touched, h
}

// reset makes every distance +Inf again.
func (s *Dijkstra) reset() {
	for _, v := range s.touched {
		s.dist[v] = math.Inf(1)
	}
	s.touched, s.heap = s.touched[:0], s.heap[:0]
}

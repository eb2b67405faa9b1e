package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// results summarises a comparison run.
type results struct {
	origins      int
	mismatched   int
	identicalSet int
	maxDiffM     float64
	originOurs   int // origins our answer lists (at 0 m)
	originPgr    int // origins pgRouting lists (at agg_cost 0)
	nodes        []float64
	ours, pgr    []float64 // latency, ms
	computeMS    []float64
	snapM        float64 // largest snap distance of an origin
}

// compare runs both sources from every origin after one warm-up call each
// and prints the differences of every mismatching origin.
func compare(ctx context.Context, origins []origin, ours, pgr isochroneSource, tolM float64, out io.Writer) (*results, error) {
	if _, err := ours.reach(ctx, origins[0]); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	if _, err := pgr.reach(ctx, origins[0]); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	res := &results{origins: len(origins)}
	for i, o := range origins {
		a, err := ours.reach(ctx, o)
		if err != nil {
			return nil, err
		}
		b, err := pgr.reach(ctx, o)
		if err != nil {
			return nil, err
		}
		res.ours = append(res.ours, ms(a.elapsed))
		res.pgr = append(res.pgr, ms(b.elapsed))
		if !math.IsNaN(a.computeMS) {
			res.computeMS = append(res.computeMS, a.computeMS)
		}
		if !math.IsNaN(a.snapM) {
			res.snapM = math.Max(res.snapM, a.snapM)
		}
		res.nodes = append(res.nodes, float64(len(b.dist)))
		if d := diff(o, a.dist, b.dist, tolM); d.ok() {
			res.identicalSet++
			res.maxDiffM = math.Max(res.maxDiffM, d.maxDiffM)
		} else {
			res.mismatched++
			res.identicalSet += boolInt(len(d.onlyOurs) == 0 && len(d.onlyPgr) == 0)
			res.maxDiffM = math.Max(res.maxDiffM, d.maxDiffM)
			d.print(out, i+1, o, len(a.dist), len(b.dist))
		}
		if _, ok := a.dist[o.ID]; ok {
			res.originOurs++
		}
		if _, ok := b.dist[o.ID]; ok {
			res.originPgr++
		}
	}
	return res, nil
}

// nodeDiff is how two answers for one origin differ.
type nodeDiff struct {
	onlyOurs, onlyPgr []nodeDist
	farApart          []nodeDist // distance differs by more than the tolerance
	maxDiffM          float64    // over nodes both list
	originM           float64    // distance either side gives the origin itself
}

type nodeDist struct {
	id      int64
	a, b    float64
	hasBoth bool
}

func (d *nodeDiff) ok() bool {
	return len(d.onlyOurs) == 0 && len(d.onlyPgr) == 0 && len(d.farApart) == 0 && d.originM == 0
}

// diff compares two node->distance answers. The origin may be listed by
// either side; when listed it must be at 0 m, and it is not required of
// both, since pgRouting always lists it and our search lists it as well only
// because the origin sits on the node.
func diff(o origin, ours, pgr map[int64]float64, tolM float64) *nodeDiff {
	d := &nodeDiff{}
	for _, m := range []map[int64]float64{ours, pgr} {
		if v, ok := m[o.ID]; ok && v != 0 {
			d.originM = math.Max(d.originM, math.Abs(v))
		}
	}
	for id, a := range ours {
		if id == o.ID {
			continue
		}
		b, ok := pgr[id]
		if !ok {
			d.onlyOurs = append(d.onlyOurs, nodeDist{id: id, a: a})
			continue
		}
		dm := math.Abs(a - b)
		d.maxDiffM = math.Max(d.maxDiffM, dm)
		if dm > tolM {
			d.farApart = append(d.farApart, nodeDist{id: id, a: a, b: b, hasBoth: true})
		}
	}
	for id, b := range pgr {
		if _, ok := ours[id]; !ok && id != o.ID {
			d.onlyPgr = append(d.onlyPgr, nodeDist{id: id, b: b})
		}
	}
	for _, s := range [][]nodeDist{d.onlyOurs, d.onlyPgr, d.farApart} {
		slices.SortFunc(s, func(x, y nodeDist) int { return int(sign(math.Max(x.a, x.b) - math.Max(y.a, y.b))) })
	}
	return d
}

func (d *nodeDiff) print(out io.Writer, i int, o origin, nOurs, nPgr int) {
	fmt.Fprintf(out, "origin %d (node %d at %.7f,%.7f): ours %d nodes, pgRouting %d; only ours %d, only pgRouting %d, distance off %d, max diff %.3f m",
		i, o.ID, o.Point.Lon(), o.Point.Lat(), nOurs, nPgr, len(d.onlyOurs), len(d.onlyPgr), len(d.farApart), d.maxDiffM)
	if d.originM != 0 {
		fmt.Fprintf(out, ", origin listed at %.3f m", d.originM)
	}
	fmt.Fprintln(out)
	const show = 5
	for _, n := range d.onlyOurs[:min(show, len(d.onlyOurs))] {
		fmt.Fprintf(out, "    only ours:      node %d at %.3f m\n", n.id, n.a)
	}
	for _, n := range d.onlyPgr[:min(show, len(d.onlyPgr))] {
		fmt.Fprintf(out, "    only pgRouting: node %d at %.3f m\n", n.id, n.b)
	}
	for _, n := range d.farApart[:min(show, len(d.farApart))] {
		fmt.Fprintf(out, "    distance:       node %d ours %.3f m, pgRouting %.3f m\n", n.id, n.a, n.b)
	}
}

func (r *results) print(out io.Writer, oursName string) {
	fmt.Fprintf(out, "identical node sets: %d/%d\n", r.identicalSet, r.origins)
	fmt.Fprintf(out, "distances within tolerance: %d/%d origins, max distance difference %.6f m\n", r.origins-r.mismatched, r.origins, r.maxDiffM)
	fmt.Fprintf(out, "origin listed at 0 m: ours %d/%d, pgRouting %d/%d; largest origin snap %.3f m\n",
		r.originOurs, r.origins, r.originPgr, r.origins, r.snapM)
	fmt.Fprintf(out, "reached nodes per origin: median %.0f (min %.0f, max %.0f)\n",
		median(r.nodes), slices.Min(r.nodes), slices.Max(r.nodes))
	mo, mp := median(r.ours), median(r.pgr)
	fmt.Fprintf(out, "median latency %-32s %8.3f ms (p90 %.3f)\n", oursName+":", mo, quantile(r.ours, 0.9))
	fmt.Fprintf(out, "median latency %-32s %8.3f ms (p90 %.3f)\n", "pgr_drivingDistance (SQL):", mp, quantile(r.pgr, 0.9))
	fmt.Fprintf(out, "ratio pgRouting / ours: %.1fx\n", mp/mo)
	if len(r.computeMS) > 0 {
		fmt.Fprintf(out, "server compute_ms: median %.3f ms (p90 %.3f)\n", median(r.computeMS), quantile(r.computeMS, 0.9))
	}
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile returns the q-quantile of xs with linear interpolation.
func quantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (pos-float64(lo))*(s[hi]-s[lo])
}

func sign(x float64) float64 {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

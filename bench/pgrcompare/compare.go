package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/quarterhour/quarterhour/bench/internal/nodecmp"
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
		res.ours = append(res.ours, nodecmp.MS(a.elapsed))
		res.pgr = append(res.pgr, nodecmp.MS(b.elapsed))
		if !math.IsNaN(a.computeMS) {
			res.computeMS = append(res.computeMS, a.computeMS)
		}
		if !math.IsNaN(a.snapM) {
			res.snapM = math.Max(res.snapM, a.snapM)
		}
		res.nodes = append(res.nodes, float64(len(b.dist)))
		if d := nodecmp.Compare(o.ID, a.dist, b.dist, tolM); d.OK() {
			res.identicalSet++
			res.maxDiffM = math.Max(res.maxDiffM, d.MaxDiffM)
		} else {
			res.mismatched++
			res.identicalSet += boolInt(len(d.OnlyOurs) == 0 && len(d.OnlyPgr) == 0)
			res.maxDiffM = math.Max(res.maxDiffM, d.MaxDiffM)
			printDiff(out, d, i+1, o, len(a.dist), len(b.dist))
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

// printDiff prints how the answers for the i-th origin o differ.
func printDiff(out io.Writer, d *nodecmp.Diff, i int, o origin, nOurs, nPgr int) {
	fmt.Fprintf(out, "origin %d (node %d at %.7f,%.7f): ours %d nodes, pgRouting %d; only ours %d, only pgRouting %d, distance off %d, max diff %.3f m",
		i, o.ID, o.Point.Lon(), o.Point.Lat(), nOurs, nPgr, len(d.OnlyOurs), len(d.OnlyPgr), len(d.FarApart), d.MaxDiffM)
	if d.OriginM != 0 {
		fmt.Fprintf(out, ", origin listed at %.3f m", d.OriginM)
	}
	fmt.Fprintln(out)
	const show = 5
	for _, n := range d.OnlyOurs[:min(show, len(d.OnlyOurs))] {
		fmt.Fprintf(out, "    only ours:      node %d at %.3f m\n", n.ID, n.A)
	}
	for _, n := range d.OnlyPgr[:min(show, len(d.OnlyPgr))] {
		fmt.Fprintf(out, "    only pgRouting: node %d at %.3f m\n", n.ID, n.B)
	}
	for _, n := range d.FarApart[:min(show, len(d.FarApart))] {
		fmt.Fprintf(out, "    distance:       node %d ours %.3f m, pgRouting %.3f m\n", n.ID, n.A, n.B)
	}
}

func (r *results) print(out io.Writer, oursName string) {
	fmt.Fprintf(out, "identical node sets: %d/%d\n", r.identicalSet, r.origins)
	fmt.Fprintf(out, "distances within tolerance: %d/%d origins, max distance difference %.6f m\n", r.origins-r.mismatched, r.origins, r.maxDiffM)
	fmt.Fprintf(out, "origin listed at 0 m: ours %d/%d, pgRouting %d/%d; largest origin snap %.3f m\n",
		r.originOurs, r.origins, r.originPgr, r.origins, r.snapM)
	fmt.Fprintf(out, "reached nodes per origin: median %.0f (min %.0f, max %.0f)\n",
		nodecmp.Median(r.nodes), slices.Min(r.nodes), slices.Max(r.nodes))
	mo, mp := nodecmp.Median(r.ours), nodecmp.Median(r.pgr)
	fmt.Fprintf(out, "median latency %-32s %8.3f ms (p90 %.3f)\n", oursName+":", mo, nodecmp.Quantile(r.ours, 0.9))
	fmt.Fprintf(out, "median latency %-32s %8.3f ms (p90 %.3f)\n", "pgr_drivingDistance (SQL):", mp, nodecmp.Quantile(r.pgr, 0.9))
	fmt.Fprintf(out, "ratio pgRouting / ours: %.1fx\n", mp/mo)
	if len(r.computeMS) > 0 {
		fmt.Fprintf(out, "server compute_ms: median %.3f ms (p90 %.3f)\n", nodecmp.Median(r.computeMS), nodecmp.Quantile(r.computeMS, 0.9))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

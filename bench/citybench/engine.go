package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/quarterhour/quarterhour/bench/internal/nodecmp"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// loadResult is the cold engine load in this process.
type loadResult struct {
	seconds      float64
	bytesPerEdge float64
	stats        access.AreaStats
	heap         uint64 // live heap after a collection
	mem          procMem
}

// measureLoad times a cold load of the engine from the store in a fresh
// access.Index, as `quarterhour serve` does at start: networks, outlets,
// communities and every category's surface.
func measureLoad(ctx context.Context, st store.Store, area string, log *logger) (*loadResult, error) {
	runtime.GC()
	ix := access.New(st, slog.New(slog.DiscardHandler))
	start := time.Now()
	if err := ix.Reload(ctx); err != nil {
		return nil, err
	}
	r := &loadResult{seconds: time.Since(start).Seconds()}
	s := ix.Stats()
	found := false
	for _, a := range s.Areas {
		if a.Area == area {
			r.stats, found = a, true
		}
	}
	if !found {
		return nil, fmt.Errorf("the engine loaded no network %q", area)
	}
	r.bytesPerEdge = float64(r.stats.RoutingBytes) / float64(r.stats.Edges)
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	r.heap = m.HeapAlloc
	var err error
	if r.mem, err = readProcMem("self"); err != nil {
		return nil, err
	}
	log.printf("engine load (in process, cold): %.2f s; %d nodes, %d edges, %d components (largest %.1f%%); %d open outlets, %d communities, %d categories",
		r.seconds, r.stats.Nodes, r.stats.Edges, r.stats.Components, 100*r.stats.LargestShare, s.Outlets, s.Communities, s.Categories)
	log.printf("routing arrays %s = %.1f bytes/edge; geometry and snapping index %s; live heap after load %s; this process %s",
		mib(int64(r.stats.RoutingBytes)), r.bytesPerEdge, mib(int64(r.stats.GeometryBytes)), mib(int64(r.heap)), r.mem)
	runtime.KeepAlive(ix)
	return r, nil
}

// cityGraph is the city's network as a routing graph built as the engine
// builds it, and the open outlets by category in taxonomy order.
type cityGraph struct {
	g        *geo.Graph
	cats     []string               // taxonomy order
	outlets  map[string][]orb.Point // open outlets per category
	count    int
	largest  int32 // component label of the largest component
	bound    orb.Bound
	commBox  orb.Bound // of the communities
	readSec  float64   // LoadNetworks
	buildSec float64   // geo.NewGraph
}

func loadCityGraph(ctx context.Context, st store.Store, area string) (*cityGraph, error) {
	start := time.Now()
	nets, err := st.LoadNetworks(ctx)
	if err != nil {
		return nil, err
	}
	cg := &cityGraph{outlets: map[string][]orb.Point{}, readSec: time.Since(start).Seconds()}
	for _, n := range nets {
		if n.Area != area {
			continue
		}
		start := time.Now()
		if cg.g, err = access.NetworkGraph(n); err != nil {
			return nil, err
		}
		cg.buildSec = time.Since(start).Seconds()
		for i, v := range n.Nodes {
			if i == 0 {
				cg.bound = orb.Bound{Min: v.Point, Max: v.Point}
			}
			cg.bound = cg.bound.Extend(v.Point)
		}
	}
	if cg.g == nil {
		return nil, fmt.Errorf("no network %q in the store", area)
	}
	sizes := map[int32]int{}
	for v := range int32(cg.g.NodeCount()) {
		sizes[cg.g.Component(v)]++
	}
	best := -1
	for c, k := range sizes {
		if k > best || (k == best && c < cg.largest) {
			cg.largest, best = c, k
		}
	}
	cats, err := st.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(cats, func(a, b quarterhour.Category) int { return a.Sort - b.Sort })
	for _, c := range cats {
		cg.cats = append(cg.cats, c.Code)
	}
	outs, err := st.ListOutlets(ctx, store.OutletFilter{Status: quarterhour.OutletOpen})
	if err != nil {
		return nil, err
	}
	for _, o := range outs {
		if cg.bound.Pad(0.01).Contains(o.Point) {
			cg.outlets[o.Category] = append(cg.outlets[o.Category], o.Point)
			cg.count++
		}
	}
	comms, err := st.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		return nil, err
	}
	for i, c := range comms {
		b := c.Polygon.Bound()
		if i == 0 {
			cg.commBox = b
		}
		cg.commBox = cg.commBox.Union(b)
	}
	return cg, nil
}

// busiest returns the category with the most open outlets.
func (cg *cityGraph) busiest() string {
	best := ""
	for _, c := range cg.cats {
		if best == "" || len(cg.outlets[c]) > len(cg.outlets[best]) {
			best = c
		}
	}
	return best
}

// measureSurfaces times every category's surface over the city, built as
// the engine builds them at load (geo.Graph.Surfaces), best of runs.
func measureSurfaces(cg *cityGraph, runs int, log *logger) float64 {
	sets := make([][]orb.Point, len(cg.cats))
	for i, c := range cg.cats {
		sets[i] = cg.outlets[c]
	}
	budget := geo.DefaultWalk.Metres()
	var times []float64
	for range runs {
		runtime.GC()
		start := time.Now()
		sfs := cg.g.Surfaces(sets, budget, geo.DefaultMaxSnapM)
		times = append(times, nodecmp.MS(time.Since(start)))
		runtime.KeepAlive(sfs)
	}
	log.printf("all surfaces (geo.Graph.Surfaces, %d categories, %d outlets, GOMAXPROCS %d): median %.0f ms of %d runs %v, best %.0f ms",
		len(sets), cg.count, runtime.GOMAXPROCS(0), nodecmp.Median(times), runs, roundAll(times), slices.Min(times))
	return nodecmp.Median(times)
}

func roundAll(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Round(x)
	}
	return out
}

// surfaceResult compares one category's surface with pgRouting's.
type surfaceResult struct {
	category  string
	sources   int
	oursMS    float64
	pgrMS     float64
	ratio     float64
	compared  int
	reached   int
	maxDiffM  float64
	mismatch  int
	outletsMS float64 // the surface from the outlets' own points (g.Surface)
	oursCPU   float64 // ms of thread CPU
	pgrCPU    float64 // ms of the backend's CPU; -1 when unknown
}

// measureSurfaceRatio builds category's exact surface both ways from the
// same sources, the network node nearest each outlet along its edge: ours
// is one multi-source search seeded at those nodes at 0 m
// (geo.Graph.NearestDistances), pgRouting's is pgr_drivingDistance from all
// of them with equicost off and the minimum per node. Every node is
// compared: reached by both or by neither, distances within tolM; a node
// reached by one side only within tolM of the budget is at the budget's
// edge and not a mismatch.
func measureSurfaceRatio(ctx context.Context, conn *pgx.Conn, cg *cityGraph, area, category string, tolM float64, log *logger) (*surfaceResult, error) {
	g := cg.g
	budget := geo.DefaultWalk.Metres()
	seen := map[int32]bool{}
	var snaps []geo.Snap
	var vids []int64
	for _, p := range cg.outlets[category] {
		sn, err := g.Snap(p, geo.DefaultMaxSnapM)
		if err != nil {
			continue
		}
		src, dst := g.EdgeEnds(sn.Edge)
		v, frac := src, 0.0
		if sn.Frac > 0.5 {
			v, frac = dst, 1
		}
		if seen[v] {
			continue
		}
		seen[v] = true
		snaps = append(snaps, geo.Snap{EdgeID: sn.EdgeID, Edge: sn.Edge, Frac: frac, Point: g.NodePoint(v)})
		vids = append(vids, g.NodeID(v))
	}
	if len(snaps) == 0 {
		return nil, fmt.Errorf("surface ratio: category %s has no outlet on the network", category)
	}
	r := &surfaceResult{category: category, sources: len(snaps)}

	// Ours: one warm-up, then the median of five, wall and thread CPU.
	_ = g.NearestDistances(snaps, budget)
	var oursT, oursCPU []float64
	var ours []float32
	for range 5 {
		runtime.GC()
		runtime.LockOSThread()
		c0, start := threadCPU(), time.Now()
		ours = g.NearestDistances(snaps, budget)
		oursT = append(oursT, nodecmp.MS(time.Since(start)))
		oursCPU = append(oursCPU, nodecmp.MS(threadCPU()-c0))
		runtime.UnlockOSThread()
	}
	r.oursMS, r.oursCPU = nodecmp.Median(oursT), nodecmp.Median(oursCPU)
	var outT []float64
	for range 3 {
		start := time.Now()
		sf := g.Surface(cg.outlets[category], budget, geo.DefaultMaxSnapM)
		outT = append(outT, nodecmp.MS(time.Since(start)))
		runtime.KeepAlive(sf)
	}
	r.outletsMS = nodecmp.Median(outT)

	// pgRouting, the table's pages read once beforehand; the CPU time of
	// its backend process as well.
	var rows int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM walk_edges WHERE area = $1`, area).Scan(&rows); err != nil {
		return nil, fmt.Errorf("warm walk_edges: %w", err)
	}
	backend := startCPUSpan(int(conn.PgConn().PID()))
	start := time.Now()
	pgr := make(map[int64]float64, g.NodeCount())
	res, _ := conn.Query(ctx, `SELECT node, min(agg_cost) FROM pgr_drivingDistance($1::text, $2::bigint[], $3::float8,
			directed := false, equicost := false) GROUP BY node`, edgesSQL(area, ""), vids, budget)
	var node int64
	var cost float64
	_, err := pgx.ForEachRow(res, []any{&node, &cost}, func() error {
		pgr[node] = cost
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgr_drivingDistance from %d sources: %w", len(vids), err)
	}
	r.pgrMS = nodecmp.MS(time.Since(start))
	r.pgrCPU = backend.ms()
	r.ratio = r.pgrMS / r.oursMS

	shown := 0
	for v := range int32(g.NodeCount()) {
		a := float64(ours[v])
		b, ok := pgr[g.NodeID(v)]
		ra := !math.IsInf(a, 1)
		r.compared++
		switch {
		case ra && ok:
			r.reached++
			d := math.Abs(a - b)
			r.maxDiffM = math.Max(r.maxDiffM, d)
			if d <= tolM {
				continue
			}
		case !ra && !ok:
			continue
		case ra && a > budget-tolM, ok && b > budget-tolM:
			continue // at the budget's edge
		}
		r.mismatch++
		if shown < 10 {
			shown++
			bs := "unreached"
			if ok {
				bs = fmt.Sprintf("%.3f m", b)
			}
			log.printf("  surface mismatch at node %d: ours %.3f m, pgRouting %s", g.NodeID(v), a, bs)
		}
	}
	log.printf("surface of %s from %d source nodes (the node nearest each of %d outlets along its edge): ours %.1f ms (median of 5 %v), pgr_drivingDistance equicost off + min per node %.0f ms: ratio %.0fx",
		category, r.sources, len(cg.outlets[category]), r.oursMS, roundTo(oursT, 1), r.pgrMS, r.ratio)
	// The kernel counts a thread's CPU time in ticks of a few
	// milliseconds; shorter searches are not worth a CPU figure.
	if total := sum(oursCPU); r.pgrCPU >= 0 && total >= 50 {
		log.printf("  CPU time: ours %.1f ms (thread, median of 5 %v), pgRouting's backend %.0f ms: ratio %.0fx",
			r.oursCPU, roundTo(oursCPU, 1), r.pgrCPU, r.pgrCPU/r.oursCPU)
	}
	log.printf("  same surface from the outlets' own points (geo.Graph.Surface, snap legs included): %.1f ms", r.outletsMS)
	log.printf("  compared all %d nodes: %d reached by both, max difference %.6f m, %d mismatches", r.compared, r.reached, r.maxDiffM, r.mismatch)
	return r, nil
}

func roundTo(xs []float64, digits int) []float64 {
	p := math.Pow(10, float64(digits))
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Round(x*p) / p
	}
	return out
}

// edgesSQL is the pgRouting edges query over area's walk_edges, with an
// extra condition when where is not empty.
func edgesSQL(area, where string) string {
	q := "SELECT id, source, target, cost, reverse_cost FROM walk_edges WHERE area = " + quote(area)
	if where != "" {
		q += " AND " + where
	}
	return q
}

func quote(s string) string {
	out := []byte{'\''}
	for i := range len(s) {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/quarterhour/quarterhour/bench/internal/nodecmp"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo"
)

// origin is a network node used as an isochrone origin.
type origin struct {
	id int64
	p  orb.Point
}

// origins draws k distinct nodes of the largest component.
func (cg *cityGraph) origins(k int, seed uint64) []origin {
	var ids []int32
	for v := range int32(cg.g.NodeCount()) {
		if cg.g.Component(v) == cg.largest {
			ids = append(ids, v)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	k = min(k, len(ids))
	out := make([]origin, k)
	for i := range out {
		j := i + rng.IntN(len(ids)-i)
		ids[i], ids[j] = ids[j], ids[i]
		out[i] = origin{id: cg.g.NodeID(ids[i]), p: cg.g.NodePoint(ids[i])}
	}
	return out
}

// isoAnswer is one side's isochrone: walking distance per node ID.
type isoAnswer struct {
	dist    map[int64]float64
	elapsed time.Duration
	compute float64 // server compute_ms; NaN when not reported
	cells   int
}

// httpIsochrone asks GET /api/v1/isochrone for the polygon and the reached
// nodes (detail=nodes), timed from sending to the last byte.
func httpIsochrone(ctx context.Context, c *client, o origin, w geo.Walk) (*isoAnswer, error) {
	q := url.Values{}
	q.Set("lon", strconv.FormatFloat(o.p.Lon(), 'f', -1, 64))
	q.Set("lat", strconv.FormatFloat(o.p.Lat(), 'f', -1, 64))
	q.Set("minutes", strconv.FormatFloat(w.Minutes, 'f', -1, 64))
	q.Set("speed_kmh", strconv.FormatFloat(w.SpeedKmh, 'f', -1, 64))
	q.Set("detail", "nodes")
	start := time.Now()
	data, err := c.do(ctx, http.MethodGet, "/api/v1/isochrone?"+q.Encode(), nil, http.StatusOK)
	elapsed := time.Since(start)
	if err != nil {
		return nil, err
	}
	var r struct {
		ComputeMS *float64 `json:"compute_ms"`
		Geometry  *struct {
			Type string `json:"type"`
		} `json:"geometry"`
		Cells *[]json.RawMessage `json:"cells"`
		Nodes *[]struct {
			ID    int64   `json:"id"`
			DistM float64 `json:"dist_m"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("isochrone from node %d: %w", o.id, err)
	}
	if r.Nodes == nil {
		return nil, fmt.Errorf("isochrone from node %d: no \"nodes\" in the answer", o.id)
	}
	a := &isoAnswer{dist: make(map[int64]float64, len(*r.Nodes)), elapsed: elapsed, compute: math.NaN()}
	if r.ComputeMS != nil {
		a.compute = *r.ComputeMS
	}
	if r.Cells != nil {
		a.cells = len(*r.Cells)
	}
	for _, n := range *r.Nodes {
		a.dist[n.ID] = n.DistM
	}
	return a, nil
}

// budgetBox is the condition keeping the edges that meet the box of
// budgetM metres (plus a margin) around p: every edge of a walk of at most
// budgetM from p lies in it.
func budgetBox(p orb.Point, budgetM float64) string {
	dLat := budgetM * 1.02 / (geo.EarthRadiusM * math.Pi / 180)
	dLon := dLat / math.Cos(p.Lat()*math.Pi/180)
	return fmt.Sprintf("geom && ST_Expand(ST_SetSRID(ST_MakePoint(%.8f, %.8f), 4326), %.8f, %.8f)", p.Lon(), p.Lat(), dLon, dLat)
}

// pgrIsochrone runs pgr_drivingDistance from the origin node over edges,
// undirected, every row read.
func pgrIsochrone(ctx context.Context, conn *pgx.Conn, edges string, o origin, budgetM float64) (*isoAnswer, error) {
	a := &isoAnswer{dist: map[int64]float64{}, compute: math.NaN()}
	start := time.Now()
	rows, _ := conn.Query(ctx, `SELECT node, agg_cost FROM pgr_drivingDistance($1::text, $2::bigint, $3::float8, directed := false)`,
		edges, o.id, budgetM)
	var node int64
	var cost float64
	_, err := pgx.ForEachRow(rows, []any{&node, &cost}, func() error {
		a.dist[node] = cost
		return nil
	})
	a.elapsed = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("pgr_drivingDistance from node %d: %w", o.id, err)
	}
	return a, nil
}

// isoResult is the isochrone comparison.
type isoResult struct {
	oursMS, bboxMS, fullMS []float64
	computeMS              []float64
	nodes, cells           []float64
	identical, mismatched  int
	maxDiffM               float64
	ratio                  float64
}

// measureIsochrones compares our HTTP isochrone (polygon and nodes) with
// pgr_drivingDistance on the edges within the budget's box around each
// origin, after one warm-up call each; the first full of the origins also
// run pgRouting on the whole table.
func measureIsochrones(ctx context.Context, c *client, conn *pgx.Conn, area string, origins []origin, full int, tolM float64, serverPID int, log *logger) (*isoResult, error) {
	w := geo.DefaultWalk
	budget := w.Metres()
	if _, err := httpIsochrone(ctx, c, origins[0], w); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	if _, err := pgrIsochrone(ctx, conn, edgesSQL(area, budgetBox(origins[0].p, budget)), origins[0], budget); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	r := &isoResult{}
	server, backend := startCPUSpan(serverPID), startCPUSpan(int(conn.PgConn().PID()))
	for i, o := range origins {
		a, err := httpIsochrone(ctx, c, o, w)
		if err != nil {
			return nil, err
		}
		b, err := pgrIsochrone(ctx, conn, edgesSQL(area, budgetBox(o.p, budget)), o, budget)
		if err != nil {
			return nil, err
		}
		r.oursMS = append(r.oursMS, nodecmp.MS(a.elapsed))
		r.bboxMS = append(r.bboxMS, nodecmp.MS(b.elapsed))
		if !math.IsNaN(a.compute) {
			r.computeMS = append(r.computeMS, a.compute)
		}
		r.nodes = append(r.nodes, float64(len(b.dist)))
		r.cells = append(r.cells, float64(a.cells))
		d := nodecmp.Compare(o.id, a.dist, b.dist, tolM)
		r.maxDiffM = math.Max(r.maxDiffM, d.MaxDiffM)
		if d.OK() {
			r.identical++
		} else {
			r.mismatched++
			log.printf("  origin %d (node %d at %.7f,%.7f): ours %d nodes, pgRouting %d; only ours %d, only pgRouting %d, distance off %d, max diff %.3f m",
				i+1, o.id, o.p.Lon(), o.p.Lat(), len(a.dist), len(b.dist), len(d.OnlyOurs), len(d.OnlyPgr), len(d.FarApart), d.MaxDiffM)
			if d.OriginM != 0 {
				log.printf("    origin listed at %.3f m", d.OriginM)
			}
		}
	}
	serverCPU, backendCPU := server.ms(), backend.ms()
	if full > 0 {
		whole := edgesSQL(area, "")
		if _, err := pgrIsochrone(ctx, conn, whole, origins[0], budget); err != nil {
			return nil, fmt.Errorf("warm-up: %w", err)
		}
		for _, o := range origins[:min(full, len(origins))] {
			b, err := pgrIsochrone(ctx, conn, whole, o, budget)
			if err != nil {
				return nil, err
			}
			r.fullMS = append(r.fullMS, nodecmp.MS(b.elapsed))
		}
	}
	r.ratio = nodecmp.Median(r.bboxMS) / nodecmp.Median(r.oursMS)
	log.printf("isochrones from %d origins (largest component, 15 min at 4 km/h = %.0f m): identical node sets %d/%d, max distance difference %.6f m",
		len(origins), budget, r.identical, len(origins), r.maxDiffM)
	log.printf("  reached nodes per origin: median %.0f (min %.0f, max %.0f); res-10 cells median %.0f",
		nodecmp.Median(r.nodes), nodecmp.Quantile(r.nodes, 0), nodecmp.Quantile(r.nodes, 1), nodecmp.Median(r.cells))
	log.printf("  ours, HTTP isochrone (polygon + nodes): median %.2f ms (p90 %.2f); server compute_ms median %.2f ms",
		nodecmp.Median(r.oursMS), nodecmp.Quantile(r.oursMS, 0.9), nodecmp.Median(r.computeMS))
	log.printf("  pgr_drivingDistance, edges cut to the budget's box (GiST): median %.2f ms (p90 %.2f): ratio %.1fx",
		nodecmp.Median(r.bboxMS), nodecmp.Quantile(r.bboxMS, 0.9), r.ratio)
	if serverCPU > 0 && backendCPU > 0 {
		n := float64(len(origins))
		log.printf("  CPU time per origin: server %.2f ms, pgRouting's backend %.2f ms: ratio %.1fx",
			serverCPU/n, backendCPU/n, backendCPU/serverCPU)
	}
	if len(r.fullMS) > 0 {
		log.printf("  pgr_drivingDistance, whole table (no box), %d origins: median %.0f ms (p90 %.0f): ratio %.0fx",
			len(r.fullMS), nodecmp.Median(r.fullMS), nodecmp.Quantile(r.fullMS, 0.9), nodecmp.Median(r.fullMS)/nodecmp.Median(r.oursMS))
	}
	return r, nil
}

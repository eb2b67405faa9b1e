package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store/postgres"
)

// reached is one side's answer for an origin: walking distance per node ID.
type reached struct {
	dist      map[int64]float64
	elapsed   time.Duration // as seen by the client
	computeMS float64       // as reported by the server; NaN when not reported
	snapM     float64       // the origin's snap distance; NaN when not reported
}

// isochroneSource answers "which nodes are within the budget of origin".
type isochroneSource interface {
	name() string
	reach(ctx context.Context, o origin) (reached, error)
}

// apiSource asks a running server: GET /api/v1/isochrone with detail=nodes,
// over one keep-alive connection.
type apiSource struct {
	base     string
	minutes  string
	speedKmh string
	client   *http.Client
}

func newAPISource(base string, w geo.Walk) *apiSource {
	return &apiSource{
		base:     strings.TrimRight(base, "/"),
		minutes:  strconv.FormatFloat(w.Minutes, 'f', -1, 64),
		speedKmh: strconv.FormatFloat(w.SpeedKmh, 'f', -1, 64),
		client:   &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}},
	}
}

func (a *apiSource) name() string { return "QuarterHour HTTP isochrone" }

type isochroneResponse struct {
	Snap struct {
		DistanceM float64 `json:"distance_m"`
	} `json:"snap"`
	ComputeMS *float64 `json:"compute_ms"`
	Nodes     *[]struct {
		ID    int64   `json:"id"`
		DistM float64 `json:"dist_m"`
	} `json:"nodes"`
}

func (a *apiSource) reach(ctx context.Context, o origin) (reached, error) {
	q := url.Values{}
	q.Set("lon", strconv.FormatFloat(o.Point.Lon(), 'f', -1, 64))
	q.Set("lat", strconv.FormatFloat(o.Point.Lat(), 'f', -1, 64))
	q.Set("minutes", a.minutes)
	q.Set("speed_kmh", a.speedKmh)
	q.Set("detail", "nodes")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/api/v1/isochrone?"+q.Encode(), nil)
	if err != nil {
		return reached{}, err
	}
	start := time.Now()
	resp, err := a.client.Do(req)
	if err != nil {
		return reached{}, fmt.Errorf("isochrone from node %d: %w", o.ID, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		return reached{}, fmt.Errorf("isochrone from node %d: read body: %w", o.ID, err)
	}
	if resp.StatusCode != http.StatusOK {
		return reached{}, fmt.Errorf("isochrone from node %d: %s: %.300s", o.ID, resp.Status, body)
	}
	var r isochroneResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return reached{}, fmt.Errorf("isochrone from node %d: decode: %w", o.ID, err)
	}
	if r.Nodes == nil {
		return reached{}, fmt.Errorf("isochrone from node %d: response has no \"nodes\" (detail=nodes unsupported?)", o.ID)
	}
	out := reached{dist: make(map[int64]float64, len(*r.Nodes)), elapsed: elapsed, computeMS: math.NaN(), snapM: r.Snap.DistanceM}
	if r.ComputeMS != nil {
		out.computeMS = *r.ComputeMS
	}
	for _, n := range *r.Nodes {
		out.dist[n.ID] = n.DistM
	}
	return out, nil
}

// engineSource runs the routing core in process on a graph built from the
// stored network: the same search the server runs, without HTTP.
type engineSource struct {
	g       *geo.Graph
	budgetM float64
}

func newEngineSource(ctx context.Context, db, area string, budgetM float64) (*engineSource, error) {
	st, err := postgres.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	nets, err := st.LoadNetworks(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range nets {
		if n.Area != area {
			continue
		}
		g, err := access.NetworkGraph(n)
		if err != nil {
			return nil, err
		}
		return &engineSource{g: g, budgetM: budgetM}, nil
	}
	return nil, fmt.Errorf("network %q not found", area)
}

func (e *engineSource) name() string { return "QuarterHour engine in process" }

func (e *engineSource) reach(_ context.Context, o origin) (reached, error) {
	start := time.Now()
	s, err := e.g.Snap(o.Point, 0)
	if err != nil {
		return reached{}, fmt.Errorf("snap node %d: %w", o.ID, err)
	}
	r := e.g.Reach(s, e.budgetM)
	elapsed := time.Since(start)
	out := reached{dist: make(map[int64]float64, len(r.Nodes)), elapsed: elapsed, computeMS: math.NaN(), snapM: s.DistanceM}
	for _, n := range r.Nodes {
		out.dist[n.ID] = n.DistM
	}
	return out, nil
}

// pgrSource runs pgr_drivingDistance on the area's walk_edges, undirected.
type pgrSource struct {
	conn     *pgx.Conn
	edgesSQL string
	budgetM  float64
}

func newPgrSource(conn *pgx.Conn, area string, budgetM float64) *pgrSource {
	return &pgrSource{
		conn: conn,
		edgesSQL: "SELECT id, source, target, cost, reverse_cost FROM walk_edges WHERE area = '" +
			strings.ReplaceAll(area, "'", "''") + "'",
		budgetM: budgetM,
	}
}

const drivingDistanceSQL = `SELECT node, agg_cost FROM pgr_drivingDistance($1::text, $2::bigint, $3::float8, directed := false)`

func (p *pgrSource) name() string { return "pgr_drivingDistance" }

func (p *pgrSource) reach(ctx context.Context, o origin) (reached, error) {
	out := reached{dist: map[int64]float64{}, computeMS: math.NaN(), snapM: math.NaN()}
	start := time.Now()
	rows, _ := p.conn.Query(ctx, drivingDistanceSQL, p.edgesSQL, o.ID, p.budgetM)
	var node int64
	var cost float64
	_, err := pgx.ForEachRow(rows, []any{&node, &cost}, func() error {
		out.dist[node] = cost
		return nil
	})
	out.elapsed = time.Since(start)
	if err != nil {
		return reached{}, fmt.Errorf("pgr_drivingDistance from node %d: %w", o.ID, err)
	}
	return out, nil
}

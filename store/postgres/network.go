package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
)

// ReplaceNetwork swaps the walking network of n.Area in one transaction and
// records imp (when not nil). Node and edge IDs are stored as given; they are
// unique within an area.
func (s *Store) ReplaceNetwork(ctx context.Context, n *quarterhour.Network, imp *quarterhour.Import) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := replaceNetwork(ctx, tx, n); err != nil {
			return err
		}
		return createImport(ctx, tx, imp)
	})
	if err != nil {
		return fmt.Errorf("postgres: replace network %q: %w", n.Area, err)
	}
	return nil
}

// replaceNetwork copies nodes and edges into staging tables with COPY and
// builds the PostGIS geometries server side in one statement each.
func replaceNetwork(ctx context.Context, tx pgx.Tx, n *quarterhour.Network) error {
	if n.Area == "" {
		return fmt.Errorf("network without an area")
	}
	if err := checkEdgeEnds(n); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM walk_edges WHERE area = $1`, n.Area); err != nil {
		return fmt.Errorf("delete edges: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM walk_nodes WHERE area = $1`, n.Area); err != nil {
		return fmt.Errorf("delete nodes: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO networks (area, synthetic) VALUES ($1, $2)
		ON CONFLICT (area) DO UPDATE SET synthetic = EXCLUDED.synthetic`, n.Area, n.Synthetic)
	if err != nil {
		return fmt.Errorf("register network: %w", err)
	}
	_, err = tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS walk_node_stage (id bigint, x double precision, y double precision) ON COMMIT DROP;
		CREATE TEMP TABLE IF NOT EXISTS walk_edge_stage (id bigint, source bigint, target bigint, cost double precision,
			reverse_cost double precision, length_m double precision, wkb bytea, osm_way_id bigint, highway text) ON COMMIT DROP;
		TRUNCATE walk_node_stage, walk_edge_stage`)
	if err != nil {
		return fmt.Errorf("create staging tables: %w", err)
	}
	nodes := pgx.CopyFromSlice(len(n.Nodes), func(i int) ([]any, error) {
		nd := n.Nodes[i]
		return []any{nd.ID, nd.Point.X(), nd.Point.Y()}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"walk_node_stage"}, []string{"id", "x", "y"}, nodes); err != nil {
		return fmt.Errorf("copy nodes: %w", err)
	}
	edges := pgx.CopyFromSlice(len(n.Edges), func(i int) ([]any, error) {
		e := n.Edges[i]
		geom, err := encodeWKB(e.Geom)
		if err != nil {
			return nil, fmt.Errorf("edge %d: %w", e.ID, err)
		}
		return []any{e.ID, e.Source, e.Target, e.Cost, e.ReverseCost, e.LengthM, geom, e.OSMWayID, e.Highway}, nil
	})
	edgeCols := []string{"id", "source", "target", "cost", "reverse_cost", "length_m", "wkb", "osm_way_id", "highway"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"walk_edge_stage"}, edgeCols, edges); err != nil {
		return fmt.Errorf("copy edges: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO walk_nodes (area, id, geom)
		SELECT $1, id, ST_SetSRID(ST_MakePoint(x, y), 4326) FROM walk_node_stage`, n.Area)
	if err != nil {
		return fmt.Errorf("insert nodes: %w", translate(err))
	}
	_, err = tx.Exec(ctx, `INSERT INTO walk_edges (area, id, source, target, cost, reverse_cost, length_m,
			geom, osm_way_id, highway)
		SELECT $1, id, source, target, cost, reverse_cost, length_m, ST_GeomFromWKB(wkb, 4326), osm_way_id, highway
		FROM walk_edge_stage`, n.Area)
	if err != nil {
		return fmt.Errorf("insert edges: %w", translate(err))
	}
	return nil
}

// checkEdgeEnds fails when an edge starts or ends at a node the network
// does not list; the error is ErrNotFound naming the edge with the lowest
// ID. It runs before anything is copied, in memory, so a million-edge
// network costs a hash lookup per end instead of an anti-join on unindexed
// staging tables.
func checkEdgeEnds(n *quarterhour.Network) error {
	ids := make(map[int64]struct{}, len(n.Nodes))
	for _, nd := range n.Nodes {
		ids[nd.ID] = struct{}{}
	}
	var bad *quarterhour.WalkEdge
	for i := range n.Edges {
		e := &n.Edges[i]
		_, s := ids[e.Source]
		_, t := ids[e.Target]
		if (!s || !t) && (bad == nil || e.ID < bad.ID) {
			bad = e
		}
	}
	if bad != nil {
		return fmt.Errorf("edge %d (%d -> %d) names a node the network lacks: %w", bad.ID, bad.Source, bad.Target, quarterhour.ErrNotFound)
	}
	return nil
}

// LoadNetworks returns every stored network ordered by area, nodes and edges
// ordered by ID.
func (s *Store) LoadNetworks(ctx context.Context) ([]quarterhour.Network, error) {
	rows, err := s.pool.Query(ctx, `SELECT area, synthetic FROM networks ORDER BY area`)
	if err != nil {
		return nil, fmt.Errorf("postgres: load networks: %w", err)
	}
	nets, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quarterhour.Network, error) {
		var n quarterhour.Network
		err := row.Scan(&n.Area, &n.Synthetic)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: load networks: %w", err)
	}
	for i := range nets {
		if err := s.loadNetwork(ctx, &nets[i]); err != nil {
			return nil, fmt.Errorf("postgres: load network %q: %w", nets[i].Area, err)
		}
	}
	return nets, nil
}

func (s *Store) loadNetwork(ctx context.Context, n *quarterhour.Network) error {
	return s.inSnapshot(ctx, 3, func(txs []pgx.Tx) error {
		var lo, hi int64
		err := txs[0].QueryRow(ctx, `SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM walk_edges WHERE area = $1`,
			n.Area).Scan(&lo, &hi)
		if err != nil {
			return fmt.Errorf("edge ids: %w", err)
		}
		mid := lo + (hi-lo)/2
		var first, second []quarterhour.WalkEdge
		errs := make([]error, 3)
		var wg sync.WaitGroup
		wg.Go(func() { n.Nodes, errs[0] = loadNodes(ctx, txs[0], n.Area) })
		wg.Go(func() { first, errs[1] = loadEdges(ctx, txs[1], n.Area, lo, mid) })
		wg.Go(func() { second, errs[2] = loadEdges(ctx, txs[2], n.Area, mid+1, hi) })
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		n.Edges = append(first, second...)
		return nil
	})
}

// inSnapshot runs fn with k read-only transactions on k connections that all
// see one snapshot of the database, so queries split over connections read
// one consistent state.
func (s *Store) inSnapshot(ctx context.Context, k int, fn func(txs []pgx.Tx) error) error {
	txs := make([]pgx.Tx, 0, k)
	defer func() {
		for _, tx := range txs {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	var snap string
	for i := range k {
		tx, err := s.pool.BeginTx(ctx, opts)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		txs = append(txs, tx)
		if i == 0 {
			err = tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&snap)
		} else {
			_, err = tx.Exec(ctx, `SET TRANSACTION SNAPSHOT '`+snap+`'`)
		}
		if err != nil {
			return fmt.Errorf("share snapshot: %w", err)
		}
	}
	return fn(txs)
}

func loadNodes(ctx context.Context, tx pgx.Tx, area string) ([]quarterhour.WalkNode, error) {
	var count int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM walk_nodes WHERE area = $1`, area).Scan(&count); err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	nodes := make([]quarterhour.WalkNode, 0, count)
	rows, err := tx.Query(ctx, `SELECT id, ST_X(geom), ST_Y(geom) FROM walk_nodes WHERE area = $1 ORDER BY id`, area)
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	var nd quarterhour.WalkNode
	var x, y float64
	_, err = pgx.ForEachRow(rows, []any{&nd.ID, &x, &y}, func() error {
		nd.Point = orb.Point{x, y}
		nodes = append(nodes, nd)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	return nodes, nil
}

// loadEdges reads the edges of area with IDs in [lo, hi], by ID.
func loadEdges(ctx context.Context, tx pgx.Tx, area string, lo, hi int64) ([]quarterhour.WalkEdge, error) {
	var count int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM walk_edges WHERE area = $1 AND id BETWEEN $2 AND $3`,
		area, lo, hi).Scan(&count); err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	edges := make([]quarterhour.WalkEdge, 0, count)
	rows, err := tx.Query(ctx, `SELECT id, source, target, cost, reverse_cost, length_m,
			ST_AsBinary(geom, 'NDR'), osm_way_id, highway
		FROM walk_edges WHERE area = $1 AND id BETWEEN $2 AND $3 ORDER BY id`, area, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	var e quarterhour.WalkEdge
	var geom []byte
	_, err = pgx.ForEachRow(rows, []any{&e.ID, &e.Source, &e.Target, &e.Cost, &e.ReverseCost, &e.LengthM,
		&geom, &e.OSMWayID, &e.Highway}, func() error {
		ls, err := decodeLineString(geom)
		if err != nil {
			return fmt.Errorf("edge %d: %w", e.ID, err)
		}
		e.Geom = ls
		edges = append(edges, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("edges: %w", err)
	}
	return edges, nil
}

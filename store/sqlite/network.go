package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/quarterhour/quarterhour"
)

// ReplaceNetwork swaps the network of n.Area for n in one transaction, keeps
// node and edge IDs as given and, when imp is not nil, records the import.
// An edge whose source or target is not among n.Nodes fails the whole
// replacement and leaves the old network in place.
func (s *Store) ReplaceNetwork(ctx context.Context, n *quarterhour.Network, imp *quarterhour.Import) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if imp != nil {
			if err := insertImport(ctx, tx, imp); err != nil {
				return err
			}
		}
		return replaceNetwork(ctx, tx, n, imp)
	})
	if err != nil {
		return fmt.Errorf("sqlite: replace network %q: %w", n.Area, err)
	}
	return nil
}

func replaceNetwork(ctx context.Context, q querier, n *quarterhour.Network, imp *quarterhour.Import) error {
	if n.Area == "" {
		return errors.New("network area is required")
	}
	for _, stmt := range []string{
		`DELETE FROM walk_edges WHERE area = ?`,
		`DELETE FROM walk_nodes WHERE area = ?`,
		`DELETE FROM networks WHERE area = ?`,
	} {
		if _, err := q.ExecContext(ctx, stmt, n.Area); err != nil {
			return fmt.Errorf("clear old network: %w", err)
		}
	}
	var importID sql.NullInt64
	if imp != nil {
		importID = sql.NullInt64{Int64: imp.ID, Valid: true}
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO networks (area, synthetic, import_id, updated_at)
		VALUES (?, ?, ?, ?)`, n.Area, boolInt(n.Synthetic), importID, fmtTime(now())); err != nil {
		return mapErr(err)
	}
	nodeStmt, err := q.PrepareContext(ctx, `INSERT INTO walk_nodes (area, id, geom, lon, lat) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer nodeStmt.Close()
	for _, nd := range n.Nodes {
		geom, _, err := encodeGeom(nd.Point)
		if err != nil {
			return fmt.Errorf("node %d: %w", nd.ID, err)
		}
		if _, err := nodeStmt.ExecContext(ctx, n.Area, nd.ID, geom, nd.Point[0], nd.Point[1]); err != nil {
			return fmt.Errorf("node %d: %w", nd.ID, mapErr(err))
		}
	}
	edgeStmt, err := q.PrepareContext(ctx, `INSERT INTO walk_edges (area, id, source, target, cost,
		reverse_cost, length_m, geom, min_lon, min_lat, max_lon, max_lat, osm_way_id, highway)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer edgeStmt.Close()
	for _, e := range n.Edges {
		if len(e.Geom) < 2 {
			return fmt.Errorf("edge %d: geometry needs at least two points", e.ID)
		}
		geom, bb, err := encodeGeom(e.Geom)
		if err != nil {
			return fmt.Errorf("edge %d: %w", e.ID, err)
		}
		if _, err := edgeStmt.ExecContext(ctx, n.Area, e.ID, e.Source, e.Target, e.Cost, e.ReverseCost,
			e.LengthM, geom, bb.minLon, bb.minLat, bb.maxLon, bb.maxLat, e.OSMWayID, e.Highway); err != nil {
			return fmt.Errorf("edge %d (%d-%d): %w", e.ID, e.Source, e.Target, mapErr(err))
		}
	}
	return nil
}

// LoadNetworks returns every stored network ordered by area, nodes and edges
// ordered by ID.
func (s *Store) LoadNetworks(ctx context.Context) ([]quarterhour.Network, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: load networks: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT area, synthetic FROM networks ORDER BY area`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: load networks: %w", err)
	}
	var out []quarterhour.Network
	for rows.Next() {
		var n quarterhour.Network
		if err := rows.Scan(&n.Area, &n.Synthetic); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: load networks: %w", err)
		}
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: load networks: %w", err)
	}
	for i := range out {
		if err := loadNetwork(ctx, tx, &out[i]); err != nil {
			return nil, fmt.Errorf("sqlite: load network %q: %w", out[i].Area, err)
		}
	}
	return out, nil
}

func loadNetwork(ctx context.Context, q querier, n *quarterhour.Network) error {
	nodes, err := q.QueryContext(ctx, `SELECT id, lon, lat FROM walk_nodes WHERE area = ? ORDER BY id`, n.Area)
	if err != nil {
		return err
	}
	defer nodes.Close()
	for nodes.Next() {
		var nd quarterhour.WalkNode
		if err := nodes.Scan(&nd.ID, &nd.Point[0], &nd.Point[1]); err != nil {
			return fmt.Errorf("node: %w", err)
		}
		n.Nodes = append(n.Nodes, nd)
	}
	if err := nodes.Err(); err != nil {
		return fmt.Errorf("nodes: %w", err)
	}
	edges, err := q.QueryContext(ctx, `SELECT id, source, target, cost, reverse_cost, length_m, geom,
		osm_way_id, highway FROM walk_edges WHERE area = ? ORDER BY id`, n.Area)
	if err != nil {
		return err
	}
	defer edges.Close()
	for edges.Next() {
		var e quarterhour.WalkEdge
		var geom []byte
		if err := edges.Scan(&e.ID, &e.Source, &e.Target, &e.Cost, &e.ReverseCost, &e.LengthM, &geom,
			&e.OSMWayID, &e.Highway); err != nil {
			return fmt.Errorf("edge: %w", err)
		}
		if e.Geom, err = decodeLineString(geom); err != nil {
			return fmt.Errorf("edge %d: %w", e.ID, err)
		}
		n.Edges = append(n.Edges, e)
	}
	if err := edges.Err(); err != nil {
		return fmt.Errorf("edges: %w", err)
	}
	return nil
}

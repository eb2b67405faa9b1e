package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const circleColumns = `id, name, district, pilot_zone, layout, centers, status, planned_year,
	completed_year, synthetic, version, updated_at`

// ListCircles returns the circles matching f ordered by ID, each with its
// community IDs.
func (s *Store) ListCircles(ctx context.Context, f store.CircleFilter) ([]quarterhour.Circle, error) {
	var where []string
	var args []any
	if f.District != "" {
		where = append(where, "district = ?")
		args = append(args, f.District)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list circles: %w", err)
	}
	defer tx.Rollback()
	out, err := queryCircles(ctx, tx, `SELECT `+circleColumns+` FROM circles`+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list circles: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	index := make(map[int64]int, len(out))
	for i, c := range out {
		index[c.ID] = i
	}
	rows, err := tx.QueryContext(ctx, `SELECT circle_id, community_id FROM circle_communities
		WHERE circle_id IN (SELECT id FROM circles`+cond+`) ORDER BY circle_id, position`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list circles: communities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var circleID, communityID int64
		if err := rows.Scan(&circleID, &communityID); err != nil {
			return nil, fmt.Errorf("sqlite: list circles: communities: %w", err)
		}
		if i, ok := index[circleID]; ok {
			out[i].CommunityIDs = append(out[i].CommunityIDs, communityID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list circles: communities: %w", err)
	}
	return out, nil
}

func queryCircles(ctx context.Context, q querier, query string, args ...any) ([]quarterhour.Circle, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []quarterhour.Circle
	for rows.Next() {
		c, err := scanCircle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// GetCircle returns one circle with its community IDs.
func (s *Store) GetCircle(ctx context.Context, id int64) (quarterhour.Circle, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return quarterhour.Circle{}, fmt.Errorf("sqlite: get circle %d: %w", id, err)
	}
	defer tx.Rollback()
	c, err := scanCircle(tx.QueryRowContext(ctx, `SELECT `+circleColumns+` FROM circles WHERE id = ?`, id))
	if err != nil {
		return quarterhour.Circle{}, fmt.Errorf("sqlite: get circle %d: %w", id, mapErr(err))
	}
	rows, err := tx.QueryContext(ctx, `SELECT community_id FROM circle_communities
		WHERE circle_id = ? ORDER BY position`, id)
	if err != nil {
		return quarterhour.Circle{}, fmt.Errorf("sqlite: get circle %d: communities: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		if err := rows.Scan(&cid); err != nil {
			return quarterhour.Circle{}, fmt.Errorf("sqlite: get circle %d: communities: %w", id, err)
		}
		c.CommunityIDs = append(c.CommunityIDs, cid)
	}
	if err := rows.Err(); err != nil {
		return quarterhour.Circle{}, fmt.Errorf("sqlite: get circle %d: communities: %w", id, err)
	}
	return c, nil
}

// CreateCircle inserts c with its community links and sets its ID, Version
// (1) and UpdatedAt.
func (s *Store) CreateCircle(ctx context.Context, c *quarterhour.Circle) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return insertCircle(ctx, tx, c) })
	if err != nil {
		return fmt.Errorf("sqlite: create circle %q: %w", c.Name, err)
	}
	return nil
}

func circleValues(c *quarterhour.Circle) ([]any, error) {
	var centers any
	blob, bb, err := encodeGeom(orb.MultiPoint(c.Centers))
	if err != nil {
		return nil, err
	}
	if blob != nil {
		centers = blob
	}
	return []any{c.Name, c.District, c.PilotZone, c.Layout, centers, bb.minLon, bb.minLat, bb.maxLon,
		bb.maxLat, c.Status, c.PlannedYear, c.CompletedYear, boolInt(c.Synthetic)}, nil
}

func insertCircle(ctx context.Context, q querier, c *quarterhour.Circle) error {
	vals, err := circleValues(c)
	if err != nil {
		return err
	}
	t := now()
	var id int64
	err = q.QueryRowContext(ctx, `INSERT INTO circles (name, district, pilot_zone, layout, centers,
		min_lon, min_lat, max_lon, max_lat, status, planned_year, completed_year, synthetic, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`, append(vals, fmtTime(t))...).Scan(&id)
	if err != nil {
		return mapErr(err)
	}
	if err := linkCommunities(ctx, q, id, c.CommunityIDs); err != nil {
		return err
	}
	c.ID, c.Version, c.UpdatedAt = id, 1, t
	return nil
}

func linkCommunities(ctx context.Context, q querier, circleID int64, ids []int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM circle_communities WHERE circle_id = ?`, circleID); err != nil {
		return err
	}
	for i, cid := range ids {
		if _, err := q.ExecContext(ctx, `INSERT INTO circle_communities (circle_id, community_id, position)
			VALUES (?, ?, ?)`, circleID, cid, i); err != nil {
			return fmt.Errorf("community %d: %w", cid, mapErr(err))
		}
	}
	return nil
}

// UpdateCircle writes c and its community links when its stored version is
// still c.Version, and bumps c.Version.
func (s *Store) UpdateCircle(ctx context.Context, c *quarterhour.Circle) error {
	t := now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		vals, err := circleValues(c)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE circles SET name = ?, district = ?, pilot_zone = ?,
			layout = ?, centers = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, status = ?,
			planned_year = ?, completed_year = ?, synthetic = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, append(vals, fmtTime(t), c.ID, c.Version)...)
		if err != nil {
			return mapErr(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return versionMiss(ctx, tx, "circles", c.ID)
		}
		return linkCommunities(ctx, tx, c.ID, c.CommunityIDs)
	})
	if err != nil {
		return fmt.Errorf("sqlite: update circle %d: %w", c.ID, err)
	}
	c.Version++
	c.UpdatedAt = t
	return nil
}

func scanCircle(sc scanner) (quarterhour.Circle, error) {
	var c quarterhour.Circle
	var centers []byte
	var updated string
	if err := sc.Scan(&c.ID, &c.Name, &c.District, &c.PilotZone, &c.Layout, &centers, &c.Status,
		&c.PlannedYear, &c.CompletedYear, &c.Synthetic, &c.Version, &updated); err != nil {
		return c, err
	}
	var err error
	if c.Centers, err = decodeMultiPoint(centers); err != nil {
		return c, fmt.Errorf("circle %d centers: %w", c.ID, err)
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return c, fmt.Errorf("circle %d: %w", c.ID, err)
	}
	return c, nil
}

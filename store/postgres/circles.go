package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const circleCols = `c.id, c.name, c.district, c.pilot_zone, c.layout, ST_AsBinary(c.centers, 'NDR'),
	(SELECT array_agg(cc.community_id ORDER BY cc.ord) FROM circle_communities cc WHERE cc.circle_id = c.id),
	c.status, c.planned_year, c.completed_year, c.synthetic, c.version, c.updated_at`

func scanCircle(row pgx.CollectableRow) (quarterhour.Circle, error) {
	var c quarterhour.Circle
	var centers []byte
	err := row.Scan(&c.ID, &c.Name, &c.District, &c.PilotZone, &c.Layout, &centers, &c.CommunityIDs,
		&c.Status, &c.PlannedYear, &c.CompletedYear, &c.Synthetic, &c.Version, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	c.Centers, err = decodeMultiPoint(centers)
	return c, err
}

// ListCircles returns the circles matching f ordered by id.
func (s *Store) ListCircles(ctx context.Context, f store.CircleFilter) ([]quarterhour.Circle, error) {
	var w where
	if f.District != "" {
		w.add("c.district = ?", f.District)
	}
	if f.Status != "" {
		w.add("c.status = ?", f.Status)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+circleCols+` FROM circles c`+w.sql()+` ORDER BY c.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list circles: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanCircle)
	if err != nil {
		return nil, fmt.Errorf("postgres: list circles: %w", err)
	}
	return out, nil
}

// GetCircle returns one circle with the communities it serves.
func (s *Store) GetCircle(ctx context.Context, id int64) (quarterhour.Circle, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+circleCols+` FROM circles c WHERE c.id = $1`, id)
	if err != nil {
		return quarterhour.Circle{}, fmt.Errorf("postgres: get circle %d: %w", id, err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCircle)
	if err != nil {
		return quarterhour.Circle{}, fmt.Errorf("postgres: get circle %d: %w", id, translate(err))
	}
	return c, nil
}

// CreateCircle inserts c with its communities and sets ID, Version (1) and
// UpdatedAt. Unknown community IDs give ErrNotFound.
func (s *Store) CreateCircle(ctx context.Context, c *quarterhour.Circle) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error { return createCircle(ctx, tx, c) })
	if err != nil {
		return fmt.Errorf("postgres: create circle %q: %w", c.Name, err)
	}
	return nil
}

func createCircle(ctx context.Context, q querier, c *quarterhour.Circle) error {
	centers, err := nullableWKB(orb.MultiPoint(c.Centers), len(c.Centers) == 0)
	if err != nil {
		return err
	}
	at := now()
	err = q.QueryRow(ctx, `INSERT INTO circles (name, district, pilot_zone, layout, centers, status,
			planned_year, completed_year, synthetic, version, updated_at)
		VALUES ($1, $2, $3, $4, ST_GeomFromWKB($5, 4326), $6, $7, $8, $9, 1, $10)
		RETURNING id`,
		c.Name, c.District, c.PilotZone, c.Layout, centers, c.Status,
		c.PlannedYear, c.CompletedYear, c.Synthetic, at).Scan(&c.ID)
	if err != nil {
		return translate(err)
	}
	if err := setCircleCommunities(ctx, q, c.ID, c.CommunityIDs); err != nil {
		return err
	}
	c.Version, c.UpdatedAt = 1, at
	return nil
}

func setCircleCommunities(ctx context.Context, q querier, circleID int64, ids []int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM circle_communities WHERE circle_id = $1`, circleID); err != nil {
		return fmt.Errorf("clear communities: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := q.Exec(ctx, `INSERT INTO circle_communities (circle_id, community_id, ord)
		SELECT $1, t.id, t.ord FROM unnest($2::bigint[]) WITH ORDINALITY AS t(id, ord)`, circleID, ids)
	if err != nil {
		return fmt.Errorf("communities %v: %w", ids, translate(err))
	}
	return nil
}

// UpdateCircle writes c and its communities if the stored version is still
// c.Version, then bumps c.Version and sets UpdatedAt.
func (s *Store) UpdateCircle(ctx context.Context, c *quarterhour.Circle) error {
	centers, err := nullableWKB(orb.MultiPoint(c.Centers), len(c.Centers) == 0)
	if err != nil {
		return fmt.Errorf("postgres: update circle %d: %w", c.ID, err)
	}
	at := now()
	var version int
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE circles SET name = $3, district = $4, pilot_zone = $5, layout = $6,
				centers = ST_GeomFromWKB($7, 4326), status = $8, planned_year = $9, completed_year = $10,
				synthetic = $11, version = version + 1, updated_at = $12
			WHERE id = $1 AND version = $2
			RETURNING version`,
			c.ID, c.Version, c.Name, c.District, c.PilotZone, c.Layout, centers, c.Status,
			c.PlannedYear, c.CompletedYear, c.Synthetic, at).Scan(&version)
		if errors.Is(err, pgx.ErrNoRows) {
			return versionMiss(ctx, tx, `SELECT EXISTS (SELECT 1 FROM circles WHERE id = $1)`, c.ID)
		}
		if err != nil {
			return translate(err)
		}
		return setCircleCommunities(ctx, tx, c.ID, c.CommunityIDs)
	})
	if err != nil {
		return fmt.Errorf("postgres: update circle %d: %w", c.ID, err)
	}
	c.Version, c.UpdatedAt = version, at
	return nil
}

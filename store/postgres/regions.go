package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const regionCols = `code, name, level, parent, county, ST_AsBinary(boundary, 'NDR'),
	population, population_year, population_source`

// UpsertRegions inserts or replaces regions by code, in one transaction.
func (s *Store) UpsertRegions(ctx context.Context, rs []quarterhour.Region) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error { return upsertRegions(ctx, tx, rs) })
	if err != nil {
		return fmt.Errorf("postgres: upsert regions: %w", err)
	}
	return nil
}

func upsertRegions(ctx context.Context, q querier, rs []quarterhour.Region) error {
	b := &pgx.Batch{}
	for _, r := range rs {
		boundary, err := nullableWKB(r.Boundary, len(r.Boundary) == 0)
		if err != nil {
			return fmt.Errorf("region %s: %w", r.Code, err)
		}
		b.Queue(`INSERT INTO regions (code, name, level, parent, county, boundary,
				population, population_year, population_source)
			VALUES ($1, $2, $3, $4, $5, ST_GeomFromWKB($6, 4326), $7, $8, $9)
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level,
				parent = EXCLUDED.parent, county = EXCLUDED.county, boundary = EXCLUDED.boundary,
				population = EXCLUDED.population, population_year = EXCLUDED.population_year,
				population_source = EXCLUDED.population_source`,
			r.Code, r.Name, r.Level, r.Parent, r.County, boundary,
			r.Population, r.PopulationYear, r.PopulationSource)
	}
	return sendBatch(ctx, q, b)
}

// sendBatch runs every queued statement and reports the first failure.
func sendBatch(ctx context.Context, q querier, b *pgx.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	br := q.SendBatch(ctx, b)
	for i := 0; i < b.Len(); i++ {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("statement %d: %w", i, translate(err))
		}
	}
	return br.Close()
}

// ListRegions returns the regions matching f, ordered by code. A 6-digit
// Parent is a county code and selects the county's direct children.
func (s *Store) ListRegions(ctx context.Context, f store.RegionFilter) ([]quarterhour.Region, error) {
	var w where
	if f.Level != "" {
		w.add("level = ?", f.Level)
	}
	if f.Parent != "" {
		parent := f.Parent
		if len(parent) == 6 {
			parent += "000000"
		}
		w.add("parent = ?", parent)
	}
	if f.County != "" {
		w.add("county = ?", f.County)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+regionCols+` FROM regions`+w.sql()+` ORDER BY code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list regions: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanRegion)
	if err != nil {
		return nil, fmt.Errorf("postgres: list regions: %w", err)
	}
	return out, nil
}

// GetRegion returns the region with the given 12-digit code.
func (s *Store) GetRegion(ctx context.Context, code string) (quarterhour.Region, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+regionCols+` FROM regions WHERE code = $1`, code)
	if err != nil {
		return quarterhour.Region{}, fmt.Errorf("postgres: get region %s: %w", code, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanRegion)
	if err != nil {
		return quarterhour.Region{}, fmt.Errorf("postgres: get region %s: %w", code, translate(err))
	}
	return r, nil
}

func scanRegion(row pgx.CollectableRow) (quarterhour.Region, error) {
	var r quarterhour.Region
	var boundary []byte
	err := row.Scan(&r.Code, &r.Name, &r.Level, &r.Parent, &r.County, &boundary,
		&r.Population, &r.PopulationYear, &r.PopulationSource)
	if err != nil {
		return r, err
	}
	r.Boundary, err = decodeMultiPolygon(boundary)
	return r, err
}

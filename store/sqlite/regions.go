package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const regionColumns = `code, name, level, parent, county, boundary, population, population_year, population_source`

// UpsertRegions inserts or replaces regions by code in one transaction.
func (s *Store) UpsertRegions(ctx context.Context, rs []quarterhour.Region) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return upsertRegions(ctx, tx, rs) })
	if err != nil {
		return fmt.Errorf("sqlite: upsert regions: %w", err)
	}
	return nil
}

func upsertRegions(ctx context.Context, q querier, rs []quarterhour.Region) error {
	stmt, err := q.PrepareContext(ctx, `INSERT INTO regions (`+regionColumns+`, min_lon, min_lat, max_lon, max_lat)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
			parent = excluded.parent, county = excluded.county, boundary = excluded.boundary,
			population = excluded.population, population_year = excluded.population_year,
			population_source = excluded.population_source,
			min_lon = excluded.min_lon, min_lat = excluded.min_lat,
			max_lon = excluded.max_lon, max_lat = excluded.max_lat`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := range rs {
		r := &rs[i]
		var boundary any
		blob, bb, err := encodeGeom(r.Boundary)
		if err != nil {
			return fmt.Errorf("region %s: %w", r.Code, err)
		}
		if blob != nil {
			boundary = blob
		}
		args := append([]any{r.Code, r.Name, r.Level, r.Parent, r.County, boundary,
			r.Population, r.PopulationYear, r.PopulationSource}, bb.args()...)
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("region %s: %w", r.Code, mapErr(err))
		}
	}
	return nil
}

// ListRegions returns the regions matching f ordered by code. A 6-digit
// Parent names a county and matches the regions directly under it.
func (s *Store) ListRegions(ctx context.Context, f store.RegionFilter) ([]quarterhour.Region, error) {
	var where []string
	var args []any
	if f.Level != "" {
		where = append(where, "level = ?")
		args = append(args, f.Level)
	}
	if f.Parent != "" {
		parent := f.Parent
		if len(parent) == 6 {
			parent += "000000"
		}
		where = append(where, "parent = ?")
		args = append(args, parent)
	}
	if f.County != "" {
		where = append(where, "county = ?")
		args = append(args, f.County)
	}
	query := `SELECT ` + regionColumns + ` FROM regions`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY code"
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list regions: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Region
	for rows.Next() {
		r, err := scanRegion(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list regions: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list regions: %w", err)
	}
	return out, nil
}

// GetRegion returns the region with the given 12-digit code.
func (s *Store) GetRegion(ctx context.Context, code string) (quarterhour.Region, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+regionColumns+` FROM regions WHERE code = ?`, code)
	r, err := scanRegion(row)
	if err != nil {
		return quarterhour.Region{}, fmt.Errorf("sqlite: get region %s: %w", code, mapErr(err))
	}
	return r, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanRegion(sc scanner) (quarterhour.Region, error) {
	var r quarterhour.Region
	var boundary []byte
	if err := sc.Scan(&r.Code, &r.Name, &r.Level, &r.Parent, &r.County, &boundary,
		&r.Population, &r.PopulationYear, &r.PopulationSource); err != nil {
		return r, err
	}
	mp, err := decodeMultiPolygon(boundary)
	if err != nil {
		return r, fmt.Errorf("region %s boundary: %w", r.Code, err)
	}
	r.Boundary = mp
	return r, nil
}

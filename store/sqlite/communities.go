package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const communityColumns = `id, region_code, district, name, polygon, population, households,
	building_area_m2, commercial_area_m2, service_facility_area_m2, is_new, synthetic,
	population_estimated, source, source_ref, original_crs, version, updated_at`

// ListCommunities returns the communities matching f ordered by ID; a bbox
// matches every community whose bounding box intersects it.
func (s *Store) ListCommunities(ctx context.Context, f store.CommunityFilter) ([]quarterhour.Community, error) {
	var where []string
	var args []any
	if f.District != "" {
		where = append(where, "district = ?")
		args = append(args, f.District)
	}
	if f.BBox != nil {
		where = append(where, "min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?")
		args = append(args, f.BBox.Max[0], f.BBox.Min[0], f.BBox.Max[1], f.BBox.Min[1])
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		where = append(where, "id IN (?"+strings.Repeat(", ?", len(f.IDs)-1)+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	query := `SELECT ` + communityColumns + ` FROM communities`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id"
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list communities: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Community
	for rows.Next() {
		c, err := scanCommunity(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list communities: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list communities: %w", err)
	}
	return out, nil
}

// GetCommunity returns one community.
func (s *Store) GetCommunity(ctx context.Context, id int64) (quarterhour.Community, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+communityColumns+` FROM communities WHERE id = ?`, id)
	c, err := scanCommunity(row)
	if err != nil {
		return c, fmt.Errorf("sqlite: get community %d: %w", id, mapErr(err))
	}
	return c, nil
}

// CreateCommunity inserts c and sets its ID and Version (1).
func (s *Store) CreateCommunity(ctx context.Context, c *quarterhour.Community) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := prepareInsertCommunity(ctx, tx)
		if err != nil {
			return err
		}
		defer stmt.Close()
		return insertCommunity(ctx, stmt, c)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create community %q: %w", c.Name, err)
	}
	return nil
}

func prepareInsertCommunity(ctx context.Context, q querier) (*sql.Stmt, error) {
	return q.PrepareContext(ctx, `INSERT INTO communities (region_code, district, name, polygon,
		min_lon, min_lat, max_lon, max_lat, population, households, building_area_m2,
		commercial_area_m2, service_facility_area_m2, is_new, synthetic, population_estimated,
		source, source_ref, original_crs, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`)
}

func communityValues(c *quarterhour.Community) ([]any, error) {
	var polygon any
	blob, bb, err := encodeGeom(c.Polygon)
	if err != nil {
		return nil, err
	}
	if blob != nil {
		polygon = blob
	}
	return []any{c.RegionCode, c.District, c.Name, polygon, bb.minLon, bb.minLat, bb.maxLon, bb.maxLat,
		c.Population, c.Households, c.BuildingAreaM2, c.CommercialAreaM2, c.ServiceFacilityAreaM2,
		boolInt(c.IsNew), boolInt(c.Synthetic), boolInt(c.PopulationEstimated), c.Source, c.SourceRef,
		c.OriginalCRS, fmtTime(c.UpdatedAt)}, nil
}

func insertCommunity(ctx context.Context, stmt *sql.Stmt, c *quarterhour.Community) error {
	c.UpdatedAt = now()
	vals, err := communityValues(c)
	if err != nil {
		return err
	}
	var id int64
	if err := stmt.QueryRowContext(ctx, vals...).Scan(&id); err != nil {
		return mapErr(err)
	}
	c.ID, c.Version = id, 1
	return nil
}

// UpdateCommunity writes c when its stored version is still c.Version and
// bumps c.Version.
func (s *Store) UpdateCommunity(ctx context.Context, c *quarterhour.Community) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return updateCommunity(ctx, tx, c) })
	if err != nil {
		return fmt.Errorf("sqlite: update community %d: %w", c.ID, err)
	}
	c.Version++
	return nil
}

// updateCommunity writes c when its stored version is still c.Version; the
// caller bumps c.Version after the transaction commits.
func updateCommunity(ctx context.Context, tx *sql.Tx, c *quarterhour.Community) error {
	c.UpdatedAt = now()
	vals, err := communityValues(c)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE communities SET region_code = ?, district = ?, name = ?,
		polygon = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, population = ?,
		households = ?, building_area_m2 = ?, commercial_area_m2 = ?, service_facility_area_m2 = ?,
		is_new = ?, synthetic = ?, population_estimated = ?, source = ?, source_ref = ?,
		original_crs = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, append(vals, c.ID, c.Version)...)
	if err != nil {
		return mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return versionMiss(ctx, tx, "communities", c.ID)
	}
	return nil
}

// UpsertCommunities inserts or updates communities keyed by (Source,
// SourceRef) in one transaction; a community whose stored copy already
// holds the same values is left alone. It sets ID and Version on each
// element of cs and, when imp is not nil, records imp as an import batch.
// A community without Source or SourceRef fails the whole batch.
func (s *Store) UpsertCommunities(ctx context.Context, cs []quarterhour.Community, imp *quarterhour.Import) (store.UpsertStats, error) {
	var stats store.UpsertStats
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stats = store.UpsertStats{}
		ins, err := prepareInsertCommunity(ctx, tx)
		if err != nil {
			return err
		}
		defer ins.Close()
		find, err := tx.PrepareContext(ctx, `SELECT `+communityColumns+` FROM communities
			WHERE source = ? AND source_ref = ? AND source_ref <> ''`)
		if err != nil {
			return err
		}
		defer find.Close()
		for i := range cs {
			c := &cs[i]
			if c.Source == "" || c.SourceRef == "" {
				return fmt.Errorf("row %d (%q): source and source_ref are required", i, c.Name)
			}
			old, err := scanCommunity(find.QueryRowContext(ctx, c.Source, c.SourceRef))
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err := insertCommunity(ctx, ins, c); err != nil {
					return fmt.Errorf("row %d (%s %s): %w", i, c.Source, c.SourceRef, err)
				}
				stats.Inserted++
			case err != nil:
				return fmt.Errorf("row %d (%s %s): %w", i, c.Source, c.SourceRef, err)
			case old.SameValues(*c):
				*c = old
				stats.Unchanged++
			default:
				c.ID, c.Version = old.ID, old.Version
				if err := updateCommunity(ctx, tx, c); err != nil {
					return fmt.Errorf("row %d (%s %s): %w", i, c.Source, c.SourceRef, err)
				}
				c.Version++
				stats.Updated++
			}
		}
		if imp != nil {
			return insertImport(ctx, tx, imp)
		}
		return nil
	})
	if err != nil {
		return store.UpsertStats{}, fmt.Errorf("sqlite: upsert communities: %w", err)
	}
	return stats, nil
}

func scanCommunity(sc scanner) (quarterhour.Community, error) {
	var c quarterhour.Community
	var polygon []byte
	var updated string
	if err := sc.Scan(&c.ID, &c.RegionCode, &c.District, &c.Name, &polygon, &c.Population, &c.Households,
		&c.BuildingAreaM2, &c.CommercialAreaM2, &c.ServiceFacilityAreaM2, &c.IsNew, &c.Synthetic,
		&c.PopulationEstimated, &c.Source, &c.SourceRef, &c.OriginalCRS, &c.Version, &updated); err != nil {
		return c, err
	}
	if updated != "" {
		t, err := parseTime(updated)
		if err != nil {
			return c, fmt.Errorf("community %d: %w", c.ID, err)
		}
		c.UpdatedAt = t
	}
	mp, err := decodeMultiPolygon(polygon)
	if err != nil {
		return c, fmt.Errorf("community %d polygon: %w", c.ID, err)
	}
	c.Polygon = mp
	return c, nil
}

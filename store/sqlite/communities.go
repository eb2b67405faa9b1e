package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/quarterhour/quarterhour/store"
)

const communityColumns = `id, region_code, district, name, polygon, population, households,
	building_area_m2, commercial_area_m2, service_facility_area_m2, is_new, synthetic, version`

// ListCommunities returns the communities matching f ordered by ID; a bbox
// matches every community whose bounding box intersects it.
func (s *Store) ListCommunities(ctx context.Context, f store.CommunityFilter) ([]store.Community, error) {
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
	var out []store.Community
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
func (s *Store) GetCommunity(ctx context.Context, id int64) (store.Community, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+communityColumns+` FROM communities WHERE id = ?`, id)
	c, err := scanCommunity(row)
	if err != nil {
		return c, fmt.Errorf("sqlite: get community %d: %w", id, mapErr(err))
	}
	return c, nil
}

// CreateCommunity inserts c and sets its ID and Version (1).
func (s *Store) CreateCommunity(ctx context.Context, c *store.Community) error {
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
		commercial_area_m2, service_facility_area_m2, is_new, synthetic, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`)
}

func communityValues(c *store.Community) ([]any, error) {
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
		boolInt(c.IsNew), boolInt(c.Synthetic)}, nil
}

func insertCommunity(ctx context.Context, stmt *sql.Stmt, c *store.Community) error {
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
func (s *Store) UpdateCommunity(ctx context.Context, c *store.Community) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		vals, err := communityValues(c)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE communities SET region_code = ?, district = ?, name = ?,
			polygon = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, population = ?,
			households = ?, building_area_m2 = ?, commercial_area_m2 = ?, service_facility_area_m2 = ?,
			is_new = ?, synthetic = ?, version = version + 1
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
	})
	if err != nil {
		return fmt.Errorf("sqlite: update community %d: %w", c.ID, err)
	}
	c.Version++
	return nil
}

func scanCommunity(sc scanner) (store.Community, error) {
	var c store.Community
	var polygon []byte
	if err := sc.Scan(&c.ID, &c.RegionCode, &c.District, &c.Name, &polygon, &c.Population, &c.Households,
		&c.BuildingAreaM2, &c.CommercialAreaM2, &c.ServiceFacilityAreaM2, &c.IsNew, &c.Synthetic,
		&c.Version); err != nil {
		return c, err
	}
	mp, err := decodeMultiPolygon(polygon)
	if err != nil {
		return c, fmt.Errorf("community %d polygon: %w", c.ID, err)
	}
	c.Polygon = mp
	return c, nil
}

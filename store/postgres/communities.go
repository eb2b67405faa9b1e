package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour/store"
)

const communityCols = `id, region_code, district, name, ST_AsBinary(polygon, 'NDR'), population, households,
	building_area_m2, commercial_area_m2, service_facility_area_m2, is_new, synthetic, version`

func scanCommunity(row pgx.CollectableRow) (store.Community, error) {
	var c store.Community
	var polygon []byte
	err := row.Scan(&c.ID, &c.RegionCode, &c.District, &c.Name, &polygon, &c.Population, &c.Households,
		&c.BuildingAreaM2, &c.CommercialAreaM2, &c.ServiceFacilityAreaM2, &c.IsNew, &c.Synthetic, &c.Version)
	if err != nil {
		return c, err
	}
	c.Polygon, err = decodeMultiPolygon(polygon)
	return c, err
}

// ListCommunities returns the communities matching f ordered by id; a
// bounding box selects those whose polygon intersects it.
func (s *Store) ListCommunities(ctx context.Context, f store.CommunityFilter) ([]store.Community, error) {
	var w where
	if f.District != "" {
		w.add("district = ?", f.District)
	}
	if f.BBox != nil {
		w.add("polygon && ST_MakeEnvelope(?, ?, ?, ?, 4326)", f.BBox.Min.X(), f.BBox.Min.Y(), f.BBox.Max.X(), f.BBox.Max.Y())
	}
	if f.IDs != nil {
		w.add("id = ANY(?)", f.IDs)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+communityCols+` FROM communities`+w.sql()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list communities: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanCommunity)
	if err != nil {
		return nil, fmt.Errorf("postgres: list communities: %w", err)
	}
	return out, nil
}

// GetCommunity returns one community.
func (s *Store) GetCommunity(ctx context.Context, id int64) (store.Community, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+communityCols+` FROM communities WHERE id = $1`, id)
	if err != nil {
		return store.Community{}, fmt.Errorf("postgres: get community %d: %w", id, err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCommunity)
	if err != nil {
		return store.Community{}, fmt.Errorf("postgres: get community %d: %w", id, translate(err))
	}
	return c, nil
}

// CreateCommunity inserts c and sets its ID and Version (1).
func (s *Store) CreateCommunity(ctx context.Context, c *store.Community) error {
	if err := createCommunity(ctx, s.pool, c); err != nil {
		return fmt.Errorf("postgres: create community %q: %w", c.Name, err)
	}
	return nil
}

func createCommunity(ctx context.Context, q querier, c *store.Community) error {
	polygon, err := nullableWKB(c.Polygon, len(c.Polygon) == 0)
	if err != nil {
		return err
	}
	err = q.QueryRow(ctx, `INSERT INTO communities (region_code, district, name, polygon, population,
			households, building_area_m2, commercial_area_m2, service_facility_area_m2, is_new, synthetic, version)
		VALUES ($1, $2, $3, ST_GeomFromWKB($4, 4326), $5, $6, $7, $8, $9, $10, $11, 1)
		RETURNING id`,
		c.RegionCode, c.District, c.Name, polygon, c.Population, c.Households,
		c.BuildingAreaM2, c.CommercialAreaM2, c.ServiceFacilityAreaM2, c.IsNew, c.Synthetic).Scan(&c.ID)
	if err != nil {
		return translate(err)
	}
	c.Version = 1
	return nil
}

// UpdateCommunity writes c if the stored version is still c.Version and
// bumps c.Version.
func (s *Store) UpdateCommunity(ctx context.Context, c *store.Community) error {
	polygon, err := nullableWKB(c.Polygon, len(c.Polygon) == 0)
	if err != nil {
		return fmt.Errorf("postgres: update community %d: %w", c.ID, err)
	}
	var version int
	err = s.pool.QueryRow(ctx, `UPDATE communities SET region_code = $3, district = $4, name = $5,
			polygon = ST_GeomFromWKB($6, 4326), population = $7, households = $8, building_area_m2 = $9,
			commercial_area_m2 = $10, service_facility_area_m2 = $11, is_new = $12, synthetic = $13,
			version = version + 1
		WHERE id = $1 AND version = $2
		RETURNING version`,
		c.ID, c.Version, c.RegionCode, c.District, c.Name, polygon, c.Population, c.Households,
		c.BuildingAreaM2, c.CommercialAreaM2, c.ServiceFacilityAreaM2, c.IsNew, c.Synthetic).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		err = versionMiss(ctx, s.pool, `SELECT EXISTS (SELECT 1 FROM communities WHERE id = $1)`, c.ID)
	}
	if err != nil {
		return fmt.Errorf("postgres: update community %d: %w", c.ID, translate(err))
	}
	c.Version = version
	return nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const communityCols = `id, region_code, district, name, ST_AsBinary(polygon, 'NDR'), population, households,
	building_area_m2, commercial_area_m2, service_facility_area_m2, is_new, synthetic,
	population_estimated, source, source_ref, original_crs, version, updated_at`

func scanCommunity(row pgx.CollectableRow) (quarterhour.Community, error) {
	var c quarterhour.Community
	var polygon []byte
	err := row.Scan(&c.ID, &c.RegionCode, &c.District, &c.Name, &polygon, &c.Population, &c.Households,
		&c.BuildingAreaM2, &c.CommercialAreaM2, &c.ServiceFacilityAreaM2, &c.IsNew, &c.Synthetic,
		&c.PopulationEstimated, &c.Source, &c.SourceRef, &c.OriginalCRS, &c.Version, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	c.UpdatedAt = c.UpdatedAt.UTC()
	c.Polygon, err = decodeMultiPolygon(polygon)
	return c, err
}

// ListCommunities returns the communities matching f ordered by id; a
// bounding box selects those whose polygon intersects it.
func (s *Store) ListCommunities(ctx context.Context, f store.CommunityFilter) ([]quarterhour.Community, error) {
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
func (s *Store) GetCommunity(ctx context.Context, id int64) (quarterhour.Community, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+communityCols+` FROM communities WHERE id = $1`, id)
	if err != nil {
		return quarterhour.Community{}, fmt.Errorf("postgres: get community %d: %w", id, err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCommunity)
	if err != nil {
		return quarterhour.Community{}, fmt.Errorf("postgres: get community %d: %w", id, translate(err))
	}
	return c, nil
}

// CreateCommunity inserts c and sets its ID and Version (1).
func (s *Store) CreateCommunity(ctx context.Context, c *quarterhour.Community) error {
	if err := createCommunity(ctx, s.pool, c); err != nil {
		return fmt.Errorf("postgres: create community %q: %w", c.Name, err)
	}
	return nil
}

func createCommunity(ctx context.Context, q querier, c *quarterhour.Community) error {
	at := now()
	polygon, err := nullableWKB(c.Polygon, len(c.Polygon) == 0)
	if err != nil {
		return err
	}
	err = q.QueryRow(ctx, `INSERT INTO communities (region_code, district, name, polygon, population,
			households, building_area_m2, commercial_area_m2, service_facility_area_m2, is_new, synthetic,
			population_estimated, source, source_ref, original_crs, updated_at, version)
		VALUES ($1, $2, $3, ST_GeomFromWKB($4, 4326), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1)
		RETURNING id`,
		c.RegionCode, c.District, c.Name, polygon, c.Population, c.Households,
		c.BuildingAreaM2, c.CommercialAreaM2, c.ServiceFacilityAreaM2, c.IsNew, c.Synthetic,
		c.PopulationEstimated, c.Source, c.SourceRef, c.OriginalCRS, at).Scan(&c.ID)
	if err != nil {
		return translate(err)
	}
	c.Version, c.UpdatedAt = 1, at
	return nil
}

// UpdateCommunity writes c if the stored version is still c.Version and
// bumps c.Version.
func (s *Store) UpdateCommunity(ctx context.Context, c *quarterhour.Community) error {
	if err := updateCommunity(ctx, s.pool, c); err != nil {
		return fmt.Errorf("postgres: update community %d: %w", c.ID, err)
	}
	return nil
}

// updateCommunity writes c if the stored version is still c.Version and sets
// c.Version to the new one.
func updateCommunity(ctx context.Context, q querier, c *quarterhour.Community) error {
	at := now()
	polygon, err := nullableWKB(c.Polygon, len(c.Polygon) == 0)
	if err != nil {
		return err
	}
	var version int
	err = q.QueryRow(ctx, `UPDATE communities SET region_code = $3, district = $4, name = $5,
			polygon = ST_GeomFromWKB($6, 4326), population = $7, households = $8, building_area_m2 = $9,
			commercial_area_m2 = $10, service_facility_area_m2 = $11, is_new = $12, synthetic = $13,
			population_estimated = $14, source = $15, source_ref = $16, original_crs = $17,
			updated_at = $18, version = version + 1
		WHERE id = $1 AND version = $2
		RETURNING version`,
		c.ID, c.Version, c.RegionCode, c.District, c.Name, polygon, c.Population, c.Households,
		c.BuildingAreaM2, c.CommercialAreaM2, c.ServiceFacilityAreaM2, c.IsNew, c.Synthetic,
		c.PopulationEstimated, c.Source, c.SourceRef, c.OriginalCRS, at).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		err = versionMiss(ctx, q, `SELECT EXISTS (SELECT 1 FROM communities WHERE id = $1)`, c.ID)
	}
	if err != nil {
		return translate(err)
	}
	c.Version, c.UpdatedAt = version, at
	return nil
}

// UpsertCommunities inserts or updates cs keyed by (Source, SourceRef) in one
// transaction and records imp (when not nil). A community whose stored
// fields already equal the incoming ones counts as unchanged and keeps its
// version. A community without Source or SourceRef fails the whole batch.
// On success every element of cs carries its ID and Version.
func (s *Store) UpsertCommunities(ctx context.Context, cs []quarterhour.Community, imp *quarterhour.Import) (store.UpsertStats, error) {
	var st store.UpsertStats
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		st = store.UpsertStats{}
		for i := range cs {
			c := &cs[i]
			if c.Source == "" || c.SourceRef == "" {
				return fmt.Errorf("row %d (%q): source and source_ref are required", i, c.Name)
			}
			rows, err := tx.Query(ctx, `SELECT `+communityCols+` FROM communities
				WHERE source = $1 AND source_ref = $2 AND source_ref <> ''`, c.Source, c.SourceRef)
			if err != nil {
				return fmt.Errorf("row %d (%s %s): %w", i, c.Source, c.SourceRef, err)
			}
			old, err := pgx.CollectExactlyOneRow(rows, scanCommunity)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				if err := createCommunity(ctx, tx, c); err != nil {
					return fmt.Errorf("row %d (%s %s): %w", i, c.Source, c.SourceRef, err)
				}
				st.Inserted++
			case err != nil:
				return fmt.Errorf("row %d (%s %s): %w", i, c.Source, c.SourceRef, err)
			case old.SameValues(*c):
				*c = old
				st.Unchanged++
			default:
				c.ID, c.Version = old.ID, old.Version
				if err := updateCommunity(ctx, tx, c); err != nil {
					return fmt.Errorf("row %d (%s %s): %w", i, c.Source, c.SourceRef, err)
				}
				st.Updated++
			}
		}
		return createImport(ctx, tx, imp)
	})
	if err != nil {
		return store.UpsertStats{}, fmt.Errorf("postgres: upsert communities: %w", err)
	}
	return st, nil
}

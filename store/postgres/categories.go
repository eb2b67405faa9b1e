package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/quarterhour/quarterhour"
)

// UpsertCategories inserts or replaces categories by code, in one transaction.
func (s *Store) UpsertCategories(ctx context.Context, cs []quarterhour.Category) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error { return upsertCategories(ctx, tx, cs) })
	if err != nil {
		return fmt.Errorf("postgres: upsert categories: %w", err)
	}
	return nil
}

func upsertCategories(ctx context.Context, q querier, cs []quarterhour.Category) error {
	b := &pgx.Batch{}
	for _, c := range cs {
		b.Queue(`INSERT INTO categories (code, name_zh, name_en, tier, national, osm_tags, amap_typecodes, sort)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
				tier = EXCLUDED.tier, national = EXCLUDED.national, osm_tags = EXCLUDED.osm_tags,
				amap_typecodes = EXCLUDED.amap_typecodes, sort = EXCLUDED.sort`,
			c.Code, c.NameZH, c.NameEN, c.Tier, c.National, c.OSMTags, c.AmapTypecodes, c.Sort)
	}
	return sendBatch(ctx, q, b)
}

// ListCategories returns the taxonomy ordered by sort key, then code.
func (s *Store) ListCategories(ctx context.Context) ([]quarterhour.Category, error) {
	rows, err := s.pool.Query(ctx, `SELECT code, name_zh, name_en, tier, national, osm_tags, amap_typecodes, sort
		FROM categories ORDER BY sort, code`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list categories: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quarterhour.Category, error) {
		var c quarterhour.Category
		err := row.Scan(&c.Code, &c.NameZH, &c.NameEN, &c.Tier, &c.National, &c.OSMTags, &c.AmapTypecodes, &c.Sort)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list categories: %w", err)
	}
	return out, nil
}

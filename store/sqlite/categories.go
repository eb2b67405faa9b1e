package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/quarterhour/quarterhour"
)

// UpsertCategories inserts or replaces categories by code in one transaction.
func (s *Store) UpsertCategories(ctx context.Context, cs []quarterhour.Category) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return upsertCategories(ctx, tx, cs) })
	if err != nil {
		return fmt.Errorf("sqlite: upsert categories: %w", err)
	}
	return nil
}

func upsertCategories(ctx context.Context, q querier, cs []quarterhour.Category) error {
	stmt, err := q.PrepareContext(ctx, `INSERT INTO categories
		(code, name_zh, name_en, tier, national, osm_tags, amap_typecodes, sort)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
			tier = excluded.tier, national = excluded.national, osm_tags = excluded.osm_tags,
			amap_typecodes = excluded.amap_typecodes, sort = excluded.sort`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range cs {
		tags, err := encodeList(c.OSMTags)
		if err != nil {
			return fmt.Errorf("category %s: %w", c.Code, err)
		}
		codes, err := encodeList(c.AmapTypecodes)
		if err != nil {
			return fmt.Errorf("category %s: %w", c.Code, err)
		}
		if _, err := stmt.ExecContext(ctx, c.Code, c.NameZH, c.NameEN, c.Tier, boolInt(c.National),
			tags, codes, c.Sort); err != nil {
			return fmt.Errorf("category %s: %w", c.Code, mapErr(err))
		}
	}
	return nil
}

// ListCategories returns every category by sort key, then code.
func (s *Store) ListCategories(ctx context.Context) ([]quarterhour.Category, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, name_zh, name_en, tier, national, osm_tags,
		amap_typecodes, sort FROM categories ORDER BY sort, code`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list categories: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Category
	for rows.Next() {
		var c quarterhour.Category
		var tags, codes string
		if err := rows.Scan(&c.Code, &c.NameZH, &c.NameEN, &c.Tier, &c.National, &tags, &codes, &c.Sort); err != nil {
			return nil, fmt.Errorf("sqlite: list categories: %w", err)
		}
		if c.OSMTags, err = decodeList[string](tags); err != nil {
			return nil, fmt.Errorf("sqlite: list categories: %s: %w", c.Code, err)
		}
		if c.AmapTypecodes, err = decodeList[string](codes); err != nil {
			return nil, fmt.Errorf("sqlite: list categories: %s: %w", c.Code, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list categories: %w", err)
	}
	return out, nil
}

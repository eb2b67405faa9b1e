package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/quarterhour/quarterhour"
)

// UpsertTargets inserts or replaces targets keyed by (Year, District, Cumulative).
func (s *Store) UpsertTargets(ctx context.Context, ts []quarterhour.Target) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return upsertTargets(ctx, tx, ts) })
	if err != nil {
		return fmt.Errorf("sqlite: upsert targets: %w", err)
	}
	return nil
}

func upsertTargets(ctx context.Context, q querier, ts []quarterhour.Target) error {
	stmt, err := q.PrepareContext(ctx, `INSERT INTO targets (year, district, circles, high_quality, cumulative,
		award_budget_yuan, source) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (year, district, cumulative) DO UPDATE SET circles = excluded.circles,
			high_quality = excluded.high_quality, award_budget_yuan = excluded.award_budget_yuan,
			source = excluded.source`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, t := range ts {
		if _, err := stmt.ExecContext(ctx, t.Year, t.District, t.Circles, t.HighQuality,
			boolInt(t.Cumulative), t.AwardBudgetYuan, t.Source); err != nil {
			return fmt.Errorf("target %d/%s: %w", t.Year, t.District, mapErr(err))
		}
	}
	return nil
}

// ListTargets returns every target ordered by year, district, then yearly
// before cumulative.
func (s *Store) ListTargets(ctx context.Context) ([]quarterhour.Target, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT year, district, circles, high_quality, cumulative, award_budget_yuan,
		source FROM targets ORDER BY year, district, cumulative`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list targets: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Target
	for rows.Next() {
		var t quarterhour.Target
		if err := rows.Scan(&t.Year, &t.District, &t.Circles, &t.HighQuality, &t.Cumulative, &t.AwardBudgetYuan, &t.Source); err != nil {
			return nil, fmt.Errorf("sqlite: list targets: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list targets: %w", err)
	}
	return out, nil
}

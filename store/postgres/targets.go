package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/quarterhour/quarterhour"
)

// UpsertTargets inserts or replaces targets by (year, district).
func (s *Store) UpsertTargets(ctx context.Context, ts []quarterhour.Target) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error { return upsertTargets(ctx, tx, ts) })
	if err != nil {
		return fmt.Errorf("postgres: upsert targets: %w", err)
	}
	return nil
}

func upsertTargets(ctx context.Context, q querier, ts []quarterhour.Target) error {
	b := &pgx.Batch{}
	for _, t := range ts {
		b.Queue(`INSERT INTO targets (year, district, circles, high_quality, cumulative, award_budget_yuan, source)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (year, district, cumulative) DO UPDATE SET circles = EXCLUDED.circles,
				high_quality = EXCLUDED.high_quality, award_budget_yuan = EXCLUDED.award_budget_yuan,
				source = EXCLUDED.source`,
			t.Year, t.District, t.Circles, t.HighQuality, t.Cumulative, t.AwardBudgetYuan, t.Source)
	}
	return sendBatch(ctx, q, b)
}

// ListTargets returns every target ordered by year, then district.
func (s *Store) ListTargets(ctx context.Context) ([]quarterhour.Target, error) {
	rows, err := s.pool.Query(ctx, `SELECT year, district, circles, high_quality, cumulative, award_budget_yuan,
		source FROM targets ORDER BY year, district, cumulative`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list targets: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quarterhour.Target, error) {
		var t quarterhour.Target
		err := row.Scan(&t.Year, &t.District, &t.Circles, &t.HighQuality, &t.Cumulative, &t.AwardBudgetYuan, &t.Source)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list targets: %w", err)
	}
	return out, nil
}

package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/quarterhour/quarterhour"
)

// createImport records imp and sets its ID and CreatedAt; nil records nothing.
func createImport(ctx context.Context, q querier, imp *quarterhour.Import) error {
	if imp == nil {
		return nil
	}
	at := now()
	err := q.QueryRow(ctx, `INSERT INTO imports (kind, file, crs, rows_ok, rows_rejected, rejections, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		imp.Kind, imp.File, imp.CRS, imp.RowsOK, imp.RowsRejected, jsonArg(imp.Rejections), imp.CreatedBy, at).Scan(&imp.ID)
	if err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	imp.CreatedAt = at
	return nil
}

// ListImports returns the latest import batches first; limit <= 0 means all.
func (s *Store) ListImports(ctx context.Context, limit int) ([]quarterhour.Import, error) {
	var lim any
	if limit > 0 {
		lim = limit
	}
	rows, err := s.pool.Query(ctx, `SELECT id, kind, file, crs, rows_ok, rows_rejected, rejections::text, created_by, created_at
		FROM imports ORDER BY id DESC LIMIT $1`, lim)
	if err != nil {
		return nil, fmt.Errorf("postgres: list imports: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quarterhour.Import, error) {
		var imp quarterhour.Import
		var rej *string
		if err := row.Scan(&imp.ID, &imp.Kind, &imp.File, &imp.CRS, &imp.RowsOK, &imp.RowsRejected,
			&rej, &imp.CreatedBy, &imp.CreatedAt); err != nil {
			return imp, err
		}
		var err error
		imp.Rejections, err = jsonValue(rej)
		return imp, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list imports: %w", err)
	}
	return out, nil
}

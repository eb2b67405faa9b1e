package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/quarterhour/quarterhour"
)

// insertImport records imp and sets its ID and, when zero, CreatedAt.
func insertImport(ctx context.Context, q querier, imp *quarterhour.Import) error {
	if imp.CreatedAt.IsZero() {
		imp.CreatedAt = now()
	}
	imp.CreatedAt = imp.CreatedAt.UTC().Truncate(time.Microsecond)
	rejections, err := canonicalJSON(imp.Rejections)
	if err != nil {
		return fmt.Errorf("import rejections: %w", err)
	}
	err = q.QueryRowContext(ctx, `INSERT INTO imports (kind, file, crs, rows_ok, rows_rejected, rejections,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		imp.Kind, imp.File, imp.CRS, imp.RowsOK, imp.RowsRejected, rejections, imp.CreatedBy,
		fmtTime(imp.CreatedAt)).Scan(&imp.ID)
	if err != nil {
		return fmt.Errorf("record import: %w", mapErr(err))
	}
	return nil
}

// ListImports returns the latest import batches first; limit <= 0 means all.
func (s *Store) ListImports(ctx context.Context, limit int) ([]quarterhour.Import, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, kind, file, crs, rows_ok, rows_rejected, rejections,
		created_by, created_at FROM imports ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list imports: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Import
	for rows.Next() {
		var imp quarterhour.Import
		var rejections sql.NullString
		var created string
		if err := rows.Scan(&imp.ID, &imp.Kind, &imp.File, &imp.CRS, &imp.RowsOK, &imp.RowsRejected,
			&rejections, &imp.CreatedBy, &created); err != nil {
			return nil, fmt.Errorf("sqlite: list imports: %w", err)
		}
		imp.Rejections = rawJSON(rejections)
		if imp.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("sqlite: list imports: %w", err)
		}
		out = append(out, imp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list imports: %w", err)
	}
	return out, nil
}

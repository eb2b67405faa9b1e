package sqlite

import (
	"context"
	"fmt"

	"github.com/quarterhour/quarterhour"
)

// AddEvidence stores ev and sets its ID and CreatedAt.
func (s *Store) AddEvidence(ctx context.Context, ev *quarterhour.Evidence) error {
	t := now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO evidence (evaluation_id, indicator, name, content_type, size,
		sha256, note, data, uploaded_by, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM evaluations WHERE id = ?) RETURNING id`,
		ev.EvaluationID, ev.Indicator, ev.Name, ev.ContentType, ev.Size, ev.SHA256, ev.Note, ev.Data,
		ev.UploadedBy, fmtTime(t), ev.EvaluationID).Scan(&ev.ID)
	if err != nil {
		return fmt.Errorf("sqlite: add evidence to evaluation %d: %w", ev.EvaluationID, mapErr(err))
	}
	ev.CreatedAt = t
	return nil
}

const evidenceColumns = `id, evaluation_id, indicator, name, content_type, size, sha256, note, uploaded_by, created_at`

// ListEvidence returns an evaluation's evidence, oldest first, without Data.
func (s *Store) ListEvidence(ctx context.Context, evaluationID int64) ([]quarterhour.Evidence, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE evaluation_id = ? ORDER BY id`, evaluationID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list evidence: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Evidence
	for rows.Next() {
		ev, err := scanEvidence(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list evidence: %w", err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list evidence: %w", err)
	}
	return out, nil
}

// GetEvidence returns one evidence file with its Data.
func (s *Store) GetEvidence(ctx context.Context, id int64) (quarterhour.Evidence, error) {
	var ev quarterhour.Evidence
	var created string
	err := s.r.QueryRowContext(ctx, `SELECT `+evidenceColumns+`, data FROM evidence WHERE id = ?`, id).Scan(
		&ev.ID, &ev.EvaluationID, &ev.Indicator, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256, &ev.Note,
		&ev.UploadedBy, &created, &ev.Data)
	if err != nil {
		return ev, fmt.Errorf("sqlite: get evidence %d: %w", id, mapErr(err))
	}
	if ev.CreatedAt, err = parseTime(created); err != nil {
		return ev, fmt.Errorf("sqlite: get evidence %d: %w", id, err)
	}
	return ev, nil
}

func scanEvidence(sc scanner) (quarterhour.Evidence, error) {
	var ev quarterhour.Evidence
	var created string
	if err := sc.Scan(&ev.ID, &ev.EvaluationID, &ev.Indicator, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256,
		&ev.Note, &ev.UploadedBy, &created); err != nil {
		return ev, err
	}
	var err error
	ev.CreatedAt, err = parseTime(created)
	return ev, err
}

package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
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

// AttachEvidence stores ev and writes the evaluation reference returns for
// it in one transaction.
func (s *Store) AttachEvidence(ctx context.Context, ev *quarterhour.Evidence, reference store.EvidenceReference) error {
	t := now()
	var e *quarterhour.Evaluation
	var docs evaluationDocs
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO evidence (evaluation_id, indicator, name, content_type, size,
			sha256, note, data, uploaded_by, created_at)
			SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM evaluations WHERE id = ?) RETURNING id`,
			ev.EvaluationID, ev.Indicator, ev.Name, ev.ContentType, ev.Size, ev.SHA256, ev.Note, ev.Data,
			ev.UploadedBy, fmtTime(t), ev.EvaluationID).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		var event quarterhour.EvaluationEvent
		if e, event, err = reference(id); err != nil {
			return err
		}
		if e == nil || e.ID != ev.EvaluationID {
			return fmt.Errorf("evidence of evaluation %d referenced by another evaluation", ev.EvaluationID)
		}
		if docs, err = encodeEvaluationDocs(e); err != nil {
			return err
		}
		return updateEvaluation(ctx, tx, e, docs, event, t)
	})
	if err != nil {
		return fmt.Errorf("sqlite: attach evidence to evaluation %d: %w", ev.EvaluationID, err)
	}
	ev.ID, ev.CreatedAt = id, t
	updated(e, docs, t)
	return nil
}

// DeleteEvidence removes file id of e and writes e in one transaction.
func (s *Store) DeleteEvidence(ctx context.Context, id int64, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error {
	docs, err := encodeEvaluationDocs(e)
	if err != nil {
		return fmt.Errorf("sqlite: delete evidence %d: %w", id, err)
	}
	t := now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM evidence WHERE id = ? AND evaluation_id = ?`, id, e.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return quarterhour.ErrNotFound
		}
		return updateEvaluation(ctx, tx, e, docs, ev, t)
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete evidence %d of evaluation %d: %w", id, e.ID, err)
	}
	updated(e, docs, t)
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

package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// AddEvidence stores ev and sets its ID and CreatedAt; an unknown evaluation
// gives ErrNotFound.
func (s *Store) AddEvidence(ctx context.Context, ev *quarterhour.Evidence) error {
	at := now()
	err := s.pool.QueryRow(ctx, `INSERT INTO evidence (evaluation_id, indicator, name, content_type, size,
		sha256, note, data, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		ev.EvaluationID, ev.Indicator, ev.Name, ev.ContentType, ev.Size, ev.SHA256, ev.Note, ev.Data,
		ev.UploadedBy, at).Scan(&ev.ID)
	if err != nil {
		return fmt.Errorf("postgres: add evidence to evaluation %d: %w", ev.EvaluationID, translate(err))
	}
	ev.CreatedAt = at
	return nil
}

// AttachEvidence stores ev and writes the evaluation reference returns for
// it in one transaction.
func (s *Store) AttachEvidence(ctx context.Context, ev *quarterhour.Evidence, reference store.EvidenceReference) error {
	at := now()
	var e *quarterhour.Evaluation
	var id int64
	var version int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO evidence (evaluation_id, indicator, name, content_type, size,
			sha256, note, data, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			ev.EvaluationID, ev.Indicator, ev.Name, ev.ContentType, ev.Size, ev.SHA256, ev.Note, ev.Data,
			ev.UploadedBy, at).Scan(&id)
		if err != nil {
			return translate(err)
		}
		var event quarterhour.EvaluationEvent
		if e, event, err = reference(id); err != nil {
			return err
		}
		if e == nil || e.ID != ev.EvaluationID {
			return fmt.Errorf("evidence of evaluation %d referenced by another evaluation", ev.EvaluationID)
		}
		version, err = updateEvaluation(ctx, tx, e, event, at)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: attach evidence to evaluation %d: %w", ev.EvaluationID, err)
	}
	ev.ID, ev.CreatedAt = id, at
	e.Version, e.UpdatedAt, e.CertifiedAt = version, at, truncatedPtr(e.CertifiedAt)
	return nil
}

// DeleteEvidence removes file id of e and writes e in one transaction.
func (s *Store) DeleteEvidence(ctx context.Context, id int64, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error {
	at := now()
	var version int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM evidence WHERE id = $1 AND evaluation_id = $2`, id, e.ID)
		if err != nil {
			return translate(err)
		}
		if tag.RowsAffected() == 0 {
			return quarterhour.ErrNotFound
		}
		version, err = updateEvaluation(ctx, tx, e, ev, at)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: delete evidence %d of evaluation %d: %w", id, e.ID, err)
	}
	e.Version, e.UpdatedAt, e.CertifiedAt = version, at, truncatedPtr(e.CertifiedAt)
	return nil
}

const evidenceColumns = `id, evaluation_id, indicator, name, content_type, size, sha256, note, uploaded_by, created_at`

// ListEvidence returns an evaluation's evidence, oldest first, without Data.
func (s *Store) ListEvidence(ctx context.Context, evaluationID int64) ([]quarterhour.Evidence, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE evaluation_id = $1 ORDER BY id`, evaluationID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list evidence: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quarterhour.Evidence, error) {
		var ev quarterhour.Evidence
		err := row.Scan(&ev.ID, &ev.EvaluationID, &ev.Indicator, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256,
			&ev.Note, &ev.UploadedBy, &ev.CreatedAt)
		ev.CreatedAt = ev.CreatedAt.UTC()
		return ev, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list evidence: %w", err)
	}
	return out, nil
}

// GetEvidence returns one evidence file with its Data.
func (s *Store) GetEvidence(ctx context.Context, id int64) (quarterhour.Evidence, error) {
	var ev quarterhour.Evidence
	err := s.pool.QueryRow(ctx, `SELECT `+evidenceColumns+`, data FROM evidence WHERE id = $1`, id).Scan(
		&ev.ID, &ev.EvaluationID, &ev.Indicator, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256, &ev.Note,
		&ev.UploadedBy, &ev.CreatedAt, &ev.Data)
	if err != nil {
		return ev, fmt.Errorf("postgres: get evidence %d: %w", id, translate(err))
	}
	ev.CreatedAt = ev.CreatedAt.UTC()
	return ev, nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const evaluationCols = `id, circle_id, district, scheme, year, status, submitted::text, metrics::text,
	result::text, total, tier, award_yuan, version, created_by, created_at, updated_at, certified_at,
	approved_by, certified_by`

func scanEvaluation(row pgx.CollectableRow) (quarterhour.Evaluation, error) {
	var e quarterhour.Evaluation
	var submitted, metrics, result *string
	err := row.Scan(&e.ID, &e.CircleID, &e.District, &e.Scheme, &e.Year, &e.Status, &submitted, &metrics,
		&result, &e.Total, &e.Tier, &e.AwardYuan, &e.Version, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt, &e.CertifiedAt,
		&e.ApprovedBy, &e.CertifiedBy)
	if err != nil {
		return e, err
	}
	if e.Submitted, err = jsonValue(submitted); err != nil {
		return e, err
	}
	if e.Metrics, err = jsonValue(metrics); err != nil {
		return e, err
	}
	e.Result, err = jsonValue(result)
	return e, err
}

// CreateEvaluation inserts e and appends ev in one transaction; it sets
// e.ID, Version (1), CreatedAt and UpdatedAt. A second evaluation of the same
// circle, scheme and year, or an award for a circle that already holds one,
// gives ErrConflict; an unknown circle ErrNotFound.
func (s *Store) CreateEvaluation(ctx context.Context, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error {
	if e.Status == "" {
		e.Status = quarterhour.EvalDraft
	}
	at := now()
	certified := truncatedPtr(e.CertifiedAt)
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO evaluations (circle_id, district, scheme, year, status,
				submitted, metrics, result, total, tier, award_yuan, version, created_by,
				created_at, updated_at, certified_at, approved_by, certified_by)
			VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11, 1, $12, $13, $13, $14, $15, $16)
			RETURNING id`,
			e.CircleID, e.District, e.Scheme, e.Year, e.Status, jsonArg(e.Submitted), jsonArg(e.Metrics),
			jsonArg(e.Result), e.Total, e.Tier, e.AwardYuan, e.CreatedBy, at, certified, e.ApprovedBy, e.CertifiedBy).Scan(&id)
		if err != nil {
			return translate(err)
		}
		return appendEvent(ctx, tx, id, ev, at)
	})
	if err != nil {
		return fmt.Errorf("postgres: create evaluation of circle %d: %w", e.CircleID, err)
	}
	e.ID, e.Version, e.CreatedAt, e.UpdatedAt, e.CertifiedAt = id, 1, at, at, certified
	return nil
}

// UpdateEvaluation writes e if its stored version is still e.Version and
// appends ev, in one transaction; it bumps e.Version and sets UpdatedAt.
// The circle and creator of an evaluation never change, and a certified
// evaluation is final: updating it returns ErrConflict.
func (s *Store) UpdateEvaluation(ctx context.Context, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error {
	at := now()
	var version int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		version, err = updateEvaluation(ctx, tx, e, ev, at)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: update evaluation %d: %w", e.ID, err)
	}
	e.Version, e.UpdatedAt, e.CertifiedAt = version, at, truncatedPtr(e.CertifiedAt)
	return nil
}

// updateEvaluation writes e in tx if its stored version is still e.Version
// and it is not certified, appends ev at at, and returns the new version.
func updateEvaluation(ctx context.Context, tx pgx.Tx, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent, at time.Time) (int, error) {
	var version int
	err := tx.QueryRow(ctx, `UPDATE evaluations SET district = $3, scheme = $4, year = $5, status = $6,
			submitted = $7::jsonb, metrics = $8::jsonb, result = $9::jsonb, total = $10, tier = $11,
			award_yuan = $12, certified_at = $13, version = version + 1, updated_at = $14,
			approved_by = $15, certified_by = $16
		WHERE id = $1 AND version = $2 AND status <> 'certified'
		RETURNING version`,
		e.ID, e.Version, e.District, e.Scheme, e.Year, e.Status, jsonArg(e.Submitted), jsonArg(e.Metrics),
		jsonArg(e.Result), e.Total, e.Tier, e.AwardYuan, truncatedPtr(e.CertifiedAt), at, e.ApprovedBy, e.CertifiedBy).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, versionMiss(ctx, tx, `SELECT EXISTS (SELECT 1 FROM evaluations WHERE id = $1)`, e.ID)
	}
	if err != nil {
		return 0, translate(err)
	}
	return version, appendEvent(ctx, tx, e.ID, ev, at)
}

// appendEvent records ev for the evaluation; a zero ev.At becomes at.
func appendEvent(ctx context.Context, q querier, evaluationID int64, ev quarterhour.EvaluationEvent, at time.Time) error {
	if !ev.At.IsZero() {
		at = ev.At
	}
	_, err := q.Exec(ctx, `INSERT INTO evaluation_events (evaluation_id, actor, at, from_status, to_status, comment)
		VALUES ($1, $2, $3, $4, $5, $6)`, evaluationID, ev.Actor, at, ev.From, ev.To, ev.Comment)
	if err != nil {
		return fmt.Errorf("append event: %w", translate(err))
	}
	return nil
}

// GetEvaluation returns one evaluation.
func (s *Store) GetEvaluation(ctx context.Context, id int64) (quarterhour.Evaluation, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+evaluationCols+` FROM evaluations WHERE id = $1`, id)
	if err != nil {
		return quarterhour.Evaluation{}, fmt.Errorf("postgres: get evaluation %d: %w", id, err)
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanEvaluation)
	if err != nil {
		return quarterhour.Evaluation{}, fmt.Errorf("postgres: get evaluation %d: %w", id, translate(err))
	}
	return e, nil
}

// ListEvaluations returns the evaluations matching f ordered by id.
func (s *Store) ListEvaluations(ctx context.Context, f store.EvaluationFilter) ([]quarterhour.Evaluation, error) {
	var w where
	if f.District != "" {
		w.add("district = ?", f.District)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.CircleID != 0 {
		w.add("circle_id = ?", f.CircleID)
	}
	if f.Scheme != "" {
		w.add("scheme = ?", f.Scheme)
	}
	if f.Year != 0 {
		w.add("year = ?", f.Year)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+evaluationCols+` FROM evaluations`+w.sql()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list evaluations: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanEvaluation)
	if err != nil {
		return nil, fmt.Errorf("postgres: list evaluations: %w", err)
	}
	return out, nil
}

// ListEvaluationEvents returns the audit trail of an evaluation, oldest first.
func (s *Store) ListEvaluationEvents(ctx context.Context, evaluationID int64) ([]quarterhour.EvaluationEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, evaluation_id, actor, at, from_status, to_status, comment
		FROM evaluation_events WHERE evaluation_id = $1 ORDER BY id`, evaluationID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list events of evaluation %d: %w", evaluationID, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quarterhour.EvaluationEvent, error) {
		var ev quarterhour.EvaluationEvent
		err := row.Scan(&ev.ID, &ev.EvaluationID, &ev.Actor, &ev.At, &ev.From, &ev.To, &ev.Comment)
		return ev, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list events of evaluation %d: %w", evaluationID, err)
	}
	return out, nil
}

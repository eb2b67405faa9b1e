package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const evaluationColumns = `id, circle_id, district, scheme, year, status, submitted, metrics, result,
	total, tier, award_yuan, version, created_by, created_at, updated_at, certified_at, approved_by, certified_by`

// evaluationDocs holds the canonical JSON of an evaluation's documents.
type evaluationDocs struct{ submitted, metrics, result sql.NullString }

func encodeEvaluationDocs(e *quarterhour.Evaluation) (evaluationDocs, error) {
	var d evaluationDocs
	var err error
	if d.submitted, err = canonicalJSON(e.Submitted); err != nil {
		return d, fmt.Errorf("submitted: %w", err)
	}
	if !d.submitted.Valid {
		d.submitted = sql.NullString{String: "{}", Valid: true}
	}
	if d.metrics, err = canonicalJSON(e.Metrics); err != nil {
		return d, fmt.Errorf("metrics: %w", err)
	}
	if d.result, err = canonicalJSON(e.Result); err != nil {
		return d, fmt.Errorf("result: %w", err)
	}
	return d, nil
}

func (d evaluationDocs) apply(e *quarterhour.Evaluation) {
	e.Submitted, e.Metrics, e.Result = rawJSON(d.submitted), rawJSON(d.metrics), rawJSON(d.result)
}

// CreateEvaluation inserts e and its first event in one transaction, setting
// e's ID, Version (1), CreatedAt and UpdatedAt. A second evaluation of the
// same circle, scheme and year, or a second award for the circle, returns
// quarterhour.ErrConflict.
func (s *Store) CreateEvaluation(ctx context.Context, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error {
	docs, err := encodeEvaluationDocs(e)
	if err != nil {
		return fmt.Errorf("sqlite: create evaluation: %w", err)
	}
	t := now()
	var id int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO evaluations (circle_id, district, scheme, year, status,
			submitted, metrics, result, total, tier, award_yuan, version, created_by, created_at,
			updated_at, certified_at, approved_by, certified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			e.CircleID, e.District, e.Scheme, e.Year, e.Status, docs.submitted, docs.metrics, docs.result,
			e.Total, e.Tier, e.AwardYuan, e.CreatedBy, fmtTime(t), fmtTime(t), nullTime(e.CertifiedAt),
			e.ApprovedBy, e.CertifiedBy).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		ev.EvaluationID = id
		return insertEvent(ctx, tx, &ev, t)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create evaluation of circle %d: %w", e.CircleID, err)
	}
	e.ID, e.Version, e.CreatedAt, e.UpdatedAt = id, 1, t, t
	docs.apply(e)
	return nil
}

// UpdateEvaluation writes e when its stored version is still e.Version and
// appends ev, in one transaction, then bumps e.Version. Certified
// evaluations are immutable: updating one returns quarterhour.ErrConflict, as does
// a second award for the same circle.
func (s *Store) UpdateEvaluation(ctx context.Context, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error {
	docs, err := encodeEvaluationDocs(e)
	if err != nil {
		return fmt.Errorf("sqlite: update evaluation %d: %w", e.ID, err)
	}
	t := now()
	err = s.inTx(ctx, func(tx *sql.Tx) error { return updateEvaluation(ctx, tx, e, docs, ev, t) })
	if err != nil {
		return fmt.Errorf("sqlite: update evaluation %d: %w", e.ID, err)
	}
	updated(e, docs, t)
	return nil
}

// updateEvaluation writes e, encoded as docs, in tx if its stored version is
// still e.Version and it is not certified, and appends ev at t.
func updateEvaluation(ctx context.Context, tx *sql.Tx, e *quarterhour.Evaluation, docs evaluationDocs, ev quarterhour.EvaluationEvent, t time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE evaluations SET circle_id = ?, district = ?, scheme = ?,
		year = ?, status = ?, submitted = ?, metrics = ?, result = ?, total = ?, tier = ?,
		award_yuan = ?, version = version + 1, updated_at = ?, certified_at = ?, approved_by = ?,
		certified_by = ? WHERE id = ? AND version = ? AND status <> 'certified'`,
		e.CircleID, e.District, e.Scheme, e.Year, e.Status, docs.submitted, docs.metrics, docs.result,
		e.Total, e.Tier, e.AwardYuan, fmtTime(t), nullTime(e.CertifiedAt), e.ApprovedBy, e.CertifiedBy,
		e.ID, e.Version)
	if err != nil {
		return mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return versionMiss(ctx, tx, "evaluations", e.ID)
	}
	ev.EvaluationID = e.ID
	return insertEvent(ctx, tx, &ev, t)
}

// updated records on e a write at t of docs.
func updated(e *quarterhour.Evaluation, docs evaluationDocs, t time.Time) {
	e.Version++
	e.UpdatedAt = t
	docs.apply(e)
}

func insertEvent(ctx context.Context, q querier, ev *quarterhour.EvaluationEvent, t time.Time) error {
	if ev.At.IsZero() {
		ev.At = t
	}
	if ev.Actor == "" {
		return errors.New("event actor is required")
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO evaluation_events (evaluation_id, actor, at, from_status,
		to_status, comment) VALUES (?, ?, ?, ?, ?, ?)`, ev.EvaluationID, ev.Actor, fmtTime(ev.At), ev.From,
		ev.To, ev.Comment); err != nil {
		return fmt.Errorf("append event: %w", mapErr(err))
	}
	return nil
}

// GetEvaluation returns one evaluation.
func (s *Store) GetEvaluation(ctx context.Context, id int64) (quarterhour.Evaluation, error) {
	e, err := scanEvaluation(s.r.QueryRowContext(ctx, `SELECT `+evaluationColumns+` FROM evaluations WHERE id = ?`, id))
	if err != nil {
		return quarterhour.Evaluation{}, fmt.Errorf("sqlite: get evaluation %d: %w", id, mapErr(err))
	}
	return e, nil
}

// ListEvaluations returns the evaluations matching f ordered by ID.
func (s *Store) ListEvaluations(ctx context.Context, f store.EvaluationFilter) ([]quarterhour.Evaluation, error) {
	var where []string
	var args []any
	for _, c := range []struct {
		col string
		val any
		set bool
	}{
		{"district", f.District, f.District != ""},
		{"status", f.Status, f.Status != ""},
		{"circle_id", f.CircleID, f.CircleID != 0},
		{"scheme", f.Scheme, f.Scheme != ""},
		{"year", f.Year, f.Year != 0},
	} {
		if c.set {
			where = append(where, c.col+" = ?")
			args = append(args, c.val)
		}
	}
	query := `SELECT ` + evaluationColumns + ` FROM evaluations`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.r.QueryContext(ctx, query+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list evaluations: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Evaluation
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list evaluations: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list evaluations: %w", err)
	}
	return out, nil
}

// ListEvaluationEvents returns the events of one evaluation in the order
// they were appended.
func (s *Store) ListEvaluationEvents(ctx context.Context, evaluationID int64) ([]quarterhour.EvaluationEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, evaluation_id, actor, at, from_status, to_status, comment
		FROM evaluation_events WHERE evaluation_id = ? ORDER BY id`, evaluationID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list evaluation events: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.EvaluationEvent
	for rows.Next() {
		var ev quarterhour.EvaluationEvent
		var at string
		if err := rows.Scan(&ev.ID, &ev.EvaluationID, &ev.Actor, &at, &ev.From, &ev.To, &ev.Comment); err != nil {
			return nil, fmt.Errorf("sqlite: list evaluation events: %w", err)
		}
		if ev.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("sqlite: list evaluation events: %w", err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list evaluation events: %w", err)
	}
	return out, nil
}

func scanEvaluation(sc scanner) (quarterhour.Evaluation, error) {
	var e quarterhour.Evaluation
	var docs evaluationDocs
	var created, updated string
	var certified sql.NullString
	if err := sc.Scan(&e.ID, &e.CircleID, &e.District, &e.Scheme, &e.Year, &e.Status, &docs.submitted,
		&docs.metrics, &docs.result, &e.Total, &e.Tier, &e.AwardYuan, &e.Version, &e.CreatedBy,
		&created, &updated, &certified, &e.ApprovedBy, &e.CertifiedBy); err != nil {
		return e, err
	}
	docs.apply(&e)
	var err error
	if e.CreatedAt, err = parseTime(created); err != nil {
		return e, fmt.Errorf("evaluation %d: %w", e.ID, err)
	}
	if e.UpdatedAt, err = parseTime(updated); err != nil {
		return e, fmt.Errorf("evaluation %d: %w", e.ID, err)
	}
	if e.CertifiedAt, err = parseNullTime(certified); err != nil {
		return e, fmt.Errorf("evaluation %d: %w", e.ID, err)
	}
	return e, nil
}

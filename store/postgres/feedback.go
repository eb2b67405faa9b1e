package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour/store"
)

// CreateFeedback stores f and sets its ID and CreatedAt; an empty Status is
// "open". Feedback on an unknown outlet or circle gives ErrNotFound.
func (s *Store) CreateFeedback(ctx context.Context, f *store.Feedback) error {
	if f.Status == "" {
		f.Status = "open"
	}
	at := now()
	err := s.pool.QueryRow(ctx, `INSERT INTO feedback (outlet_id, circle_id, rating, complaint, text, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		zeroNull(f.OutletID), zeroNull(f.CircleID), f.Rating, f.Complaint, f.Text, f.Status, at).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("postgres: create feedback: %w", translate(err))
	}
	f.CreatedAt = at
	return nil
}

// ListFeedback returns the feedback on a circle oldest first; circleID 0
// lists all feedback.
func (s *Store) ListFeedback(ctx context.Context, circleID int64) ([]store.Feedback, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, coalesce(outlet_id, 0), coalesce(circle_id, 0), rating,
			complaint, text, status, created_at
		FROM feedback WHERE $1 = 0 OR circle_id = $1 ORDER BY id`, circleID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Feedback, error) {
		var f store.Feedback
		err := row.Scan(&f.ID, &f.OutletID, &f.CircleID, &f.Rating, &f.Complaint, &f.Text, &f.Status, &f.CreatedAt)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	return out, nil
}

// zeroNull maps an absent (zero) reference to SQL NULL.
func zeroNull(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// truncatedPtr returns t at microsecond precision, nil for nil.
func truncatedPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.Truncate(time.Microsecond)
	return &u
}

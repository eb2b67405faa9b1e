package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/quarterhour/quarterhour"
)

// CreateFeedback stores f and sets its ID and CreatedAt; an empty Status is
// "open". Feedback on an unknown outlet or circle gives ErrNotFound.
func (s *Store) CreateFeedback(ctx context.Context, f *quarterhour.Feedback) error {
	if f.Status == "" {
		f.Status = quarterhour.FeedbackOpen
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

const feedbackColumns = `id, coalesce(outlet_id, 0), coalesce(circle_id, 0), rating, complaint, text, status, created_at`

// ListFeedback returns the feedback on a circle oldest first; circleID 0
// lists all feedback.
func (s *Store) ListFeedback(ctx context.Context, circleID int64) ([]quarterhour.Feedback, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+feedbackColumns+`
		FROM feedback WHERE $1 = 0 OR circle_id = $1 ORDER BY id`, circleID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quarterhour.Feedback, error) {
		return scanFeedback(row)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list feedback: %w", err)
	}
	return out, nil
}

// GetFeedback returns one feedback record.
func (s *Store) GetFeedback(ctx context.Context, id int64) (quarterhour.Feedback, error) {
	f, err := scanFeedback(s.pool.QueryRow(ctx, `SELECT `+feedbackColumns+` FROM feedback WHERE id = $1`, id))
	if err != nil {
		return quarterhour.Feedback{}, fmt.Errorf("postgres: get feedback %d: %w", id, translate(err))
	}
	return f, nil
}

// ResolveFeedback marks feedback id resolved.
func (s *Store) ResolveFeedback(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE feedback SET status = $1 WHERE id = $2`, quarterhour.FeedbackResolved, id)
	if err != nil {
		return fmt.Errorf("postgres: resolve feedback %d: %w", id, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: resolve feedback %d: %w", id, quarterhour.ErrNotFound)
	}
	return nil
}

func scanFeedback(row pgx.Row) (quarterhour.Feedback, error) {
	var f quarterhour.Feedback
	err := row.Scan(&f.ID, &f.OutletID, &f.CircleID, &f.Rating, &f.Complaint, &f.Text, &f.Status, &f.CreatedAt)
	return f, err
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

package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/quarterhour/quarterhour"
)

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// CreateFeedback stores f and sets its ID, CreatedAt and, when empty, Status
// ("open").
func (s *Store) CreateFeedback(ctx context.Context, f *quarterhour.Feedback) error {
	if f.Status == "" {
		f.Status = quarterhour.FeedbackOpen
	}
	t := now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO feedback (outlet_id, circle_id, rating, complaint, text,
		status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, nullID(f.OutletID), nullID(f.CircleID),
		f.Rating, boolInt(f.Complaint), f.Text, f.Status, fmtTime(t)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("sqlite: create feedback: %w", mapErr(err))
	}
	f.CreatedAt = t
	return nil
}

const feedbackColumns = `id, outlet_id, circle_id, rating, complaint, text, status, created_at`

// ListFeedback returns the feedback on one circle, or all feedback when
// circleID is 0, oldest first.
func (s *Store) ListFeedback(ctx context.Context, circleID int64) ([]quarterhour.Feedback, error) {
	query := `SELECT ` + feedbackColumns + ` FROM feedback`
	var args []any
	if circleID != 0 {
		query += ` WHERE circle_id = ?`
		args = append(args, circleID)
	}
	rows, err := s.r.QueryContext(ctx, query+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list feedback: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Feedback
	for rows.Next() {
		f, err := scanFeedback(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list feedback: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list feedback: %w", err)
	}
	return out, nil
}

// GetFeedback returns one feedback record.
func (s *Store) GetFeedback(ctx context.Context, id int64) (quarterhour.Feedback, error) {
	f, err := scanFeedback(s.r.QueryRowContext(ctx, `SELECT `+feedbackColumns+` FROM feedback WHERE id = ?`, id))
	if err != nil {
		return quarterhour.Feedback{}, fmt.Errorf("sqlite: get feedback %d: %w", id, mapErr(err))
	}
	return f, nil
}

// ResolveFeedback marks feedback id resolved.
func (s *Store) ResolveFeedback(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE feedback SET status = ? WHERE id = ?`, quarterhour.FeedbackResolved, id)
	if err != nil {
		return fmt.Errorf("sqlite: resolve feedback %d: %w", id, mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: resolve feedback %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: resolve feedback %d: %w", id, quarterhour.ErrNotFound)
	}
	return nil
}

func scanFeedback(sc scanner) (quarterhour.Feedback, error) {
	var f quarterhour.Feedback
	var outletID, circleID sql.NullInt64
	var created string
	if err := sc.Scan(&f.ID, &outletID, &circleID, &f.Rating, &f.Complaint, &f.Text, &f.Status, &created); err != nil {
		return f, err
	}
	f.OutletID, f.CircleID = outletID.Int64, circleID.Int64
	var err error
	f.CreatedAt, err = parseTime(created)
	return f, err
}

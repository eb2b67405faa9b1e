package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/quarterhour/quarterhour/store"
)

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// CreateFeedback stores f and sets its ID, CreatedAt and, when empty, Status
// ("open").
func (s *Store) CreateFeedback(ctx context.Context, f *store.Feedback) error {
	if f.Status == "" {
		f.Status = "open"
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

// ListFeedback returns the feedback on one circle, or all feedback when
// circleID is 0, oldest first.
func (s *Store) ListFeedback(ctx context.Context, circleID int64) ([]store.Feedback, error) {
	query := `SELECT id, outlet_id, circle_id, rating, complaint, text, status, created_at FROM feedback`
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
	var out []store.Feedback
	for rows.Next() {
		var f store.Feedback
		var outletID, cID sql.NullInt64
		var created string
		if err := rows.Scan(&f.ID, &outletID, &cID, &f.Rating, &f.Complaint, &f.Text, &f.Status, &created); err != nil {
			return nil, fmt.Errorf("sqlite: list feedback: %w", err)
		}
		f.OutletID, f.CircleID = outletID.Int64, cID.Int64
		if f.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("sqlite: list feedback: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list feedback: %w", err)
	}
	return out, nil
}

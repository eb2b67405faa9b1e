package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/quarterhour/quarterhour"
)

const userCols = `id, username, password_hash, role, district, created_at`

func scanUser(row pgx.CollectableRow) (quarterhour.User, error) {
	var u quarterhour.User
	err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Role, &u.District, &u.CreatedAt)
	return u, err
}

// CreateUser inserts u and sets its ID and CreatedAt; a taken username gives
// ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *quarterhour.User) error {
	at := now()
	err := s.pool.QueryRow(ctx, `INSERT INTO users (username, password_hash, role, district, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		u.Username, u.PasswordHash, u.Role, u.District, at).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("postgres: create user %q: %w", u.Username, translate(err))
	}
	u.CreatedAt = at
	return nil
}

// GetUserByName returns the user with that login name.
func (s *Store) GetUserByName(ctx context.Context, username string) (quarterhour.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, username)
	if err != nil {
		return quarterhour.User{}, fmt.Errorf("postgres: get user %q: %w", username, err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if err != nil {
		return quarterhour.User{}, fmt.Errorf("postgres: get user %q: %w", username, translate(err))
	}
	return u, nil
}

// GetUser returns the user with that ID.
func (s *Store) GetUser(ctx context.Context, id int64) (quarterhour.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id)
	if err != nil {
		return quarterhour.User{}, fmt.Errorf("postgres: get user %d: %w", id, err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if err != nil {
		return quarterhour.User{}, fmt.Errorf("postgres: get user %d: %w", id, translate(err))
	}
	return u, nil
}

// CreateSession stores s; a zero CreatedAt is set to now. Times are kept
// to the microsecond.
func (s *Store) CreateSession(ctx context.Context, sess *quarterhour.Session) error {
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = now()
	}
	sess.CreatedAt = sess.CreatedAt.Truncate(time.Microsecond)
	sess.ExpiresAt = sess.ExpiresAt.Truncate(time.Microsecond)
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`,
		sess.TokenHash, sess.UserID, sess.CSRFToken, sess.CreatedAt, sess.ExpiresAt)
	if err != nil {
		return fmt.Errorf("postgres: create session for user %d: %w", sess.UserID, translate(err))
	}
	return nil
}

// GetSession returns the unexpired session with that token hash; an expired
// or unknown one gives ErrNotFound.
func (s *Store) GetSession(ctx context.Context, tokenHash string) (quarterhour.Session, error) {
	var sess quarterhour.Session
	err := s.pool.QueryRow(ctx, `SELECT token_hash, user_id, csrf_token, created_at, expires_at
		FROM sessions WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now()).
		Scan(&sess.TokenHash, &sess.UserID, &sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt)
	if err != nil {
		return quarterhour.Session{}, fmt.Errorf("postgres: get session: %w", translate(err))
	}
	return sess, nil
}

// DeleteSession removes the session; deleting an unknown one is not an error,
// so logging out twice is harmless.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}

package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/quarterhour/quarterhour"
)

// CreateUser inserts u and sets its ID and, when zero, CreatedAt. A taken
// username returns quarterhour.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *quarterhour.User) error {
	created := u.CreatedAt
	if created.IsZero() {
		created = now()
	}
	created = created.UTC().Truncate(time.Microsecond)
	var id int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, role, district, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, u.Username, u.PasswordHash, u.Role, u.District,
		fmtTime(created)).Scan(&id)
	if err != nil {
		return fmt.Errorf("sqlite: create user %q: %w", u.Username, mapErr(err))
	}
	u.ID, u.CreatedAt = id, created
	return nil
}

const userColumns = `id, username, password_hash, role, district, created_at`

// GetUserByName returns the user with the given username.
func (s *Store) GetUserByName(ctx context.Context, username string) (quarterhour.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
	if err != nil {
		return u, fmt.Errorf("sqlite: get user %q: %w", username, mapErr(err))
	}
	return u, nil
}

// GetUser returns the user with the given ID.
func (s *Store) GetUser(ctx context.Context, id int64) (quarterhour.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, fmt.Errorf("sqlite: get user %d: %w", id, mapErr(err))
	}
	return u, nil
}

func scanUser(sc scanner) (quarterhour.User, error) {
	var u quarterhour.User
	var created string
	if err := sc.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Role, &u.District, &created); err != nil {
		return u, err
	}
	var err error
	u.CreatedAt, err = parseTime(created)
	return u, err
}

// CreateSession stores s; CreatedAt defaults to now. Expired sessions of
// every user are purged on the way.
func (s *Store) CreateSession(ctx context.Context, sess *quarterhour.Session) error {
	t := now()
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = t
	}
	sess.CreatedAt = sess.CreatedAt.UTC().Truncate(time.Microsecond)
	sess.ExpiresAt = sess.ExpiresAt.UTC().Truncate(time.Microsecond)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: create session: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, fmtTime(t)); err != nil {
		return fmt.Errorf("sqlite: create session: purge expired: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, sess.TokenHash, sess.UserID, sess.CSRFToken, fmtTime(sess.CreatedAt),
		fmtTime(sess.ExpiresAt)); err != nil {
		return fmt.Errorf("sqlite: create session: %w", mapErr(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: create session: %w", err)
	}
	return nil
}

// GetSession returns the session with the given token hash; an expired
// session returns quarterhour.ErrNotFound.
func (s *Store) GetSession(ctx context.Context, tokenHash string) (quarterhour.Session, error) {
	var sess quarterhour.Session
	var created, expires string
	err := s.r.QueryRowContext(ctx, `SELECT token_hash, user_id, csrf_token, created_at, expires_at
		FROM sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, fmtTime(now())).
		Scan(&sess.TokenHash, &sess.UserID, &sess.CSRFToken, &created, &expires)
	if err != nil {
		return quarterhour.Session{}, fmt.Errorf("sqlite: get session: %w", mapErr(err))
	}
	if sess.CreatedAt, err = parseTime(created); err != nil {
		return quarterhour.Session{}, fmt.Errorf("sqlite: get session: %w", err)
	}
	if sess.ExpiresAt, err = parseTime(expires); err != nil {
		return quarterhour.Session{}, fmt.Errorf("sqlite: get session: %w", err)
	}
	return sess, nil
}

// DeleteSession removes the session; deleting an absent session is not an
// error, so logging out twice is harmless.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	return nil
}

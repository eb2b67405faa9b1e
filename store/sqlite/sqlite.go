// Package sqlite is the embedded SQLite implementation of store.Store
// (modernc.org/sqlite, pure Go): one database file, no server to install.
//
// Geometry is stored as WKB with bounding-box columns; times as UTC RFC 3339
// text. SQLite allows one writer at a time, so all writes go through a single
// connection while reads use a small pool of read-only connections (WAL mode
// lets them run beside the writer).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"github.com/pressly/goose/v3"
	sqlitedrv "modernc.org/sqlite"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/migrations"
	"github.com/quarterhour/quarterhour/store"
)

// readConns is the size of the read-only connection pool.
const readConns = 4

// busyTimeoutMS is how long a connection waits for a lock held by another
// process before failing.
const busyTimeoutMS = 10000

// Store is a store.Store backed by one SQLite file.
type Store struct {
	w    *sql.DB // the single writer connection
	r    *sql.DB // read-only connections; equal to w for in-memory databases
	path string
}

var _ store.Store = (*Store)(nil)

// Open opens the SQLite database at path, creating the file when missing,
// and applies the embedded migrations. The path ":memory:" gives a private
// in-memory database served by one connection.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty path")
	}
	s := &Store{path: path}
	if path == ":memory:" {
		db, err := openDB(dsn(path, false))
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		s.w, s.r = db, db
	} else {
		w, err := openDB(dsn(path, false))
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxIdleTime(0)
		w.SetConnMaxLifetime(0)
		s.w = w
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.r == nil {
		r, err := openDB(dsn(path, true))
		if err != nil {
			s.Close()
			return nil, err
		}
		r.SetMaxOpenConns(readConns)
		r.SetMaxIdleConns(readConns)
		s.r = r
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "foreign_keys(1)")
	if path != ":memory:" {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + strings.ReplaceAll(path, "?", "%3F") + "?" + q.Encode()
}

func openDB(dsn string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	return db, nil
}

func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations.SQLite, "sqlite")
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.w, fsys)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	return p, nil
}

func (s *Store) migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: apply migrations to %s: %w", s.path, err)
	}
	return nil
}

// Kind reports "sqlite".
func (s *Store) Kind() string { return "sqlite" }

// Ping checks that the database answers on both pools.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// SchemaVersion returns the goose version of the applied migrations.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("sqlite: schema version: %w", err)
	}
	return v, nil
}

// Close closes both connection pools.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// inTx runs fn in a write transaction and commits when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// SQLite extended result codes this package tells apart.
const (
	codeConstraintPrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	codeConstraintUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

// mapErr turns uniqueness violations into quarterhour.ErrConflict and a missing
// row into quarterhour.ErrNotFound, keeping the driver's message.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return quarterhour.ErrNotFound
	}
	var se *sqlitedrv.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case codeConstraintUnique, codeConstraintPrimaryKey:
			return fmt.Errorf("%w: %v", quarterhour.ErrConflict, err)
		}
	}
	return err
}

// versionMiss explains an optimistic update that touched no row: the row is
// either gone (ErrNotFound) or has another version (ErrConflict).
func versionMiss(ctx context.Context, q querier, table string, id int64) error {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return quarterhour.ErrNotFound
	}
	if err != nil {
		return err
	}
	return quarterhour.ErrConflict
}

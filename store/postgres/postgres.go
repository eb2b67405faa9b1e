// Package postgres is the production store: PostgreSQL 15+ with PostGIS,
// accessed through a pgx connection pool.
//
// Geometry is stored in WGS-84 (SRID 4326) PostGIS columns with GiST indexes,
// so QGIS opens the layers directly, and walk_edges follows the pgRouting
// edge-table convention. Geometry travels as WKB: ST_GeomFromWKB on the way
// in, ST_AsBinary on the way out.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/migrations"
	"github.com/quarterhour/quarterhour/store"
)

// Store implements store.Store on PostgreSQL + PostGIS.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (a libpq URL or key=value string),
// applies the pending migrations and returns the store. Several processes
// may open the same database at once: migrations run under an advisory lock.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := poolConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool}, nil
}

func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	fsys, err := fs.Sub(migrations.Postgres, "postgres")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: apply migrations: %w", err)
	}
	return nil
}

// Kind reports "postgres".
func (s *Store) Kind() string { return "postgres" }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// SchemaVersion returns the number of the last applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx,
		`SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("postgres: schema version: %w", err)
	}
	return v, nil
}

// Close releases every connection of the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error)
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// now is the store clock, at the microsecond precision PostgreSQL keeps, so a
// time handed back to the caller equals the one read later.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// PostgreSQL error codes the store translates.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// translate maps driver errors to the store's sentinel errors, keeping the
// original message.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return quarterhour.ErrNotFound
	}
	if _, ok := unreachable(err); ok {
		return markUnreachable(err)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case codeUniqueViolation:
			return fmt.Errorf("%w: %s", quarterhour.ErrConflict, pg.Message)
		case codeForeignKeyViolation:
			return fmt.Errorf("%w: %s", quarterhour.ErrNotFound, pg.Detail)
		}
	}
	return err
}

// versionMiss tells why a versioned UPDATE matched no row: the row is gone
// (ErrNotFound) or its version moved on (ErrConflict). existsSQL takes the id
// as $1.
func versionMiss(ctx context.Context, q querier, existsSQL string, id int64) error {
	var exists bool
	if err := q.QueryRow(ctx, existsSQL, id).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return quarterhour.ErrConflict
	}
	return quarterhour.ErrNotFound
}

// where accumulates AND-ed conditions with numbered parameters.
type where struct {
	conds []string
	args  []any
}

// add appends cond, in which every "?" stands for the next of vals.
func (w *where) add(cond string, vals ...any) {
	out := make([]byte, 0, len(cond)+8)
	for i := 0; i < len(cond); i++ {
		if cond[i] == '?' {
			w.args = append(w.args, vals[0])
			vals = vals[1:]
			out = fmt.Appendf(out, "$%d", len(w.args))
			continue
		}
		out = append(out, cond[i])
	}
	w.conds = append(w.conds, string(out))
}

// sql renders " WHERE a AND b", or "" without conditions.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	s := " WHERE " + w.conds[0]
	for _, c := range w.conds[1:] {
		s += " AND " + c
	}
	return s
}

// arg appends v as the next parameter and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

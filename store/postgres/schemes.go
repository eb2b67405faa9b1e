package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/quarterhour/quarterhour"
)

// UpsertScheme stores a scheme version (see store.Store; documents compare
// as JSON values, so key order and spacing do not count). s.Version and
// s.CreatedAt are set to the stored row's.
func (s *Store) UpsertScheme(ctx context.Context, sc *quarterhour.Scheme) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error { return upsertScheme(ctx, tx, sc) })
	if err != nil {
		return fmt.Errorf("postgres: upsert scheme %q: %w", sc.Code, err)
	}
	return nil
}

func upsertScheme(ctx context.Context, q querier, sc *quarterhour.Scheme) error {
	if len(sc.Document) == 0 {
		return fmt.Errorf("empty document")
	}
	var latest int
	var same bool
	err := q.QueryRow(ctx, `SELECT version, document = $2::jsonb FROM schemes
		WHERE code = $1 ORDER BY version DESC LIMIT 1 FOR UPDATE`, sc.Code, string(sc.Document)).Scan(&latest, &same)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return translate(err)
	}
	version := latest + 1
	if sc.Version > 0 {
		var sameDoc bool
		err := q.QueryRow(ctx, `SELECT document = $3::jsonb FROM schemes WHERE code = $1 AND version = $2`,
			sc.Code, sc.Version, string(sc.Document)).Scan(&sameDoc)
		switch {
		case err == nil && sameDoc:
			rows, err := q.Query(ctx, `SELECT `+schemeCols+` FROM schemes WHERE code = $1 AND version = $2`, sc.Code, sc.Version)
			if err != nil {
				return translate(err)
			}
			row, err := pgx.CollectExactlyOneRow(rows, scanScheme)
			if err != nil {
				return translate(err)
			}
			*sc = row
			return nil
		case err == nil:
			return fmt.Errorf("%w: version %d is already loaded with another document; load the change as version %d", quarterhour.ErrConflict, sc.Version, latest+1)
		case !errors.Is(err, pgx.ErrNoRows):
			return translate(err)
		case sc.Version <= latest:
			return fmt.Errorf("%w: version %d is older than the loaded version %d", quarterhour.ErrConflict, sc.Version, latest)
		}
		version = sc.Version
	} else if latest > 0 && same {
		err := q.QueryRow(ctx, `UPDATE schemes SET name = $3, years = $4, reconstructed = $5
			WHERE code = $1 AND version = $2 RETURNING created_at`,
			sc.Code, latest, sc.Name, sc.Years, sc.Reconstructed).Scan(&sc.CreatedAt)
		if err != nil {
			return translate(err)
		}
		sc.Version = latest
		return nil
	}
	at := now()
	_, err = q.Exec(ctx, `INSERT INTO schemes (code, version, name, years, reconstructed, document, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
		sc.Code, version, sc.Name, sc.Years, sc.Reconstructed, string(sc.Document), at, sc.CreatedBy)
	if err != nil {
		return translate(err)
	}
	sc.Version, sc.CreatedAt = version, at
	return nil
}

const schemeCols = `code, version, name, years, reconstructed, document::text, created_at, created_by`

func scanScheme(row pgx.CollectableRow) (quarterhour.Scheme, error) {
	var sc quarterhour.Scheme
	var doc *string
	if err := row.Scan(&sc.Code, &sc.Version, &sc.Name, &sc.Years, &sc.Reconstructed, &doc, &sc.CreatedAt, &sc.CreatedBy); err != nil {
		return sc, err
	}
	var err error
	sc.Document, err = jsonValue(doc)
	return sc, err
}

// ListSchemes returns the latest version of each scheme ordered by code.
func (s *Store) ListSchemes(ctx context.Context) ([]quarterhour.Scheme, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (code) `+schemeCols+`
		FROM schemes ORDER BY code, version DESC`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list schemes: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanScheme)
	if err != nil {
		return nil, fmt.Errorf("postgres: list schemes: %w", err)
	}
	return out, nil
}

// GetScheme returns the latest version of the scheme with that code.
func (s *Store) GetScheme(ctx context.Context, code string) (quarterhour.Scheme, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+schemeCols+` FROM schemes
		WHERE code = $1 ORDER BY version DESC LIMIT 1`, code)
	if err != nil {
		return quarterhour.Scheme{}, fmt.Errorf("postgres: get scheme %q: %w", code, err)
	}
	sc, err := pgx.CollectExactlyOneRow(rows, scanScheme)
	if err != nil {
		return quarterhour.Scheme{}, fmt.Errorf("postgres: get scheme %q: %w", code, translate(err))
	}
	return sc, nil
}

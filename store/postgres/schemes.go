package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/quarterhour/quarterhour"
)

// UpsertScheme stores s under a new Version when its document differs from
// the latest stored one (documents compare as JSON values, so key order and
// spacing do not count); otherwise it refreshes the latest version's name,
// years and flag. s.Version and s.CreatedAt are set to the stored row's.
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
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return translate(err)
	case same:
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
	_, err = q.Exec(ctx, `INSERT INTO schemes (code, version, name, years, reconstructed, document, created_at)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
		sc.Code, latest+1, sc.Name, sc.Years, sc.Reconstructed, string(sc.Document), at)
	if err != nil {
		return translate(err)
	}
	sc.Version, sc.CreatedAt = latest+1, at
	return nil
}

const schemeCols = `code, version, name, years, reconstructed, document::text, created_at`

func scanScheme(row pgx.CollectableRow) (quarterhour.Scheme, error) {
	var sc quarterhour.Scheme
	var doc *string
	if err := row.Scan(&sc.Code, &sc.Version, &sc.Name, &sc.Years, &sc.Reconstructed, &doc, &sc.CreatedAt); err != nil {
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

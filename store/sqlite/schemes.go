package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/quarterhour/quarterhour"
)

// UpsertScheme stores a scheme version (see store.Store); s.Version and
// s.CreatedAt are set to the stored version's.
func (s *Store) UpsertScheme(ctx context.Context, sc *quarterhour.Scheme) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return upsertScheme(ctx, tx, sc) })
	if err != nil {
		return fmt.Errorf("sqlite: upsert scheme %q: %w", sc.Code, err)
	}
	return nil
}

func upsertScheme(ctx context.Context, q querier, sc *quarterhour.Scheme) error {
	if sc.Code == "" {
		return errors.New("scheme code is required")
	}
	doc, err := canonicalJSON(sc.Document)
	if err != nil {
		return err
	}
	if !doc.Valid {
		return errors.New("scheme document is required")
	}
	years, err := encodeList(sc.Years)
	if err != nil {
		return err
	}
	latest, err := scanScheme(q.QueryRowContext(ctx, `SELECT `+schemeColumns+` FROM schemes
		WHERE code = ? ORDER BY version DESC LIMIT 1`, sc.Code))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		latest = quarterhour.Scheme{}
	case err != nil:
		return err
	}
	version := latest.Version + 1
	if sc.Version > 0 {
		row, err := scanScheme(q.QueryRowContext(ctx, `SELECT `+schemeColumns+` FROM schemes
			WHERE code = ? AND version = ?`, sc.Code, sc.Version))
		switch {
		case err == nil && string(row.Document) == doc.String:
			*sc = row
			return nil
		case err == nil:
			return fmt.Errorf("%w: version %d is already loaded with another document; load the change as version %d", quarterhour.ErrConflict, sc.Version, latest.Version+1)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		case sc.Version <= latest.Version:
			return fmt.Errorf("%w: version %d is older than the loaded version %d", quarterhour.ErrConflict, sc.Version, latest.Version)
		}
		version = sc.Version
	} else if latest.Version > 0 && string(latest.Document) == doc.String && latest.Name == sc.Name &&
		latest.Reconstructed == sc.Reconstructed && slices.Equal(latest.Years, sc.Years) {
		*sc = latest
		return nil
	}
	t := now()
	if _, err := q.ExecContext(ctx, `INSERT INTO schemes (code, version, name, years, reconstructed,
		document, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sc.Code, version, sc.Name, years,
		boolInt(sc.Reconstructed), doc.String, fmtTime(t), sc.CreatedBy); err != nil {
		return mapErr(err)
	}
	sc.Version, sc.CreatedAt, sc.Document = version, t, rawJSON(doc)
	return nil
}

const schemeColumns = `code, version, name, years, reconstructed, document, created_at, created_by`

// ListSchemes returns the latest version of every scheme ordered by code.
func (s *Store) ListSchemes(ctx context.Context) ([]quarterhour.Scheme, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+schemeColumns+` FROM schemes AS s
		WHERE version = (SELECT max(version) FROM schemes WHERE code = s.code) ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list schemes: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Scheme
	for rows.Next() {
		sc, err := scanScheme(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list schemes: %w", err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list schemes: %w", err)
	}
	return out, nil
}

// GetScheme returns the latest version of the scheme with the given code.
func (s *Store) GetScheme(ctx context.Context, code string) (quarterhour.Scheme, error) {
	sc, err := scanScheme(s.r.QueryRowContext(ctx, `SELECT `+schemeColumns+` FROM schemes
		WHERE code = ? ORDER BY version DESC LIMIT 1`, code))
	if err != nil {
		return quarterhour.Scheme{}, fmt.Errorf("sqlite: get scheme %q: %w", code, mapErr(err))
	}
	return sc, nil
}

func scanScheme(sc scanner) (quarterhour.Scheme, error) {
	var s quarterhour.Scheme
	var years, doc, created string
	if err := sc.Scan(&s.Code, &s.Version, &s.Name, &years, &s.Reconstructed, &doc, &created, &s.CreatedBy); err != nil {
		return s, err
	}
	var err error
	if s.Years, err = decodeList[int](years); err != nil {
		return s, fmt.Errorf("scheme %s years: %w", s.Code, err)
	}
	s.Document = []byte(doc)
	if s.CreatedAt, err = parseTime(created); err != nil {
		return s, fmt.Errorf("scheme %s: %w", s.Code, err)
	}
	return s, nil
}

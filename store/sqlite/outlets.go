package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const outletColumns = `id, name, category, geom, h3, district, address, brand, is_chain, floor_area_m2,
	accepts_cash, accepts_card, low_margin, services, opening_hours, status, opened_on, closed_on,
	source, source_ref, original_crs, synthetic, version, updated_at`

// outletWhere builds the WHERE clause of f (without paging).
func outletWhere(f store.OutletFilter) (string, []any) {
	var where []string
	var args []any
	if f.BBox != nil {
		where = append(where, "min_lon >= ? AND min_lon <= ? AND min_lat >= ? AND min_lat <= ?")
		args = append(args, f.BBox.Min[0], f.BBox.Max[0], f.BBox.Min[1], f.BBox.Max[1])
	}
	for _, c := range []struct{ col, val string }{
		{"category", f.Category}, {"district", f.District}, {"status", f.Status}, {"source", f.Source},
	} {
		if c.val != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.val)
		}
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// ListOutlets returns the outlets matching f ordered by ID.
func (s *Store) ListOutlets(ctx context.Context, f store.OutletFilter) ([]quarterhour.Outlet, error) {
	where, args := outletWhere(f)
	query := `SELECT ` + outletColumns + ` FROM outlets` + where + ` ORDER BY id`
	if f.Limit > 0 || f.Offset > 0 {
		limit := f.Limit
		if limit <= 0 {
			limit = -1
		}
		query += ` LIMIT ? OFFSET ?`
		args = append(args, limit, f.Offset)
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list outlets: %w", err)
	}
	defer rows.Close()
	var out []quarterhour.Outlet
	for rows.Next() {
		o, err := scanOutlet(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list outlets: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list outlets: %w", err)
	}
	return out, nil
}

// CountOutlets counts the outlets matching f, ignoring Limit and Offset.
func (s *Store) CountOutlets(ctx context.Context, f store.OutletFilter) (int, error) {
	where, args := outletWhere(f)
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM outlets`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count outlets: %w", err)
	}
	return n, nil
}

// GetOutlet returns one outlet.
func (s *Store) GetOutlet(ctx context.Context, id int64) (quarterhour.Outlet, error) {
	o, err := getOutlet(ctx, s.r, id)
	if err != nil {
		return o, fmt.Errorf("sqlite: get outlet %d: %w", id, err)
	}
	return o, nil
}

func getOutlet(ctx context.Context, q querier, id int64) (quarterhour.Outlet, error) {
	o, err := scanOutlet(q.QueryRowContext(ctx, `SELECT `+outletColumns+` FROM outlets WHERE id = ?`, id))
	return o, mapErr(err)
}

// CreateOutlet inserts o and sets its ID, Version (1) and UpdatedAt.
func (s *Store) CreateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := prepareInsertOutlet(ctx, tx)
		if err != nil {
			return err
		}
		defer stmt.Close()
		return insertOutlet(ctx, stmt, o)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create outlet %q: %w", o.Name, err)
	}
	return nil
}

func prepareInsertOutlet(ctx context.Context, q querier) (*sql.Stmt, error) {
	return q.PrepareContext(ctx, `INSERT INTO outlets (name, category, geom, min_lon, min_lat, max_lon, max_lat,
		h3, district, address, brand, is_chain, floor_area_m2, accepts_cash, accepts_card, low_margin,
		services, opening_hours, status, opened_on, closed_on, source, source_ref, original_crs,
		synthetic, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
		RETURNING id`)
}

// outletValues are the stored columns from name through synthetic, in the
// order of the insert and update statements.
func outletValues(o *quarterhour.Outlet) ([]any, error) {
	geom, bb, err := encodeGeom(o.Point)
	if err != nil {
		return nil, err
	}
	services, err := encodeList(o.Services)
	if err != nil {
		return nil, err
	}
	status := o.Status
	if status == "" {
		status = quarterhour.OutletOpen
	}
	return []any{o.Name, o.Category, geom, bb.minLon, bb.minLat, bb.maxLon, bb.maxLat,
		o.H3, o.District, o.Address, o.Brand, boolInt(o.IsChain), o.FloorAreaM2,
		boolInt(o.AcceptsCash), boolInt(o.AcceptsCard), boolInt(o.LowMargin), services,
		o.OpeningHours, status, o.OpenedOn, o.ClosedOn, o.Source, o.SourceRef, o.OriginalCRS,
		boolInt(o.Synthetic)}, nil
}

func insertOutlet(ctx context.Context, stmt *sql.Stmt, o *quarterhour.Outlet) error {
	vals, err := outletValues(o)
	if err != nil {
		return err
	}
	t := now()
	var id int64
	if err := stmt.QueryRowContext(ctx, append(vals, fmtTime(t))...).Scan(&id); err != nil {
		return mapErr(err)
	}
	o.ID, o.Version, o.UpdatedAt = id, 1, t
	if o.Status == "" {
		o.Status = quarterhour.OutletOpen
	}
	return nil
}

const updateOutletSQL = `UPDATE outlets SET name = ?, category = ?, geom = ?, min_lon = ?, min_lat = ?,
	max_lon = ?, max_lat = ?, h3 = ?, district = ?, address = ?, brand = ?, is_chain = ?,
	floor_area_m2 = ?, accepts_cash = ?, accepts_card = ?, low_margin = ?, services = ?,
	opening_hours = ?, status = ?, opened_on = ?, closed_on = ?, source = ?, source_ref = ?,
	original_crs = ?, synthetic = ?, version = version + 1, updated_at = ?
	WHERE id = ? AND version = ?`

// UpdateOutlet writes o when its stored version is still o.Version and bumps
// o.Version.
func (s *Store) UpdateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, updateOutletSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		return updateOutlet(ctx, tx, stmt, o)
	})
	if err != nil {
		return fmt.Errorf("sqlite: update outlet %d: %w", o.ID, err)
	}
	return nil
}

func updateOutlet(ctx context.Context, q querier, stmt *sql.Stmt, o *quarterhour.Outlet) error {
	vals, err := outletValues(o)
	if err != nil {
		return err
	}
	t := now()
	res, err := stmt.ExecContext(ctx, append(vals, fmtTime(t), o.ID, o.Version)...)
	if err != nil {
		return mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return versionMiss(ctx, q, "outlets", o.ID)
	}
	o.Version++
	o.UpdatedAt = t
	if o.Status == "" {
		o.Status = quarterhour.OutletOpen
	}
	return nil
}

// DeleteOutlet deletes the outlet when its stored version is still version.
func (s *Store) DeleteOutlet(ctx context.Context, id int64, version int) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM outlets WHERE id = ? AND version = ?`, id, version)
		if err != nil {
			return mapErr(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return versionMiss(ctx, tx, "outlets", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete outlet %d: %w", id, err)
	}
	return nil
}

// UpsertOutletsBySource inserts or updates outlets keyed by (Source,
// SourceRef) in one transaction; an outlet whose stored copy already holds
// the same values is left alone. It sets ID, Version and UpdatedAt on each
// element of os and, when imp is not nil, records imp as an import batch.
func (s *Store) UpsertOutletsBySource(ctx context.Context, os []quarterhour.Outlet, imp *quarterhour.Import) (store.UpsertStats, error) {
	var stats store.UpsertStats
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stats = store.UpsertStats{}
		ins, err := prepareInsertOutlet(ctx, tx)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, updateOutletSQL)
		if err != nil {
			return err
		}
		defer upd.Close()
		find, err := tx.PrepareContext(ctx, `SELECT `+outletColumns+` FROM outlets WHERE source = ? AND source_ref = ? AND source_ref <> ''`)
		if err != nil {
			return err
		}
		defer find.Close()
		for i := range os {
			o := &os[i]
			if o.Source == "" || o.SourceRef == "" {
				return fmt.Errorf("row %d (%q): source and source_ref are required", i, o.Name)
			}
			old, err := scanOutlet(find.QueryRowContext(ctx, o.Source, o.SourceRef))
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err := insertOutlet(ctx, ins, o); err != nil {
					return fmt.Errorf("row %d (%s %s): %w", i, o.Source, o.SourceRef, err)
				}
				stats.Inserted++
			case err != nil:
				return fmt.Errorf("row %d (%s %s): %w", i, o.Source, o.SourceRef, err)
			case old.SameValues(*o):
				*o = old
				stats.Unchanged++
			default:
				o.ID, o.Version = old.ID, old.Version
				if err := updateOutlet(ctx, tx, upd, o); err != nil {
					return fmt.Errorf("row %d (%s %s): %w", i, o.Source, o.SourceRef, err)
				}
				stats.Updated++
			}
		}
		if imp != nil {
			return insertImport(ctx, tx, imp)
		}
		return nil
	})
	if err != nil {
		return store.UpsertStats{}, fmt.Errorf("sqlite: upsert outlets by source: %w", err)
	}
	return stats, nil
}

func scanOutlet(sc scanner) (quarterhour.Outlet, error) {
	var o quarterhour.Outlet
	var geom []byte
	var services, updated string
	if err := sc.Scan(&o.ID, &o.Name, &o.Category, &geom, &o.H3, &o.District, &o.Address, &o.Brand,
		&o.IsChain, &o.FloorAreaM2, &o.AcceptsCash, &o.AcceptsCard, &o.LowMargin, &services,
		&o.OpeningHours, &o.Status, &o.OpenedOn, &o.ClosedOn, &o.Source, &o.SourceRef,
		&o.OriginalCRS, &o.Synthetic, &o.Version, &updated); err != nil {
		return o, err
	}
	var err error
	if o.Point, err = decodePoint(geom); err != nil {
		return o, fmt.Errorf("outlet %d point: %w", o.ID, err)
	}
	if o.Services, err = decodeList[string](services); err != nil {
		return o, fmt.Errorf("outlet %d services: %w", o.ID, err)
	}
	if o.UpdatedAt, err = parseTime(updated); err != nil {
		return o, fmt.Errorf("outlet %d: %w", o.ID, err)
	}
	return o, nil
}

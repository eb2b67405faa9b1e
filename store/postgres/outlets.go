package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

const outletCols = `id, name, category, ST_AsBinary(geom, 'NDR'), h3, district, address, brand,
	is_chain, floor_area_m2, accepts_cash, accepts_card, low_margin, services, opening_hours,
	status, opened_on, closed_on, source, source_ref, original_crs, synthetic, version, updated_at`

func scanOutlet(row pgx.CollectableRow) (quarterhour.Outlet, error) {
	var o quarterhour.Outlet
	var geom []byte
	err := row.Scan(&o.ID, &o.Name, &o.Category, &geom, &o.H3, &o.District, &o.Address, &o.Brand,
		&o.IsChain, &o.FloorAreaM2, &o.AcceptsCash, &o.AcceptsCard, &o.LowMargin, &o.Services,
		&o.OpeningHours, &o.Status, &o.OpenedOn, &o.ClosedOn, &o.Source, &o.SourceRef,
		&o.OriginalCRS, &o.Synthetic, &o.Version, &o.UpdatedAt)
	if err != nil {
		return o, err
	}
	o.Point, err = decodePoint(geom)
	return o, err
}

func outletWhere(f store.OutletFilter) *where {
	w := &where{}
	if f.BBox != nil {
		w.add("geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)", f.BBox.Min.X(), f.BBox.Min.Y(), f.BBox.Max.X(), f.BBox.Max.Y())
	}
	if f.Category != "" {
		w.add("category = ?", f.Category)
	}
	if f.District != "" {
		w.add("district = ?", f.District)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.Source != "" {
		w.add("source = ?", f.Source)
	}
	return w
}

// ListOutlets returns the outlets matching f ordered by id, paged by
// f.Limit and f.Offset.
func (s *Store) ListOutlets(ctx context.Context, f store.OutletFilter) ([]quarterhour.Outlet, error) {
	w := outletWhere(f)
	sql := `SELECT ` + outletCols + ` FROM outlets` + w.sql() + ` ORDER BY id`
	if f.Limit > 0 {
		sql += ` LIMIT ` + w.arg(f.Limit)
	}
	if f.Offset > 0 {
		sql += ` OFFSET ` + w.arg(f.Offset)
	}
	rows, err := s.pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list outlets: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanOutlet)
	if err != nil {
		return nil, fmt.Errorf("postgres: list outlets: %w", err)
	}
	return out, nil
}

// CountOutlets counts the outlets matching f, ignoring paging.
func (s *Store) CountOutlets(ctx context.Context, f store.OutletFilter) (int, error) {
	w := outletWhere(f)
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM outlets`+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count outlets: %w", err)
	}
	return n, nil
}

// GetOutlet returns one outlet.
func (s *Store) GetOutlet(ctx context.Context, id int64) (quarterhour.Outlet, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+outletCols+` FROM outlets WHERE id = $1`, id)
	if err != nil {
		return quarterhour.Outlet{}, fmt.Errorf("postgres: get outlet %d: %w", id, err)
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOutlet)
	if err != nil {
		return quarterhour.Outlet{}, fmt.Errorf("postgres: get outlet %d: %w", id, translate(err))
	}
	return o, nil
}

// CreateOutlet inserts o and sets its ID, Version (1) and UpdatedAt. An
// empty Status means open.
func (s *Store) CreateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	geom, err := encodeWKB(o.Point)
	if err != nil {
		return fmt.Errorf("postgres: create outlet: %w", err)
	}
	if o.Status == "" {
		o.Status = quarterhour.OutletOpen
	}
	at := now()
	err = s.pool.QueryRow(ctx, `INSERT INTO outlets (name, category, geom, h3, district, address, brand,
			is_chain, floor_area_m2, accepts_cash, accepts_card, low_margin, services, opening_hours,
			status, opened_on, closed_on, source, source_ref, original_crs, synthetic, version, updated_at)
		VALUES ($1, $2, ST_GeomFromWKB($3, 4326), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
			$15, $16, $17, $18, $19, $20, $21, 1, $22)
		RETURNING id`,
		o.Name, o.Category, geom, o.H3, o.District, o.Address, o.Brand,
		o.IsChain, o.FloorAreaM2, o.AcceptsCash, o.AcceptsCard, o.LowMargin, o.Services, o.OpeningHours,
		o.Status, o.OpenedOn, o.ClosedOn, o.Source, o.SourceRef, o.OriginalCRS, o.Synthetic, at).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("postgres: create outlet %q: %w", o.Name, translate(err))
	}
	o.Version, o.UpdatedAt = 1, at
	return nil
}

// UpdateOutlet writes o if the stored version is still o.Version, then bumps
// o.Version and sets UpdatedAt.
func (s *Store) UpdateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	geom, err := encodeWKB(o.Point)
	if err != nil {
		return fmt.Errorf("postgres: update outlet %d: %w", o.ID, err)
	}
	at := now()
	var version int
	err = s.pool.QueryRow(ctx, `UPDATE outlets SET name = $3, category = $4, geom = ST_GeomFromWKB($5, 4326),
			h3 = $6, district = $7, address = $8, brand = $9, is_chain = $10, floor_area_m2 = $11,
			accepts_cash = $12, accepts_card = $13, low_margin = $14, services = $15, opening_hours = $16,
			status = $17, opened_on = $18, closed_on = $19, source = $20, source_ref = $21,
			original_crs = $22, synthetic = $23, version = version + 1, updated_at = $24
		WHERE id = $1 AND version = $2
		RETURNING version`,
		o.ID, o.Version, o.Name, o.Category, geom, o.H3, o.District, o.Address, o.Brand,
		o.IsChain, o.FloorAreaM2, o.AcceptsCash, o.AcceptsCard, o.LowMargin, o.Services, o.OpeningHours,
		o.Status, o.OpenedOn, o.ClosedOn, o.Source, o.SourceRef, o.OriginalCRS, o.Synthetic, at).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		err = versionMiss(ctx, s.pool, `SELECT EXISTS (SELECT 1 FROM outlets WHERE id = $1)`, o.ID)
	}
	if err != nil {
		return fmt.Errorf("postgres: update outlet %d: %w", o.ID, translate(err))
	}
	o.Version, o.UpdatedAt = version, at
	return nil
}

// DeleteOutlet removes the outlet if its stored version is still version.
func (s *Store) DeleteOutlet(ctx context.Context, id int64, version int) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM outlets WHERE id = $1 AND version = $2`, id, version)
	if err == nil && tag.RowsAffected() == 0 {
		err = versionMiss(ctx, s.pool, `SELECT EXISTS (SELECT 1 FROM outlets WHERE id = $1)`, id)
	}
	if err != nil {
		return fmt.Errorf("postgres: delete outlet %d: %w", id, translate(err))
	}
	return nil
}

// UpsertOutletsBySource inserts or updates os keyed by (Source, SourceRef) in
// one transaction and records imp (when not nil). An outlet whose stored
// fields already equal the incoming ones counts as unchanged and keeps its
// version. An outlet without a SourceRef fails the whole batch. On success every
// element of os carries its ID, Version and UpdatedAt; when the same key
// occurs twice, the last occurrence wins.
func (s *Store) UpsertOutletsBySource(ctx context.Context, os []quarterhour.Outlet, imp *quarterhour.Import) (store.UpsertStats, error) {
	var st store.UpsertStats
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		st, err = upsertOutlets(ctx, tx, os, true)
		if err != nil {
			return err
		}
		return createImport(ctx, tx, imp)
	})
	if err != nil {
		return store.UpsertStats{}, fmt.Errorf("postgres: upsert outlets: %w", err)
	}
	return st, nil
}

// outletStageCols are the columns of the temporary table incoming outlets
// are copied into before they are merged.
var outletStageCols = []string{"ord", "name", "category", "wkb", "h3", "district", "address", "brand",
	"is_chain", "floor_area_m2", "accepts_cash", "accepts_card", "low_margin", "services",
	"opening_hours", "status", "opened_on", "closed_on", "source", "source_ref", "original_crs", "synthetic"}

// outletFields lists the stored columns that upserts compare and write, in
// the order of outletStageCols after ord and with geom for wkb.
const outletFields = `name, category, geom, h3, district, address, brand, is_chain, floor_area_m2,
	accepts_cash, accepts_card, low_margin, services, opening_hours, status, opened_on, closed_on,
	source, source_ref, original_crs, synthetic`

const stageFields = `s.name, s.category, ST_GeomFromWKB(s.wkb, 4326), s.h3, s.district, s.address,
	s.brand, s.is_chain, s.floor_area_m2, s.accepts_cash, s.accepts_card, s.low_margin, s.services,
	s.opening_hours, s.status, s.opened_on, s.closed_on, s.source, s.source_ref, s.original_crs, s.synthetic`

// upsertOutlets copies os into a staging table, matches existing rows by
// (source, source_ref), then inserts, updates and reads back in three
// set-based statements, so tens of thousands of rows take one round trip each.
// With requireRef an outlet without a source reference is an error;
// otherwise it is inserted as new.
func upsertOutlets(ctx context.Context, tx pgx.Tx, os []quarterhour.Outlet, requireRef bool) (store.UpsertStats, error) {
	var st store.UpsertStats
	if len(os) == 0 {
		return st, nil
	}
	if requireRef {
		for i, o := range os {
			if o.SourceRef == "" {
				return st, fmt.Errorf("outlet %d %q (source %q) has no source reference", i, o.Name, o.Source)
			}
		}
	}
	// The last occurrence of a key wins; earlier ones take its result.
	type key struct{ source, ref string }
	winner := make([]int, len(os))
	last := map[key]int{}
	for i := range os {
		winner[i] = i
		if os[i].SourceRef != "" {
			last[key{os[i].Source, os[i].SourceRef}] = i
		}
	}
	rows := make([][]any, 0, len(os))
	for i := range os {
		o := &os[i]
		if o.SourceRef != "" {
			if w := last[key{o.Source, o.SourceRef}]; w != i {
				winner[i] = w
				continue
			}
		}
		if o.Status == "" {
			o.Status = quarterhour.OutletOpen
		}
		geom, err := encodeWKB(o.Point)
		if err != nil {
			return st, fmt.Errorf("outlet %d (%s %s): %w", i, o.Source, o.SourceRef, err)
		}
		rows = append(rows, []any{i, o.Name, o.Category, geom, o.H3, o.District, o.Address, o.Brand,
			o.IsChain, o.FloorAreaM2, o.AcceptsCash, o.AcceptsCard, o.LowMargin, o.Services,
			o.OpeningHours, o.Status, o.OpenedOn, o.ClosedOn, o.Source, o.SourceRef, o.OriginalCRS, o.Synthetic})
	}
	_, err := tx.Exec(ctx, `CREATE TEMP TABLE outlet_stage (
			ord integer PRIMARY KEY, id bigint, is_new boolean NOT NULL DEFAULT false,
			name text, category text, wkb bytea, h3 text, district text, address text, brand text,
			is_chain boolean, floor_area_m2 double precision, accepts_cash boolean, accepts_card boolean,
			low_margin boolean, services text[], opening_hours text, status text, opened_on text,
			closed_on text, source text, source_ref text, original_crs text, synthetic boolean
		) ON COMMIT DROP`)
	if err != nil {
		return st, fmt.Errorf("create staging table: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"outlet_stage"}, outletStageCols, pgx.CopyFromRows(rows)); err != nil {
		return st, fmt.Errorf("copy outlets: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE outlet_stage s SET id = o.id FROM outlets o
		WHERE s.source_ref <> '' AND o.source = s.source AND o.source_ref = s.source_ref`)
	if err != nil {
		return st, fmt.Errorf("match outlets: %w", err)
	}
	at := now()
	tag, err := tx.Exec(ctx, `UPDATE outlet_stage SET id = nextval('outlets_id_seq'), is_new = true WHERE id IS NULL`)
	if err != nil {
		return st, fmt.Errorf("allocate outlet ids: %w", err)
	}
	st.Inserted = int(tag.RowsAffected())
	_, err = tx.Exec(ctx, `INSERT INTO outlets (id, `+outletFields+`, version, updated_at)
		SELECT s.id, `+stageFields+`, 1, $1 FROM outlet_stage s WHERE s.is_new ORDER BY s.ord`, at)
	if err != nil {
		return st, fmt.Errorf("insert outlets: %w", translate(err))
	}
	tag, err = tx.Exec(ctx, `UPDATE outlets o SET (`+outletFields+`, version, updated_at) =
			(`+stageFields+`, o.version + 1, $1)
		FROM outlet_stage s
		WHERE o.id = s.id AND NOT s.is_new AND
			(o.name, o.category, ST_AsBinary(o.geom, 'NDR'), o.h3, o.district, o.address, o.brand,
			 o.is_chain, o.floor_area_m2, o.accepts_cash, o.accepts_card, o.low_margin, o.services,
			 o.opening_hours, o.status, o.opened_on, o.closed_on, o.original_crs, o.synthetic)
			IS DISTINCT FROM
			(s.name, s.category, s.wkb, s.h3, s.district, s.address, s.brand,
			 s.is_chain, s.floor_area_m2, s.accepts_cash, s.accepts_card, s.low_margin, s.services,
			 s.opening_hours, s.status, s.opened_on, s.closed_on, s.original_crs, s.synthetic)`, at)
	if err != nil {
		return st, fmt.Errorf("update outlets: %w", translate(err))
	}
	st.Updated = int(tag.RowsAffected())
	st.Unchanged = len(rows) - st.Inserted - st.Updated
	res, err := tx.Query(ctx, `SELECT s.ord, o.id, o.version, o.updated_at
		FROM outlet_stage s JOIN outlets o ON o.id = s.id`)
	if err != nil {
		return st, fmt.Errorf("read back outlets: %w", err)
	}
	var ord int
	var o quarterhour.Outlet
	_, err = pgx.ForEachRow(res, []any{&ord, &o.ID, &o.Version, &o.UpdatedAt}, func() error {
		os[ord].ID, os[ord].Version, os[ord].UpdatedAt = o.ID, o.Version, o.UpdatedAt
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("read back outlets: %w", err)
	}
	for i, w := range winner {
		if w != i {
			os[i].ID, os[i].Version, os[i].UpdatedAt = os[w].ID, os[w].Version, os[w].UpdatedAt
		}
	}
	return st, nil
}

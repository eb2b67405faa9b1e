package app

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// Outlet list paging.
const (
	DefaultOutletLimit = 500
	MaxOutletLimit     = 5000
)

// OutletPage is one page of an outlet list and how many outlets match in
// all.
type OutletPage struct {
	Outlets []quarterhour.Outlet
	Total   int
	Limit   int
	Offset  int
}

func (a *App) outlets() register[quarterhour.Outlet] {
	return register[quarterhour.Outlet]{
		noun: "outlet", get: a.store.GetOutlet, create: a.store.CreateOutlet, update: a.store.UpdateOutlet,
		validate: a.ValidateOutlet, zoned: true,
		keys: func(o *quarterhour.Outlet) (*int64, *int, *string) { return &o.ID, &o.Version, &o.District },
		// A replacement that does not say where the record came from keeps
		// its source, so edits do not orphan it from its register.
		keep: func(old quarterhour.Outlet, o *quarterhour.Outlet) {
			if o.Source == "" {
				o.Source, o.SourceRef = old.Source, old.SourceRef
			}
		},
	}
}

// CheckOutletFilter checks the filters of an outlet list or export: a known
// category and status. Paging is not checked.
func (a *App) CheckOutletFilter(ctx context.Context, f store.OutletFilter) error {
	if f.Status != "" && f.Status != quarterhour.OutletOpen && f.Status != quarterhour.OutletClosed {
		return quarterhour.Invalid("status", "status must be %q or %q", quarterhour.OutletOpen, quarterhour.OutletClosed)
	}
	if f.Category == "" {
		return nil
	}
	cats, err := a.CategorySet(ctx)
	if err != nil {
		return err
	}
	if _, ok := cats[f.Category]; !ok {
		return quarterhour.Invalid("category", "unknown category %q", f.Category)
	}
	return nil
}

// ListOutlets returns a page of the outlets matching f, at most
// MaxOutletLimit long, and their number.
func (a *App) ListOutlets(ctx context.Context, f store.OutletFilter) (OutletPage, error) {
	page := OutletPage{Limit: f.Limit, Offset: f.Offset}
	if f.Limit < 1 || f.Limit > MaxOutletLimit {
		return page, quarterhour.Invalid("limit", "limit must be between 1 and %d", MaxOutletLimit)
	}
	if f.Offset < 0 {
		return page, quarterhour.Invalid("offset", "offset cannot be negative")
	}
	if err := a.CheckOutletFilter(ctx, f); err != nil {
		return page, err
	}
	var err error
	if page.Total, err = a.store.CountOutlets(ctx, f); err != nil {
		return page, fmt.Errorf("count outlets: %w", err)
	}
	if page.Outlets, err = a.store.ListOutlets(ctx, f); err != nil {
		return page, fmt.Errorf("list outlets: %w", err)
	}
	return page, nil
}

// GetOutlet returns outlet id.
func (a *App) GetOutlet(ctx context.Context, id int64) (quarterhour.Outlet, error) {
	return a.outlets().read(ctx, id)
}

// CreateOutlet registers a new outlet for u (nil: anonymous, refused) and
// returns it as stored. The district follows from the point unless given; a
// development zone's user registers for the zone.
func (a *App) CreateOutlet(ctx context.Context, u *quarterhour.User, o quarterhour.Outlet) (quarterhour.Outlet, error) {
	return a.outlets().add(ctx, a, u, o)
}

// UpdateOutlet replaces outlet id by o, which carries the version it was
// read at, and returns it as stored. u must be allowed to write in the
// outlet's district before and after.
func (a *App) UpdateOutlet(ctx context.Context, u *quarterhour.User, id int64, o quarterhour.Outlet) (quarterhour.Outlet, error) {
	return a.outlets().replace(ctx, a, u, id, o)
}

// DeleteOutlet deletes outlet id as read at version.
func (a *App) DeleteOutlet(ctx context.Context, u *quarterhour.User, id int64, version int) error {
	if u == nil {
		return errLoginRequired
	}
	if version <= 0 {
		return quarterhour.Invalid("version", "version (as read) is required to delete")
	}
	old, err := a.GetOutlet(ctx, id)
	if err != nil {
		return err
	}
	if err := CanWrite(u, old.District); err != nil {
		return err
	}
	if err := a.store.DeleteOutlet(ctx, id, version); err != nil {
		return fmt.Errorf("delete outlet %d: %w", id, err)
	}
	return nil
}

// OutletsIn returns up to limit outlets in b, the lowest IDs first, for a
// map.
func (a *App) OutletsIn(ctx context.Context, b orb.Bound, limit int) ([]quarterhour.Outlet, error) {
	os, err := a.store.ListOutlets(ctx, store.OutletFilter{BBox: &b, Limit: limit})
	return os, fmtErr("list outlets", err)
}

// OutletPages reads the outlets matching a filter a page at a time, so
// memory stays bounded however large the city. The first page is read when
// it is made, so a failing store is known before anything is written.
type OutletPages struct {
	a     *App
	f     store.OutletFilter
	first []quarterhour.Outlet
}

// OutletPageSize is how many outlets OutletPages reads at a time.
const OutletPageSize = 2000

// OutletPages checks f (as CheckOutletFilter) and reads its first page.
func (a *App) OutletPages(ctx context.Context, f store.OutletFilter) (*OutletPages, error) {
	if err := a.CheckOutletFilter(ctx, f); err != nil {
		return nil, err
	}
	f.Limit, f.Offset = OutletPageSize, 0
	first, err := a.store.ListOutlets(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list outlets: %w", err)
	}
	return &OutletPages{a: a, f: f, first: first}, nil
}

// Each calls fn for every outlet, in ID order.
func (p *OutletPages) Each(ctx context.Context, fn func(quarterhour.Outlet) error) error {
	f, page := p.f, p.first
	for {
		for _, o := range page {
			if err := fn(o); err != nil {
				return err
			}
		}
		if len(page) < OutletPageSize {
			return nil
		}
		f.Offset += OutletPageSize
		var err error
		if page, err = p.a.store.ListOutlets(ctx, f); err != nil {
			return fmt.Errorf("list outlets from %d: %w", f.Offset, err)
		}
	}
}

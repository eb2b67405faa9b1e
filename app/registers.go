package app

import (
	"context"
	"fmt"

	"github.com/quarterhour/quarterhour"
)

// register is one of the registers edited record by record (outlets,
// communities, circles): how to read, check and store its records, so that
// creating and replacing follow one set of rules for all of them.
type register[T any] struct {
	noun     string // "outlet", in error messages
	get      func(context.Context, int64) (T, error)
	create   func(context.Context, *T) error
	update   func(context.Context, *T) error
	validate func(context.Context, *T) error
	// keys returns the record's id, version and district for setting.
	keys func(*T) (id *int64, version *int, district *string)
	// zoned: a zone user's records belong to the zone, though their points
	// lie in its host counties.
	zoned bool
	// keep copies onto a replacement what it may leave out; nil when
	// nothing.
	keep func(old T, t *T)
}

// claim gives a record without a district to the zone of u when u works for
// a development zone without a boundary of its own: the record's points lie
// in a host county, yet it is the zone's.
func (a *App) claim(u *quarterhour.User, district *string) {
	if *district == "" && u.Role == quarterhour.RoleDistrict && len(a.zoneHosts[u.District]) > 0 {
		*district = u.District
	}
}

// add checks t and stores it as a new record for u, returning it as
// stored.
func (rg register[T]) add(ctx context.Context, a *App, u *quarterhour.User, t T) (T, error) {
	var zero T
	if u == nil {
		return zero, errLoginRequired
	}
	id, version, district := rg.keys(&t)
	*id, *version = 0, 0
	if rg.zoned {
		a.claim(u, district)
	}
	if err := rg.validate(ctx, &t); err != nil {
		return zero, err
	}
	if err := CanWrite(u, *district); err != nil {
		return zero, err
	}
	if err := rg.create(ctx, &t); err != nil {
		return zero, fmt.Errorf("create %s: %w", rg.noun, err)
	}
	return rg.read(ctx, *id)
}

// replace checks t and stores it over record id for u, returning it as
// stored. t carries the version it was read at; u must be allowed to write
// in both the record's old district and its new one.
func (rg register[T]) replace(ctx context.Context, a *App, u *quarterhour.User, id int64, t T) (T, error) {
	var zero T
	if u == nil {
		return zero, errLoginRequired
	}
	tid, version, district := rg.keys(&t)
	if *version <= 0 {
		return zero, quarterhour.Invalid("version", "version (as read) is required to update")
	}
	old, err := rg.read(ctx, id)
	if err != nil {
		return zero, err
	}
	_, _, oldDistrict := rg.keys(&old)
	if err := CanWrite(u, *oldDistrict); err != nil {
		return zero, err
	}
	*tid = id
	if rg.keep != nil {
		rg.keep(old, &t)
	}
	if rg.zoned {
		a.claim(u, district)
	}
	if err := rg.validate(ctx, &t); err != nil {
		return zero, err
	}
	if err := CanWrite(u, *district); err != nil {
		return zero, err
	}
	if err := rg.update(ctx, &t); err != nil {
		return zero, fmt.Errorf("update %s %d: %w", rg.noun, id, err)
	}
	return rg.read(ctx, id)
}

// read returns record id.
func (rg register[T]) read(ctx context.Context, id int64) (T, error) {
	t, err := rg.get(ctx, id)
	if err != nil {
		return t, fmt.Errorf("get %s %d: %w", rg.noun, id, err)
	}
	return t, nil
}

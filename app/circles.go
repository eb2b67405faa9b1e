package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

func (a *App) circles() register[quarterhour.Circle] {
	return register[quarterhour.Circle]{
		noun: "circle", get: a.store.GetCircle, create: a.store.CreateCircle, update: a.store.UpdateCircle,
		validate: a.ValidateCircle, zoned: true,
		keys: func(c *quarterhour.Circle) (*int64, *int, *string) { return &c.ID, &c.Version, &c.District },
	}
}

// CheckCircleStatus checks a circle status filter; "" is any status.
func CheckCircleStatus(status string) error {
	if status != "" && !slices.Contains(quarterhour.CircleStatuses, status) {
		return quarterhour.Invalid("status", "unknown circle status %q", status)
	}
	return nil
}

// ListCircles returns the circles matching f.
func (a *App) ListCircles(ctx context.Context, f store.CircleFilter) ([]quarterhour.Circle, error) {
	if err := CheckCircleStatus(f.Status); err != nil {
		return nil, err
	}
	cs, err := a.store.ListCircles(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list circles: %w", err)
	}
	return cs, nil
}

// GetCircle returns circle id.
func (a *App) GetCircle(ctx context.Context, id int64) (quarterhour.Circle, error) {
	return a.circles().read(ctx, id)
}

// CircleCommunities returns the communities c serves.
func (a *App) CircleCommunities(ctx context.Context, c quarterhour.Circle) ([]quarterhour.Community, error) {
	if len(c.CommunityIDs) == 0 {
		return nil, nil
	}
	cs, err := a.store.ListCommunities(ctx, store.CommunityFilter{IDs: c.CommunityIDs})
	if err != nil {
		return nil, fmt.Errorf("list communities of circle %d: %w", c.ID, err)
	}
	return cs, nil
}

// CreateCircle registers a new circle for u (nil: anonymous, refused) and
// returns it as stored. The district follows from the centres unless
// given; a development zone's user registers for the zone.
func (a *App) CreateCircle(ctx context.Context, u *quarterhour.User, c quarterhour.Circle) (quarterhour.Circle, error) {
	return a.circles().add(ctx, a, u, c)
}

// UpdateCircle replaces circle id by c, which carries the version it was
// read at, and returns it as stored.
func (a *App) UpdateCircle(ctx context.Context, u *quarterhour.User, id int64, c quarterhour.Circle) (quarterhour.Circle, error) {
	return a.circles().replace(ctx, a, u, id, c)
}

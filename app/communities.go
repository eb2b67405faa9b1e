package app

import (
	"context"
	"fmt"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

func (a *App) communities() register[quarterhour.Community] {
	return register[quarterhour.Community]{
		noun: "community", get: a.store.GetCommunity, create: a.store.CreateCommunity, update: a.store.UpdateCommunity,
		validate: a.ValidateCommunity,
		keys:     func(c *quarterhour.Community) (*int64, *int, *string) { return &c.ID, &c.Version, &c.District },
	}
}

// ListCommunities returns the communities matching f.
func (a *App) ListCommunities(ctx context.Context, f store.CommunityFilter) ([]quarterhour.Community, error) {
	cs, err := a.store.ListCommunities(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	return cs, nil
}

// GetCommunity returns community id.
func (a *App) GetCommunity(ctx context.Context, id int64) (quarterhour.Community, error) {
	return a.communities().read(ctx, id)
}

// CreateCommunity registers a new community for u (nil: anonymous,
// refused) and returns it as stored. The district follows from the
// community's region unless given.
func (a *App) CreateCommunity(ctx context.Context, u *quarterhour.User, c quarterhour.Community) (quarterhour.Community, error) {
	return a.communities().add(ctx, a, u, c)
}

// UpdateCommunity replaces community id by c, which carries the version it
// was read at, and returns it as stored.
func (a *App) UpdateCommunity(ctx context.Context, u *quarterhour.User, id int64, c quarterhour.Community) (quarterhour.Community, error) {
	return a.communities().replace(ctx, a, u, id, c)
}

package api

import (
	"context"
	"log/slog"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/api/engine"
	"github.com/quarterhour/quarterhour/store"
)

// engineStore is the store as the server uses it: every write that changes
// what the walking engine holds (outlets, communities, categories, networks)
// is passed on to the engine before the handler answers, so nearby, access,
// gaps and evaluation previews see the write at once. Writes made by other
// processes reach the engine through store.Notifier (engine.Follow).
type engineStore struct {
	store.Store
	eng *engine.Engine
	log *slog.Logger
}

// refreshed logs a failed engine refresh; the write itself has committed,
// so the request still succeeds.
func (s engineStore) refreshed(ctx context.Context, what string, err error) {
	if err != nil {
		s.log.ErrorContext(ctx, "walking engine did not take a write; POST /api/v1/admin/reload fixes it", "write", what, "err", err)
	}
}

// CreateOutlet creates o and places it in the engine.
func (s engineStore) CreateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	if err := s.Store.CreateOutlet(ctx, o); err != nil {
		return err
	}
	s.refreshed(ctx, "create outlet", s.eng.RefreshOutlets(context.WithoutCancel(ctx), o.ID))
	return nil
}

// UpdateOutlet updates o and moves, recategorises or removes it in the
// engine as the new row says.
func (s engineStore) UpdateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	if err := s.Store.UpdateOutlet(ctx, o); err != nil {
		return err
	}
	s.refreshed(ctx, "update outlet", s.eng.RefreshOutlets(context.WithoutCancel(ctx), o.ID))
	return nil
}

// DeleteOutlet deletes the outlet and removes it from the engine.
func (s engineStore) DeleteOutlet(ctx context.Context, id int64, version int) error {
	if err := s.Store.DeleteOutlet(ctx, id, version); err != nil {
		return err
	}
	s.refreshed(ctx, "delete outlet", s.eng.RefreshOutlets(context.WithoutCancel(ctx), id))
	return nil
}

// UpsertOutletsBySource imports outlets and syncs the engine's outlets.
func (s engineStore) UpsertOutletsBySource(ctx context.Context, os []quarterhour.Outlet, imp *quarterhour.Import) (store.UpsertStats, error) {
	st, err := s.Store.UpsertOutletsBySource(ctx, os, imp)
	if err != nil {
		return st, err
	}
	if st.Inserted+st.Updated > 0 {
		s.refreshed(ctx, "import outlets", s.eng.SyncOutlets(context.WithoutCancel(ctx)))
	}
	return st, nil
}

// CreateCommunity creates c and reloads the engine.
func (s engineStore) CreateCommunity(ctx context.Context, c *quarterhour.Community) error {
	if err := s.Store.CreateCommunity(ctx, c); err != nil {
		return err
	}
	s.reload(ctx, "create community")
	return nil
}

// UpdateCommunity updates c and reloads the engine.
func (s engineStore) UpdateCommunity(ctx context.Context, c *quarterhour.Community) error {
	if err := s.Store.UpdateCommunity(ctx, c); err != nil {
		return err
	}
	s.reload(ctx, "update community")
	return nil
}

// UpsertCategories writes the taxonomy and reloads the engine.
func (s engineStore) UpsertCategories(ctx context.Context, cs []quarterhour.Category) error {
	if err := s.Store.UpsertCategories(ctx, cs); err != nil {
		return err
	}
	s.reload(ctx, "upsert categories")
	return nil
}

// ReplaceNetwork stores the network and reloads the engine.
func (s engineStore) ReplaceNetwork(ctx context.Context, n *quarterhour.Network, imp *quarterhour.Import) error {
	if err := s.Store.ReplaceNetwork(ctx, n, imp); err != nil {
		return err
	}
	s.reload(ctx, "replace network")
	return nil
}

// reload rebuilds a loaded engine; one never loaded loads on first use.
func (s engineStore) reload(ctx context.Context, what string) {
	if s.eng.Stats().LoadedAt.IsZero() {
		return
	}
	s.refreshed(ctx, what, s.eng.Reload(context.WithoutCancel(ctx)))
}

package app

import (
	"context"
	"log/slog"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/store"
)

// indexedStore is the store as the application uses it: every write that
// changes what the access index holds (outlets, communities, categories,
// networks) is passed on to the index before the use case returns, so nearby,
// access, gaps and evaluation previews see the write at once. Writes made by
// other processes reach the index through store.Notifier (access.Index.Follow).
type indexedStore struct {
	store.Store
	idx *access.Index
	log *slog.Logger
}

// refreshed logs a failed engine refresh; the write itself has committed,
// so the request still succeeds.
func (s indexedStore) refreshed(ctx context.Context, what string, err error) {
	if err != nil {
		s.log.ErrorContext(ctx, "access index did not take a write; POST /api/v1/admin/reload fixes it", "write", what, "err", err)
	}
}

// CreateOutlet creates o and places it in the index.
func (s indexedStore) CreateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	if err := s.Store.CreateOutlet(ctx, o); err != nil {
		return err
	}
	s.refreshed(ctx, "create outlet", s.idx.RefreshOutlets(context.WithoutCancel(ctx), o.ID))
	return nil
}

// UpdateOutlet updates o and moves, recategorises or removes it in the
// engine as the new row says.
func (s indexedStore) UpdateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	if err := s.Store.UpdateOutlet(ctx, o); err != nil {
		return err
	}
	s.refreshed(ctx, "update outlet", s.idx.RefreshOutlets(context.WithoutCancel(ctx), o.ID))
	return nil
}

// DeleteOutlet deletes the outlet and removes it from the index.
func (s indexedStore) DeleteOutlet(ctx context.Context, id int64, version int) error {
	if err := s.Store.DeleteOutlet(ctx, id, version); err != nil {
		return err
	}
	s.refreshed(ctx, "delete outlet", s.idx.RefreshOutlets(context.WithoutCancel(ctx), id))
	return nil
}

// UpsertOutletsBySource imports outlets and syncs the index's outlets.
func (s indexedStore) UpsertOutletsBySource(ctx context.Context, os []quarterhour.Outlet, imp *quarterhour.Import) (store.UpsertStats, error) {
	st, err := s.Store.UpsertOutletsBySource(ctx, os, imp)
	if err != nil {
		return st, err
	}
	if st.Inserted+st.Updated > 0 {
		s.refreshed(ctx, "import outlets", s.idx.SyncOutlets(context.WithoutCancel(ctx)))
	}
	return st, nil
}

// CreateCommunity creates c and reloads the index.
func (s indexedStore) CreateCommunity(ctx context.Context, c *quarterhour.Community) error {
	if err := s.Store.CreateCommunity(ctx, c); err != nil {
		return err
	}
	s.reload(ctx, "create community")
	return nil
}

// UpdateCommunity updates c and reloads the index.
func (s indexedStore) UpdateCommunity(ctx context.Context, c *quarterhour.Community) error {
	if err := s.Store.UpdateCommunity(ctx, c); err != nil {
		return err
	}
	s.reload(ctx, "update community")
	return nil
}

// UpsertCommunities imports communities and reloads the index when any
// were inserted or changed, so gaps and coverage count them at once.
func (s indexedStore) UpsertCommunities(ctx context.Context, cs []quarterhour.Community, imp *quarterhour.Import) (store.UpsertStats, error) {
	st, err := s.Store.UpsertCommunities(ctx, cs, imp)
	if err != nil {
		return st, err
	}
	if st.Inserted+st.Updated > 0 {
		s.reload(ctx, "import communities")
	}
	return st, nil
}

// UpsertCategories writes the taxonomy and reloads the index.
func (s indexedStore) UpsertCategories(ctx context.Context, cs []quarterhour.Category) error {
	if err := s.Store.UpsertCategories(ctx, cs); err != nil {
		return err
	}
	s.reload(ctx, "upsert categories")
	return nil
}

// ReplaceNetwork stores the network and reloads the index.
func (s indexedStore) ReplaceNetwork(ctx context.Context, n *quarterhour.Network, imp *quarterhour.Import) error {
	if err := s.Store.ReplaceNetwork(ctx, n, imp); err != nil {
		return err
	}
	s.reload(ctx, "replace network")
	return nil
}

// reload rebuilds a loaded engine; one never loaded loads on first use.
func (s indexedStore) reload(ctx context.Context, what string) {
	if s.idx.Stats().LoadedAt.IsZero() {
		return
	}
	s.refreshed(ctx, what, s.idx.Reload(context.WithoutCancel(ctx)))
}

package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// Seed loads b in one transaction when the database holds no regions yet and
// reports whether it did. Circles in b name their communities by index into
// b.Communities; they are stored with the IDs those communities receive. b is
// not modified.
func (s *Store) Seed(ctx context.Context, b *store.Bundle) (bool, error) {
	loaded := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Serialise concurrent seeders: the second waits, then sees regions.
		if _, err := tx.Exec(ctx, `LOCK TABLE regions IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock regions: %w", err)
		}
		var seeded bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM regions)`).Scan(&seeded); err != nil {
			return fmt.Errorf("check regions: %w", err)
		}
		if seeded {
			return nil
		}
		if err := seed(ctx, tx, b); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("postgres: seed: %w", err)
	}
	return loaded, nil
}

func seed(ctx context.Context, tx pgx.Tx, b *store.Bundle) error {
	if err := upsertRegions(ctx, tx, b.Regions); err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	if err := upsertCategories(ctx, tx, b.Categories); err != nil {
		return fmt.Errorf("categories: %w", err)
	}
	if err := upsertTargets(ctx, tx, b.Targets); err != nil {
		return fmt.Errorf("targets: %w", err)
	}
	for _, sc := range b.Schemes {
		if err := upsertScheme(ctx, tx, &sc); err != nil {
			return fmt.Errorf("scheme %q: %w", sc.Code, err)
		}
	}
	ids := make([]int64, len(b.Communities))
	for i, c := range b.Communities {
		if err := createCommunity(ctx, tx, &c); err != nil {
			return fmt.Errorf("community %d %q: %w", i, c.Name, err)
		}
		ids[i] = c.ID
	}
	outlets := append([]quarterhour.Outlet(nil), b.Outlets...)
	if _, err := upsertOutlets(ctx, tx, outlets, false); err != nil {
		return fmt.Errorf("outlets: %w", err)
	}
	for i := range b.Networks {
		if err := replaceNetwork(ctx, tx, &b.Networks[i]); err != nil {
			return fmt.Errorf("network %q: %w", b.Networks[i].Area, err)
		}
	}
	for i, c := range b.Circles {
		refs := make([]int64, len(c.CommunityIDs))
		for j, idx := range c.CommunityIDs {
			if idx < 0 || idx >= int64(len(ids)) {
				return fmt.Errorf("circle %d %q: community index %d out of range [0,%d)", i, c.Name, idx, len(ids))
			}
			refs[j] = ids[idx]
		}
		c.CommunityIDs = refs
		if err := createCircle(ctx, tx, &c); err != nil {
			return fmt.Errorf("circle %d %q: %w", i, c.Name, err)
		}
	}
	return nil
}

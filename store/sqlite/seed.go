package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// Seed loads b in one transaction when the database holds no regions yet
// and reports whether it did. Community IDs are assigned in order and
// written back into b.Communities; circles' community indexes are rewritten
// to those IDs (b.Circles itself is left as given). Any bad row rolls the
// whole bundle back; IDs already written into b are then meaningless.
func (s *Store) Seed(ctx context.Context, b *store.Bundle) (bool, error) {
	if b == nil {
		return false, errors.New("sqlite: seed: nil bundle")
	}
	loaded := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM regions`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := seed(ctx, tx, b); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: seed: %w", err)
	}
	return loaded, nil
}

func seed(ctx context.Context, tx *sql.Tx, b *store.Bundle) error {
	if err := upsertRegions(ctx, tx, b.Regions); err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	if err := upsertCategories(ctx, tx, b.Categories); err != nil {
		return fmt.Errorf("categories: %w", err)
	}
	if err := upsertTargets(ctx, tx, b.Targets); err != nil {
		return fmt.Errorf("targets: %w", err)
	}
	for i := range b.Schemes {
		if err := upsertScheme(ctx, tx, &b.Schemes[i]); err != nil {
			return fmt.Errorf("scheme %q: %w", b.Schemes[i].Code, err)
		}
	}
	if err := seedCommunities(ctx, tx, b.Communities); err != nil {
		return err
	}
	if err := seedOutlets(ctx, tx, b.Outlets); err != nil {
		return err
	}
	for i := range b.Networks {
		if err := replaceNetwork(ctx, tx, &b.Networks[i], nil); err != nil {
			return fmt.Errorf("network %q: %w", b.Networks[i].Area, err)
		}
	}
	for i := range b.Circles {
		c := b.Circles[i]
		ids := make([]int64, len(c.CommunityIDs))
		for j, idx := range c.CommunityIDs {
			if idx < 0 || idx >= int64(len(b.Communities)) {
				return fmt.Errorf("circle %d (%q): community index %d out of range [0, %d)",
					i, c.Name, idx, len(b.Communities))
			}
			ids[j] = b.Communities[idx].ID
		}
		c.CommunityIDs = ids
		if err := insertCircle(ctx, tx, &c); err != nil {
			return fmt.Errorf("circle %d (%q): %w", i, c.Name, err)
		}
	}
	return nil
}

func seedCommunities(ctx context.Context, tx *sql.Tx, cs []quarterhour.Community) error {
	stmt, err := prepareInsertCommunity(ctx, tx)
	if err != nil {
		return fmt.Errorf("communities: %w", err)
	}
	defer stmt.Close()
	for i := range cs {
		if err := insertCommunity(ctx, stmt, &cs[i]); err != nil {
			return fmt.Errorf("community %d (%q): %w", i, cs[i].Name, err)
		}
	}
	return nil
}

func seedOutlets(ctx context.Context, tx *sql.Tx, os []quarterhour.Outlet) error {
	stmt, err := prepareInsertOutlet(ctx, tx)
	if err != nil {
		return fmt.Errorf("outlets: %w", err)
	}
	defer stmt.Close()
	for i := range os {
		if err := insertOutlet(ctx, stmt, &os[i]); err != nil {
			return fmt.Errorf("outlet %d (%q): %w", i, os[i].Name, err)
		}
	}
	return nil
}

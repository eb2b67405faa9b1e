package access

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// RefreshOutlets reads the outlets with ids from the store again and puts
// what it finds into the engine: an open outlet is placed (or moved), a
// closed or deleted one leaves. Only the accessibility surfaces of the
// categories involved change, and those built are current when it
// returns; everything else carries over. Call it
// after writing outlets; a write followed by its refresh is seen by every
// later query. Before the first load there is nothing to refresh.
func (e *Index) RefreshOutlets(ctx context.Context, ids ...int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur := e.snap.Load()
	if cur == nil || len(ids) == 0 {
		return nil
	}
	var open []quarterhour.Outlet
	var gone []int64
	for _, id := range ids {
		o, err := e.st.GetOutlet(ctx, id)
		switch {
		case errors.Is(err, quarterhour.ErrNotFound):
			gone = append(gone, id)
		case err != nil:
			return fmt.Errorf("engine refresh outlet %d: %w", id, err)
		case o.Status != quarterhour.OutletOpen:
			gone = append(gone, id)
		default:
			open = append(open, o)
		}
	}
	e.apply(ctx, cur, open, gone)
	return nil
}

// SyncOutlets reads every open outlet from the store and applies the
// difference to the loaded ones (by ID and version), as RefreshOutlets
// does; for bulk writes such as imports, and for changes made by another
// process.
func (e *Index) SyncOutlets(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur := e.snap.Load()
	if cur == nil {
		return nil
	}
	outs, err := e.st.ListOutlets(ctx, store.OutletFilter{Status: quarterhour.OutletOpen})
	if err != nil {
		return fmt.Errorf("engine sync outlets: %w", err)
	}
	seen := make(map[int64]bool, len(outs))
	var changed []quarterhour.Outlet
	for _, o := range outs {
		if o.Status != quarterhour.OutletOpen {
			continue
		}
		seen[o.ID] = true
		if old, ok := cur.outlets[o.ID]; !ok || old.Version != o.Version || !old.UpdatedAt.Equal(o.UpdatedAt) {
			changed = append(changed, o)
		}
	}
	var gone []int64
	for id := range cur.outlets {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	e.apply(ctx, cur, changed, gone)
	return nil
}

// apply swaps in cur changed by open and gone; e.mu is held.
func (e *Index) apply(ctx context.Context, cur *snapshot, open []quarterhour.Outlet, gone []int64) {
	if len(open) == 0 && len(gone) == 0 {
		return
	}
	e.snap.Store(cur.withOutlets(open, gone))
	e.log.DebugContext(ctx, "engine outlets changed", "placed", len(open), "removed", len(gone))
}

// withOutlets derives a snapshot in which the outlets of open are placed
// (replacing any loaded outlet with the same ID) and the IDs in gone are
// not. The networks, communities and their caches are shared; surfaces
// carry over for the categories no changed outlet belongs to, before or
// after. The built surfaces of the changed categories are brought up to
// date before it returns, each derived from the one it replaces (see
// catSurface.derive), and so are their gap grids where they were built; a
// surface still being built is dropped and built again on first use.
func (s *snapshot) withOutlets(open []quarterhour.Outlet, gone []int64) *snapshot {
	touched := map[int64]bool{}
	cats := map[string]bool{}
	for _, id := range gone {
		touched[id] = true
		if o, ok := s.outlets[id]; ok {
			cats[o.Category] = true
		}
	}
	for _, o := range open {
		touched[o.ID] = true
		cats[o.Category] = true
		if old, ok := s.outlets[o.ID]; ok {
			cats[old.Category] = true
		}
	}
	n := &snapshot{
		netGen:      s.netGen,
		areas:       s.areas,
		placed:      make(map[*areaNet]*areaOutlets, len(s.placed)),
		outlets:     maps.Clone(s.outlets),
		byCategory:  make(map[string][]int64, len(s.byCategory)),
		categories:  s.categories,
		catOrder:    s.catOrder,
		communities: s.communities,
		commOrder:   s.commOrder,
		stats:       s.stats,
		comm:        s.comm,
		gap:         s.gap,
		surfaces:    map[surfaceKey]*surfaceEntry{},
	}
	n.stats.Areas = slices.Clone(s.stats.Areas)
	for id := range touched {
		delete(n.outlets, id)
	}
	opened := make([]*quarterhour.Outlet, len(open))
	for i, o := range open {
		opened[i] = &o
		n.outlets[o.ID] = opened[i]
	}
	for c, ids := range s.byCategory {
		if !cats[c] {
			n.byCategory[c] = ids
		}
	}
	for c := range cats {
		ids := make([]int64, 0, len(s.byCategory[c])+len(open))
		for _, id := range s.byCategory[c] {
			if !touched[id] {
				ids = append(ids, id)
			}
		}
		for _, o := range opened {
			if o.Category == c {
				ids = append(ids, o.ID)
			}
		}
		slices.Sort(ids)
		if len(ids) > 0 {
			n.byCategory[c] = ids
		}
	}
	// Placements: keep the untouched outlets of each area, then place the
	// open ones anew; areas with nothing removed or added are shared. What
	// leaves and what comes is noted per category and area for the
	// surfaces.
	changes := map[string]catChange{}
	change := func(category string, a *areaNet) *sourceChange {
		cc := changes[category]
		if cc == nil {
			cc = catChange{}
			changes[category] = cc
		}
		return cc.of(a)
	}
	added := map[*areaNet][]snappedOut{}
	for _, o := range opened {
		if a, sn, ok := s.snapLocal(o.Point); ok {
			added[a] = append(added[a], snappedOut{outlet: o, snap: sn})
			c := change(o.Category, a)
			c.added = append(c.added, o.Point)
			c.edges = append(c.edges, sn.Edge)
		}
	}
	for _, a := range s.areas {
		old := s.placed[a]
		var drop []int
		for i, so := range old.outlets {
			if !touched[so.outlet.ID] {
				continue
			}
			drop = append(drop, i)
			c := change(so.outlet.Category, a)
			c.removed = append(c.removed, so.outlet.Point)
			c.edges = append(c.edges, so.snap.Edge)
		}
		if len(drop) == 0 && len(added[a]) == 0 {
			n.placed[a] = old
			continue
		}
		n.placed[a] = old.with(drop, added[a])
	}
	for _, cc := range changes {
		for _, c := range cc {
			c.cancel()
		}
	}
	type job struct {
		key      surfaceKey
		old, new *catSurface
	}
	var jobs []*job
	s.mu.Lock()
	for k, ent := range s.surfaces {
		if !cats[k.category] || changes[k.category].empty() {
			n.surfaces[k] = ent
			continue
		}
		if sf := ent.s.Load(); sf != nil {
			jobs = append(jobs, &job{key: k, old: sf})
		}
	}
	s.mu.Unlock()
	geo.Parallel(len(jobs), func(i int) {
		j := jobs[i]
		j.new = j.old.derive(changes[j.key.category], func(a *areaNet) []orb.Point { return n.areaSources(a, j.key.category) })
		n.carryGapGrid(j.key.category, j.old, j.new, changes[j.key.category])
	})
	for _, j := range jobs {
		n.surfaces[j.key] = builtEntry(j.new)
	}
	n.stats.Outlets = len(n.outlets)
	return n
}

// Tables whose changes the engine follows (the payloads of store.Notifier).
const (
	tableOutlets     = "outlets"
	tableCommunities = "communities"
	tableCategories  = "categories"
	tableWalkEdges   = "walk_edges"
)

// FollowDelay is how long Follow gathers change notices before acting, so a
// burst of writes (an import) costs one refresh.
const FollowDelay = 200 * time.Millisecond

// Follow keeps the engine in step with writes made by other processes: it
// listens on n until ctx ends, and after each burst of notices syncs the
// outlets (outlet changes) or reloads everything (network, community or
// category changes, or a notice of unknown scope such as a reconnect).
// It returns when ctx ends; errors of a refresh are logged and the next
// notice tries again.
func (e *Index) Follow(ctx context.Context, n store.Notifier) error {
	kick := make(chan string, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.followLoop(ctx, kick)
	}()
	err := n.Listen(ctx, func(table string) {
		select {
		case kick <- table:
		default:
			// The queue is full of pending notices; a full reload covers them.
			select {
			case kick <- "":
			default:
			}
		}
	})
	<-done
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// followLoop gathers notices for FollowDelay and then refreshes once.
func (e *Index) followLoop(ctx context.Context, kick <-chan string) {
	for {
		var first string
		select {
		case <-ctx.Done():
			return
		case first = <-kick:
		}
		pending := map[string]bool{first: true}
		timer := time.NewTimer(FollowDelay)
	gather:
		for {
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case t := <-kick:
				pending[t] = true
			case <-timer.C:
				break gather
			}
		}
		e.refreshFor(ctx, pending)
	}
}

// refreshFor does the cheapest refresh that covers the changed tables.
func (e *Index) refreshFor(ctx context.Context, tables map[string]bool) {
	full := tables[""] || tables[tableCommunities] || tables[tableCategories] || tables[tableWalkEdges]
	var err error
	switch {
	case full:
		err = e.Reload(ctx)
	case tables[tableOutlets]:
		err = e.SyncOutlets(ctx)
	default:
		return
	}
	if err != nil && ctx.Err() == nil {
		e.log.ErrorContext(ctx, "engine refresh after a change notice failed", "tables", slices.Sorted(maps.Keys(tables)), "err", err)
	}
}

// Package access is the in-memory walking-access index of the application:
// it loads the walking networks, open outlets and communities from the store
// into graphs and per-category access surfaces, keeps them current as the
// store changes, and answers isochrone, nearby, accessibility, coverage,
// suggestion and what-if questions. It does no HTTP and no SQL of its own.
//
// The loaded data is an immutable snapshot swapped atomically by Reload, so
// readers never wait for a reload and always see one consistent state.
package access

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// ErrNotReady is returned by queries before the first successful Reload or
// when the store holds no walking network.
var ErrNotReady = errors.New("engine: no walking network loaded")

// UnknownCategoryError reports a category code that is not in the taxonomy.
type UnknownCategoryError struct{ Code string }

func (e *UnknownCategoryError) Error() string {
	return fmt.Sprintf("unknown category %q", e.Code)
}

// Index answers walking-access questions over the data of a store. It is
// safe for concurrent use.
type Index struct {
	st   store.Store
	log  *slog.Logger
	snap atomic.Pointer[snapshot]
	mu   sync.Mutex // serialises Reload
}

// New returns an Index over st; call Reload before querying.
func New(st store.Store, log *slog.Logger) *Index {
	if log == nil {
		log = slog.Default()
	}
	return &Index{st: st, log: log}
}

// EnsureLoaded reloads when nothing has been loaded yet, so a server built
// before its store was seeded picks the data up on first use.
func (e *Index) EnsureLoaded(ctx context.Context) error {
	if e.snap.Load() != nil {
		return nil
	}
	return e.Reload(ctx)
}

// Ready reports whether a walking network is loaded.
func (e *Index) Ready() bool {
	s := e.snap.Load()
	return s != nil && len(s.areas) > 0
}

// Stats describes the loaded snapshot.
type Stats struct {
	Areas       []AreaStats `json:"areas"`
	Outlets     int         `json:"outlets"` // open outlets
	Communities int         `json:"communities"`
	Categories  int         `json:"categories"`
	LoadedAt    time.Time   `json:"loaded_at"`
	LoadMS      float64     `json:"load_ms"`
}

// AreaStats describes one loaded walking network.
type AreaStats struct {
	Area          string  `json:"area"`
	Nodes         int     `json:"nodes"`
	Edges         int     `json:"edges"`
	Components    int     `json:"components"`
	LargestShare  float64 `json:"largest_component_share"`
	RoutingBytes  int     `json:"routing_bytes"`
	GeometryBytes int     `json:"geometry_bytes"`
}

// Stats returns what the current snapshot holds; the zero Stats before the
// first Reload.
func (e *Index) Stats() Stats {
	s := e.snap.Load()
	if s == nil {
		return Stats{}
	}
	return s.stats
}

// Reload reads networks, open outlets, communities and categories from the
// store, builds the graphs and swaps them in. Queries running meanwhile
// finish on the previous snapshot. On error the previous snapshot stays.
func (e *Index) Reload(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	start := time.Now()
	s, err := load(ctx, e.st)
	if err != nil {
		return fmt.Errorf("engine reload: %w", err)
	}
	s.stats.LoadedAt = time.Now().UTC()
	s.stats.LoadMS = float64(time.Since(start).Microseconds()) / 1000
	e.snap.Store(s)
	e.log.InfoContext(ctx, "engine loaded", "areas", len(s.areas), "outlets", len(s.outlets),
		"communities", len(s.communities), "took", time.Since(start))
	return nil
}

// current returns the snapshot, or ErrNotReady.
func (e *Index) current() (*snapshot, error) {
	s := e.snap.Load()
	if s == nil || len(s.areas) == 0 {
		return nil, ErrNotReady
	}
	return s, nil
}

// OutletHit is an open outlet and the walk to it.
type OutletHit struct {
	Outlet quarterhour.Outlet
	WalkM  float64
}

// OutletsWithin returns the open outlets reachable within budgetM metres of
// any origin (the shortest walk from any of them), sorted by walk, then ID.
// An origin off the network fails with an error wrapping
// *geo.OffNetworkError.
func (e *Index) OutletsWithin(ctx context.Context, origins []orb.Point, budgetM float64) ([]OutletHit, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	if err := checkQuery(origins, budgetM); err != nil {
		return nil, fmt.Errorf("outlets within: %w", err)
	}
	best := map[int64]float64{}
	for i, p := range origins {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, sn, err := s.snap(p)
		if err != nil {
			return nil, fmt.Errorf("outlets within: origin %d: %w", i, err)
		}
		s.reachOutlets(a, sn, budgetM, func(o *quarterhour.Outlet, d float64) {
			id := o.ID
			if old, ok := best[id]; !ok || d < old {
				best[id] = d
			}
		})
	}
	hits := make([]OutletHit, 0, len(best))
	for id, d := range best {
		hits = append(hits, OutletHit{Outlet: *s.outlets[id], WalkM: d})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].WalkM != hits[j].WalkM {
			return hits[i].WalkM < hits[j].WalkM
		}
		return hits[i].Outlet.ID < hits[j].Outlet.ID
	})
	return hits, nil
}

// Isochrone returns the union of the origins' walking isochrones within
// budgetM metres at H3 resolution res (0: geo.DefaultRes): the cells and
// polygon of all of them, every reached node at its shortest distance from
// any origin, and all reached edge pieces. Snap is the first origin's.
func (e *Index) Isochrone(ctx context.Context, origins []orb.Point, budgetM float64, res int) (*geo.Isochrone, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	if err := checkQuery(origins, budgetM); err != nil {
		return nil, fmt.Errorf("isochrone: %w", err)
	}
	return s.isochrone(ctx, origins, budgetM, res)
}

// CommunityCoverage is the split of one community's population into those
// whose cells are covered and the rest; Covered + Uncovered == Population.
type CommunityCoverage struct {
	CommunityID int64   `json:"id"`
	Name        string  `json:"name"`
	Population  int     `json:"population"`
	Covered     int     `json:"covered"`
	Uncovered   int     `json:"uncovered"`
	Share       float64 `json:"share"` // Covered / Population; 0 for an empty community
}

// CoverageFrom returns, per community (nil communityIDs: every community),
// the population whose res-10 cells lie in the union of the origins'
// isochrones within budgetM metres. Results follow communityIDs' order,
// or ID order for all.
func (e *Index) CoverageFrom(ctx context.Context, origins []orb.Point, budgetM float64, communityIDs []int64) ([]CommunityCoverage, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	if err := checkQuery(origins, budgetM); err != nil {
		return nil, fmt.Errorf("coverage from: %w", err)
	}
	comms, err := s.pickCommunities(communityIDs)
	if err != nil {
		return nil, fmt.Errorf("coverage from: %w", err)
	}
	iso, err := s.isochrone(ctx, origins, budgetM, geo.DefaultRes)
	if err != nil {
		return nil, fmt.Errorf("coverage from: %w", err)
	}
	in := make(map[h3.Cell]bool, len(iso.Cells))
	for _, c := range iso.Cells {
		in[c] = true
	}
	out := make([]CommunityCoverage, 0, len(comms))
	for _, c := range comms {
		cells, err := s.communityCells(c)
		if err != nil {
			return nil, fmt.Errorf("coverage from: %w", err)
		}
		cov, unc := geo.Coverage(cells, func(h h3.Cell) bool { return in[h] })
		out = append(out, newCoverage(c, cov, unc))
	}
	return out, nil
}

// NeedsCoverage returns, per community (nil communityIDs: every community),
// the population whose res-10 cell centres reach an open outlet of every
// category in cats within budgetM metres on foot.
func (e *Index) NeedsCoverage(ctx context.Context, communityIDs []int64, cats []string, budgetM float64) ([]CommunityCoverage, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	if !(budgetM > 0) || math.IsInf(budgetM, 0) {
		return nil, fmt.Errorf("needs coverage: invalid budget %v m", budgetM)
	}
	if len(cats) == 0 {
		return nil, errors.New("needs coverage: no categories")
	}
	surfs := make([]*catSurface, len(cats))
	for i, c := range cats {
		if surfs[i], err = s.surface(c, budgetM); err != nil {
			return nil, fmt.Errorf("needs coverage: %w", err)
		}
	}
	comms, err := s.pickCommunities(communityIDs)
	if err != nil {
		return nil, fmt.Errorf("needs coverage: %w", err)
	}
	out := make([]CommunityCoverage, 0, len(comms))
	for _, c := range comms {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cells, err := s.communityCells(c)
		if err != nil {
			return nil, fmt.Errorf("needs coverage: %w", err)
		}
		cov, unc := geo.Coverage(cells, func(h h3.Cell) bool {
			for _, sf := range surfs {
				if d, ok := sf.cellDistance(h); !ok || d > budgetM {
					return false
				}
			}
			return true
		})
		out = append(out, newCoverage(c, cov, unc))
	}
	return out, nil
}

func newCoverage(c quarterhour.Community, covered, uncovered int) CommunityCoverage {
	cc := CommunityCoverage{CommunityID: c.ID, Name: c.Name, Population: covered + uncovered, Covered: covered, Uncovered: uncovered}
	if cc.Population > 0 {
		cc.Share = float64(covered) / float64(cc.Population)
	}
	return cc
}

// checkQuery validates origins and a budget.
func checkQuery(origins []orb.Point, budgetM float64) error {
	if len(origins) == 0 {
		return errors.New("no origin")
	}
	if !(budgetM > 0) || math.IsInf(budgetM, 0) {
		return fmt.Errorf("invalid budget %v m", budgetM)
	}
	for i, p := range origins {
		if err := geo.ValidateLonLat(p); err != nil {
			return fmt.Errorf("origin %d: %w", i, err)
		}
	}
	return nil
}

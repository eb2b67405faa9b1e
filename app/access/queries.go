package access

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
)

// Categories returns the taxonomy in display order.
func (e *Index) Categories() []quarterhour.Category {
	s := e.snap.Load()
	if s == nil {
		return nil
	}
	out := make([]quarterhour.Category, len(s.catOrder))
	for i, c := range s.catOrder {
		out[i] = s.categories[c]
	}
	return out
}

// Category returns the category with code, or an *UnknownCategoryError.
func (e *Index) Category(code string) (quarterhour.Category, error) {
	s, err := e.current()
	if err != nil {
		return quarterhour.Category{}, err
	}
	if err := s.category(code); err != nil {
		return quarterhour.Category{}, err
	}
	return s.categories[code], nil
}

// CommunitiesIn returns the IDs of the communities of a 6-digit district
// code ("" for all), sorted.
func (e *Index) CommunitiesIn(district string) ([]int64, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	out := []int64{}
	for _, id := range s.commOrder {
		if district == "" || s.communities[id].District == district {
			out = append(out, id)
		}
	}
	return out, nil
}

// CellAccess is the walk from the centre of one H3 cell to the nearest open
// outlet of a category and the residents of the cell.
type CellAccess struct {
	Cell       h3.Cell
	WalkM      float64 // +Inf beyond the budget or off network
	Population int
}

// Access returns, for each cell, the walk from its centre to the nearest
// open outlet of category within budgetM, and its population from the
// communities' spread.
func (e *Index) Access(ctx context.Context, category string, cells []h3.Cell, budgetM float64) ([]CellAccess, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	sf, err := s.surface(category, budgetM)
	if err != nil {
		return nil, fmt.Errorf("access: %w", err)
	}
	pop, err := s.cellPopulation()
	if err != nil {
		return nil, fmt.Errorf("access: %w", err)
	}
	out := make([]CellAccess, len(cells))
	for i, c := range cells {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d, ok := sf.cellDistance(c)
		if !ok {
			d = math.Inf(1)
		}
		out[i] = CellAccess{Cell: c, WalkM: d, Population: pop[c]}
	}
	return out, nil
}

// CategoryAccess is one category's reach from a community's cells.
type CategoryAccess struct {
	Category string
	CommunityCoverage
	NearestWalkM float64 // shortest walk from any of the community's cells; +Inf beyond budget
}

// CommunityAccess returns, for the community's populated cells, per category
// in cats (nil: every category) the population within budgetM of an open
// outlet of that category and the shortest walk from any of its cells.
func (e *Index) CommunityAccess(ctx context.Context, communityID int64, cats []string, budgetM float64) ([]CategoryAccess, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	comms, err := s.pickCommunities([]int64{communityID})
	if err != nil {
		return nil, fmt.Errorf("community access: %w", err)
	}
	cells, err := s.communityCells(comms[0])
	if err != nil {
		return nil, fmt.Errorf("community access: %w", err)
	}
	if cats == nil {
		cats = s.catOrder
	}
	out := make([]CategoryAccess, 0, len(cats))
	for _, code := range cats {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sf, err := s.surface(code, budgetM)
		if err != nil {
			return nil, fmt.Errorf("community access: %w", err)
		}
		nearest := math.Inf(1)
		cov, unc := geo.Coverage(cells, func(c h3.Cell) bool {
			d, ok := sf.cellDistance(c)
			if ok {
				nearest = math.Min(nearest, d)
			}
			return ok
		})
		out = append(out, CategoryAccess{Category: code, CommunityCoverage: newCoverage(comms[0], cov, unc), NearestWalkM: nearest})
	}
	return out, nil
}

// Suggest ranks candidate sites for a new outlet of category by the
// residents of the given communities (nil: all) it would newly bring within
// budgetM, by greedy maximal covering over res-10 cells; at most n sites.
func (e *Index) Suggest(ctx context.Context, category string, communityIDs []int64, budgetM float64, n int) ([]geo.Suggestion, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	sf, err := s.surface(category, budgetM)
	if err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	comms, err := s.pickCommunities(communityIDs)
	if err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	demand := map[*areaNet][]geo.CellShare{}
	for _, c := range comms {
		cells, err := s.communityCells(c)
		if err != nil {
			return nil, fmt.Errorf("suggest: %w", err)
		}
		for _, cs := range cells {
			p, err := cellCentre(cs.Cell)
			if err != nil {
				return nil, fmt.Errorf("suggest: %w", err)
			}
			if a, _, ok := s.snapLocal(p); ok {
				demand[a] = append(demand[a], cs)
			}
		}
	}
	var out []geo.Suggestion
	for _, a := range s.areas {
		if len(demand[a]) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sug, err := geo.SuggestSites(a.g, mergeCells(demand[a]), sf.byArea[a], geo.SuggestOptions{BudgetM: budgetM, N: n})
		if err != nil {
			return nil, fmt.Errorf("suggest in %s: %w", a.name, err)
		}
		out = append(out, sug...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].AddedPop > out[j].AddedPop })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// mergeCells sums the people of cells shared by neighbouring communities.
func mergeCells(cells []geo.CellShare) []geo.CellShare {
	idx := map[h3.Cell]int{}
	var out []geo.CellShare
	for _, c := range cells {
		if i, ok := idx[c.Cell]; ok {
			out[i].People += c.People
			continue
		}
		idx[c.Cell] = len(out)
		out = append(out, c)
	}
	return out
}

// ScenarioSite is a hypothetical new outlet.
type ScenarioSite struct {
	Category string
	Point    orb.Point
}

// Scenario is a set of hypothetical changes: outlets opened and closed.
type Scenario struct {
	Add          []ScenarioSite
	Remove       []int64 // open outlet IDs
	CommunityIDs []int64 // communities to report; nil: those within reach of a change
}

// ScenarioCoverage is one community's coverage of one category today and
// with the changes.
type ScenarioCoverage struct {
	Category string
	Before   CommunityCoverage
	After    CommunityCoverage
}

// ScenarioOutcome is the effect of a Scenario on the communities.
type ScenarioOutcome struct {
	Categories   []string // categories the changes touch, sorted
	Communities  map[int64][]ScenarioCoverage
	CommunityIDs []int64 // reported communities, sorted
}

// Simulate computes per community and changed category the coverage within
// budgetM today and with the changes, storing nothing. Only the surfaces of
// the changed categories are rebuilt, and only communities within budget of
// a changed site are evaluated unless sc.CommunityIDs names them.
func (e *Index) Simulate(ctx context.Context, sc Scenario, budgetM float64) (*ScenarioOutcome, error) {
	s, err := e.current()
	if err != nil {
		return nil, err
	}
	if len(sc.Add) == 0 && len(sc.Remove) == 0 {
		return nil, errors.New("scenario: no change")
	}
	added := map[string][]orb.Point{}
	removed := map[string]map[int64]bool{}
	var changed []orb.Point
	for i, a := range sc.Add {
		if err := s.category(a.Category); err != nil {
			return nil, fmt.Errorf("scenario add %d: %w", i, err)
		}
		if err := geo.ValidateLonLat(a.Point); err != nil {
			return nil, fmt.Errorf("scenario add %d: %w", i, err)
		}
		if _, _, err := s.snap(a.Point); err != nil {
			return nil, fmt.Errorf("scenario add %d: %w", i, err)
		}
		added[a.Category] = append(added[a.Category], a.Point)
		changed = append(changed, a.Point)
	}
	for _, id := range sc.Remove {
		o, ok := s.outlets[id]
		if !ok {
			return nil, fmt.Errorf("scenario remove outlet %d: %w", id, quarterhour.ErrNotFound)
		}
		if removed[o.Category] == nil {
			removed[o.Category] = map[int64]bool{}
		}
		removed[o.Category][id] = true
		changed = append(changed, o.Point)
	}
	out := &ScenarioOutcome{Communities: map[int64][]ScenarioCoverage{}}
	for c := range added {
		out.Categories = append(out.Categories, c)
	}
	for c := range removed {
		if _, dup := added[c]; !dup {
			out.Categories = append(out.Categories, c)
		}
	}
	slices.Sort(out.Categories)

	comms, err := s.pickCommunities(sc.CommunityIDs)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if sc.CommunityIDs == nil {
		comms = withinReach(comms, changed, budgetM)
	}
	for _, cat := range out.Categories {
		before, err := s.surface(cat, budgetM)
		if err != nil {
			return nil, fmt.Errorf("scenario: %w", err)
		}
		after := s.simulatedSurface(before, cat, added[cat], removed[cat])
		for _, c := range comms {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			cells, err := s.communityCells(c)
			if err != nil {
				return nil, fmt.Errorf("scenario: %w", err)
			}
			covered := func(sf *catSurface) func(h3.Cell) bool {
				return func(h h3.Cell) bool { _, ok := sf.cellDistance(h); return ok }
			}
			b1, u1 := geo.Coverage(cells, covered(before))
			b2, u2 := geo.Coverage(cells, covered(after))
			out.Communities[c.ID] = append(out.Communities[c.ID], ScenarioCoverage{Category: cat,
				Before: newCoverage(c, b1, u1), After: newCoverage(c, b2, u2)})
		}
	}
	for _, c := range comms {
		out.CommunityIDs = append(out.CommunityIDs, c.ID)
	}
	slices.Sort(out.CommunityIDs)
	return out, nil
}

// withinReach keeps the communities whose bounding box lies within budgetM
// (straight line, a bound on any walk) of a changed point.
func withinReach(comms []quarterhour.Community, pts []orb.Point, budgetM float64) []quarterhour.Community {
	var out []quarterhour.Community
	for _, c := range comms {
		b := padBound(c.Polygon.Bound(), budgetM)
		for _, p := range pts {
			if b.Contains(p) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// simulatedSurface is before, the surface of category, with the points of
// added opened and the outlets in removed closed.
func (s *snapshot) simulatedSurface(before *catSurface, category string, added []orb.Point, removed map[int64]bool) *catSurface {
	change := catChange{}
	extra := map[*areaNet][]orb.Point{}
	for _, p := range added {
		if a, sn, ok := s.snapLocal(p); ok {
			c := change.of(a)
			c.added = append(c.added, p)
			c.edges = append(c.edges, sn.Edge)
			extra[a] = append(extra[a], p)
		}
	}
	for _, a := range s.areas {
		for _, so := range s.placed[a].outlets {
			if removed[so.outlet.ID] && so.outlet.Category == category {
				c := change.of(a)
				c.removed = append(c.removed, so.outlet.Point)
				c.edges = append(c.edges, so.snap.Edge)
			}
		}
	}
	return before.derive(change, func(a *areaNet) []orb.Point {
		var out []orb.Point
		for _, so := range s.placed[a].outlets {
			if so.outlet.Category == category && !removed[so.outlet.ID] {
				out = append(out, so.outlet.Point)
			}
		}
		return append(out, extra[a]...)
	})
}

package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
)

// Limits and defaults of the walking-access questions.
const (
	MaxAccessCells = 20000 // about 300 km² at res 10
	DefaultSuggest = 5
	MaxSuggest     = 50
	DefaultNearby  = 200
	MaxNearby      = 1000
)

// OffNetworkError reports a point of the input, named by Field, too far
// from every street to walk from.
type OffNetworkError struct {
	Field string
	*geo.OffNetworkError
}

func (e *OffNetworkError) Unwrap() error { return e.OffNetworkError }

// errNoNetwork answers walking questions while no network is loaded.
var errNoNetwork = quarterhour.Errorf(quarterhour.EUnavailable, "", "no walking network is loaded; import one and reload")

// accessError words an error of the access index for the caller: no
// network, an unknown category, and a point off the network (blamed on
// field) become application errors; others pass unchanged.
func accessError(field string, err error) error {
	var off *geo.OffNetworkError
	var unknown *access.UnknownCategoryError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, access.ErrNotReady):
		return errNoNetwork
	case errors.As(err, &unknown):
		return quarterhour.Invalid("category", "%v", unknown)
	case errors.As(err, &off):
		return &OffNetworkError{Field: field, OffNetworkError: off}
	}
	return err
}

// LoadedAccess returns the access index, loading it on first use; it fails
// with access.ErrNotReady while no walking network is loaded.
func (a *App) LoadedAccess(ctx context.Context) (*access.Index, error) {
	if err := a.access.EnsureLoaded(ctx); err != nil {
		return nil, err
	}
	if !a.access.Ready() {
		return nil, access.ErrNotReady
	}
	return a.access, nil
}

// walkIndex is LoadedAccess with its errors worded by accessError.
func (a *App) walkIndex(ctx context.Context) (*access.Index, error) {
	ix, err := a.LoadedAccess(ctx)
	return ix, accessError("", err)
}

// checkCategory checks an optional category code against the index; required
// refuses "".
func checkCategory(ix *access.Index, code string, required bool) error {
	if code == "" {
		if required {
			return quarterhour.Invalid("category", "category is required")
		}
		return nil
	}
	_, err := ix.Category(code)
	return accessError("", err)
}

// basicCategories lists the codes of the basic-needs categories.
func basicCategories(ix *access.Index) []string {
	var out []string
	for _, c := range ix.Categories() {
		if c.Tier == quarterhour.TierBasic {
			out = append(out, c.Code)
		}
	}
	return out
}

// Isochrone returns the area reachable on foot within budgetM metres of
// origin, as H3 cells of resolution res (9 to 11) and their outline.
func (a *App) Isochrone(ctx context.Context, origin orb.Point, budgetM float64, res int) (*geo.Isochrone, error) {
	if res < 9 || res > 11 {
		return nil, quarterhour.Invalid("res", "res must be 9, 10 or 11")
	}
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return nil, err
	}
	iso, err := ix.Isochrone(ctx, []orb.Point{origin}, budgetM, res)
	return iso, accessError("lon", err)
}

// NearbyFilter selects the outlets of Nearby.
type NearbyFilter struct {
	Category   string // "" any
	OpenNow    bool   // only those whose opening hours say open at Now
	Cash, Card bool   // only those accepting cash, bank cards
	Limit      int    // 1 to MaxNearby
	Now        time.Time
}

// NearbyOutlet is an outlet within walking distance.
type NearbyOutlet struct {
	access.OutletHit
	Open bool // open at the time asked about, by its opening hours
}

// Nearby returns the open outlets within budgetM metres' walk of origin
// that pass f, nearest first.
func (a *App) Nearby(ctx context.Context, origin orb.Point, budgetM float64, f NearbyFilter) ([]NearbyOutlet, error) {
	if f.Limit < 1 || f.Limit > MaxNearby {
		return nil, quarterhour.Invalid("limit", "limit must be 1 to %d", MaxNearby)
	}
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkCategory(ix, f.Category, false); err != nil {
		return nil, err
	}
	hits, err := ix.OutletsWithin(ctx, []orb.Point{origin}, budgetM)
	if err != nil {
		return nil, accessError("lon", err)
	}
	out := []NearbyOutlet{}
	for _, h := range hits {
		o := h.Outlet
		open := quarterhour.OpenNow(o.OpeningHours, f.Now)
		if (f.Category != "" && o.Category != f.Category) || (f.OpenNow && !open) || (f.Cash && !o.AcceptsCash) || (f.Card && !o.AcceptsCard) {
			continue
		}
		if out = append(out, NearbyOutlet{OutletHit: h, Open: open}); len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// CellAccess returns, for the res-10 cells whose centre lies in b, the walk
// to the nearest open outlet of category within budgetM and the cell's
// population. Boxes of more than MaxAccessCells cells are refused.
func (a *App) CellAccess(ctx context.Context, category string, b *orb.Bound, budgetM float64) ([]access.CellAccess, error) {
	if b == nil {
		return nil, quarterhour.Invalid("bbox", "bbox is required")
	}
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkCategory(ix, category, true); err != nil {
		return nil, err
	}
	cells, err := bboxCells(*b, geo.DefaultRes)
	if err != nil {
		return nil, err
	}
	acc, err := ix.Access(ctx, category, cells, budgetM)
	return acc, accessError("", err)
}

// bboxCells lists the cells whose centre lies in b, refusing boxes that
// would hold more than MaxAccessCells.
func bboxCells(b orb.Bound, res int) ([]h3.Cell, error) {
	area, err := h3.HexagonAreaAvgM2(res)
	if err != nil {
		return nil, fmt.Errorf("cell area at res %d: %w", res, err)
	}
	bboxM2 := geo.DistanceM(orb.Point{b.Min.Lon(), b.Min.Lat()}, orb.Point{b.Max.Lon(), b.Min.Lat()}) *
		geo.DistanceM(orb.Point{b.Min.Lon(), b.Min.Lat()}, orb.Point{b.Min.Lon(), b.Max.Lat()})
	if bboxM2/area > MaxAccessCells {
		return nil, quarterhour.Invalid("bbox", "bbox covers about %.0f km², more than the %d cells (%.0f km²) one request may hold; zoom in",
			bboxM2/1e6, MaxAccessCells, MaxAccessCells*area/1e6)
	}
	loop := h3.GeoLoop{
		h3.NewLatLng(b.Min.Lat(), b.Min.Lon()), h3.NewLatLng(b.Min.Lat(), b.Max.Lon()),
		h3.NewLatLng(b.Max.Lat(), b.Max.Lon()), h3.NewLatLng(b.Max.Lat(), b.Min.Lon()),
	}
	cells, err := h3.PolygonToCells(h3.GeoPolygon{GeoLoop: loop}, res)
	if err != nil {
		return nil, fmt.Errorf("cells of bbox: %w", err)
	}
	slices.Sort(cells)
	return cells, nil
}

// KnownDistrict checks that d is given and exists: a county of the stored
// regions, or a label outside China that communities carry.
func (a *App) KnownDistrict(ctx context.Context, d string) error {
	if d == "" {
		return quarterhour.Invalid("district", "district is required")
	}
	if !ValidDistrict(d) {
		return quarterhour.Invalid("district", "district %q is neither a 6-digit county code nor a label such as PT1312", d)
	}
	ix, err := a.Counties(ctx)
	if err != nil {
		return err
	}
	if _, ok := ix.Names()[d]; ok {
		return nil
	}
	ok, err := a.LabelledDistrict(ctx, d)
	if err != nil {
		return err
	}
	if !ok {
		return quarterhour.Invalid("district", "unknown district %q", d)
	}
	return nil
}

// Gap is a category's population beyond the walk in one community.
type Gap struct {
	Uncovered int     `json:"uncovered"`
	Share     float64 `json:"share"` // uncovered / population
}

// CommunityGaps are one community's gaps by basic category.
type CommunityGaps struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Population int            `json:"population"`
	Gaps       map[string]Gap `json:"gaps"`
}

// Gaps returns the basic categories and, per community of district, the
// population of each that lives beyond budgetM metres' walk of it.
func (a *App) Gaps(ctx context.Context, district string, budgetM float64) ([]string, []CommunityGaps, error) {
	if err := a.KnownDistrict(ctx, district); err != nil {
		return nil, nil, err
	}
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return nil, nil, err
	}
	ids, err := ix.CommunitiesIn(district)
	if err != nil {
		return nil, nil, accessError("", err)
	}
	cats := basicCategories(ix)
	out := []CommunityGaps{}
	at := map[int64]int{} // community ID -> index in out
	for _, cat := range cats {
		cov, err := ix.NeedsCoverage(ctx, ids, []string{cat}, budgetM)
		if err != nil {
			return nil, nil, accessError("", err)
		}
		for _, c := range cov {
			i, ok := at[c.CommunityID]
			if !ok {
				i = len(out)
				at[c.CommunityID] = i
				out = append(out, CommunityGaps{ID: c.CommunityID, Name: c.Name, Population: c.Population, Gaps: map[string]Gap{}})
			}
			share := 0.0
			if c.Population > 0 {
				share = float64(c.Uncovered) / float64(c.Population)
			}
			out[i].Gaps[cat] = Gap{Uncovered: c.Uncovered, Share: share}
		}
	}
	return cats, out, nil
}

// Suggest ranks up to n (1 to MaxSuggest) cells of district as sites for a
// new outlet of category by the residents beyond budgetM metres' walk each
// would bring within it.
func (a *App) Suggest(ctx context.Context, category, district string, budgetM float64, n int) ([]geo.Suggestion, error) {
	if err := a.KnownDistrict(ctx, district); err != nil {
		return nil, err
	}
	if n < 1 || n > MaxSuggest {
		return nil, quarterhour.Invalid("n", "n must be 1 to %d", MaxSuggest)
	}
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkCategory(ix, category, true); err != nil {
		return nil, err
	}
	ids, err := ix.CommunitiesIn(district)
	if err != nil {
		return nil, accessError("", err)
	}
	sug, err := ix.Suggest(ctx, category, ids, budgetM, n)
	return sug, accessError("", err)
}

// Simulate computes the coverage within budgetM metres today and with the
// outlets of sc opened and closed, storing nothing: of the communities of
// district (6 digits) when given, else of those within reach of a change.
func (a *App) Simulate(ctx context.Context, sc access.Scenario, district string, budgetM float64) (*access.ScenarioOutcome, error) {
	if len(sc.Add) == 0 && len(sc.Remove) == 0 {
		return nil, quarterhour.Invalid("add", "give outlets to add or remove")
	}
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return nil, err
	}
	for i, s := range sc.Add {
		field := fmt.Sprintf("add[%d]", i)
		if _, err := ix.Category(s.Category); err != nil {
			return nil, quarterhour.Invalid(field+".category", "%v", err)
		}
		if err := geo.ValidateLonLat(s.Point); err != nil {
			return nil, quarterhour.Invalid(field+".lon", "%v", err)
		}
	}
	if district != "" {
		if !SixDigits.MatchString(district) {
			return nil, quarterhour.Invalid("district", "district %q is not a 6-digit county code", district)
		}
		if sc.CommunityIDs, err = ix.CommunitiesIn(district); err != nil {
			return nil, accessError("", err)
		}
	}
	res, err := ix.Simulate(ctx, sc, budgetM)
	if errors.Is(err, quarterhour.ErrNotFound) {
		return nil, quarterhour.Invalid("remove", "%v", err)
	}
	return res, accessError("add", err)
}

// CircleCoverage is what a circle reaches on foot from its centres.
type CircleCoverage struct {
	Circle      quarterhour.Circle
	Isochrone   *geo.Isochrone
	Outlets     []access.OutletHit         // nearest first
	Communities []access.CommunityCoverage // the circle's own
}

// CircleCoverage returns circle id's isochrone within budgetM, the outlets
// inside it and the covered population of each community it serves.
func (a *App) CircleCoverage(ctx context.Context, id int64, budgetM float64) (CircleCoverage, error) {
	var out CircleCoverage
	c, err := a.GetCircle(ctx, id)
	if err != nil {
		return out, err
	}
	out.Circle = c
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return out, err
	}
	if out.Isochrone, err = ix.Isochrone(ctx, c.Centers, budgetM, geo.DefaultRes); err != nil {
		return out, accessError("centers", err)
	}
	if out.Outlets, err = ix.OutletsWithin(ctx, c.Centers, budgetM); err != nil {
		return out, accessError("centers", err)
	}
	ids := c.CommunityIDs
	if ids == nil {
		ids = []int64{} // none, not every community
	}
	out.Communities, err = ix.CoverageFrom(ctx, c.Centers, budgetM, ids)
	return out, accessError("centers", err)
}

// CategoryCoverage is a community's coverage by one category.
type CategoryCoverage struct {
	access.CategoryAccess
	Tier string
}

// CommunityCoverage returns community id's basic-needs coverage (every
// basic category within budgetM) and its coverage per category.
func (a *App) CommunityCoverage(ctx context.Context, id int64, budgetM float64) (access.CommunityCoverage, []CategoryCoverage, error) {
	var basic access.CommunityCoverage
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return basic, nil, err
	}
	acc, err := ix.CommunityAccess(ctx, id, nil, budgetM)
	if err != nil {
		return basic, nil, accessError("", err)
	}
	cov, err := ix.NeedsCoverage(ctx, []int64{id}, basicCategories(ix), budgetM)
	if err != nil {
		return basic, nil, accessError("", err)
	}
	tiers := map[string]string{}
	for _, c := range ix.Categories() {
		tiers[c.Code] = c.Tier
	}
	out := make([]CategoryCoverage, len(acc))
	for i, ca := range acc {
		out[i] = CategoryCoverage{CategoryAccess: ca, Tier: tiers[ca.Category]}
	}
	return cov[0], out, nil
}

// NetworkEdges returns up to limit edges of the walking networks meeting b.
func (a *App) NetworkEdges(ctx context.Context, b orb.Bound, limit int) ([]access.EdgeFeature, error) {
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return nil, err
	}
	es, _, err := ix.Edges(ctx, b, limit)
	if err != nil {
		return nil, fmt.Errorf("network edges: %w", err)
	}
	return es, nil
}

// ReloadAccess reloads the access index from the store, for a running
// server after an import; only an admin may.
func (a *App) ReloadAccess(ctx context.Context, u *quarterhour.User) (access.Stats, error) {
	if u == nil {
		return access.Stats{}, errLoginRequired
	}
	if u.Role != quarterhour.RoleAdmin {
		return access.Stats{}, quarterhour.Forbidden("", "only an admin may reload the engine")
	}
	if err := a.access.Reload(ctx); err != nil {
		return access.Stats{}, err
	}
	return a.access.Stats(), nil
}

// CategoryAccess returns the loaded index and a checked, required category
// code, for questions asked of one category's surface (gap tiles).
func (a *App) CategoryAccess(ctx context.Context, code string) (*access.Index, error) {
	ix, err := a.walkIndex(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkCategory(ix, code, true); err != nil {
		return nil, err
	}
	return ix, nil
}

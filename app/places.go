package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// CountyIndex finds the county-level unit containing a point.
type CountyIndex struct {
	names    map[string]string // 6-digit code -> name, every county
	Polygons []CountyPolygon   // counties with a boundary
}

// CountyPolygon is one county's boundary.
type CountyPolygon struct {
	Code     string
	Boundary orb.MultiPolygon
	Bound    orb.Bound
}

// Locate returns the 6-digit code of the county containing p, "" if none.
func (ix *CountyIndex) Locate(p orb.Point) string {
	for _, c := range ix.Polygons {
		if c.Bound.Contains(p) && planar.MultiPolygonContains(c.Boundary, p) {
			return c.Code
		}
	}
	return ""
}

// Names maps every county's 6-digit code to its name.
func (ix *CountyIndex) Names() map[string]string { return ix.names }

// Label is a county's code and name, "370811 任城区".
func (ix *CountyIndex) Label(code string) string {
	if n, ok := ix.names[code]; ok {
		return fmt.Sprintf("%s %s", code, n)
	}
	return code
}

// countyIndex loads the county boundaries once; an empty database is not
// cached, so seeding while serving takes effect.
func (a *App) Counties(ctx context.Context) (*CountyIndex, error) {
	a.countiesMu.Lock()
	defer a.countiesMu.Unlock()
	if a.counties != nil {
		return a.counties, nil
	}
	rs, err := a.store.ListRegions(ctx, store.RegionFilter{Level: quarterhour.LevelCounty})
	if err != nil {
		return nil, fmt.Errorf("load county boundaries: %w", err)
	}
	ix := &CountyIndex{names: make(map[string]string, len(rs))}
	for _, r := range rs {
		code := countyCode(r)
		ix.names[code] = r.Name
		if len(r.Boundary) > 0 {
			ix.Polygons = append(ix.Polygons, CountyPolygon{Code: code, Boundary: r.Boundary, Bound: r.Boundary.Bound()})
		}
	}
	if len(rs) > 0 {
		a.counties = ix
	}
	return ix, nil
}

func countyCode(r quarterhour.Region) string {
	if r.County != "" {
		return r.County
	}
	if len(r.Code) >= 6 {
		return r.Code[:6]
	}
	return r.Code
}

// SixDigits matches a 6-digit NBS county code.
var SixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// placePoint checks p (named field in errors) and returns the district it
// belongs to: the given district when p lies in it (or in a host county of a
// boundaryless zone), otherwise the county containing p when district is
// empty. Points outside every county, and districts that do not match the
// point, are errors; swapped axes are called out.
func (a *App) PlacePoint(ctx context.Context, p orb.Point, field, district string) (string, error) {
	if err := geo.ValidateLonLat(p); err != nil {
		return "", quarterhour.Invalid(field, "%v", err)
	}
	if district != "" && !SixDigits.MatchString(district) {
		return "", quarterhour.Invalid("district", "district %q is not a 6-digit county code", district)
	}
	ix, err := a.Counties(ctx)
	if err != nil {
		return "", err
	}
	if district != "" && len(ix.names) > 0 {
		if _, ok := ix.names[district]; !ok {
			return "", quarterhour.Invalid("district", "unknown district %q", district)
		}
	}
	if len(ix.Polygons) == 0 {
		// Without boundaries there is nothing to place the point in.
		if district == "" {
			return "", quarterhour.Invalid("district", "district is required (no county boundaries are loaded)")
		}
		return district, nil
	}
	in := ix.Locate(p)
	if in == "" {
		if ix.Locate(orb.Point{p[1], p[0]}) != "" {
			return "", quarterhour.Invalid(field, "point %.6f,%.6f lies outside the city; longitude and latitude look swapped", p[0], p[1])
		}
		return "", quarterhour.Invalid(field, "point %.6f,%.6f lies outside every county of the city", p[0], p[1])
	}
	switch {
	case district == "", district == in:
		return in, nil
	case slices.Contains(a.zoneHosts[district], in):
		return district, nil
	default:
		return "", quarterhour.Invalid("district", "point lies in %s, not in district %s", ix.Label(in), ix.Label(district))
	}
}

// categorySet returns the known category codes.
func (a *App) CategorySet(ctx context.Context) (map[string]quarterhour.Category, error) {
	cs, err := a.store.ListCategories(ctx)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	m := make(map[string]quarterhour.Category, len(cs))
	for _, c := range cs {
		m[c.Code] = c
	}
	return m, nil
}

// OutletServices lists the services an outlet may offer.
var OutletServices = []string{
	quarterhour.ServiceBillPayment, quarterhour.ServicePayAgency, quarterhour.ServiceHomeVisit, quarterhour.ServiceOnlineOrder,
	quarterhour.ServiceDelivery, quarterhour.ServiceSmartLocker, quarterhour.ServiceSmartPayment,
}

// OutletSources lists where an outlet record may come from.
var OutletSources = []string{"manual", "osm", "amap", "demo", "csv"}

// validateOutlet checks o and fills what the server derives: trimmed name,
// default status and source, the district from the point, the H3 cell.
func (a *App) ValidateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	cats, err := a.CategorySet(ctx)
	if err != nil {
		return err
	}
	return a.CheckOutlet(ctx, o, cats)
}

// checkOutlet is validateOutlet with the categories loaded once, for
// checking many outlets.
func (a *App) CheckOutlet(ctx context.Context, o *quarterhour.Outlet, cats map[string]quarterhour.Category) error {
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		return quarterhour.Invalid("name", "name is required")
	}
	if o.Category == "" {
		return quarterhour.Invalid("category", "category is required")
	}
	if _, ok := cats[o.Category]; !ok {
		return quarterhour.Invalid("category", "unknown category %q", o.Category)
	}
	switch o.Status {
	case "":
		o.Status = quarterhour.OutletOpen
	case quarterhour.OutletOpen, quarterhour.OutletClosed:
	default:
		return quarterhour.Invalid("status", "status must be %q or %q, not %q", quarterhour.OutletOpen, quarterhour.OutletClosed, o.Status)
	}
	for _, sv := range o.Services {
		if !slices.Contains(OutletServices, sv) {
			return quarterhour.Invalid("services", "unknown service %q (known: %s)", sv, strings.Join(OutletServices, ", "))
		}
	}
	if err := checkDate("opened_on", o.OpenedOn); err != nil {
		return err
	}
	if err := checkDate("closed_on", o.ClosedOn); err != nil {
		return err
	}
	if o.FloorAreaM2 < 0 {
		return quarterhour.Invalid("floor_area_m2", "floor area cannot be negative")
	}
	if o.Source == "" {
		o.Source = "manual"
	}
	if !slices.Contains(OutletSources, o.Source) {
		return quarterhour.Invalid("source", "unknown source %q (known: %s)", o.Source, strings.Join(OutletSources, ", "))
	}
	district, err := a.PlacePoint(ctx, o.Point, "geometry", o.District)
	if err != nil {
		return err
	}
	o.District = district
	cell, err := geo.CellOf(o.Point, geo.DefaultRes)
	if err != nil {
		return quarterhour.Invalid("geometry", "no H3 cell for the point: %v", err)
	}
	o.H3 = cell.String()
	return nil
}

func checkDate(field, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return quarterhour.Invalid(field, "%q is not a date in the form YYYY-MM-DD", v)
	}
	return nil
}

// validateCommunity checks c: a name, a known region (its county is the
// default district), a valid polygon lying in that district, and
// non-negative figures.
func (a *App) ValidateCommunity(ctx context.Context, c *quarterhour.Community) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return quarterhour.Invalid("name", "name is required")
	}
	if c.RegionCode == "" {
		return quarterhour.Invalid("region_code", "region_code (12-digit code of the community's 社区居委会 or town) is required")
	}
	r, err := a.store.GetRegion(ctx, c.RegionCode)
	if err != nil {
		if errors.Is(err, quarterhour.ErrNotFound) {
			return quarterhour.Invalid("region_code", "unknown region %q", c.RegionCode)
		}
		return fmt.Errorf("look up region %s: %w", c.RegionCode, err)
	}
	fromRegion := c.District == ""
	if fromRegion {
		c.District = countyCode(r)
	}
	if rc := countyCode(r); rc != c.District {
		return quarterhour.Invalid("region_code", "region %s (%s) is not in district %s", r.Code, r.Name, c.District)
	}
	if err := geo.ValidateMultiPolygon(c.Polygon); err != nil {
		return quarterhour.Invalid("geometry", "%v", err)
	}
	if _, err := a.PlacePoint(ctx, RepresentativePoint(c.Polygon), "geometry", c.District); err != nil {
		if e, ok := err.(*quarterhour.Error); ok && e.Field == "district" && fromRegion {
			return quarterhour.Invalid("region_code", "the polygon does not lie in the district of region %s (%s): %s", r.Code, r.Name, e.Message)
		}
		return err
	}
	for field, v := range map[string]float64{
		"population": float64(c.Population), "households": float64(c.Households),
		"building_area_m2": c.BuildingAreaM2, "commercial_area_m2": c.CommercialAreaM2,
		"service_facility_area_m2": c.ServiceFacilityAreaM2,
	} {
		if v < 0 {
			return quarterhour.Invalid(field, "%s cannot be negative", field)
		}
	}
	switch {
	case c.Population > quarterhour.MaxCommunityPopulation:
		return quarterhour.Invalid("population", "%d residents is more than any one community holds (at most %d); split it or correct the figure", c.Population, quarterhour.MaxCommunityPopulation)
	case c.Households > c.Population:
		return quarterhour.Invalid("households", "%d households is more than the %d residents", c.Households, c.Population)
	}
	return nil
}

// representativePoint is a point standing for mp when placing it in a
// county: the centroid of its largest polygon when that lies inside the
// polygon, else the polygon's first vertex.
func RepresentativePoint(mp orb.MultiPolygon) orb.Point {
	var best orb.Polygon
	bestArea := -1.0
	for _, p := range mp {
		if a := planar.Area(p); a > bestArea {
			best, bestArea = p, a
		}
	}
	c, _ := planar.CentroidArea(best)
	if planar.PolygonContains(best, c) {
		return c
	}
	return best[0][0]
}

var (
	// CircleLayouts lists the circle layout types.
	CircleLayouts = []string{quarterhour.LayoutCluster, quarterhour.LayoutBlock, quarterhour.LayoutScattered}
)

// validateCircle checks c: name, layout, status, years, centres inside the
// city and the district, and that every community exists and belongs to
// the circle's district.
func (a *App) ValidateCircle(ctx context.Context, c *quarterhour.Circle) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return quarterhour.Invalid("name", "name is required")
	}
	if !slices.Contains(CircleLayouts, c.Layout) {
		return quarterhour.Invalid("layout", "layout must be one of %s, not %q", strings.Join(CircleLayouts, ", "), c.Layout)
	}
	if c.Status == "" {
		c.Status = quarterhour.CirclePlanned
	}
	if !slices.Contains(quarterhour.CircleStatuses, c.Status) {
		return quarterhour.Invalid("status", "status must be one of %s, not %q", strings.Join(quarterhour.CircleStatuses, ", "), c.Status)
	}
	for field, y := range map[string]int{"planned_year": c.PlannedYear, "completed_year": c.CompletedYear} {
		if y != 0 && (y < 2000 || y > 2100) {
			return quarterhour.Invalid(field, "year %d is out of range", y)
		}
	}
	if c.Status == quarterhour.CircleCompleted && c.CompletedYear == 0 {
		return quarterhour.Invalid("completed_year", "a completed circle needs its completed_year")
	}
	if len(c.Centers) == 0 {
		return quarterhour.Invalid("geometry", "at least one centre point is required")
	}
	for i, p := range c.Centers {
		field := "geometry"
		if len(c.Centers) > 1 {
			field = fmt.Sprintf("geometry.coordinates[%d]", i)
		}
		d, err := a.PlacePoint(ctx, p, field, c.District)
		if err != nil {
			return err
		}
		c.District = d
	}
	if len(c.CommunityIDs) == 0 {
		return quarterhour.Invalid("community_ids", "a circle serves at least one community")
	}
	seen := make(map[int64]bool, len(c.CommunityIDs))
	for _, id := range c.CommunityIDs {
		if seen[id] {
			return quarterhour.Invalid("community_ids", "community %d is listed twice", id)
		}
		seen[id] = true
		cm, err := a.store.GetCommunity(ctx, id)
		if err != nil {
			if errors.Is(err, quarterhour.ErrNotFound) {
				return quarterhour.Invalid("community_ids", "no community %d", id)
			}
			return fmt.Errorf("look up community %d: %w", id, err)
		}
		if cm.District != c.District && !slices.Contains(a.zoneHosts[c.District], cm.District) {
			return quarterhour.Invalid("community_ids", "community %d (%s) is in district %s, not %s", id, cm.Name, cm.District, c.District)
		}
	}
	return nil
}

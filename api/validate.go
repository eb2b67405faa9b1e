package api

import (
	"context"
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

// countyIndex finds the county-level unit containing a point.
type countyIndex struct {
	names    map[string]string // 6-digit code -> name, every county
	polygons []countyPolygon   // counties with a boundary
}

type countyPolygon struct {
	code     string
	boundary orb.MultiPolygon
	bound    orb.Bound
}

// locate returns the 6-digit code of the county containing p, "" if none.
func (ix *countyIndex) locate(p orb.Point) string {
	for _, c := range ix.polygons {
		if c.bound.Contains(p) && planar.MultiPolygonContains(c.boundary, p) {
			return c.code
		}
	}
	return ""
}

func (ix *countyIndex) label(code string) string {
	if n, ok := ix.names[code]; ok {
		return fmt.Sprintf("%s %s", code, n)
	}
	return code
}

// countyIndex loads the county boundaries once; an empty database is not
// cached, so seeding while serving takes effect.
func (s *Server) countyIndex(ctx context.Context) (*countyIndex, error) {
	s.countiesMu.Lock()
	defer s.countiesMu.Unlock()
	if s.counties != nil {
		return s.counties, nil
	}
	rs, err := s.store.ListRegions(ctx, store.RegionFilter{Level: quarterhour.LevelCounty})
	if err != nil {
		return nil, fmt.Errorf("load county boundaries: %w", err)
	}
	ix := &countyIndex{names: make(map[string]string, len(rs))}
	for _, r := range rs {
		code := countyCode(r)
		ix.names[code] = r.Name
		if len(r.Boundary) > 0 {
			ix.polygons = append(ix.polygons, countyPolygon{code: code, boundary: r.Boundary, bound: r.Boundary.Bound()})
		}
	}
	if len(rs) > 0 {
		s.counties = ix
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

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// placePoint checks p (named field in errors) and returns the district it
// belongs to: the given district when p lies in it (or in a host county of a
// boundaryless zone), otherwise the county containing p when district is
// empty. Points outside every county, and districts that do not match the
// point, are errors; swapped axes are called out.
func (s *Server) placePoint(ctx context.Context, p orb.Point, field, district string) (string, error) {
	if err := geo.ValidateLonLat(p); err != nil {
		return "", badRequest(field, "%v", err)
	}
	if district != "" && !sixDigits.MatchString(district) {
		return "", badRequest("district", "district %q is not a 6-digit county code", district)
	}
	ix, err := s.countyIndex(ctx)
	if err != nil {
		return "", err
	}
	if district != "" && len(ix.names) > 0 {
		if _, ok := ix.names[district]; !ok {
			return "", badRequest("district", "unknown district %q", district)
		}
	}
	if len(ix.polygons) == 0 {
		// Without boundaries there is nothing to place the point in.
		if district == "" {
			return "", badRequest("district", "district is required (no county boundaries are loaded)")
		}
		return district, nil
	}
	in := ix.locate(p)
	if in == "" {
		if ix.locate(orb.Point{p[1], p[0]}) != "" {
			return "", badRequest(field, "point %.6f,%.6f lies outside the city; longitude and latitude look swapped", p[0], p[1])
		}
		return "", badRequest(field, "point %.6f,%.6f lies outside every county of the city", p[0], p[1])
	}
	switch {
	case district == "", district == in:
		return in, nil
	case slices.Contains(s.zoneHosts[district], in):
		return district, nil
	default:
		return "", badRequest("district", "point lies in %s, not in district %s", ix.label(in), ix.label(district))
	}
}

// categorySet returns the known category codes.
func (s *Server) categorySet(ctx context.Context) (map[string]quarterhour.Category, error) {
	cs, err := s.store.ListCategories(ctx)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	m := make(map[string]quarterhour.Category, len(cs))
	for _, c := range cs {
		m[c.Code] = c
	}
	return m, nil
}

var knownServices = []string{
	quarterhour.ServiceBillPayment, quarterhour.ServicePayAgency, quarterhour.ServiceHomeVisit, quarterhour.ServiceOnlineOrder,
	quarterhour.ServiceDelivery, quarterhour.ServiceSmartLocker, quarterhour.ServiceSmartPayment,
}

var knownSources = []string{"manual", "osm", "amap", "demo", "csv"}

// validateOutlet checks o and fills what the server derives: trimmed name,
// default status and source, the district from the point, the H3 cell.
func (s *Server) validateOutlet(ctx context.Context, o *quarterhour.Outlet) error {
	cats, err := s.categorySet(ctx)
	if err != nil {
		return err
	}
	return s.checkOutlet(ctx, o, cats)
}

// checkOutlet is validateOutlet with the categories loaded once, for
// checking many outlets.
func (s *Server) checkOutlet(ctx context.Context, o *quarterhour.Outlet, cats map[string]quarterhour.Category) error {
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		return badRequest("name", "name is required")
	}
	if o.Category == "" {
		return badRequest("category", "category is required")
	}
	if _, ok := cats[o.Category]; !ok {
		return badRequest("category", "unknown category %q", o.Category)
	}
	switch o.Status {
	case "":
		o.Status = quarterhour.OutletOpen
	case quarterhour.OutletOpen, quarterhour.OutletClosed:
	default:
		return badRequest("status", "status must be %q or %q, not %q", quarterhour.OutletOpen, quarterhour.OutletClosed, o.Status)
	}
	for _, sv := range o.Services {
		if !slices.Contains(knownServices, sv) {
			return badRequest("services", "unknown service %q (known: %s)", sv, strings.Join(knownServices, ", "))
		}
	}
	if err := checkDate("opened_on", o.OpenedOn); err != nil {
		return err
	}
	if err := checkDate("closed_on", o.ClosedOn); err != nil {
		return err
	}
	if o.FloorAreaM2 < 0 {
		return badRequest("floor_area_m2", "floor area cannot be negative")
	}
	if o.Source == "" {
		o.Source = "manual"
	}
	if !slices.Contains(knownSources, o.Source) {
		return badRequest("source", "unknown source %q (known: %s)", o.Source, strings.Join(knownSources, ", "))
	}
	district, err := s.placePoint(ctx, o.Point, "geometry", o.District)
	if err != nil {
		return err
	}
	o.District = district
	cell, err := geo.CellOf(o.Point, geo.DefaultRes)
	if err != nil {
		return badRequest("geometry", "no H3 cell for the point: %v", err)
	}
	o.H3 = cell.String()
	return nil
}

func checkDate(field, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return badRequest(field, "%q is not a date in the form YYYY-MM-DD", v)
	}
	return nil
}

// validateCommunity checks c: a name, a known region (its county is the
// default district), a valid polygon lying in that district, and
// non-negative figures.
func (s *Server) validateCommunity(ctx context.Context, c *quarterhour.Community) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return badRequest("name", "name is required")
	}
	if c.RegionCode == "" {
		return badRequest("region_code", "region_code (12-digit code of the community's 社区居委会 or town) is required")
	}
	r, err := s.store.GetRegion(ctx, c.RegionCode)
	if err != nil {
		if isNotFound(err) {
			return badRequest("region_code", "unknown region %q", c.RegionCode)
		}
		return fmt.Errorf("look up region %s: %w", c.RegionCode, err)
	}
	fromRegion := c.District == ""
	if fromRegion {
		c.District = countyCode(r)
	}
	if rc := countyCode(r); rc != c.District {
		return badRequest("region_code", "region %s (%s) is not in district %s", r.Code, r.Name, c.District)
	}
	if err := geo.ValidateMultiPolygon(c.Polygon); err != nil {
		return badRequest("geometry", "%v", err)
	}
	if _, err := s.placePoint(ctx, representativePoint(c.Polygon), "geometry", c.District); err != nil {
		if e, ok := err.(*Error); ok && e.Field == "district" && fromRegion {
			return badRequest("region_code", "the polygon does not lie in the district of region %s (%s): %s", r.Code, r.Name, e.Message)
		}
		return err
	}
	for field, v := range map[string]float64{
		"population": float64(c.Population), "households": float64(c.Households),
		"building_area_m2": c.BuildingAreaM2, "commercial_area_m2": c.CommercialAreaM2,
		"service_facility_area_m2": c.ServiceFacilityAreaM2,
	} {
		if v < 0 {
			return badRequest(field, "%s cannot be negative", field)
		}
	}
	return nil
}

// representativePoint is a point standing for mp when placing it in a
// county: the centroid of its largest polygon when that lies inside the
// polygon, else the polygon's first vertex.
func representativePoint(mp orb.MultiPolygon) orb.Point {
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
	knownLayouts        = []string{quarterhour.LayoutCluster, quarterhour.LayoutBlock, quarterhour.LayoutScattered}
	knownCircleStatuses = []string{quarterhour.CirclePlanned, quarterhour.CircleBuilding, quarterhour.CircleCompleted}
)

// validateCircle checks c: name, layout, status, years, centres inside the
// city and the district, and that every community exists and belongs to
// the circle's district.
func (s *Server) validateCircle(ctx context.Context, c *quarterhour.Circle) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return badRequest("name", "name is required")
	}
	if !slices.Contains(knownLayouts, c.Layout) {
		return badRequest("layout", "layout must be one of %s, not %q", strings.Join(knownLayouts, ", "), c.Layout)
	}
	if c.Status == "" {
		c.Status = quarterhour.CirclePlanned
	}
	if !slices.Contains(knownCircleStatuses, c.Status) {
		return badRequest("status", "status must be one of %s, not %q", strings.Join(knownCircleStatuses, ", "), c.Status)
	}
	for field, y := range map[string]int{"planned_year": c.PlannedYear, "completed_year": c.CompletedYear} {
		if y != 0 && (y < 2000 || y > 2100) {
			return badRequest(field, "year %d is out of range", y)
		}
	}
	if c.Status == quarterhour.CircleCompleted && c.CompletedYear == 0 {
		return badRequest("completed_year", "a completed circle needs its completed_year")
	}
	if len(c.Centers) == 0 {
		return badRequest("geometry", "at least one centre point is required")
	}
	for i, p := range c.Centers {
		field := "geometry"
		if len(c.Centers) > 1 {
			field = fmt.Sprintf("geometry.coordinates[%d]", i)
		}
		d, err := s.placePoint(ctx, p, field, c.District)
		if err != nil {
			return err
		}
		c.District = d
	}
	if len(c.CommunityIDs) == 0 {
		return badRequest("community_ids", "a circle serves at least one community")
	}
	seen := make(map[int64]bool, len(c.CommunityIDs))
	for _, id := range c.CommunityIDs {
		if seen[id] {
			return badRequest("community_ids", "community %d is listed twice", id)
		}
		seen[id] = true
		cm, err := s.store.GetCommunity(ctx, id)
		if err != nil {
			if isNotFound(err) {
				return badRequest("community_ids", "no community %d", id)
			}
			return fmt.Errorf("look up community %d: %w", id, err)
		}
		if cm.District != c.District && !slices.Contains(s.zoneHosts[c.District], cm.District) {
			return badRequest("community_ids", "community %d (%s) is in district %s, not %s", id, cm.Name, cm.District, c.District)
		}
	}
	return nil
}

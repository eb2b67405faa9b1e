package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/store"
)

// ImportKindCommunitiesGeoJSON is the Import.Kind of a community register
// import from GeoJSON.
const ImportKindCommunitiesGeoJSON = "communities-" + string(FormatGeoJSON)

// CommunitySources are the sources a community register may name.
var CommunitySources = []string{"register", "manual", "osm", "demo"}

// Fields of a community register.
const (
	fieldPopulation = "population"
	fieldHouseholds = "households"
	fieldBuilding   = "building_area_m2"
	fieldIsNew      = "is_new"
	fieldRegion     = "region_code"
)

var communityFieldNames = fieldNames{
	"name": fieldName, "名称": fieldName, "社区名称": fieldName, "小区名称": fieldName,
	"population": fieldPopulation, "人口": fieldPopulation, "常住人口": fieldPopulation,
	"households": fieldHouseholds, "户数": fieldHouseholds,
	"building_area_m2": fieldBuilding, "建筑面积": fieldBuilding, "building_area": fieldBuilding, "building_a": fieldBuilding,
	"is_new": fieldIsNew, "新建": fieldIsNew, "是否新建": fieldIsNew,
	"region_code": fieldRegion, "区划代码": fieldRegion, "region_cod": fieldRegion,
	"district": fieldDistrict, "区县": fieldDistrict, "区县代码": fieldDistrict,
	"ref": fieldRef, "编号": fieldRef, "id": fieldRef,
}

// CommunityRegisterFields lists, sorted, the property names a community
// register may use.
func CommunityRegisterFields() []string { return communityFieldNames.aliases("") }

var communityRegister = registerKind[quarterhour.Community]{
	plural: "communities", singular: "community",
	sources:      CommunitySources,
	formats:      []RegisterFormat{FormatGeoJSON, FormatShapefile},
	formatAdvice: "communities need their boundary polygons: send GeoJSON or a zipped Shapefile",
	names:        communityFieldNames,
	stored: func(ctx context.Context, st store.Store, source string) ([]quarterhour.Community, error) {
		all, err := st.ListCommunities(ctx, store.CommunityFilter{})
		var out []quarterhour.Community
		for _, c := range all {
			if c.Source == source && c.SourceRef != "" {
				out = append(out, c)
			}
		}
		return out, err
	},
	ref:    func(c quarterhour.Community) string { return c.SourceRef },
	upsert: store.Store.UpsertCommunities,
	mapper: func(_ context.Context, b *registerBatch[quarterhour.Community], _ *ImportReport) (recordMapper[quarterhour.Community], error) {
		return communityMapper{b}, nil
	},
}

// ImportCommunities imports a community register (社区 register: Polygon or
// MultiPolygon features of GeoJSON or a zipped Shapefile) for u (nil:
// anonymous, refused): every polygon is converted from the file's CRS to
// WGS-84 and checked as a community created by hand is (a known region, a valid polygon inside its district,
// non-negative figures), and the good ones are upserted by (req.Source,
// ref) in one transaction that also records the batch. Features are
// rejected one by one with their 1-based index as the row; a file that
// cannot be read as such a register is a *quarterhour.Error and nothing is
// written. A feature without region_code takes the county its polygon lies
// in. A district user imports only its own district's communities.
func (a *App) ImportCommunities(ctx context.Context, u *quarterhour.User, r io.Reader, req RegisterImport) (*ImportReport, error) {
	return importRegister(ctx, a, u, r, req, &communityRegister)
}

type communityMapper struct {
	*registerBatch[quarterhour.Community]
}

func (m communityMapper) value(ctx context.Context, rec registerRecord, f fields) (quarterhour.Community, *Rejection, error) {
	row := rec.row
	reject := func(field, format string, args ...any) (quarterhour.Community, *Rejection, error) {
		return quarterhour.Community{}, &Rejection{Row: row, Field: field, Reason: fmt.Sprintf(format, args...)}, nil
	}
	name := f.text(fieldName)
	if name == "" {
		return reject(fieldName, "name (名称) is required")
	}
	var raw orb.MultiPolygon
	switch g := rec.geometry.(type) {
	case orb.MultiPolygon:
		raw = g
	case orb.Polygon:
		raw = orb.MultiPolygon{g}
	case nil:
		if rec.badGeometry != "" {
			return reject("geometry", "%s", rec.badGeometry)
		}
		return reject("geometry", "a Polygon or MultiPolygon geometry is required")
	default:
		return reject("geometry", "want a Polygon or MultiPolygon geometry, got %s", g.GeoJSONType())
	}
	if !m.req.CRS.IsProjected() {
		// Degrees are checked as given, so a swapped pair is named.
		if err := geo.ValidateMultiPolygon(raw); err != nil {
			return reject("geometry", "%v", err)
		}
	}
	poly, err := multiPolygonToWGS84(raw, m.req.CRS)
	if err != nil {
		return reject("geometry", "%v", err)
	}
	if m.req.CRS.IsProjected() {
		if err := geo.ValidateMultiPolygon(poly); err != nil {
			return reject("geometry", "%v", err)
		}
	}
	ref := f.text(fieldRef)
	given := ref != ""
	if !given {
		ref = contentRef(name, RepresentativePoint(poly))
	}
	if rej := m.claimRef(row, ref, given, "same name and place as feature %d", "ref %q is used again (first by feature %d)"); rej != nil {
		return quarterhour.Community{}, rej, nil
	}

	old, exists := m.existing[ref]
	c := old
	c.ID, c.Version = 0, 0
	c.Name, c.Polygon = name, poly
	c.Source, c.SourceRef, c.OriginalCRS = m.req.Source, ref, crsRecord(m.req.CRS)
	c.Synthetic = false
	for field, dst := range map[string]*int{fieldPopulation: &c.Population, fieldHouseholds: &c.Households} {
		v, ok := f[field]
		if !ok {
			continue
		}
		n, err := wholeNumber(v)
		if err != nil {
			return reject(field, "%v", err)
		}
		*dst = n
		if field == fieldPopulation {
			c.PopulationEstimated = false
		}
	}
	if v, ok := f[fieldBuilding]; ok {
		a, err := parseArea(fmt.Sprint(v))
		if err != nil {
			return reject(fieldBuilding, "%v", err)
		}
		c.BuildingAreaM2 = a
	}
	if v, ok := f[fieldIsNew]; ok {
		b, isBool := v.(bool)
		if !isBool {
			if b, isBool = parseYesNo(fmt.Sprint(v)); !isBool {
				return reject(fieldIsNew, "%v is not yes or no (是/否, 1/0, true/false)", v)
			}
		}
		c.IsNew = b
	}
	district, rej := m.district(row, f.text(fieldDistrict), ref, exists, old.District)
	if rej != nil {
		return quarterhour.Community{}, rej, nil
	}
	if region := f.text(fieldRegion); region != "" || !exists {
		c.RegionCode, c.District = region, district
	} else if district != "" {
		c.District = district
	}
	rawPoint, point := RepresentativePoint(raw), RepresentativePoint(poly)
	hint := func() string { return m.crsHint(rawPoint, point) }
	if c.RegionCode == "" {
		d, err := m.a.PlacePoint(ctx, point, "geometry", c.District)
		if err != nil {
			var e *quarterhour.Error
			if !errors.As(err, &e) {
				return quarterhour.Community{}, nil, err
			}
			// Wherever the point failed to land, the CRS may be why.
			return reject(e.Field, "%s%s", e.Message, hint())
		}
		c.RegionCode, c.District = d+"000000", d
	}
	if err := m.a.ValidateCommunity(ctx, &c); err != nil {
		rej, err := rejectInvalid(row, err, "geometry", hint)
		return quarterhour.Community{}, rej, err
	}
	if m.req.District != "" && c.District != m.req.District {
		return reject(fieldRegion, "region %s is in district %s; you may import communities of district %s only",
			c.RegionCode, c.District, m.req.District)
	}
	return c, nil, nil
}

// multiPolygonToWGS84 converts every vertex of mp from crs to WGS-84.
func multiPolygonToWGS84(mp orb.MultiPolygon, crs proj.CRS) (orb.MultiPolygon, error) {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = make(orb.Ring, len(r))
			for k, pt := range r {
				w, err := crs.ToWGS84(pt)
				if err != nil {
					return nil, err
				}
				out[i][j][k] = w
			}
		}
	}
	return out, nil
}

// wholeNumber reads a non-negative whole number given as a JSON number or
// as text ("12,000").
func wholeNumber(v any) (int, error) {
	s := strings.TrimSpace(strings.ReplaceAll(fmt.Sprint(v), ",", ""))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		return 0, fmt.Errorf("%v is not a whole number", v)
	}
	if f < 0 {
		return 0, fmt.Errorf("%v cannot be negative", v)
	}
	return int(f), nil
}

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// ImportKindCommunitiesGeoJSON is the Import.Kind of a community register
// import.
const ImportKindCommunitiesGeoJSON = "communities-geojson"

// knownCommunitySources are the sources a community register may name.
var knownCommunitySources = []string{"register", "manual", "osm", "demo"}

// CommunityImport describes one community register (社区 register) to
// import: a GeoJSON FeatureCollection of Polygon or MultiPolygon features.
type CommunityImport = RegisterImport

// Community register properties. Keys are matched after trimming and
// lower-casing.
const (
	propName       = "name"
	propPopulation = "population"
	propHouseholds = "households"
	propBuilding   = "building_area_m2"
	propIsNew      = "is_new"
	propRegion     = "region_code"
	propDistrict   = "district"
	propRef        = "ref"
)

var communityPropAliases = map[string]string{
	"name": propName, "名称": propName, "社区名称": propName, "小区名称": propName,
	"population": propPopulation, "人口": propPopulation, "常住人口": propPopulation,
	"households": propHouseholds, "户数": propHouseholds,
	"building_area_m2": propBuilding, "建筑面积": propBuilding, "building_area": propBuilding,
	"is_new": propIsNew, "新建": propIsNew, "是否新建": propIsNew,
	"region_code": propRegion, "区划代码": propRegion,
	"district": propDistrict, "区县": propDistrict, "区县代码": propDistrict,
	"ref": propRef, "编号": propRef, "id": propRef,
}

// ImportCommunities reads a community register whose coordinates are in
// req.CRS, converts every polygon to WGS-84, checks each feature as a
// community created through the API is checked (validateCommunity: a known
// region, a valid polygon inside its district, non-negative figures) and
// upserts the good ones by (Source, ref) in one transaction that also
// records the batch. Features are rejected one by one with their 1-based
// index as the row; a file that is not a FeatureCollection is an *Error
// (400) and nothing is written. A feature without region_code takes the
// county its polygon lies in.
func (s *Server) ImportCommunities(ctx context.Context, r io.Reader, req CommunityImport) (*ImportReport, error) {
	switch req.CRS {
	case geo.WGS84, geo.GCJ02, geo.BD09:
	default:
		return nil, badRequest("crs", "crs is required: wgs84 (GPS, OSM), gcj02 (Amap, Tencent) or bd09 (Baidu)")
	}
	if !slices.Contains(knownCommunitySources, req.Source) {
		return nil, badRequest("source", "unknown source %q (known: %s)", req.Source, strings.Join(knownCommunitySources, ", "))
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("import communities %s: read: %w", req.File, err)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry   json.RawMessage `json:"geometry"`
			Properties map[string]any  `json:"properties"`
		} `json:"features"`
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	dec.UseNumber()
	if err := dec.Decode(&fc); err != nil {
		return nil, badRequest("file", "not GeoJSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, badRequest("file", "want a GeoJSON FeatureCollection, got type %q", fc.Type)
	}
	im, err := s.newCommunityImporter(ctx, req)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{DryRun: req.DryRun, Rejections: []Rejection{}}
	ignored := map[string]bool{}
	var good []quarterhour.Community
	for i, f := range fc.Features {
		props := map[string]any{}
		for k, v := range f.Properties {
			key, ok := communityPropAliases[strings.ToLower(strings.TrimSpace(k))]
			if !ok {
				if !ignored[k] {
					ignored[k] = true
					rep.Warnings = append(rep.Warnings, fmt.Sprintf("property %q is not recognised and was ignored", k))
				}
				continue
			}
			props[key] = v
		}
		c, rej, err := im.community(ctx, i+1, f.Geometry, props)
		if err != nil {
			return nil, fmt.Errorf("import communities %s feature %d: %w", req.File, i+1, err)
		}
		if rej != nil {
			rep.Rejections = append(rep.Rejections, *rej)
			continue
		}
		good = append(good, c)
	}
	rep.RowsOK, rep.RowsRejected = len(good), len(rep.Rejections)
	if req.DryRun {
		for _, c := range good {
			old, ok := im.existing[c.SourceRef]
			switch {
			case !ok:
				rep.Inserted++
			case old.SameValues(c):
				rep.Unchanged++
			default:
				rep.Updated++
			}
		}
		return rep, nil
	}
	rejections, err := json.Marshal(rep.Rejections)
	if err != nil {
		return nil, fmt.Errorf("import communities %s: %w", req.File, err)
	}
	imp := &quarterhour.Import{Kind: ImportKindCommunitiesGeoJSON, File: req.File, CRS: string(req.CRS), RowsOK: rep.RowsOK,
		RowsRejected: rep.RowsRejected, Rejections: rejections, CreatedBy: req.Actor}
	stats, err := s.store.UpsertCommunities(ctx, good, imp)
	if err != nil {
		return nil, fmt.Errorf("import communities %s: %w", req.File, err)
	}
	rep.ImportID = imp.ID
	rep.Inserted, rep.Updated, rep.Unchanged = stats.Inserted, stats.Updated, stats.Unchanged
	return rep, nil
}

// communityImporter holds what checking features needs.
type communityImporter struct {
	s        *Server
	req      CommunityImport
	counties *app.CountyIndex
	existing map[string]quarterhour.Community // the source's communities by SourceRef
	refRows  map[string]int                   // ref -> first feature using it
}

func (s *Server) newCommunityImporter(ctx context.Context, req CommunityImport) (*communityImporter, error) {
	ix, err := s.app.Counties(ctx)
	if err != nil {
		return nil, fmt.Errorf("import communities: %w", err)
	}
	all, err := s.store.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		return nil, fmt.Errorf("import communities: %w", err)
	}
	existing := map[string]quarterhour.Community{}
	for _, c := range all {
		if c.Source == req.Source && c.SourceRef != "" {
			existing[c.SourceRef] = c
		}
	}
	return &communityImporter{s: s, req: req, counties: ix, existing: existing, refRows: map[string]int{}}, nil
}

// community turns one feature into a community, or says why it is
// rejected. Properties missing from the feature keep the stored
// community's value on a re-import.
func (im *communityImporter) community(ctx context.Context, row int, geometry json.RawMessage, props map[string]any) (quarterhour.Community, *Rejection, error) {
	reject := func(field, format string, args ...any) (quarterhour.Community, *Rejection, error) {
		return quarterhour.Community{}, &Rejection{Row: row, Field: field, Reason: fmt.Sprintf(format, args...)}, nil
	}
	text := func(key string) string {
		switch v := props[key].(type) {
		case string:
			return strings.TrimSpace(v)
		case json.Number:
			return v.String()
		}
		return ""
	}
	name := text(propName)
	if name == "" {
		return reject(propName, "name (名称) is required")
	}
	if len(geometry) == 0 || string(geometry) == "null" {
		return reject("geometry", "a Polygon or MultiPolygon geometry is required")
	}
	g, err := geojson.UnmarshalGeometry(geometry)
	if err != nil {
		return reject("geometry", "bad GeoJSON geometry: %v", err)
	}
	raw, err := asMultiPolygon(g.Geometry(), "geometry")
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return reject("geometry", "%s", e.Message)
		}
		return quarterhour.Community{}, nil, err
	}
	if err := geo.ValidateMultiPolygon(raw); err != nil {
		return reject("geometry", "%v", err)
	}
	poly, err := transformMultiPolygon(raw, im.req.CRS)
	if err != nil {
		return reject("crs", "%v", err)
	}
	ref := text(propRef)
	if ref == "" {
		ref = contentRef(name, app.RepresentativePoint(poly))
	}
	if first, dup := im.refRows[ref]; dup {
		if text(propRef) == "" {
			return reject(propName, "same name and place as feature %d", first)
		}
		return reject(propRef, "ref %q is used again (first by feature %d)", ref, first)
	}
	im.refRows[ref] = row

	old, exists := im.existing[ref]
	c := old
	c.ID, c.Version = 0, 0
	c.Name, c.Polygon = name, poly
	c.Source, c.SourceRef, c.OriginalCRS = im.req.Source, ref, string(im.req.CRS)
	c.Synthetic = false
	for key, dst := range map[string]*int{propPopulation: &c.Population, propHouseholds: &c.Households} {
		if _, ok := props[key]; !ok {
			continue
		}
		n, err := propInt(props[key])
		if err != nil {
			return reject(key, "%v", err)
		}
		*dst = n
		if key == propPopulation {
			c.PopulationEstimated = false
		}
	}
	if v, ok := props[propBuilding]; ok {
		a, err := parseArea(fmt.Sprint(v))
		if err != nil {
			return reject(propBuilding, "%v", err)
		}
		c.BuildingAreaM2 = a
	}
	if v, ok := props[propIsNew]; ok {
		b, isBool := v.(bool)
		if !isBool {
			if b, isBool = parseYesNo(fmt.Sprint(v)); !isBool {
				return reject(propIsNew, "%v is not yes or no (是/否, 1/0, true/false)", v)
			}
		}
		c.IsNew = b
	}
	district := text(propDistrict)
	switch {
	case im.req.District != "" && district != "" && district != im.req.District:
		return reject(propDistrict, "you may import communities of district %s only, not %s", im.req.District, district)
	case im.req.District != "":
		district = im.req.District
	}
	if exists && im.req.District != "" && old.District != im.req.District {
		return reject(propRef, "community %s/%s belongs to district %s, not %s", im.req.Source, ref, old.District, im.req.District)
	}
	if region := text(propRegion); region != "" || !exists {
		c.RegionCode, c.District = region, district
	} else if district != "" {
		c.District = district
	}
	rawPoint, point := app.RepresentativePoint(raw), app.RepresentativePoint(poly)
	if c.RegionCode == "" {
		d, err := im.s.app.PlacePoint(ctx, point, "geometry", c.District)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				return quarterhour.Community{}, nil, err
			}
			return reject(e.Field, "%s%s", e.Message, crsHint(im.counties, im.req.CRS, rawPoint, point))
		}
		c.RegionCode, c.District = d+"000000", d
	}
	if err := im.s.app.ValidateCommunity(ctx, &c); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return quarterhour.Community{}, nil, err
		}
		if e.Field == "geometry" {
			return reject("geometry", "%s%s", e.Message, crsHint(im.counties, im.req.CRS, rawPoint, point))
		}
		return reject(e.Field, "%s", e.Message)
	}
	if im.req.District != "" && c.District != im.req.District {
		return reject(propRegion, "region %s is in district %s; you may import communities of district %s only",
			c.RegionCode, c.District, im.req.District)
	}
	return c, nil, nil
}

// transformMultiPolygon converts every vertex of mp from crs to WGS-84.
func transformMultiPolygon(mp orb.MultiPolygon, crs geo.CRS) (orb.MultiPolygon, error) {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = make(orb.Ring, len(r))
			for k, pt := range r {
				w, err := geo.Transform(pt, crs, geo.WGS84)
				if err != nil {
					return nil, err
				}
				out[i][j][k] = w
			}
		}
	}
	return out, nil
}

// propInt reads a non-negative whole number given as a JSON number or as
// text ("12,000").
func propInt(v any) (int, error) {
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

// handleImportCommunities imports a community register sent as GeoJSON
// (application/geo+json or application/json body, or the "file" part of a
// multipart form); ?crs= and ?source= are required.
func (s *Server) handleImportCommunities(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if err := canWrite(p, ""); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, body, err := readRegisterImport(r, p, knownCommunitySources, "upload.geojson", "application/geo+json", "application/json", "text/plain", "application/octet-stream")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.ImportCommunities(ctx, body, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.InfoContext(ctx, "community import", "user", req.Actor, "file", req.File, "source", req.Source, "crs", req.CRS,
		"dry_run", req.DryRun, "ok", rep.RowsOK, "rejected", rep.RowsRejected, "import_id", rep.ImportID)
	writeJSON(w, http.StatusOK, rep)
}

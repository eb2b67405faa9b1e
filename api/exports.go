package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// Exports for planners: whole layers as downloadable GeoJSON (QGIS) and the
// outlets as CSV (Excel).
//
// Who may export what: outlets and regions are public layers (the resident
// map shows them), so anyone may download them, district users included,
// whole-city. Communities (population, households, floor areas), circles
// and the walking network are planning data and need a login; a district
// user gets only their own district's communities and circles.

// exportPageSize is how many outlets are read from the store at a time.
const exportPageSize = 2000

// exportAccess says who may export a layer: login, whether it needs one;
// scoped, whether a district user gets only their own district.
type exportAccess struct{ login, scoped bool }

// exportLayers lists the GeoJSON export layers.
var exportLayers = map[string]exportAccess{
	"outlets":     {},
	"regions":     {},
	"communities": {login: true, scoped: true},
	"circles":     {login: true, scoped: true},
	"network":     {login: true},
}

var exportLayerNames = []string{"circles", "communities", "network", "outlets", "regions"}

// exportOperations documents the export routes.
var exportOperations = []operation{
	{method: "GET", path: "/api/v1/exports/{layer}.geojson",
		summary: "Download a layer as a GeoJSON file (outlets, regions: public; communities, circles, network: login, district users get their own district)",
		tag:     "exports", ok: 200, result: "FeatureCollection", params: []param{
			{name: "layer", in: "path", typ: "string", required: true, desc: "outlets | communities | circles | network | regions"},
			pBBox, pDistrict, crsParam,
			{name: "category", in: "query", typ: "string", desc: "outlets: category code"},
			{name: "status", in: "query", typ: "string", desc: "outlets: open | closed; circles: planned | building | completed"},
			{name: "level", in: "query", typ: "string", desc: "regions: city | county (default) | town | community"},
			{name: "area", in: "query", typ: "string", desc: "network: area name (e.g. jining-demo)"},
		}},
	{method: "GET", path: "/api/v1/exports/outlets.csv",
		summary: "Download outlets as CSV for Excel (UTF-8 with BOM, Chinese header row)",
		tag:     "exports", ok: 200, params: []param{
			pBBox, pDistrict,
			{name: "category", in: "query", typ: "string", desc: "category code"},
			{name: "status", in: "query", typ: "string", desc: "open | closed"},
			{name: "crs", in: "query", typ: "string", desc: "coordinate system of the lon/lat columns: wgs84 (default), gcj02 or bd09"},
		}},
}

// exportFilter is what the query string of an export asks for, checked.
type exportFilter struct {
	bbox     *orb.Bound
	district string
	category string
	status   string
	crs      geo.CRS
}

// readExportFilter reads the filters common to the exports and enforces
// access: a login when needed, and a district user's own district when
// scoped.
func (s *Server) readExportFilter(r *http.Request, access exportAccess) (exportFilter, error) {
	var f exportFilter
	var err error
	if f.bbox, err = parseBBox(r.URL.Query().Get("bbox")); err != nil {
		return f, err
	}
	if f.district, err = queryDistrict(r); err != nil {
		return f, err
	}
	if f.crs, err = outputCRS(r); err != nil {
		return f, err
	}
	f.status = r.URL.Query().Get("status")
	p := principalFrom(r.Context())
	if access.login && p == nil {
		return f, errUnauthenticated
	}
	if access.scoped && p != nil && p.User.Role == quarterhour.RoleDistrict {
		if f.district != "" && f.district != p.User.District {
			return f, forbidden("district", "user %s may only export district %s, not %s", p.User.Username, p.User.District, f.district)
		}
		f.district = p.User.District
	}
	return f, nil
}

// outletFilter checks the outlet-specific filters.
func (s *Server) outletFilter(r *http.Request, f exportFilter) (store.OutletFilter, error) {
	of := store.OutletFilter{BBox: f.bbox, District: f.district, Status: f.status}
	if f.status != "" && f.status != quarterhour.OutletOpen && f.status != quarterhour.OutletClosed {
		return of, badRequest("status", "status must be %q or %q", quarterhour.OutletOpen, quarterhour.OutletClosed)
	}
	if of.Category = r.URL.Query().Get("category"); of.Category != "" {
		cats, err := s.app.CategorySet(r.Context())
		if err != nil {
			return of, err
		}
		if _, ok := cats[of.Category]; !ok {
			return of, badRequest("category", "unknown category %q", of.Category)
		}
	}
	return of, nil
}

// outletPages reads the outlets matching a filter from the store a page at
// a time, so memory stays bounded however large the city. The first page is
// read before the response starts, so a failing store still gets a status.
type outletPages struct {
	s     *Server
	f     store.OutletFilter
	first []quarterhour.Outlet
}

func (s *Server) outletPages(ctx context.Context, f store.OutletFilter) (*outletPages, error) {
	f.Limit, f.Offset = exportPageSize, 0
	first, err := s.store.ListOutlets(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list outlets: %w", err)
	}
	return &outletPages{s: s, f: f, first: first}, nil
}

// each calls fn for every outlet, in ID order.
func (p *outletPages) each(ctx context.Context, fn func(quarterhour.Outlet) error) error {
	f, page := p.f, p.first
	for {
		for _, o := range page {
			if err := fn(o); err != nil {
				return err
			}
		}
		if len(page) < exportPageSize {
			return nil
		}
		f.Offset += exportPageSize
		var err error
		if page, err = p.s.store.ListOutlets(ctx, f); err != nil {
			return fmt.Errorf("list outlets from %d: %w", f.Offset, err)
		}
	}
}

// exportFilename is "<layer>[-<district>]-<YYYYMMDD>.<ext>".
func exportFilename(layer, district, ext string) string {
	name := layer
	if district != "" {
		name += "-" + district
	}
	return fmt.Sprintf("%s-%s.%s", name, time.Now().Format("20060102"), ext)
}

func setAttachment(w http.ResponseWriter, contentType, filename string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filename))
	w.Header().Set("Cache-Control", "no-store")
}

// featureStream writes a GeoJSON FeatureCollection one feature at a time.
type featureStream struct {
	w   http.ResponseWriter
	enc *json.Encoder
	crs geo.CRS
	n   int
}

func newFeatureStream(w http.ResponseWriter, filename string, crs geo.CRS) (*featureStream, error) {
	setAttachment(w, "application/geo+json", filename)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte(`{"type":"FeatureCollection","features":[` + "\n")); err != nil {
		return nil, fmt.Errorf("write export header: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &featureStream{w: w, enc: enc, crs: crs}, nil
}

// add writes one feature; its geometry is put in the stream's CRS.
func (fs *featureStream) add(f Feature) error {
	if fs.n > 0 {
		if _, err := fs.w.Write([]byte{','}); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
	}
	transformFeature(&f, fs.crs)
	if err := fs.enc.Encode(f); err != nil {
		return fmt.Errorf("write export feature %d: %w", fs.n, err)
	}
	fs.n++
	return nil
}

func (fs *featureStream) close() error {
	if _, err := fs.w.Write([]byte("]}\n")); err != nil {
		return fmt.Errorf("write export trailer: %w", err)
	}
	return nil
}

// handleExportGeoJSON serves GET /api/v1/exports/{layer}.geojson.
func (s *Server) handleExportGeoJSON(w http.ResponseWriter, r *http.Request) {
	layer := chi.URLParam(r, "layer")
	access, ok := exportLayers[layer]
	if !ok {
		s.writeError(w, r, &Error{Code: quarterhour.ENotFound, Field: "layer", Message: fmt.Sprintf("no export layer %q; layers: %s", layer, strings.Join(exportLayerNames, ", "))})
		return
	}
	f, err := s.readExportFilter(r, access)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var write func(*featureStream) error
	switch layer {
	case "outlets":
		write, err = s.exportOutlets(r, f)
	case "communities":
		write, err = s.exportCommunities(r, f)
	case "circles":
		write, err = s.exportCircles(r, f)
	case "network":
		write, err = s.exportNetwork(r, f)
	case "regions":
		write, err = s.exportRegions(r, f)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	fs, err := newFeatureStream(w, exportFilename(layer, f.district, "geojson"), f.crs)
	if err == nil {
		err = write(fs)
	}
	if err == nil {
		err = fs.close()
	}
	if err != nil {
		// The status is sent; cut the connection so the file is visibly
		// incomplete instead of ending as if whole.
		s.log.ErrorContext(r.Context(), "export failed mid-stream", "layer", layer, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// Each exportX checks its parameters and reads what must be read before
// the response starts (so errors still get a status), then returns the
// writer of the features.

func (s *Server) exportOutlets(r *http.Request, f exportFilter) (func(*featureStream) error, error) {
	of, err := s.outletFilter(r, f)
	if err != nil {
		return nil, err
	}
	pages, err := s.outletPages(r.Context(), of)
	if err != nil {
		return nil, err
	}
	return func(fs *featureStream) error {
		return pages.each(r.Context(), func(o quarterhour.Outlet) error { return fs.add(outletFeature(o)) })
	}, nil
}

func (s *Server) exportCommunities(r *http.Request, f exportFilter) (func(*featureStream) error, error) {
	cs, err := s.store.ListCommunities(r.Context(), store.CommunityFilter{District: f.district, BBox: f.bbox})
	if err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	return func(fs *featureStream) error {
		for _, c := range cs {
			if err := fs.add(communityFeature(c)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

func (s *Server) exportCircles(r *http.Request, f exportFilter) (func(*featureStream) error, error) {
	if f.status != "" && !slices.Contains(quarterhour.CircleStatuses, f.status) {
		return nil, badRequest("status", "unknown circle status %q", f.status)
	}
	cs, err := s.store.ListCircles(r.Context(), store.CircleFilter{District: f.district, Status: f.status})
	if err != nil {
		return nil, fmt.Errorf("list circles: %w", err)
	}
	return func(fs *featureStream) error {
		for _, c := range cs {
			if f.bbox != nil && !slices.ContainsFunc(c.Centers, f.bbox.Contains) {
				continue
			}
			if err := fs.add(circleFeature(c)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// networkEdgeProps are the pgRouting walk_edges columns of an exported edge.
type networkEdgeProps struct {
	Area        string  `json:"area"`
	ID          int64   `json:"id"`
	Source      int64   `json:"source"`
	Target      int64   `json:"target"`
	Cost        float64 `json:"cost"`
	ReverseCost float64 `json:"reverse_cost"`
	LengthM     float64 `json:"length_m"`
	OSMWayID    int64   `json:"osm_way_id,omitempty"`
	Highway     string  `json:"highway,omitempty"`
	Synthetic   bool    `json:"synthetic"`
}

func (s *Server) exportNetwork(r *http.Request, f exportFilter) (func(*featureStream) error, error) {
	if f.district != "" {
		return nil, badRequest("district", "the network has no districts; filter it with bbox")
	}
	area := r.URL.Query().Get("area")
	// The store hands networks over whole; they are streamed out edge by edge.
	nets, err := s.store.LoadNetworks(r.Context())
	if err != nil {
		return nil, fmt.Errorf("load networks: %w", err)
	}
	if area != "" && !slices.ContainsFunc(nets, func(n quarterhour.Network) bool { return n.Area == area }) {
		return nil, badRequest("area", "no network area %q", area)
	}
	return func(fs *featureStream) error {
		for _, n := range nets {
			if area != "" && n.Area != area {
				continue
			}
			for _, e := range n.Edges {
				if f.bbox != nil && !e.Geom.Bound().Intersects(*f.bbox) {
					continue
				}
				props := networkEdgeProps{Area: n.Area, ID: e.ID, Source: e.Source, Target: e.Target, Cost: e.Cost,
					ReverseCost: e.ReverseCost, LengthM: e.LengthM, OSMWayID: e.OSMWayID, Highway: e.Highway, Synthetic: n.Synthetic}
				if err := fs.add(newFeature(e.ID, e.Geom, props)); err != nil {
					return err
				}
			}
		}
		return nil
	}, nil
}

func (s *Server) exportRegions(r *http.Request, f exportFilter) (func(*featureStream) error, error) {
	rf := store.RegionFilter{Level: r.URL.Query().Get("level"), County: f.district}
	if rf.Level == "" {
		rf.Level = quarterhour.LevelCounty
	}
	if !slices.Contains(regionLevels, rf.Level) {
		return nil, badRequest("level", "level must be one of %s", strings.Join(regionLevels, ", "))
	}
	rs, err := s.store.ListRegions(r.Context(), rf)
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	return func(fs *featureStream) error {
		for _, rg := range rs {
			if f.bbox != nil && (len(rg.Boundary) == 0 || !rg.Boundary.Bound().Intersects(*f.bbox)) {
				continue
			}
			var g orb.Geometry
			if len(rg.Boundary) > 0 {
				g = rg.Boundary
			}
			if err := fs.add(newFeature(0, g, rg)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// outletCSVHeader is the header row of outlets.csv, in Chinese for the
// bureau's Excel users; the English column name follows in brackets where
// a script may want it.
var outletCSVHeader = []string{
	"编号(id)", "名称(name)", "类别代码(category)", "类别", "类别层级(tier)", "区县代码(district)", "区县",
	"地址", "经度(lon)", "纬度(lat)", "坐标系(crs)", "品牌", "连锁", "面积(㎡)", "收现金", "刷银行卡", "微利惠民",
	"便民服务", "营业时间", "状态(status)", "开业日期", "停业日期", "来源(source)", "来源编号", "演示数据", "版本(version)", "更新时间",
}

var tierNames = map[string]string{quarterhour.TierBasic: "基本保障类", quarterhour.TierQuality: "品质提升类", quarterhour.TierPublic: "公共服务设施"}

var statusNames = map[string]string{quarterhour.OutletOpen: "营业", quarterhour.OutletClosed: "停业"}

// handleExportOutletsCSV serves GET /api/v1/exports/outlets.csv: UTF-8 with
// a byte-order mark, which Excel needs to read Chinese text as UTF-8.
func (s *Server) handleExportOutletsCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, err := s.readExportFilter(r, exportAccess{})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	of, err := s.outletFilter(r, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cats, err := s.app.CategorySet(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	counties, err := s.app.Counties(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pages, err := s.outletPages(ctx, of)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	setAttachment(w, "text/csv; charset=utf-8", exportFilename("outlets", f.district, "csv"))
	w.WriteHeader(http.StatusOK)
	err = writeOutletCSV(w, func(fn func(quarterhour.Outlet) error) error { return pages.each(ctx, fn) }, cats, counties.Names(), f.crs)
	if err != nil {
		s.log.ErrorContext(ctx, "outlet CSV export failed mid-stream", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// writeOutletCSV writes the BOM, the header and one row per outlet.
func writeOutletCSV(w io.Writer, each func(func(quarterhour.Outlet) error) error, cats map[string]quarterhour.Category, counties map[string]string, crs geo.CRS) error {
	if _, err := w.Write([]byte("\uFEFF")); err != nil {
		return fmt.Errorf("write BOM: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(outletCSVHeader); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	n := 0
	err := each(func(o quarterhour.Outlet) error {
		p, err := geo.Transform(o.Point, geo.WGS84, crs)
		if err != nil {
			return fmt.Errorf("outlet %d: %w", o.ID, err)
		}
		cat := cats[o.Category]
		row := []string{
			strconv.FormatInt(o.ID, 10), cell(o.Name), o.Category, cat.NameZH, tierNames[cat.Tier], o.District, counties[o.District],
			cell(o.Address), strconv.FormatFloat(p.Lon(), 'f', 7, 64), strconv.FormatFloat(p.Lat(), 'f', 7, 64), string(crs),
			cell(o.Brand), yesNo(o.IsChain), floorArea(o.FloorAreaM2), yesNo(o.AcceptsCash), yesNo(o.AcceptsCard), yesNo(o.LowMargin),
			strings.Join(o.Services, ";"), cell(o.OpeningHours), statusNames[o.Status], o.OpenedOn, o.ClosedOn,
			o.Source, cell(o.SourceRef), yesNo(o.Synthetic), strconv.Itoa(o.Version), o.UpdatedAt.Format(time.RFC3339),
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write outlet %d: %w", o.ID, err)
		}
		// Flush every few hundred rows so the download starts at once.
		if n++; n%500 == 0 {
			cw.Flush()
		}
		return cw.Error()
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// cell guards free text against spreadsheet formula injection (OWASP):
// Excel runs a cell starting with = + - @ (or a tab / CR) as a formula, so
// such text gets a leading apostrophe, which Excel shows as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func floorArea(m2 float64) string {
	if m2 == 0 {
		return ""
	}
	return strconv.FormatFloat(m2, 'f', -1, 64)
}

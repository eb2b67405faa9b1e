package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// Exports for planners: whole layers as downloadable GeoJSON (QGIS) and the
// outlets as CSV (Excel). Who may export what is app.ExportDistrict's rule.

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

// exportPageSize is how many outlets an export reads from the store at a
// time.
const exportPageSize = app.OutletPageSize

// exportFilter is what the query string of an export asks for.
type exportFilter struct {
	bbox     *orb.Bound
	district string // as app.ExportDistrict allows
	status   string
	crs      geo.CRS
}

// readExportFilter reads the filters common to the exports of layer, as
// far as the caller may export it.
func (s *Server) readExportFilter(r *http.Request, q *query, layer string) (exportFilter, error) {
	f := exportFilter{bbox: q.bbox(), district: q.district(), crs: q.crs(), status: q.str("status")}
	if q.err != nil {
		return f, q.err
	}
	var err error
	f.district, err = app.ExportDistrict(principalFrom(r.Context()).user(), layer, f.district)
	return f, err
}

// outletFilter is the outlet filter of an export.
func (f exportFilter) outlets(q *query) store.OutletFilter {
	return store.OutletFilter{BBox: f.bbox, District: f.district, Status: f.status, Category: q.str("category")}
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
	q := params(r)
	f, err := s.readExportFilter(r, q, layer)
	var write func(*featureStream) error
	if err == nil {
		write, err = s.exportLayer(r.Context(), q, layer, f)
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

// exportLayer reads what must be read of layer before the response starts
// (so errors still get a status) and returns the writer of its features.
func (s *Server) exportLayer(ctx context.Context, q *query, layer string, f exportFilter) (func(*featureStream) error, error) {
	switch layer {
	case "outlets":
		pages, err := s.app.OutletPages(ctx, f.outlets(q))
		return func(fs *featureStream) error {
			return pages.Each(ctx, func(o quarterhour.Outlet) error { return fs.add(outletFeature(o)) })
		}, err
	case "communities":
		cs, err := s.app.ListCommunities(ctx, store.CommunityFilter{District: f.district, BBox: f.bbox})
		return streamAll(cs, communityFeature), err
	case "circles":
		cs, err := s.app.CirclesIn(ctx, store.CircleFilter{District: f.district, Status: f.status}, f.bbox)
		return streamAll(cs, circleFeature), err
	case "network":
		edges, err := s.app.NetworkIn(ctx, q.str("area"), f.district, f.bbox)
		return func(fs *featureStream) error {
			return edges.Each(func(n quarterhour.Network, e quarterhour.WalkEdge) error {
				return fs.add(newFeature(e.ID, e.Geom, networkEdgeProps{Area: n.Area, ID: e.ID, Source: e.Source, Target: e.Target, Cost: e.Cost,
					ReverseCost: e.ReverseCost, LengthM: e.LengthM, OSMWayID: e.OSMWayID, Highway: e.Highway, Synthetic: n.Synthetic}))
			})
		}, err
	default: // regions: app.ExportDistrict knows no other layer
		rs, err := s.app.RegionsIn(ctx, q.str("level"), f.district, f.bbox)
		return streamAll(rs, func(rg quarterhour.Region) Feature {
			if len(rg.Boundary) == 0 {
				return newFeature(0, nil, rg)
			}
			return newFeature(0, rg.Boundary, rg)
		}), err
	}
}

// streamAll writes every record of ts as a Feature.
func streamAll[T any](ts []T, feature func(T) Feature) func(*featureStream) error {
	return func(fs *featureStream) error {
		for _, t := range ts {
			if err := fs.add(feature(t)); err != nil {
				return err
			}
		}
		return nil
	}
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
	q := params(r)
	f, err := s.readExportFilter(r, q, "outlets")
	var pages *app.OutletPages
	var cats map[string]quarterhour.Category
	var counties *app.CountyIndex
	if err == nil {
		pages, err = s.app.OutletPages(ctx, f.outlets(q))
	}
	if err == nil {
		cats, err = s.app.CategorySet(ctx)
	}
	if err == nil {
		counties, err = s.app.Counties(ctx)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	setAttachment(w, "text/csv; charset=utf-8", exportFilename("outlets", f.district, "csv"))
	w.WriteHeader(http.StatusOK)
	err = writeOutletCSV(w, func(fn func(quarterhour.Outlet) error) error { return pages.Each(ctx, fn) }, cats, counties.Names(), f.crs)
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

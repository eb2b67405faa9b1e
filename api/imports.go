package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// ImportKindOutletsCSV is the Import.Kind of an outlet register import.
const ImportKindOutletsCSV = "outlets-csv"

// OutletImport describes one outlet register file to import.
type OutletImport = RegisterImport

// RegisterImport describes one register import (outlets or communities).
type RegisterImport struct {
	// CRS is the coordinate system of the file's coordinates. Required:
	// GCJ-02 points read as WGS-84 land about 500 m off in Jining.
	CRS geo.CRS
	// Source names the register ("amap", "register", ...). With each row's
	// ref it keys the rows, so importing the same register again updates
	// them instead of adding copies.
	Source string
	// File is the file name recorded with the batch.
	File string
	// DryRun validates every row and reports what would change, writing
	// nothing.
	DryRun bool
	// Actor is the user name recorded with the batch.
	Actor string
	// District, when set, admits only rows in that district (the importing
	// district user's); other rows are rejected.
	District string
}

// ImportReport is the outcome of an outlet import. Inserted, Updated and
// Unchanged count the accepted rows; on a dry run they say what an import
// would do.
type ImportReport struct {
	ImportID     int64       `json:"import_id"` // 0 on a dry run
	DryRun       bool        `json:"dry_run"`
	RowsOK       int         `json:"rows_ok"`
	RowsRejected int         `json:"rows_rejected"`
	Inserted     int         `json:"inserted"`
	Updated      int         `json:"updated"`
	Unchanged    int         `json:"unchanged"`
	Rejections   []Rejection `json:"rejections"`
	Warnings     []string    `json:"warnings,omitempty"`
}

// Rejection explains why one data row was not imported. Row counts as a
// spreadsheet does: the header is row 1, the first data row is row 2.
type Rejection struct {
	Row    int    `json:"row"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Columns of an outlet register. Headers are matched after trimming,
// lower-casing and dropping a bracketed unit ("营业面积(㎡)").
const (
	colName      = "name"
	colCategory  = "category"
	colLon       = "lon"
	colLat       = "lat"
	colAddress   = "address"
	colBrand     = "brand"
	colChain     = "is_chain"
	colFloorArea = "floor_area_m2"
	colCash      = "accepts_cash"
	colCard      = "accepts_card"
	colHours     = "opening_hours"
	colServices  = "services"
	colRef       = "ref"
	colTypecode  = "amap_typecode"
	colDistrict  = "district"
)

var columnAliases = map[string]string{
	"名称": colName, "name": colName, "网点名称": colName, "店名": colName,
	"类别": colCategory, "category": colCategory, "业态": colCategory, "分类": colCategory,
	"经度": colLon, "lon": colLon, "lng": colLon, "longitude": colLon,
	"纬度": colLat, "lat": colLat, "latitude": colLat,
	"地址": colAddress, "address": colAddress,
	"品牌": colBrand, "brand": colBrand,
	"连锁": colChain, "is_chain": colChain, "是否连锁": colChain,
	"营业面积": colFloorArea, "floor_area_m2": colFloorArea, "floor_area": colFloorArea,
	"现金": colCash, "accepts_cash": colCash, "收现金": colCash,
	"银行卡": colCard, "accepts_card": colCard, "刷卡": colCard,
	"营业时间": colHours, "opening_hours": colHours,
	"服务": colServices, "services": colServices, "便民服务": colServices,
	"编号": colRef, "ref": colRef, "id": colRef, "source_ref": colRef,
	"高德类型": colTypecode, "amap_typecode": colTypecode, "typecode": colTypecode, "类型编码": colTypecode,
	"区县": colDistrict, "district": colDistrict, "区县代码": colDistrict,
}

// serviceNames maps the plan's Chinese service names to service codes.
var serviceNames = map[string]string{
	"代收代缴": quarterhour.ServiceBillPayment, "代收代发": quarterhour.ServicePayAgency, "上门服务": quarterhour.ServiceHomeVisit,
	"线上下单": quarterhour.ServiceOnlineOrder, "配送到家": quarterhour.ServiceDelivery, "智能信包箱": quarterhour.ServiceSmartLocker,
	"智慧结算": quarterhour.ServiceSmartPayment,
}

// ImportOutlets reads an outlet register (CSV with a header row, UTF-8 with
// or without BOM, or GBK) whose coordinates are in req.CRS, converts every
// point to WGS-84 and upserts the valid rows by (Source, ref) in one
// transaction that also records the import batch. Bad rows are rejected one
// by one with their row number, field and reason; a file that cannot be
// read as such a register is an *Error (400) and nothing is written.
func (s *Server) ImportOutlets(ctx context.Context, r io.Reader, req OutletImport) (*ImportReport, error) {
	switch req.CRS {
	case geo.WGS84, geo.GCJ02, geo.BD09:
	default:
		return nil, badRequest("crs", "crs is required: wgs84 (GPS, OSM), gcj02 (Amap, Tencent) or bd09 (Baidu)")
	}
	if !slices.Contains(app.OutletSources, req.Source) {
		return nil, badRequest("source", "unknown source %q (known: %s)", req.Source, strings.Join(app.OutletSources, ", "))
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("import outlets %s: read: %w", req.File, err)
	}
	rep := &ImportReport{DryRun: req.DryRun, Rejections: []Rejection{}}
	text, gbk, err := decodeRegister(data)
	if err != nil {
		return nil, err
	}
	if gbk {
		rep.Warnings = append(rep.Warnings, "the file is not UTF-8; it was read as GBK (GB18030)")
	}
	if req.Source == "amap" && req.CRS == geo.WGS84 {
		rep.Warnings = append(rep.Warnings, "Amap (高德) exports are GCJ-02; declaring WGS-84 is right only if the coordinates were converted before this import")
	}
	im, err := s.newOutletImporter(ctx, req)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	rows := rowCounter{}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, badRequest("file", "the file is empty; want a header row and data rows")
	}
	if err != nil {
		return nil, badRequest("file", "CSV: %v", err)
	}
	rows.next(cr, header)
	cols, ignored, err := mapColumns(header)
	if err != nil {
		return nil, err
	}
	for _, h := range ignored {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("column %q is not recognised and was ignored", h))
	}
	var good []quarterhour.Outlet
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, badRequest("file", "CSV: %v", err)
		}
		row := rows.next(cr, rec)
		if blankRecord(rec) {
			continue
		}
		o, rej, err := im.outlet(ctx, row, rec, cols, len(header))
		if err != nil {
			return nil, fmt.Errorf("import outlets %s row %d: %w", req.File, row, err)
		}
		if rej != nil {
			rep.Rejections = append(rep.Rejections, *rej)
			continue
		}
		good = append(good, o)
	}
	rep.RowsOK, rep.RowsRejected = len(good), len(rep.Rejections)
	if req.DryRun {
		for _, o := range good {
			old, ok := im.existing[o.SourceRef]
			switch {
			case !ok:
				rep.Inserted++
			case old.SameValues(o):
				rep.Unchanged++
			default:
				rep.Updated++
			}
		}
		return rep, nil
	}
	rejections, err := json.Marshal(rep.Rejections)
	if err != nil {
		return nil, fmt.Errorf("import outlets %s: %w", req.File, err)
	}
	imp := &quarterhour.Import{Kind: ImportKindOutletsCSV, File: req.File, CRS: string(req.CRS), RowsOK: rep.RowsOK,
		RowsRejected: rep.RowsRejected, Rejections: rejections, CreatedBy: req.Actor}
	stats, err := s.store.UpsertOutletsBySource(ctx, good, imp)
	if err != nil {
		return nil, fmt.Errorf("import outlets %s: %w", req.File, err)
	}
	rep.ImportID = imp.ID
	rep.Inserted, rep.Updated, rep.Unchanged = stats.Inserted, stats.Updated, stats.Unchanged
	return rep, nil
}

// decodeRegister returns the file as UTF-8 without a byte-order mark,
// reporting whether it had to be decoded from GBK.
func decodeRegister(data []byte) ([]byte, bool, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data, false, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) {
		return nil, false, badRequest("file", "the file is neither UTF-8 nor GBK text")
	}
	return out, true, nil
}

// rowCounter numbers records as a spreadsheet numbers rows: the blank lines
// the CSV reader skips still count, and a quoted cell spanning lines is one
// row.
type rowCounter struct {
	row, lastLine int
}

func (c *rowCounter) next(cr *csv.Reader, rec []string) int {
	start, _ := cr.FieldPos(0)
	end, _ := cr.FieldPos(len(rec) - 1)
	end += strings.Count(rec[len(rec)-1], "\n")
	c.row += start - c.lastLine
	c.lastLine = end
	return c.row
}

func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// mapColumns maps header cells to columns; unknown headers are returned to
// be reported. A register needs name, lon, lat and category or
// amap_typecode.
func mapColumns(header []string) (map[string]int, []string, error) {
	cols := map[string]int{}
	var ignored []string
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		if j := strings.IndexAny(key, "(（"); j > 0 {
			key = strings.TrimSpace(key[:j])
		}
		col, ok := columnAliases[key]
		if !ok {
			if strings.TrimSpace(h) != "" {
				ignored = append(ignored, h)
			}
			continue
		}
		if prev, dup := cols[col]; dup {
			return nil, nil, badRequest("file", "columns %q and %q both give %s", header[prev], h, col)
		}
		cols[col] = i
	}
	for _, need := range []string{colName, colLon, colLat} {
		if _, ok := cols[need]; !ok {
			return nil, nil, badRequest("file", "the header has no %s column (accepted headers: %s)", need, aliasesOf(need))
		}
	}
	_, cat := cols[colCategory]
	_, code := cols[colTypecode]
	if !cat && !code {
		return nil, nil, badRequest("file", "the header needs a category column (%s) or an Amap typecode column (%s)",
			aliasesOf(colCategory), aliasesOf(colTypecode))
	}
	return cols, ignored, nil
}

func aliasesOf(col string) string {
	var names []string
	for alias, c := range columnAliases {
		if c == col {
			names = append(names, alias)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// outletImporter holds what checking rows needs: the categories, the
// county index and the source's outlets already stored.
type outletImporter struct {
	s        *Server
	req      OutletImport
	catSet   map[string]quarterhour.Category
	cats     categoryResolver
	counties *app.CountyIndex
	existing map[string]quarterhour.Outlet // by SourceRef
	refRows  map[string]int                // ref -> first row using it
}

func (s *Server) newOutletImporter(ctx context.Context, req OutletImport) (*outletImporter, error) {
	cats, err := s.app.CategorySet(ctx)
	if err != nil {
		return nil, fmt.Errorf("import outlets: %w", err)
	}
	ix, err := s.app.Counties(ctx)
	if err != nil {
		return nil, fmt.Errorf("import outlets: %w", err)
	}
	old, err := s.store.ListOutlets(ctx, store.OutletFilter{Source: req.Source})
	if err != nil {
		return nil, fmt.Errorf("import outlets: outlets of source %s: %w", req.Source, err)
	}
	existing := make(map[string]quarterhour.Outlet, len(old))
	for _, o := range old {
		existing[o.SourceRef] = o
	}
	return &outletImporter{s: s, req: req, catSet: cats, cats: newCategoryResolver(cats), counties: ix,
		existing: existing, refRows: map[string]int{}}, nil
}

// outlet turns one record into an outlet, or says why it is rejected.
// Columns missing from the file, or left empty, keep the stored outlet's
// value on a re-import.
func (im *outletImporter) outlet(ctx context.Context, row int, rec []string, cols map[string]int, width int) (quarterhour.Outlet, *Rejection, error) {
	reject := func(field, format string, args ...any) (quarterhour.Outlet, *Rejection, error) {
		return quarterhour.Outlet{}, &Rejection{Row: row, Field: field, Reason: fmt.Sprintf(format, args...)}, nil
	}
	if len(rec) > width {
		return reject("row", "the row has %d cells but the header only %d; quote cells holding commas", len(rec), width)
	}
	cell := func(col string) string {
		i, ok := cols[col]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	name := cell(colName)
	if name == "" {
		return reject(colName, "name is required")
	}
	raw, rej := parseLonLat(row, cell(colLon), cell(colLat))
	if rej != nil {
		return quarterhour.Outlet{}, rej, nil
	}
	p, err := geo.Transform(raw, im.req.CRS, geo.WGS84)
	if err != nil {
		return reject("crs", "%v", err)
	}
	category, field, err := im.cats.resolve(cell(colCategory), cell(colTypecode))
	if err != nil {
		return reject(field, "%v", err)
	}
	ref := cell(colRef)
	if ref == "" {
		ref = contentRef(name, p)
	}
	if first, dup := im.refRows[ref]; dup {
		if cell(colRef) == "" {
			return reject(colName, "same name and coordinates as row %d", first)
		}
		return reject(colRef, "ref %q is used again (first on row %d)", ref, first)
	}
	im.refRows[ref] = row

	old, exists := im.existing[ref]
	o := old
	o.ID, o.Version = 0, 0
	o.Name, o.Category, o.Point = name, category, p
	o.Source, o.SourceRef, o.OriginalCRS = im.req.Source, ref, string(im.req.CRS)
	for col, dst := range map[string]*string{colAddress: &o.Address, colBrand: &o.Brand, colHours: &o.OpeningHours} {
		if v := cell(col); v != "" {
			*dst = v
		}
	}
	for col, dst := range map[string]*bool{colChain: &o.IsChain, colCash: &o.AcceptsCash, colCard: &o.AcceptsCard} {
		if v := cell(col); v != "" {
			b, ok := parseYesNo(v)
			if !ok {
				return reject(col, "%q is not yes or no (是/否, 1/0, true/false)", v)
			}
			*dst = b
		}
	}
	if v := cell(colFloorArea); v != "" {
		a, err := parseArea(v)
		if err != nil {
			return reject(colFloorArea, "%v", err)
		}
		o.FloorAreaM2 = a
	}
	if v := cell(colServices); v != "" {
		svc, err := parseServices(v)
		if err != nil {
			return reject(colServices, "%v", err)
		}
		o.Services = svc
	}

	district := cell(colDistrict)
	switch {
	case im.req.District != "" && district != "" && district != im.req.District:
		return reject(colDistrict, "you may import outlets of district %s only, not %s", im.req.District, district)
	case im.req.District != "":
		district = im.req.District
	case district == "" && exists && len(im.s.app.ZoneHosts(old.District)) > 0:
		// An outlet of a zone without a boundary keeps its zone.
		district = old.District
	}
	if exists && im.req.District != "" && old.District != im.req.District {
		return reject(colRef, "outlet %s/%s belongs to district %s, not %s", im.req.Source, ref, old.District, im.req.District)
	}
	o.District = district
	if err := im.s.app.CheckOutlet(ctx, &o, im.catSet); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return quarterhour.Outlet{}, nil, err
		}
		if e.Field == "geometry" {
			return reject("coordinates", "%s%s", e.Message, im.crsHint(raw, p))
		}
		return reject(e.Field, "%s", e.Message)
	}
	return o, nil, nil
}

// parseLonLat reads the coordinates as given, before any CRS transform.
func parseLonLat(row int, lonText, latText string) (orb.Point, *Rejection) {
	var v [2]float64
	for i, f := range []struct{ col, text string }{{colLon, lonText}, {colLat, latText}} {
		if f.text == "" {
			return orb.Point{}, &Rejection{Row: row, Field: f.col, Reason: f.col + " is required"}
		}
		n, err := strconv.ParseFloat(f.text, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return orb.Point{}, &Rejection{Row: row, Field: f.col, Reason: fmt.Sprintf("%q is not a number in decimal degrees", f.text)}
		}
		v[i] = n
	}
	p := orb.Point{v[0], v[1]}
	if err := geo.ValidateLonLat(p); err != nil {
		field := colLon
		if p[1] < -90 || p[1] > 90 {
			field = colLat
		}
		return orb.Point{}, &Rejection{Row: row, Field: field, Reason: err.Error()}
	}
	return p, nil
}

// crsHint says, for a point outside every county, which other coordinate
// system would have put it inside one: only then can the mix-up be told.
func (im *outletImporter) crsHint(raw, converted orb.Point) string {
	return crsHint(im.counties, im.req.CRS, raw, converted)
}

// crsHint is the hint for a point read as declared: raw as in the file,
// converted to WGS-84.
func crsHint(counties *app.CountyIndex, declared geo.CRS, raw, converted orb.Point) string {
	if counties.Locate(converted) != "" {
		return ""
	}
	for _, alt := range []geo.CRS{geo.WGS84, geo.GCJ02, geo.BD09} {
		if alt == declared {
			continue
		}
		p, err := geo.Transform(raw, alt, geo.WGS84)
		if err == nil && counties.Locate(p) != "" {
			return fmt.Sprintf("; it would lie in %s if read as %s: the file looks like %s declared as %s",
				counties.Label(counties.Locate(p)), alt, crsLabel(alt), crsLabel(declared))
		}
	}
	return ""
}

func crsLabel(c geo.CRS) string {
	switch c {
	case geo.GCJ02:
		return "GCJ-02"
	case geo.BD09:
		return "BD-09"
	default:
		return "WGS-84"
	}
}

// contentRef is the ref of a row without one: a hash of its name and its
// WGS-84 position to 1e-6 degrees, stable across imports of the same file.
func contentRef(name string, p orb.Point) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%.6f|%.6f", name, p[0], p[1])))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

func parseYesNo(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "是", "有", "y", "yes", "true", "1", "√", "✓":
		return true, true
	case "否", "无", "n", "no", "false", "0", "×":
		return false, true
	}
	return false, false
}

// parseArea reads square metres, with an optional unit suffix.
func parseArea(v string) (float64, error) {
	n := strings.TrimSpace(strings.ReplaceAll(v, ",", ""))
	for _, unit := range []string{"平方米", "㎡", "m²", "m2"} {
		n = strings.TrimSpace(strings.TrimSuffix(n, unit))
	}
	a, err := strconv.ParseFloat(n, 64)
	if err != nil || math.IsNaN(a) || math.IsInf(a, 0) {
		return 0, fmt.Errorf("%q is not an area in square metres", v)
	}
	return a, nil
}

// parseServices reads service codes or their Chinese names separated by
// commas or 、.
func parseServices(v string) ([]string, error) {
	var out []string
	for _, part := range strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '|'
	}) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code := part
		if c, ok := serviceNames[part]; ok {
			code = c
		}
		if !slices.Contains(app.OutletServices, code) {
			return nil, fmt.Errorf("unknown service %q (known: %s, or their codes %s)", part,
				strings.Join(sortedKeys(serviceNames), "、"), strings.Join(app.OutletServices, ", "))
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// categoryResolver finds a category by code, Chinese or English name, or
// Amap typecode.
type categoryResolver struct {
	byName     map[string]string // code, zh name and each of its "/" parts, lower-case en name
	byTypecode map[string]string // 6-digit Amap typecode
}

func newCategoryResolver(cs map[string]quarterhour.Category) categoryResolver {
	r := categoryResolver{byName: map[string]string{}, byTypecode: map[string]string{}}
	for _, c := range cs {
		r.byName[c.Code] = c.Code
		r.byName[c.NameZH] = c.Code
		for _, part := range strings.Split(c.NameZH, "/") {
			r.byName[strings.TrimSpace(part)] = c.Code
		}
		r.byName[strings.ToLower(c.NameEN)] = c.Code
		for _, tc := range c.AmapTypecodes {
			r.byTypecode[tc] = c.Code
		}
	}
	return r
}

// resolve returns the category code of a row, from its category cell or,
// when that is empty, its Amap typecode(s) ("060200|060400"). A typecode
// without a category of its own falls back to its middle class
// ("060201" -> "060200"). On failure it names the field at fault.
func (r categoryResolver) resolve(category, typecode string) (string, string, error) {
	if category != "" {
		if code, ok := r.byName[category]; ok {
			return code, colCategory, nil
		}
		if code, ok := r.byName[strings.ToLower(category)]; ok {
			return code, colCategory, nil
		}
		return "", colCategory, fmt.Errorf("unknown category %q (give a code such as convenience_store or a name such as 便利店)", category)
	}
	if typecode == "" {
		return "", colCategory, errors.New("category is required (a category or an Amap typecode)")
	}
	codes := strings.FieldsFunc(typecode, func(r rune) bool { return r == '|' || r == ';' || r == ',' })
	for _, tc := range codes {
		if code, ok := r.byTypecode[strings.TrimSpace(tc)]; ok {
			return code, colTypecode, nil
		}
	}
	for _, tc := range codes {
		if tc = strings.TrimSpace(tc); len(tc) == 6 {
			if code, ok := r.byTypecode[tc[:4]+"00"]; ok {
				return code, colTypecode, nil
			}
		}
	}
	return "", colTypecode, fmt.Errorf("Amap typecode %q maps to no category", typecode)
}

// importsResponse is the body of GET /api/v1/imports.
type importsResponse struct {
	Imports []quarterhour.Import `json:"imports"`
}

// Import batch listing.
const (
	DefaultImportLimit = 100
	MaxImportLimit     = 1000
)

// handleImportOutlets imports an outlet register sent as multipart/form-data
// (field "file") or as a text/csv body; ?crs= and ?source= are required.
func (s *Server) handleImportOutlets(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if err := canWrite(p, ""); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, body, err := readRegisterImport(r, p, app.OutletSources, "upload.csv", "text/csv", "application/csv", "text/plain", "application/octet-stream")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.ImportOutlets(ctx, body, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.InfoContext(ctx, "outlet import", "user", req.Actor, "file", req.File, "source", req.Source, "crs", req.CRS,
		"dry_run", req.DryRun, "ok", rep.RowsOK, "rejected", rep.RowsRejected, "import_id", rep.ImportID)
	writeJSON(w, http.StatusOK, rep)
}

// readRegisterImport reads what every register import route takes from its
// request: ?crs= and ?source= (both required, the CRS never guessed),
// ?dry_run=, ?file= and the uploaded file; a district user imports only into
// its own district.
func readRegisterImport(r *http.Request, p *principal, sources []string, defaultName string, media ...string) (RegisterImport, io.Reader, error) {
	q := r.URL.Query()
	req := RegisterImport{Source: strings.TrimSpace(q.Get("source")), File: q.Get("file"), Actor: p.User.Username}
	if p.User.Role == quarterhour.RoleDistrict {
		req.District = p.User.District
	}
	if q.Get("crs") == "" {
		return req, nil, badRequest("crs", "crs is required: wgs84 (GPS, OSM), gcj02 (Amap, Tencent) or bd09 (Baidu); it is never guessed")
	}
	crs, err := geo.ParseCRS(q.Get("crs"))
	if err != nil {
		return req, nil, badRequest("crs", "%v", err)
	}
	req.CRS = crs
	if req.Source == "" {
		return req, nil, badRequest("source", "source is required (%s)", strings.Join(sources, ", "))
	}
	if req.DryRun, err = queryBool(r, "dry_run"); err != nil {
		return req, nil, err
	}
	body, name, err := registerBody(r, defaultName, media...)
	if err != nil {
		return req, nil, err
	}
	if req.File == "" {
		req.File = name
	}
	return req, body, nil
}

// registerBody finds the uploaded file: the "file" part of a multipart
// form, or the body itself when it has no Content-Type or one of media
// (then named defaultName).
func registerBody(r *http.Request, defaultName string, media ...string) (io.Reader, string, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct != "" && err != nil {
		return nil, "", badRequest("Content-Type", "bad Content-Type %q", ct)
	}
	switch mt {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, "", badRequest("file", "bad multipart body: %v", err)
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, "", badRequest("file", "the form has no \"file\" field")
			}
			if err != nil {
				return nil, "", badRequest("file", "bad multipart body: %v", err)
			}
			if part.FormName() == "file" {
				return part, part.FileName(), nil
			}
		}
	case "":
		return r.Body, defaultName, nil
	}
	if slices.Contains(media, mt) {
		return r.Body, defaultName, nil
	}
	return nil, "", &Error{Code: quarterhour.EUnsupportedMedia, Field: "Content-Type",
		Message: fmt.Sprintf("send the register as %s or multipart/form-data (field \"file\"), not %s", media[0], mt)}
}

// queryBool reads a boolean query parameter, false when absent.
func queryBool(r *http.Request, name string) (bool, error) {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, badRequest(name, "%s must be 1 or 0", name)
}

func (s *Server) handleListImports(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	if p.User.Role != quarterhour.RoleAdmin && p.User.Role != quarterhour.RoleReviewer {
		s.writeError(w, r, forbidden("", "role %s may not list import batches", p.User.Role))
		return
	}
	limit, err := queryInt(r, "limit", DefaultImportLimit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if limit == 0 || limit > MaxImportLimit {
		s.writeError(w, r, badRequest("limit", "limit must be between 1 and %d", MaxImportLimit))
		return
	}
	imps, err := s.store.ListImports(r.Context(), limit)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list imports: %w", err))
		return
	}
	if imps == nil {
		imps = []quarterhour.Import{}
	}
	writeJSON(w, http.StatusOK, importsResponse{Imports: imps})
}

// importOperations documents the import routes.
var importOperations = []operation{
	{method: "POST", path: "/api/v1/imports/outlets", tag: "imports", ok: 200, result: "ImportReport", write: true,
		summary:   "Import an outlet register (CSV); bad rows are rejected one by one, good rows upserted by source and ref in one transaction",
		bodyMedia: map[string]string{"text/csv": "OutletRegisterCSV", "multipart/form-data": "OutletRegisterUpload"},
		params: []param{
			{name: "crs", in: "query", typ: "string", required: true, desc: "coordinate system of the file: wgs84 | gcj02 (Amap, Tencent) | bd09 (Baidu); converted to WGS-84"},
			{name: "source", in: "query", typ: "string", required: true, desc: "register source, one of " + strings.Join(app.OutletSources, ", ") + "; with each row's ref it keys the outlets"},
			{name: "dry_run", in: "query", typ: "string", desc: "1 to validate and report without writing"},
			{name: "file", in: "query", typ: "string", desc: "file name recorded with a text/csv body"},
		}},
	{method: "POST", path: "/api/v1/imports/communities", tag: "imports", ok: 200, result: "ImportReport", write: true,
		summary: "Import a community register (GeoJSON FeatureCollection of Polygon/MultiPolygon); bad features are rejected " +
			"one by one (row = 1-based feature index), good ones upserted by source and ref in one transaction; district users only their district",
		bodyMedia: map[string]string{"application/geo+json": "CommunityRegisterGeoJSON", "multipart/form-data": "OutletRegisterUpload"},
		params: []param{
			{name: "crs", in: "query", typ: "string", required: true, desc: "coordinate system of the file: wgs84 | gcj02 (Amap, Tencent) | bd09 (Baidu); converted to WGS-84"},
			{name: "source", in: "query", typ: "string", required: true, desc: "register source, one of " + strings.Join(knownCommunitySources, ", ") + "; with each feature's ref it keys the communities"},
			{name: "dry_run", in: "query", typ: "string", desc: "1 to validate and report without writing"},
			{name: "file", in: "query", typ: "string", desc: "file name recorded with a GeoJSON body"},
		}},
	{method: "GET", path: "/api/v1/imports", tag: "imports", ok: 200, result: "ImportList", write: true,
		summary: "Import batches, latest first (admin and reviewer)",
		params:  []param{{name: "limit", in: "query", typ: "integer", desc: "default 100, at most 1000"}}},
}

// withImportSchemas adds the schemas of the import routes to s.
func withImportSchemas(s map[string]any) map[string]any {
	var headers []string
	for alias := range columnAliases {
		headers = append(headers, alias)
	}
	slices.Sort(headers)
	s["OutletRegisterCSV"] = map[string]any{"type": "string", "description": "CSV, UTF-8 (BOM optional) or GBK, with a header row. " +
		"Columns name, lon, lat and category (code or Chinese name) or amap_typecode are required; address, brand, is_chain, " +
		"floor_area_m2, accepts_cash, accepts_card, opening_hours, services (codes or Chinese names separated by , or 、), " +
		"ref (the source's id) and district are optional. Accepted headers: " + strings.Join(headers, ", ")}
	var props []string
	for alias := range communityPropAliases {
		props = append(props, alias)
	}
	slices.Sort(props)
	s["CommunityRegisterGeoJSON"] = map[string]any{"type": "object", "description": "GeoJSON FeatureCollection of Polygon or " +
		"MultiPolygon features in the declared CRS. Property name is required; population, households, building_area_m2, " +
		"is_new, region_code (12-digit NBS code; default: the county the polygon lies in), district and ref (the register's id) " +
		"are optional. Accepted property names: " + strings.Join(props, ", ")}
	s["OutletRegisterUpload"] = obj(map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}, "file")
	s["Rejection"] = obj(map[string]any{
		"row":    map[string]any{"type": "integer", "description": "spreadsheet row: the header is row 1"},
		"field":  tString,
		"reason": tString,
	}, "row", "field", "reason")
	s["ImportReport"] = obj(map[string]any{
		"import_id": tInt, "dry_run": tBool, "rows_ok": tInt, "rows_rejected": tInt,
		"inserted": tInt, "updated": tInt, "unchanged": tInt,
		"rejections": map[string]any{"type": "array", "items": ref("Rejection")},
		"warnings":   tStrings,
	}, "import_id", "rows_ok", "rows_rejected", "inserted", "updated", "unchanged", "rejections")
	s["Import"] = obj(map[string]any{
		"id": tInt, "kind": tString, "file": tString, "crs": tString, "rows_ok": tInt, "rows_rejected": tInt,
		"rejections": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"created_by": tString, "created_at": tTime,
	})
	s["ImportList"] = obj(map[string]any{"imports": map[string]any{"type": "array", "items": ref("Import")}}, "imports")
	return s
}

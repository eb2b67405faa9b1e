package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/vector"
	"github.com/quarterhour/quarterhour/store"
)

// Register imports. A register is a list of outlets or communities kept by a
// district, a survey or a map provider. Its file is read by the reader of
// its format into records of named fields (registerReaders), each record is
// mapped to and checked as its domain type (registerKind), and the good ones
// are upserted by (source, ref) in one transaction with the batch record.

// RegisterFormat is the file format of a register.
type RegisterFormat string

// Register formats.
const (
	FormatCSV       RegisterFormat = "csv"
	FormatXLSX      RegisterFormat = "xlsx"
	FormatGeoJSON   RegisterFormat = "geojson"
	FormatShapefile RegisterFormat = "shapefile" // zipped
)

// RegisterImport describes one register file to import.
type RegisterImport struct {
	// File is the file name recorded with the batch.
	File string
	// Format is the file's format; "" tells it from the file's content
	// and name (DetectRegisterFormat).
	Format RegisterFormat
	// CRS is the coordinate system of the file's coordinates: longitude
	// and latitude in WGS-84, CGCS2000, GCJ-02 or BD-09, or the metres of
	// a projection such as EPSG:4548. It is required unless the file
	// declares its own (a Shapefile's .prj, a GeoJSON crs member), which
	// it must then agree with; it is never guessed: GCJ-02 points read as
	// WGS-84 land about 500 m off in Jining.
	CRS proj.CRS
	// Source names the register ("amap", "register", ...). With each
	// record's ref it keys the records, so importing the same register again
	// updates them instead of adding copies.
	Source string
	// District, when set, admits only records of that district; a district
	// user's imports are always limited to its own.
	District string
	// DryRun checks every record and reports what would change, writing
	// nothing.
	DryRun bool
	// Sheet names the worksheet of an XLSX workbook to read; the first
	// when empty.
	Sheet string
	// Encoding gives the text encoding of a Shapefile's attributes (UTF-8,
	// GBK, ...), overriding its .cpg and detection.
	Encoding string
}

// ImportReport is the outcome of a register import. Inserted, Updated and
// Unchanged count the accepted records; on a dry run they say what an
// import would do.
type ImportReport struct {
	ImportID int64          `json:"import_id"` // 0 on a dry run
	DryRun   bool           `json:"dry_run"`
	Format   RegisterFormat `json:"format"`
	// CRS is the coordinate system the file's coordinates were read in,
	// as recorded on each record (wgs84, gcj02, bd09, EPSG:4548 ...), and
	// CRSFrom where it came from: the file (its .prj, its GeoJSON crs
	// member) or "declared".
	CRS          string      `json:"crs"`
	CRSFrom      string      `json:"crs_from"`
	RowsOK       int         `json:"rows_ok"`
	RowsRejected int         `json:"rows_rejected"`
	Inserted     int         `json:"inserted"`
	Updated      int         `json:"updated"`
	Unchanged    int         `json:"unchanged"`
	Rejections   []Rejection `json:"rejections"`
	Warnings     []string    `json:"warnings,omitempty"`
}

// Rejection explains why one record was not imported. Row counts as a
// spreadsheet does (the header is row 1, the first data row is row 2), or
// is the 1-based index of a feature.
type Rejection struct {
	Row    int    `json:"row"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Import batch listing.
const (
	DefaultImportLimit = 100
	MaxImportLimit     = 1000
)

// ListImports returns the latest limit import batches, latest first; only
// admins and reviewers may list them.
func (a *App) ListImports(ctx context.Context, u *quarterhour.User, limit int) ([]quarterhour.Import, error) {
	if u == nil {
		return nil, errLoginRequired
	}
	if u.Role != quarterhour.RoleAdmin && u.Role != quarterhour.RoleReviewer {
		return nil, quarterhour.Forbidden("", "role %s may not list import batches", u.Role)
	}
	if limit < 1 || limit > MaxImportLimit {
		return nil, quarterhour.Invalid("limit", "limit must be between 1 and %d", MaxImportLimit)
	}
	imps, err := a.store.ListImports(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	if imps == nil {
		imps = []quarterhour.Import{}
	}
	return imps, nil
}

// registerValue is a domain type a register holds.
type registerValue[T any] interface {
	SameValues(T) bool
}

// registerKind is what one domain type brings to the register import.
type registerKind[T registerValue[T]] struct {
	// plural and singular name the type in messages; plural with the
	// format names the batch's Import.Kind ("outlets-csv").
	plural, singular string
	sources          []string
	formats          []RegisterFormat // those it is read from
	formatAdvice     string           // what to send instead of another format
	names            fieldNames
	// needColumns checks the fields of a file that declares its columns
	// once (a header row, a Shapefile's attributes); geometry says whether
	// its records carry geometry of their own. Nil when any will do.
	needColumns func(have map[string]bool, geometry bool) error
	// stored returns the source's stored values.
	stored func(ctx context.Context, st store.Store, source string) ([]T, error)
	ref    func(T) string
	upsert func(st store.Store, ctx context.Context, vs []T, imp *quarterhour.Import) (store.UpsertStats, error)
	// mapper prepares turning the records of batch b into values; it may
	// warn in rep.
	mapper func(ctx context.Context, b *registerBatch[T], rep *ImportReport) (recordMapper[T], error)
}

// recordMapper turns the records of one register into values.
type recordMapper[T any] interface {
	// value maps and checks one record, or says why it is rejected. Fields
	// missing from the record keep the stored value on a re-import.
	value(ctx context.Context, rec registerRecord, f fields) (T, *Rejection, error)
}

// reportFinisher is a recordMapper with something to add to the report
// once every record is mapped.
type reportFinisher interface {
	finish(rep *ImportReport)
}

// registerBatch is what checking the records of one import needs whatever
// their type.
type registerBatch[T registerValue[T]] struct {
	a        *App
	kind     *registerKind[T]
	req      RegisterImport // with the CRS settled
	counties *CountyIndex
	existing map[string]T   // the source's stored values by ref
	refRows  map[string]int // ref -> first row using it
}

// importRegister runs one register import for u: check the request, read
// the file with the reader of its format, settle its CRS, map and check
// each record as kind says, then store the good ones with the batch record
// unless it is a dry run. A file that cannot be read as such a register is
// a *quarterhour.Error and nothing is written.
func importRegister[T registerValue[T]](ctx context.Context, a *App, u *quarterhour.User, r io.Reader, req RegisterImport, kind *registerKind[T]) (*ImportReport, error) {
	if err := CanWrite(u, req.District); err != nil {
		return nil, err
	}
	if u.Role == quarterhour.RoleDistrict {
		req.District = u.District
	}
	if req.Source == "" {
		return nil, quarterhour.Invalid("source", "source is required (%s)", strings.Join(kind.sources, ", "))
	}
	if !slices.Contains(kind.sources, req.Source) {
		return nil, quarterhour.Invalid("source", "unknown source %q (known: %s)", req.Source, strings.Join(kind.sources, ", "))
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("import %s %s: read: %w", kind.plural, req.File, err)
	}
	if req.Format == "" {
		if req.Format, err = DetectRegisterFormat(req.File, data); err != nil {
			return nil, err
		}
	} else if err := checkFormat(req.Format, data); err != nil {
		return nil, err
	}
	if !slices.Contains(kind.formats, req.Format) {
		return nil, quarterhour.Errorf(quarterhour.EUnsupportedMedia, "format", "%s registers are not read from %s files: %s",
			kind.singular, req.Format, kind.formatAdvice)
	}
	read, ok := registerReaders[req.Format]
	if !ok {
		return nil, quarterhour.Errorf(quarterhour.EUnsupportedMedia, "format", "unknown format %q", req.Format)
	}
	rd, warnings, err := read(data, readOptions{crs: req.CRS, sheet: req.Sheet, encoding: req.Encoding})
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{DryRun: req.DryRun, Format: req.Format, Rejections: []Rejection{}, Warnings: warnings}
	names := &fieldMapper{names: kind.names, rep: rep, what: "property", known: map[string]string{}, ignored: map[string]bool{}}
	if cols := rd.columns(); cols != nil {
		// Unknown columns are reported once, in the header's order.
		names.what = "column"
		var need func(map[string]bool) error
		if kind.needColumns != nil {
			need = func(have map[string]bool) error { return kind.needColumns(have, rd.geometries()) }
		}
		if err := names.header(cols, need); err != nil {
			return nil, err
		}
	}
	var recs []mappedRecord
	for {
		rec, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		m := mappedRecord{rec: rec}
		if rec.fault == nil {
			m.f = names.fields(rec.fields)
		}
		recs = append(recs, m)
	}
	if req.CRS, rep.CRSFrom, err = settleRegisterCRS(rd, req.CRS, recs); err != nil {
		return nil, err
	}
	rep.CRS = crsRecord(req.CRS)

	b, err := newRegisterBatch(ctx, a, kind, req)
	if err != nil {
		return nil, err
	}
	m, err := kind.mapper(ctx, b, rep)
	if err != nil {
		return nil, err
	}
	var good []T
	for _, r := range recs {
		if r.rec.fault != nil {
			rep.Rejections = append(rep.Rejections, *r.rec.fault)
			continue
		}
		v, rej, err := m.value(ctx, r.rec, r.f)
		if err != nil {
			return nil, fmt.Errorf("import %s %s row %d: %w", kind.plural, req.File, r.rec.row, err)
		}
		if rej != nil {
			rep.Rejections = append(rep.Rejections, *rej)
			continue
		}
		good = append(good, v)
	}
	if f, ok := m.(reportFinisher); ok {
		f.finish(rep)
	}
	rep.RowsOK, rep.RowsRejected = len(good), len(rep.Rejections)
	if req.DryRun {
		for _, v := range good {
			old, ok := b.existing[kind.ref(v)]
			switch {
			case !ok:
				rep.Inserted++
			case old.SameValues(v):
				rep.Unchanged++
			default:
				rep.Updated++
			}
		}
		return rep, nil
	}
	rejections, err := json.Marshal(rep.Rejections)
	if err != nil {
		return nil, fmt.Errorf("import %s %s: %w", kind.plural, req.File, err)
	}
	imp := &quarterhour.Import{Kind: kind.plural + "-" + string(req.Format), File: req.File, CRS: rep.CRS,
		RowsOK: rep.RowsOK, RowsRejected: rep.RowsRejected, Rejections: rejections, CreatedBy: u.Username}
	stats, err := kind.upsert(a.store, ctx, good, imp)
	if err != nil {
		return nil, fmt.Errorf("import %s %s: %w", kind.plural, req.File, err)
	}
	rep.ImportID = imp.ID
	rep.Inserted, rep.Updated, rep.Unchanged = stats.Inserted, stats.Updated, stats.Unchanged
	return rep, nil
}

// mappedRecord is a record read and its fields named.
type mappedRecord struct {
	rec registerRecord
	f   fields
}

// settleRegisterCRS decides the CRS of a register's coordinates from what
// the file declares and what the user declared (proj.Settle), and refuses
// the file when not one of its coordinates fits that CRS: metres declared
// as degrees, or degrees as a projection. Degrees with longitude and
// latitude swapped are left to the rows, whose rejections say so. It returns where the CRS came
// from: the file's declaration, or "declared".
func settleRegisterCRS(rd registerReader, declared proj.CRS, recs []mappedRecord) (proj.CRS, string, error) {
	fromFile, where := rd.fileCRS()
	var pts []orb.Point
	for _, r := range recs {
		if p, ok := rawPoint(r); ok {
			pts = append(pts, p)
		}
	}
	var bound orb.Bound
	if len(pts) > 0 {
		bound = orb.MultiPoint(pts).Bound()
	}
	crs, err := proj.Settle(fromFile, where, declared, bound, len(pts) > 0)
	if err != nil {
		return proj.CRS{}, "", quarterhour.Invalid("crs", "%v", err)
	}
	from := "declared"
	if !fromFile.IsZero() {
		from = where
	}
	if len(pts) == 0 {
		return crs, from, nil
	}
	for _, p := range pts {
		if _, err := crs.ToWGS84(p); err == nil {
			return crs, from, nil
		}
		if _, err := crs.ToWGS84(orb.Point{p[1], p[0]}); err == nil && !crs.IsProjected() {
			// Swapped longitude and latitude: each row says so.
			return crs, from, nil
		}
	}
	src := "the declared CRS"
	if from != "declared" {
		src = from + "'s CRS"
	}
	if err := crs.CheckExtent(bound); err != nil {
		return proj.CRS{}, "", quarterhour.Invalid("crs", "no coordinate of the file fits %s: %v", src, err)
	}
	_, err = crs.ToWGS84(pts[0])
	return proj.CRS{}, "", quarterhour.Invalid("crs", "no coordinate of the file fits %s: %v", src, err)
}

// rawPoint is a coordinate of a record as the file gives it, before any
// conversion: the first vertex of its geometry, its lon and lat fields, or
// its location field.
func rawPoint(r mappedRecord) (orb.Point, bool) {
	if r.rec.fault != nil {
		return orb.Point{}, false
	}
	if r.rec.geometry != nil {
		return firstVertex(r.rec.geometry)
	}
	x, errX := strconv.ParseFloat(r.f.text(fieldLon), 64)
	y, errY := strconv.ParseFloat(r.f.text(fieldLat), 64)
	if errX == nil && errY == nil && finite(x, y) {
		return orb.Point{x, y}, true
	}
	return parsePair(r.f.text(fieldLocation))
}

func firstVertex(g orb.Geometry) (orb.Point, bool) {
	switch g := g.(type) {
	case orb.Point:
		return g, true
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.LineString:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.MultiLineString:
		for _, l := range g {
			if len(l) > 0 {
				return l[0], true
			}
		}
	case orb.Polygon:
		if len(g) > 0 && len(g[0]) > 0 {
			return g[0][0], true
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if len(p) > 0 && len(p[0]) > 0 {
				return p[0][0], true
			}
		}
	}
	return orb.Point{}, false
}

// parsePair reads two numbers from one cell, "x,y" or "x y", in whatever
// unit: the CRS says which.
func parsePair(s string) (orb.Point, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "，", ","))
	var parts []string
	if strings.Contains(s, ",") {
		parts = strings.Split(s, ",")
	} else {
		parts = strings.Fields(s)
	}
	if len(parts) != 2 {
		return orb.Point{}, false
	}
	x, errX := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
	y, errY := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	if errX != nil || errY != nil || !finite(x, y) {
		return orb.Point{}, false
	}
	return orb.Point{x, y}, true
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// crsRecord is how a CRS is recorded on imported rows and batches: wgs84,
// gcj02 and bd09 for the longitude/latitude systems the platform has always
// named so, the EPSG code for the others (EPSG:4490, EPSG:4548), or the
// description of a projection without one.
func crsRecord(c proj.CRS) string {
	if g, ok := c.Geo(); ok && c.EPSG != 4490 {
		return string(g)
	}
	if code := c.Code(); code != "custom" {
		return code
	}
	return c.String()
}

func newRegisterBatch[T registerValue[T]](ctx context.Context, a *App, kind *registerKind[T], req RegisterImport) (*registerBatch[T], error) {
	ix, err := a.Counties(ctx)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", kind.plural, err)
	}
	old, err := kind.stored(ctx, a.store, req.Source)
	if err != nil {
		return nil, fmt.Errorf("import %s: %s of source %s: %w", kind.plural, kind.plural, req.Source, err)
	}
	existing := make(map[string]T, len(old))
	for _, v := range old {
		existing[kind.ref(v)] = v
	}
	return &registerBatch[T]{a: a, kind: kind, req: req, counties: ix, existing: existing, refRows: map[string]int{}}, nil
}

// claimRef gives row the ref, or rejects the row when an earlier row has
// it: same names the earlier row when the ref was derived from the record's
// content, again when the file gave it.
func (b *registerBatch[T]) claimRef(row int, ref string, given bool, same, again string) *Rejection {
	if first, dup := b.refRows[ref]; dup {
		if !given {
			return &Rejection{Row: row, Field: fieldName, Reason: fmt.Sprintf(same, first)}
		}
		return &Rejection{Row: row, Field: fieldRef, Reason: fmt.Sprintf(again, ref, first)}
	}
	b.refRows[ref] = row
	return nil
}

// district is the district of a record that names given (maybe ""): the
// importing district's when the import is limited to one, where a record
// of another district, or one updating another district's stored value,
// is rejected.
func (b *registerBatch[T]) district(row int, given, ref string, exists bool, oldDistrict string) (string, *Rejection) {
	own := b.req.District
	if own == "" {
		return given, nil
	}
	if given != "" && given != own {
		return "", &Rejection{Row: row, Field: fieldDistrict,
			Reason: fmt.Sprintf("you may import %s of district %s only, not %s", b.kind.plural, own, given)}
	}
	if exists && oldDistrict != own {
		return "", &Rejection{Row: row, Field: fieldRef,
			Reason: fmt.Sprintf("%s %s/%s belongs to district %s, not %s", b.kind.singular, b.req.Source, ref, oldDistrict, own)}
	}
	return own, nil
}

// rejectInvalid makes a validation error the rejection of row, adding hint
// when it is about the geometry (then reported as field geometry); any
// other error is returned as it is.
func rejectInvalid(row int, err error, geometry string, hint func() string) (*Rejection, error) {
	var e *quarterhour.Error
	if !errors.As(err, &e) {
		return nil, err
	}
	if e.Field == "geometry" {
		return &Rejection{Row: row, Field: geometry, Reason: e.Message + hint()}, nil
	}
	return &Rejection{Row: row, Field: e.Field, Reason: e.Message}, nil
}

// crsHint says, for a point outside every county, which other coordinate
// system would have put it inside one: only then can the mix-up be told.
// raw is the point as in the file, converted the point read as declared.
func (b *registerBatch[T]) crsHint(raw, converted orb.Point) string {
	counties := b.counties
	declared, ok := b.req.CRS.Geo()
	if !ok || counties.Locate(converted) != "" {
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

// contentRef is the ref of a record without one: a hash of its name and its
// WGS-84 position to 1e-6 degrees, stable across imports of the same file.
func contentRef(name string, p orb.Point) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%.6f|%.6f", name, p[0], p[1])))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// Fields of a register record, shared by the registers that have them.
const (
	fieldName     = "name"
	fieldRef      = "ref"
	fieldDistrict = "district"
)

// fieldNames maps the names a register may give a field (Chinese, English,
// a provider's) to the field.
type fieldNames map[string]string

// field returns the field that name stands for, matched after trimming,
// lower-casing and dropping a bracketed unit ("营业面积(㎡)").
func (n fieldNames) field(name string) (string, bool) {
	key := strings.ToLower(strings.TrimSpace(name))
	if j := strings.IndexAny(key, "(（"); j > 0 {
		key = strings.TrimSpace(key[:j])
	}
	f, ok := n[key]
	return f, ok
}

// aliases lists, sorted, the names of field; of every field when field is
// "".
func (n fieldNames) aliases(field string) []string {
	var names []string
	for alias, f := range n {
		if field == "" || f == field {
			names = append(names, alias)
		}
	}
	slices.Sort(names)
	return names
}

// fields are a record's values by field. Text formats give strings; GeoJSON
// gives JSON values (json.Number for numbers); Shapefiles give strings,
// numbers, booleans and dates.
type fields map[string]any

// text is the value of field as trimmed text, "" when absent (see
// vector.Text).
func (f fields) text(field string) string { return vector.Text(f[field]) }

// fieldMapper names the fields of a file's records, warning once of each
// name it does not know.
type fieldMapper struct {
	names   fieldNames
	rep     *ImportReport
	what    string            // "column" or "property", in warnings
	known   map[string]string // file's name -> field
	ignored map[string]bool
}

// header maps the columns a file declares once for all its records; two
// columns giving one field are an error, and need checks the fields.
func (m *fieldMapper) header(cols []string, need func(map[string]bool) error) error {
	first := map[string]string{} // field -> its column
	have := map[string]bool{}
	for _, c := range cols {
		f, ok := m.name(c)
		if !ok || f == fieldContext {
			continue
		}
		if prev, dup := first[f]; dup {
			return quarterhour.Invalid("file", "columns %q and %q both give %s", prev, c, f)
		}
		first[f], have[f] = c, true
	}
	if need == nil {
		return nil
	}
	return need(have)
}

// fields maps one record's values to fields, leaving out null and blank
// values: a blank cell says nothing.
func (m *fieldMapper) fields(values map[string]any) fields {
	out := make(fields, len(values))
	for k, v := range values {
		if v == nil {
			continue
		}
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			continue
		}
		if f, ok := m.name(k); ok {
			out[f] = v
		}
	}
	return out
}

func (m *fieldMapper) name(name string) (string, bool) {
	if f, ok := m.known[name]; ok {
		return f, true
	}
	if m.ignored[name] {
		return "", false
	}
	f, ok := m.names.field(name)
	if !ok {
		m.ignored[name] = true
		if strings.TrimSpace(name) != "" {
			m.rep.Warnings = append(m.rep.Warnings, fmt.Sprintf("%s %q is not recognised and was ignored", m.what, name))
		}
		return "", false
	}
	m.known[name] = f
	return f, true
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

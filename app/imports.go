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
	FormatCSV     RegisterFormat = "csv"
	FormatGeoJSON RegisterFormat = "geojson"
)

// RegisterImport describes one register file to import.
type RegisterImport struct {
	// File is the file name recorded with the batch.
	File string
	// Format is the file's format; "" is the register's usual one (CSV for
	// outlets, GeoJSON for communities).
	Format RegisterFormat
	// CRS is the coordinate system of the file's coordinates. Required:
	// GCJ-02 points read as WGS-84 land about 500 m off in Jining.
	CRS geo.CRS
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
}

// ImportReport is the outcome of a register import. Inserted, Updated and
// Unchanged count the accepted records; on a dry run they say what an
// import would do.
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
	formats          []RegisterFormat // those it is read from; the first is the default
	names            fieldNames
	// needColumns checks the fields of a file that declares its columns
	// once (a header row); nil when any will do.
	needColumns func(have map[string]bool) error
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

// registerBatch is what checking the records of one import needs whatever
// their type.
type registerBatch[T registerValue[T]] struct {
	a        *App
	kind     *registerKind[T]
	req      RegisterImport
	counties *CountyIndex
	existing map[string]T   // the source's stored values by ref
	refRows  map[string]int // ref -> first row using it
}

// importRegister runs one register import for u: check the request, read
// the file with the reader of its format, map and check each record as kind
// says, then store the good ones with the batch record unless it is a dry
// run. A file that cannot be read as such a register is a
// *quarterhour.Error and nothing is written.
func importRegister[T registerValue[T]](ctx context.Context, a *App, u *quarterhour.User, r io.Reader, req RegisterImport, kind *registerKind[T]) (*ImportReport, error) {
	if err := CanWrite(u, req.District); err != nil {
		return nil, err
	}
	if u.Role == quarterhour.RoleDistrict {
		req.District = u.District
	}
	switch req.CRS {
	case geo.WGS84, geo.GCJ02, geo.BD09:
	case "":
		return nil, quarterhour.Invalid("crs", "crs is required: wgs84 (GPS, OSM), gcj02 (Amap, Tencent) or bd09 (Baidu); it is never guessed")
	default:
		return nil, quarterhour.Invalid("crs", "crs is required: wgs84 (GPS, OSM), gcj02 (Amap, Tencent) or bd09 (Baidu)")
	}
	if req.Source == "" {
		return nil, quarterhour.Invalid("source", "source is required (%s)", strings.Join(kind.sources, ", "))
	}
	if !slices.Contains(kind.sources, req.Source) {
		return nil, quarterhour.Invalid("source", "unknown source %q (known: %s)", req.Source, strings.Join(kind.sources, ", "))
	}
	if req.Format == "" {
		req.Format = kind.formats[0]
	}
	if !slices.Contains(kind.formats, req.Format) {
		return nil, quarterhour.Errorf(quarterhour.EUnsupportedMedia, "format", "%s registers are not read from %s files", kind.singular, req.Format)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("import %s %s: read: %w", kind.plural, req.File, err)
	}
	rd, warnings, err := registerReaders[req.Format](data)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{DryRun: req.DryRun, Rejections: []Rejection{}, Warnings: warnings}
	b, err := newRegisterBatch(ctx, a, kind, req)
	if err != nil {
		return nil, err
	}
	m, err := kind.mapper(ctx, b, rep)
	if err != nil {
		return nil, err
	}
	names := &fieldMapper{names: kind.names, rep: rep, what: "property", known: map[string]string{}, ignored: map[string]bool{}}
	if cols := rd.columns(); cols != nil {
		// Unknown columns are reported once, in the header's order.
		names.what = "column"
		if err := names.header(cols, kind.needColumns); err != nil {
			return nil, err
		}
	}
	var good []T
	for {
		rec, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if rec.fault != nil {
			rep.Rejections = append(rep.Rejections, *rec.fault)
			continue
		}
		v, rej, err := m.value(ctx, rec, names.fields(rec.fields))
		if err != nil {
			return nil, fmt.Errorf("import %s %s row %d: %w", kind.plural, req.File, rec.row, err)
		}
		if rej != nil {
			rep.Rejections = append(rep.Rejections, *rej)
			continue
		}
		good = append(good, v)
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
	imp := &quarterhour.Import{Kind: kind.plural + "-" + string(req.Format), File: req.File, CRS: string(req.CRS),
		RowsOK: rep.RowsOK, RowsRejected: rep.RowsRejected, Rejections: rejections, CreatedBy: u.Username}
	stats, err := kind.upsert(a.store, ctx, good, imp)
	if err != nil {
		return nil, fmt.Errorf("import %s %s: %w", kind.plural, req.File, err)
	}
	rep.ImportID = imp.ID
	rep.Inserted, rep.Updated, rep.Unchanged = stats.Inserted, stats.Updated, stats.Unchanged
	return rep, nil
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
	counties, declared := b.counties, b.req.CRS
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
// gives JSON values (json.Number for numbers).
type fields map[string]any

// text is the value of field as trimmed text, "" when absent or not text.
func (f fields) text(field string) string {
	switch v := f[field].(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	}
	return ""
}

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
		if !ok {
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

// fields maps one record's values to fields.
func (m *fieldMapper) fields(values map[string]any) fields {
	out := make(fields, len(values))
	for k, v := range values {
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

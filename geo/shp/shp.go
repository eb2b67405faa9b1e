// Package shp reads ESRI Shapefiles, zipped or as separate files, into
// orb geometries with their attributes: Point, MultiPoint, PolyLine and
// Polygon shapes and their Z and M variants (Z and M are dropped), dBASE
// attributes decoded from UTF-8, GBK, GB18030 and a few other code pages,
// and the CRS of the .prj. It follows ESRI's Shapefile Technical
// Description (1998) and refuses a file that breaks it with an error that
// names the file and what is wrong.
package shp

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo/proj"
)

// DefaultMaxSize is the default limit on the unpacked size of any one
// member of a layer and of all of them together.
const DefaultMaxSize = 512 << 20

// Kinds of error, for errors.Is. A missing CRS is proj.ErrNoCRS.
var (
	// ErrInvalid marks a file that is not a well-formed Shapefile, or
	// whose parts disagree.
	ErrInvalid = errors.New("invalid shapefile")
	// ErrTooLarge marks a file over the size limit.
	ErrTooLarge = errors.New("shapefile too large")
	// ErrUnsupported marks a well-formed file using something not read:
	// MultiPatch shapes, an unknown code page, an unsupported CRS.
	ErrUnsupported = errors.New("unsupported shapefile")
)

// Error is a refusal of a file, with the reason a user can act on.
type Error struct {
	// File is the member at fault, e.g. "communities.dbf".
	File string
	// Reason is the full message, naming the file.
	Reason string
	kind   error
}

func (e *Error) Error() string { return e.Reason }

// Unwrap returns ErrInvalid, ErrTooLarge, ErrUnsupported or
// proj.ErrNoCRS.
func (e *Error) Unwrap() error { return e.kind }

func fail(kind error, file, format string, args ...any) error {
	return &Error{File: file, Reason: fmt.Sprintf(format, args...), kind: kind}
}

// Options controls reading.
type Options struct {
	// CRS is a CRS the caller declares. It is needed when the layer has
	// no .prj, and must agree with the .prj when there is one.
	CRS proj.CRS
	// Encoding overrides the .cpg and detection for the attribute text:
	// "UTF-8", "GBK", "GB18030", "Big5", "ISO-8859-1" or "Windows-1252"
	// (and their usual aliases, e.g. "936" or "CP936").
	Encoding string
	// Layer picks a layer by its name (the file name without extension)
	// in a zip that holds several.
	Layer string
	// MaxSize limits the unpacked size, in bytes, of each member and of
	// the layer's members together; 0 means DefaultMaxSize.
	MaxSize int64
}

func (o Options) maxSize() int64 {
	if o.MaxSize > 0 {
		return o.MaxSize
	}
	return DefaultMaxSize
}

// Parts are the member files of one layer. PRJ and CPG are nil when the
// layer has none.
type Parts struct {
	// Name is the layer name, the file name without extension, used in
	// messages.
	Name          string
	SHP, SHX, DBF []byte
	PRJ, CPG      []byte
}

// Source says where a layer's CRS or encoding came from.
type Source string

// Sources of the CRS and the encoding.
const (
	FromPRJ      Source = "prj"             // the .prj
	FromCPG      Source = "cpg"             // the .cpg
	FromLDID     Source = "language driver" // the .dbf header's language driver byte
	FromDetected Source = "detected"        // the text itself
	FromDeclared Source = "declared"        // Options
)

// Field describes a dBASE attribute column.
type Field struct {
	Name     string // decoded, unique within the layer
	Type     byte   // 'C', 'N', 'F', 'L', 'D', ...
	Size     int
	Decimals int
}

// Feature is one shape and its attributes.
type Feature struct {
	// Row is the 1-based record number in the .shp and .dbf.
	Row int
	// Geometry is an orb.Point, MultiPoint, LineString, MultiLineString,
	// Polygon or MultiPolygon in the layer's CRS, or nil for a null
	// shape. Polygon rings are in GeoJSON order: outer rings
	// counter-clockwise, holes clockwise.
	Geometry orb.Geometry
	// Props maps field names to values: string for C, int64 or float64
	// for N and F (nil when blank; the text when not a number), bool for
	// L, time.Time for D, nil for memo fields.
	Props map[string]any
}

// Layer is a read Shapefile.
type Layer struct {
	Name string
	// Type is the shape type of the .shp header.
	Type ShapeType
	// CRS is the coordinate system of the geometries, and CRSSource
	// where it came from.
	CRS       proj.CRS
	CRSSource Source
	// Encoding is the attribute text's encoding ("UTF-8", "GBK", ...)
	// and EncodingSource where it came from.
	Encoding       string
	EncodingSource Source
	Fields         []Field
	// Bound covers every non-null geometry.
	Bound orb.Bound
	// Features holds the records in file order, without the ones the
	// .dbf marks deleted.
	Features []Feature
	// Deleted counts the records the .dbf marks deleted.
	Deleted int
}

// Read reads a layer from its member files.
func Read(p Parts, opt Options) (*Layer, error) {
	name := p.Name
	if name == "" {
		name = "layer"
	}
	max := opt.maxSize()
	for _, m := range []struct {
		ext  string
		data []byte
	}{{".shp", p.SHP}, {".shx", p.SHX}, {".dbf", p.DBF}, {".prj", p.PRJ}, {".cpg", p.CPG}} {
		if int64(len(m.data)) > max {
			return nil, fail(ErrTooLarge, name+m.ext, "%s%s is %s, over the %s limit", name, m.ext, byteSize(int64(len(m.data))), byteSize(max))
		}
	}
	if p.SHP == nil || p.SHX == nil || p.DBF == nil {
		return nil, fail(ErrInvalid, name+".shp", "a shapefile needs %[1]s.shp, %[1]s.shx and %[1]s.dbf; %[2]s", name, missingParts(name, p))
	}
	shapes, typ, err := readSHP(name, p.SHP)
	if err != nil {
		return nil, err
	}
	if err := checkSHX(name, p.SHX, shapes); err != nil {
		return nil, err
	}
	tab, err := readDBF(name, p.DBF)
	if err != nil {
		return nil, err
	}
	if tab.count != len(shapes) {
		return nil, fail(ErrInvalid, name+".dbf", "%s.dbf has %d records but %s.shp has %d shapes", name, tab.count, name, len(shapes))
	}
	l := &Layer{Name: name, Type: typ}
	haveBound := false
	if err := tab.decode(name, p.CPG, opt.Encoding, l); err != nil {
		return nil, err
	}
	for i, s := range shapes {
		if tab.deleted(i) {
			l.Deleted++
			continue
		}
		g, err := s.geometry()
		if err != nil {
			return nil, fail(ErrInvalid, name+".shp", "%s.shp record %d: %v", name, i+1, err)
		}
		if g != nil {
			l.Bound = extend(l.Bound, g.Bound(), !haveBound)
			haveBound = true
		}
		l.Features = append(l.Features, Feature{Row: i + 1, Geometry: g, Props: tab.props(i)})
	}
	if err := l.setCRS(p.PRJ, opt.CRS); err != nil {
		return nil, err
	}
	return l, nil
}

func missingParts(name string, p Parts) string {
	var have, miss []string
	for _, m := range []struct {
		ext  string
		data []byte
	}{{".shp", p.SHP}, {".shx", p.SHX}, {".dbf", p.DBF}} {
		if m.data == nil {
			miss = append(miss, name+m.ext)
		} else {
			have = append(have, name+m.ext)
		}
	}
	msg := fmt.Sprintf("%s %s missing", join(miss), plural(len(miss), "is", "are"))
	if len(have) > 0 {
		msg += " (there " + plural(len(have), "is ", "are ") + join(have) + ")"
	}
	return msg
}

func extend(b, g orb.Bound, first bool) orb.Bound {
	if first {
		return g
	}
	return b.Union(g)
}

// setCRS settles the layer's CRS from the .prj and the declared one, and
// checks that the coordinates fit it.
func (l *Layer) setCRS(prj []byte, declared proj.CRS) error {
	file := l.Name + ".prj"
	switch {
	case prj != nil:
		c, err := proj.Parse(string(prj))
		if errors.Is(err, proj.ErrNoCRS) {
			return fail(proj.ErrNoCRS, file, "%s is empty, so the coordinate reference system is unknown: fix it or leave it out and declare the CRS%s", file, l.hint())
		}
		if err != nil {
			return fail(ErrUnsupported, file, "%s: %v", file, err)
		}
		if !declared.IsZero() && !declared.Equal(c) {
			return fail(ErrInvalid, file, "%s says %s but %s was declared: remove the .prj or declare the CRS it names", file, c, declared)
		}
		l.CRS, l.CRSSource = c, FromPRJ
	case !declared.IsZero():
		l.CRS, l.CRSSource = declared, FromDeclared
	default:
		return fail(proj.ErrNoCRS, file, "%s.shp comes without %s, so its coordinate reference system is unknown: add the .prj or declare the CRS%s", l.Name, file, l.hint())
	}
	if l.hasGeometry() {
		if err := l.CRS.CheckExtent(l.Bound); err != nil {
			src := file
			if l.CRSSource == FromDeclared {
				src = "the declared CRS"
			}
			return fail(ErrInvalid, l.Name+".shp", "%s.shp does not fit %s: %v", l.Name, src, err)
		}
	}
	return nil
}

func (l *Layer) hasGeometry() bool {
	for _, f := range l.Features {
		if f.Geometry != nil {
			return true
		}
	}
	return false
}

// hint is what the extent suggests, for a missing CRS.
func (l *Layer) hint() string {
	if !l.hasGeometry() {
		return ""
	}
	if h := proj.Hint(l.Bound); h != "" {
		return "; " + h
	}
	return " (e.g. EPSG:4490 for CGCS2000 longitude/latitude, EPSG:4326 for WGS 84)"
}

// ToWGS84 converts the layer's geometries to WGS-84 longitude/latitude in
// place and sets its CRS to EPSG:4326. On error, naming the record, the
// layer is left unchanged.
func (l *Layer) ToWGS84() error {
	if l.CRS.IsZero() {
		return fail(proj.ErrNoCRS, l.Name+".prj", "%s has no coordinate reference system", l.Name)
	}
	out := make([]orb.Geometry, len(l.Features))
	var b orb.Bound
	first := true
	for i, f := range l.Features {
		if f.Geometry == nil {
			continue
		}
		g, err := transform(f.Geometry, l.CRS.ToWGS84)
		if err != nil {
			return fail(ErrInvalid, l.Name+".shp", "%s.shp record %d: %v", l.Name, f.Row, err)
		}
		out[i] = g
		b = extend(b, g.Bound(), first)
		first = false
	}
	for i := range l.Features {
		l.Features[i].Geometry = out[i]
	}
	l.CRS, l.Bound = proj.LonLatWGS84, b
	return nil
}

// transform returns a copy of g with every point passed through f.
func transform(g orb.Geometry, f func(orb.Point) (orb.Point, error)) (orb.Geometry, error) {
	var err error
	pt := func(p orb.Point) orb.Point {
		if err != nil {
			return p
		}
		var q orb.Point
		q, err = f(p)
		return q
	}
	line := func(ps []orb.Point) []orb.Point {
		out := make([]orb.Point, len(ps))
		for i, p := range ps {
			out[i] = pt(p)
		}
		return out
	}
	poly := func(p orb.Polygon) orb.Polygon {
		out := make(orb.Polygon, len(p))
		for i, r := range p {
			out[i] = line(r)
		}
		return out
	}
	var res orb.Geometry
	switch g := g.(type) {
	case orb.Point:
		res = pt(g)
	case orb.MultiPoint:
		res = orb.MultiPoint(line(g))
	case orb.LineString:
		res = orb.LineString(line(g))
	case orb.MultiLineString:
		m := make(orb.MultiLineString, len(g))
		for i, l := range g {
			m[i] = line(l)
		}
		res = m
	case orb.Polygon:
		res = poly(g)
	case orb.MultiPolygon:
		m := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			m[i] = poly(p)
		}
		res = m
	default:
		return nil, fmt.Errorf("unexpected geometry %T", g)
	}
	return res, err
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// join lists names as "a", "a and b" or "a, b and c".
func join(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	s := names[0]
	for _, n := range names[1 : len(names)-1] {
		s += ", " + n
	}
	return s + " and " + names[len(names)-1]
}

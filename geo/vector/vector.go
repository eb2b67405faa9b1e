// Package vector reads a layer of features from the vector files municipal
// data comes in, GeoJSON FeatureCollections and zipped ESRI Shapefiles,
// into geometries in the file's own coordinates, their attributes, and the
// coordinate reference system the file declares, if any: a Shapefile's
// .prj or a GeoJSON crs member. Converting the coordinates, and deciding
// the CRS when the file declares none, is the caller's (see proj.Settle).
package vector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/shp"
)

// Format is a vector file format.
type Format string

// Formats read.
const (
	GeoJSON   Format = "geojson"
	Shapefile Format = "shapefile" // zipped: .shp, .shx, .dbf and usually .prj and .cpg
)

// ErrInvalid marks a file that cannot be read as its format. A zipped
// Shapefile is refused with a *shp.Error instead, which says which member
// is at fault.
var ErrInvalid = errors.New("invalid vector file")

// Error is a refusal of a GeoJSON file.
type Error struct {
	// CRS is true when the file's crs member is what is wrong.
	CRS    bool
	Reason string
}

func (e *Error) Error() string { return e.Reason }

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// Options controls reading.
type Options struct {
	// CRS is a CRS the user declares. A Shapefile's .prj must agree with
	// it, and a Shapefile without a .prj needs it.
	CRS proj.CRS
	// Encoding overrides a Shapefile's .cpg and detection for its
	// attribute text ("UTF-8", "GBK", ...).
	Encoding string
	// Layer picks a Shapefile layer by name in a zip that holds several.
	Layer string
	// MaxSize limits a Shapefile's unpacked size; 0 is shp.DefaultMaxSize.
	MaxSize int64
}

// Feature is one feature of a layer.
type Feature struct {
	// Row is the 1-based index of the feature in a GeoJSON collection, or
	// its record number in a Shapefile.
	Row int
	// Geometry is in the file's coordinates, nil when the feature has
	// none; BadGeometry says why a geometry given could not be read.
	Geometry    orb.Geometry
	BadGeometry string
	// Props are the attributes by the file's names: GeoJSON values as
	// decoded with json.Number for numbers; Shapefile values as
	// shp.Feature gives them.
	Props map[string]any
}

// Layer is a read layer.
type Layer struct {
	Format Format
	// CRS is the CRS the file itself declares, zero when it declares
	// none; CRSFrom names the declaration ("roads.prj", "the GeoJSON
	// crs member").
	CRS     proj.CRS
	CRSFrom string
	// Fields lists a Shapefile's attribute names in column order; nil for
	// GeoJSON, whose features each name their own.
	Fields []string
	// Encoding describes a Shapefile's attribute encoding and where it
	// came from, e.g. "GBK (from roads.cpg)".
	Encoding string
	// Deleted counts Shapefile records marked deleted, which are left out.
	Deleted  int
	Features []Feature
}

// Read reads data as format f.
func Read(data []byte, f Format, opt Options) (*Layer, error) {
	switch f {
	case GeoJSON:
		return ReadGeoJSON(data)
	case Shapefile:
		return ReadShapefile(data, opt)
	}
	return nil, fmt.Errorf("vector: unknown format %q", f)
}

// ReadGeoJSON reads a GeoJSON FeatureCollection. Its crs member, from the
// 2008 GeoJSON specification, is read when present; RFC 7946 files have
// none. A feature whose geometry cannot be decoded keeps the reason in
// BadGeometry, so one bad feature does not refuse the file.
func ReadGeoJSON(data []byte) (*Layer, error) {
	var fc struct {
		Type     string          `json:"type"`
		CRS      json.RawMessage `json:"crs"`
		Features []struct {
			Geometry   json.RawMessage `json:"geometry"`
			Properties map[string]any  `json:"properties"`
		} `json:"features"`
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	dec.UseNumber()
	if err := dec.Decode(&fc); err != nil {
		return nil, &Error{Reason: fmt.Sprintf("not GeoJSON: %v", err)}
	}
	if fc.Type != "FeatureCollection" {
		return nil, &Error{Reason: fmt.Sprintf("want a GeoJSON FeatureCollection, got type %q", fc.Type)}
	}
	l := &Layer{Format: GeoJSON, Features: make([]Feature, 0, len(fc.Features))}
	c, err := proj.ParseGeoJSONCRS(fc.CRS)
	switch {
	case errors.Is(err, proj.ErrNoCRS):
	case err != nil:
		return nil, &Error{CRS: true, Reason: err.Error()}
	default:
		l.CRS, l.CRSFrom = c, "the GeoJSON crs member"
	}
	for i, f := range fc.Features {
		ft := Feature{Row: i + 1, Props: f.Properties}
		if g := bytes.TrimSpace(f.Geometry); len(g) > 0 && string(g) != "null" {
			geom, err := geojson.UnmarshalGeometry(g)
			if err != nil {
				ft.BadGeometry = fmt.Sprintf("bad GeoJSON geometry: %v", err)
			} else {
				ft.Geometry = geom.Geometry()
			}
		}
		l.Features = append(l.Features, ft)
	}
	return l, nil
}

// ReadShapefile reads the one layer, or opt.Layer, of a zipped Shapefile.
// Its errors are *shp.Error: a missing .prj without a declared CRS wraps
// proj.ErrNoCRS, an oversized member shp.ErrTooLarge.
func ReadShapefile(data []byte, opt Options) (*Layer, error) {
	sl, err := shp.ReadZip(bytes.NewReader(data), int64(len(data)), shp.Options{CRS: opt.CRS, Encoding: opt.Encoding, Layer: opt.Layer, MaxSize: opt.MaxSize})
	if err != nil {
		return nil, err
	}
	l := &Layer{Format: Shapefile, Deleted: sl.Deleted, Features: make([]Feature, 0, len(sl.Features))}
	if sl.CRSSource == shp.FromPRJ {
		l.CRS, l.CRSFrom = sl.CRS, sl.Name+".prj"
	}
	for _, f := range sl.Fields {
		l.Fields = append(l.Fields, f.Name)
	}
	l.Encoding = sl.Encoding
	switch sl.EncodingSource {
	case shp.FromCPG:
		l.Encoding += " (from " + sl.Name + ".cpg)"
	case "":
	default:
		l.Encoding += " (" + string(sl.EncodingSource) + ")"
	}
	for _, f := range sl.Features {
		l.Features = append(l.Features, Feature{Row: f.Row, Geometry: f.Geometry, Props: f.Props})
	}
	return l, nil
}

// Bound returns the bound of every feature's geometry, false when no
// feature has one.
func (l *Layer) Bound() (orb.Bound, bool) {
	var b orb.Bound
	have := false
	for _, f := range l.Features {
		if f.Geometry == nil {
			continue
		}
		if !have {
			b, have = f.Geometry.Bound(), true
		} else {
			b = b.Union(f.Geometry.Bound())
		}
	}
	return b, have
}

// Text returns an attribute value as text: strings trimmed, numbers in
// their shortest form, booleans as true or false, dates as YYYY-MM-DD; ""
// for nil and anything else.
func Text(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case json.Number:
		return t.String()
	case int64:
		return fmt.Sprint(t)
	case int:
		return fmt.Sprint(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return fmt.Sprint(t)
	case interface{ Format(string) string }:
		return t.Format("2006-01-02")
	}
	return ""
}

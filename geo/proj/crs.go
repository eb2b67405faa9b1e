// Package proj names the coordinate reference systems that Chinese municipal
// data comes in and converts their coordinates to WGS-84 longitude and
// latitude: WGS-84 and CGCS2000 geographic, the CGCS2000 Gauss–Krüger zones
// (EPSG:4491–4554), WGS-84 UTM, and the GCJ-02 and BD-09 datums of Amap and
// Baidu. It reads CRS names, EPSG codes, GeoJSON crs members and the WKT of
// a Shapefile's .prj.
//
// CGCS2000 and WGS-84 (as realised today) agree to a few centimetres in
// China, far below what a walking-distance analysis resolves, so CGCS2000
// coordinates are taken as WGS-84 without a datum shift.
package proj

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo"
)

// Datum is the geodetic datum of a CRS.
type Datum string

// Supported datums.
const (
	// WGS84 is the datum of GPS and OpenStreetMap.
	WGS84 Datum = "WGS84"
	// CGCS2000 is China's national datum (国家2000), within centimetres
	// of WGS84 and treated as equal to it.
	CGCS2000 Datum = "CGCS2000"
	// GCJ02 is the obfuscated datum of Amap (高德) and Tencent.
	GCJ02 Datum = "GCJ02"
	// BD09 is Baidu's datum, a further offset of GCJ02.
	BD09 Datum = "BD09"
)

// CRS is a coordinate reference system: a datum and, for projected systems,
// a transverse Mercator projection. The zero value is not a valid CRS.
type CRS struct {
	// EPSG is the EPSG code, 0 for GCJ-02, BD-09 and projections that
	// match no registered code.
	EPSG int
	// Name is a human-readable name, e.g. "CGCS2000 / 3-degree
	// Gauss-Kruger CM 117E".
	Name string
	// Datum is the geodetic datum.
	Datum Datum
	// Projection is nil for a geographic CRS (degrees of longitude and
	// latitude).
	Projection *TransverseMercator
}

// Common geographic systems.
var (
	// LonLatWGS84 is EPSG:4326 with longitude first.
	LonLatWGS84 = CRS{EPSG: 4326, Name: "WGS 84", Datum: WGS84}
	// LonLatCGCS2000 is EPSG:4490 with longitude first.
	LonLatCGCS2000 = CRS{EPSG: 4490, Name: "China Geodetic Coordinate System 2000", Datum: CGCS2000}
	// LonLatGCJ02 is Amap's and Tencent's GCJ-02.
	LonLatGCJ02 = CRS{Name: "GCJ-02", Datum: GCJ02}
	// LonLatBD09 is Baidu's BD-09.
	LonLatBD09 = CRS{Name: "BD-09", Datum: BD09}
)

// ErrNoCRS reports a file that declares no coordinate reference system.
var ErrNoCRS = errors.New("no coordinate reference system declared")

// IsZero reports whether c is the zero CRS.
func (c CRS) IsZero() bool { return c.Datum == "" }

// IsProjected reports whether c's coordinates are metres of a projection
// rather than degrees.
func (c CRS) IsProjected() bool { return c.Projection != nil }

// Code is the short name to quote back to a user: "EPSG:4548", "gcj02",
// "bd09", or "custom" for an unregistered projection.
func (c CRS) Code() string {
	switch {
	case c.EPSG != 0:
		return "EPSG:" + strconv.Itoa(c.EPSG)
	case c.Datum == GCJ02:
		return "gcj02"
	case c.Datum == BD09:
		return "bd09"
	}
	return "custom"
}

// String returns the code and the name, e.g. "EPSG:4548 (CGCS2000 /
// 3-degree Gauss-Kruger CM 117E)".
func (c CRS) String() string {
	if c.IsZero() {
		return "no CRS"
	}
	switch c.Code() {
	case "gcj02", "bd09":
		return c.Name
	case "custom":
		if c.Projection == nil {
			return c.Name
		}
		p := c.Projection.Params()
		return fmt.Sprintf("%s (transverse Mercator, central meridian %g°, false easting %g)", c.Name, p.CentralMeridian, p.FalseEasting)
	}
	return c.Code() + " (" + c.Name + ")"
}

// Geo returns the geo package's name for the datum of a geographic CRS, for
// callers that convert with geo.Transform. A projected CRS has none.
func (c CRS) Geo() (geo.CRS, bool) {
	if c.Projection != nil {
		return "", false
	}
	switch c.Datum {
	case WGS84, CGCS2000:
		return geo.WGS84, true
	case GCJ02:
		return geo.GCJ02, true
	case BD09:
		return geo.BD09, true
	}
	return "", false
}

// Equal reports whether coordinates in c and o denote the same places:
// geographic WGS-84 and CGCS2000 are equal, and projections are equal when
// their parameters and ellipsoids are.
func (c CRS) Equal(o CRS) bool {
	if (c.Projection == nil) != (o.Projection == nil) {
		return false
	}
	if c.Projection == nil {
		return sameDatum(c.Datum, o.Datum)
	}
	if !sameDatum(c.Datum, o.Datum) {
		return false
	}
	return sameTM(c.Projection.Params(), o.Projection.Params())
}

func sameDatum(a, b Datum) bool {
	wgs := func(d Datum) bool { return d == WGS84 || d == CGCS2000 }
	return a == b || wgs(a) && wgs(b)
}

func sameTM(a, b TMParams) bool {
	near := func(x, y, tol float64) bool { return math.Abs(x-y) <= tol }
	return near(a.Ellipsoid.A, b.Ellipsoid.A, 1e-3) && near(a.Ellipsoid.InvF, b.Ellipsoid.InvF, 1e-8) &&
		near(math.Remainder(a.CentralMeridian-b.CentralMeridian, 360), 0, 1e-9) &&
		near(a.LatitudeOfOrigin, b.LatitudeOfOrigin, 1e-9) && near(a.Scale, b.Scale, 1e-12) &&
		near(a.FalseEasting, b.FalseEasting, 1e-3) && near(a.FalseNorthing, b.FalseNorthing, 1e-3)
}

// ToWGS84 converts p, in c, to WGS-84 longitude/latitude.
func (c CRS) ToWGS84(p orb.Point) (orb.Point, error) {
	if !finite(p[0], p[1]) {
		return orb.Point{}, fmt.Errorf("coordinate (%g, %g) is not a finite number", p[0], p[1])
	}
	if c.Projection != nil {
		if err := c.checkProjected(p); err != nil {
			return orb.Point{}, err
		}
		p = c.Projection.Inverse(p)
	} else if err := checkLonLat(p); err != nil {
		return orb.Point{}, err
	}
	switch c.Datum {
	case WGS84, CGCS2000:
		return p, nil
	case GCJ02:
		return geo.GCJ02ToWGS84(p), nil
	case BD09:
		return geo.BD09ToWGS84(p), nil
	}
	return orb.Point{}, fmt.Errorf("unknown datum %q", c.Datum)
}

// FromWGS84 converts a WGS-84 longitude/latitude point to c.
func (c CRS) FromWGS84(p orb.Point) (orb.Point, error) {
	if err := checkLonLat(p); err != nil {
		return orb.Point{}, err
	}
	switch c.Datum {
	case WGS84, CGCS2000:
	case GCJ02:
		p = geo.WGS84ToGCJ02(p)
	case BD09:
		p = geo.WGS84ToBD09(p)
	default:
		return orb.Point{}, fmt.Errorf("unknown datum %q", c.Datum)
	}
	if c.Projection != nil {
		p = c.Projection.Forward(p)
	}
	return p, nil
}

func checkLonLat(p orb.Point) error {
	if !finite(p[0], p[1]) {
		return fmt.Errorf("coordinate (%g, %g) is not a finite number", p[0], p[1])
	}
	if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		return fmt.Errorf("(%g, %g) is not a longitude/latitude in degrees", p[0], p[1])
	}
	return nil
}

// maxEastingOffset is how far, in metres, a point may lie from the false
// easting of a transverse Mercator projection: about 9° of longitude at
// China's latitudes, three times a 6-degree zone's half width. Beyond it a
// point is in another zone or the wrong CRS, and the series lose accuracy.
const maxEastingOffset = 1_000_000

// maxNorthing bounds |northing - false northing|: the distance from the
// equator to a pole is about 10,002 km.
const maxNorthing = 10_002_000

func (c CRS) checkProjected(p orb.Point) error {
	par := c.Projection.Params()
	if checkLonLat(p) == nil {
		// Every point of a Chinese zone lies thousands of kilometres
		// from both axes; numbers this small are degrees.
		return fmt.Errorf("(%g, %g) looks like longitude/latitude degrees, not metres of %s", p[0], p[1], c)
	}
	if math.Abs(p[0]-par.FalseEasting) > maxEastingOffset || math.Abs(p[1]-par.FalseNorthing) > maxNorthing {
		msg := fmt.Sprintf("(%.3f, %.3f) does not lie in %s, whose eastings are near %.0f", p[0], p[1], c, par.FalseEasting)
		if h := Hint(orb.Bound{Min: p, Max: p}); h != "" {
			msg += "; " + h
		}
		return errors.New(msg)
	}
	return nil
}

// CheckExtent reports an error when coordinates spanning b cannot be in c:
// degrees out of range for a geographic CRS, or metres far outside a
// projection's zone. The error suggests what the coordinates look like.
func (c CRS) CheckExtent(b orb.Bound) error {
	if !finite(b.Min[0], b.Min[1], b.Max[0], b.Max[1]) {
		return errors.New("the extent is not finite")
	}
	if c.Projection == nil {
		if checkLonLat(b.Min) == nil && checkLonLat(b.Max) == nil {
			return nil
		}
		msg := fmt.Sprintf("coordinates x %s, y %s are not degrees of longitude/latitude, so they are not in %s",
			span(b.Min[0], b.Max[0]), span(b.Min[1], b.Max[1]), c)
		if h := Hint(b); h != "" {
			msg += "; " + h
		}
		return errors.New(msg)
	}
	for _, p := range []orb.Point{b.Min, b.Max} {
		if err := c.checkProjected(p); err != nil {
			return err
		}
	}
	return nil
}

func span(lo, hi float64) string {
	if lo == hi {
		return strconv.FormatFloat(lo, 'f', -1, 64)
	}
	return strconv.FormatFloat(lo, 'f', -1, 64) + "–" + strconv.FormatFloat(hi, 'f', -1, 64)
}

// Parse reads a CRS as a user or a file names it: "wgs84", "gcj02" (also
// "amap"), "bd09" (also "baidu"), "cgcs2000", "EPSG:4548", "4548",
// "urn:ogc:def:crs:EPSG::4548", "urn:ogc:def:crs:OGC:1.3:CRS84", or WKT.
// The geographic systems are longitude first.
func Parse(s string) (CRS, error) {
	t := strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	if t == "" {
		return CRS{}, ErrNoCRS
	}
	if looksWKT(t) {
		return ParseWKT(t)
	}
	n := strings.ToLower(t)
	n = strings.NewReplacer("-", "", "_", "", " ", "").Replace(n)
	switch n {
	case "wgs84", "gps", "osm", "crs84", "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84":
		return LonLatWGS84, nil
	case "cgcs2000", "cgcs", "china2000":
		return LonLatCGCS2000, nil
	case "gcj02", "gcj", "amap", "gaode", "tencent", "mars":
		return LonLatGCJ02, nil
	case "bd09", "bd09ll", "baidu":
		return LonLatBD09, nil
	}
	code := n
	for _, p := range []string{"urn:ogc:def:crs:epsg::", "urn:ogc:def:crs:epsg:", "epsg::", "epsg:", "epsg"} {
		if strings.HasPrefix(code, p) {
			code = code[len(p):]
			break
		}
	}
	// urn:ogc:def:crs:EPSG:6.6:4326 carries a version before the code.
	if i := strings.LastIndexByte(code, ':'); i >= 0 && strings.HasPrefix(n, "urn:") {
		code = code[i+1:]
	}
	if v, err := strconv.Atoi(code); err == nil {
		return EPSG(v)
	}
	return CRS{}, fmt.Errorf("unknown coordinate reference system %q (want wgs84, gcj02, bd09, cgcs2000 or EPSG:NNNN, e.g. EPSG:4548)", s)
}

func looksWKT(s string) bool {
	i := strings.IndexAny(s, "[(")
	if i <= 0 {
		return false
	}
	for _, r := range s[:i] {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '_' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

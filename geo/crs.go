package geo

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// CRS names a geographic coordinate system used by Chinese map providers.
type CRS string

// Coordinate systems we read and write. All stored geometry is WGS84.
const (
	// WGS84 is GPS and OpenStreetMap (EPSG:4326). CGCS2000 (天地图) is within
	// centimetres of it and is treated as WGS84.
	WGS84 CRS = "wgs84"
	// GCJ02 is the obfuscated "Mars" datum of Amap (高德) and Tencent.
	GCJ02 CRS = "gcj02"
	// BD09 is Baidu's datum, a further offset of GCJ02.
	BD09 CRS = "bd09"
)

// ParseCRS reads a CRS name, accepting common spellings ("WGS-84",
// "EPSG:4326", "cgcs2000", "GCJ-02", "amap", "BD-09", "baidu").
func ParseCRS(s string) (CRS, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("-", "", "_", "", " ", "").Replace(n)
	switch n {
	case "wgs84", "epsg:4326", "4326", "cgcs2000", "epsg:4490", "gps", "osm":
		return WGS84, nil
	case "gcj02", "gcj", "amap", "gaode", "tencent", "mars":
		return GCJ02, nil
	case "bd09", "bd09ll", "baidu":
		return BD09, nil
	}
	return "", fmt.Errorf("unknown coordinate system %q (want wgs84, gcj02 or bd09)", s)
}

// Transform converts p (lon/lat) from one CRS to another.
func Transform(p orb.Point, from, to CRS) (orb.Point, error) {
	var wgs orb.Point
	switch from {
	case WGS84:
		wgs = p
	case GCJ02:
		wgs = GCJ02ToWGS84(p)
	case BD09:
		wgs = BD09ToWGS84(p)
	default:
		return p, fmt.Errorf("transform from unknown coordinate system %q", from)
	}
	switch to {
	case WGS84:
		return wgs, nil
	case GCJ02:
		if from == BD09 {
			return BD09ToGCJ02(p), nil
		}
		return WGS84ToGCJ02(wgs), nil
	case BD09:
		if from == GCJ02 {
			return GCJ02ToBD09(p), nil
		}
		return WGS84ToBD09(wgs), nil
	}
	return p, fmt.Errorf("transform to unknown coordinate system %q", to)
}

// GCJ-02 parameters: the Krasovsky 1940 ellipsoid used by the published
// obfuscation formula.
const (
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323
)

// inverseTolerance is the convergence threshold of the iterative inverses, in
// degrees (about 0.1 mm).
const inverseTolerance = 1e-9

// OutOfChina reports whether p lies outside the rough box in which GCJ-02 is
// applied; such points pass through the GCJ-02 transforms unchanged.
func OutOfChina(p orb.Point) bool {
	return p[0] < 72.004 || p[0] > 137.8347 || p[1] < 0.8293 || p[1] > 55.8271
}

// WGS84ToGCJ02 applies the GCJ-02 offset to a WGS-84 point.
func WGS84ToGCJ02(p orb.Point) orb.Point {
	if OutOfChina(p) {
		return p
	}
	lon, lat := p[0], p[1]
	dLat := gcjLat(lon-105.0, lat-35.0)
	dLon := gcjLon(lon-105.0, lat-35.0)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return orb.Point{lon + dLon, lat + dLat}
}

func gcjLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func gcjLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// GCJ02ToWGS84 removes the GCJ-02 offset. The forward transform has no closed
// inverse, so it iterates w <- w + (g - f(w)) until the residual is below
// 1e-9 degrees.
func GCJ02ToWGS84(p orb.Point) orb.Point {
	return invert(p, WGS84ToGCJ02)
}

// bdXPi is the constant of Baidu's published BD-09 transform.
const bdXPi = math.Pi * 3000.0 / 180.0

// GCJ02ToBD09 applies Baidu's BD-09 offset to a GCJ-02 point.
func GCJ02ToBD09(p orb.Point) orb.Point {
	x, y := p[0], p[1]
	z := math.Sqrt(x*x+y*y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return orb.Point{z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006}
}

// BD09ToGCJ02 removes Baidu's BD-09 offset. It starts from the usual
// closed-form approximation and refines it iteratively to 1e-9 degrees.
func BD09ToGCJ02(p orb.Point) orb.Point {
	x, y := p[0]-0.0065, p[1]-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	start := orb.Point{z * math.Cos(theta), z * math.Sin(theta)}
	return refine(p, start, GCJ02ToBD09)
}

// WGS84ToBD09 converts a WGS-84 point to BD-09 (through GCJ-02).
func WGS84ToBD09(p orb.Point) orb.Point {
	return GCJ02ToBD09(WGS84ToGCJ02(p))
}

// BD09ToWGS84 converts a BD-09 point to WGS-84 (through GCJ-02).
func BD09ToWGS84(p orb.Point) orb.Point {
	return GCJ02ToWGS84(BD09ToGCJ02(p))
}

// invert finds w with forward(w) == target, starting at target itself.
func invert(target orb.Point, forward func(orb.Point) orb.Point) orb.Point {
	return refine(target, target, forward)
}

// refine improves guess w so that forward(w) approaches target. The offsets
// vary slowly with position, so the fixed-point iteration converges in a few
// steps; 30 is a generous cap.
func refine(target, w orb.Point, forward func(orb.Point) orb.Point) orb.Point {
	for i := 0; i < 30; i++ {
		f := forward(w)
		dx, dy := target[0]-f[0], target[1]-f[1]
		w = orb.Point{w[0] + dx, w[1] + dy}
		if math.Abs(dx) < inverseTolerance && math.Abs(dy) < inverseTolerance {
			break
		}
	}
	return w
}

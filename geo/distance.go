package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// EarthRadiusM is the mean Earth radius (IUGG) used for all distances, in metres.
const EarthRadiusM = 6371008.8

// DistanceM returns the great-circle (haversine) distance between two lon/lat
// points in metres.
func DistanceM(a, b orb.Point) float64 {
	lat1 := a.Lat() * math.Pi / 180
	lat2 := b.Lat() * math.Pi / 180
	dLat := lat2 - lat1
	dLon := (b.Lon() - a.Lon()) * math.Pi / 180
	s := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * EarthRadiusM * math.Asin(math.Min(1, math.Sqrt(s)))
}

// LineLengthM returns the haversine length of a lon/lat line string in metres.
func LineLengthM(ls orb.LineString) float64 {
	var sum float64
	for i := 1; i < len(ls); i++ {
		sum += DistanceM(ls[i-1], ls[i])
	}
	return sum
}

// localProj is an equirectangular projection around a reference point, in
// metres. Within a city (tens of kilometres) it distorts distances by well
// under one percent, which is enough to rank snapping candidates; reported
// distances are recomputed with DistanceM.
type localProj struct {
	lon0, lat0 float64
	kx, ky     float64 // metres per degree
}

func newLocalProj(lon0, lat0 float64) localProj {
	ky := EarthRadiusM * math.Pi / 180
	return localProj{lon0: lon0, lat0: lat0, kx: ky * math.Cos(lat0*math.Pi/180), ky: ky}
}

func (p localProj) xy(lon, lat float64) (x, y float64) {
	return (lon - p.lon0) * p.kx, (lat - p.lat0) * p.ky
}

// closestOnSegment returns the parameter t in [0,1] of the point of segment
// (ax,ay)-(bx,by) closest to (px,py), and the squared distance to it.
func closestOnSegment(px, py, ax, ay, bx, by float64) (t, d2 float64) {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	if l2 > 0 {
		t = ((px-ax)*dx + (py-ay)*dy) / l2
		t = math.Max(0, math.Min(1, t))
	}
	cx, cy := ax+t*dx-px, ay+t*dy-py
	return t, cx*cx + cy*cy
}

// shortDistanceM is the equirectangular distance between two nearby lon/lat
// points in metres; within a few hundred metres it agrees with DistanceM to
// well under a millimetre and is several times cheaper.
func shortDistanceM(a, b orb.Point) float64 {
	ky := EarthRadiusM * math.Pi / 180
	dx := (b.Lon() - a.Lon()) * ky * math.Cos((a.Lat()+b.Lat())*math.Pi/360)
	dy := (b.Lat() - a.Lat()) * ky
	return math.Hypot(dx, dy)
}

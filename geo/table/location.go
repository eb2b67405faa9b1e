package table

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/text/width"
)

// ParseLocation reads a point from one cell holding longitude then
// latitude in degrees, as Amap's place exports do ("116.587069,35.415137"):
// separated by a comma, a full-width comma "，" or white space. It checks
// the ranges and tells a "lat,lng" mix-up. The CRS of the numbers is the
// caller's to know (Amap's are GCJ-02).
func ParseLocation(s string) (orb.Point, error) {
	t := strings.TrimSpace(width.Narrow.String(s))
	if t == "" || t == "[]" {
		return orb.Point{}, fmt.Errorf("location is empty")
	}
	if strings.Contains(t, ";") || strings.Count(t, ",") > 1 && !strings.Contains(t, " ") {
		return orb.Point{}, fmt.Errorf("location %q holds more than one point; one \"lng,lat\" pair is needed", s)
	}
	var parts []string
	if strings.Contains(t, ",") {
		parts = strings.Split(t, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
	} else {
		parts = strings.Fields(t)
	}
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return orb.Point{}, fmt.Errorf("location %q is not a \"lng,lat\" pair", s)
	}
	var v [2]float64
	for i, p := range parts {
		n, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return orb.Point{}, fmt.Errorf("location %q: %q is not a number in decimal degrees", s, p)
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return orb.Point{}, fmt.Errorf("location %q: %q is not a finite number", s, p)
		}
		v[i] = n
	}
	lng, lat := v[0], v[1]
	if lng < -180 || lng > 180 || lat < -90 || lat > 90 {
		if lat >= -180 && lat <= 180 && lng >= -90 && lng <= 90 {
			return orb.Point{}, fmt.Errorf("location %q looks like \"lat,lng\": longitude comes first, as in \"%s,%s\"", s, parts[1], parts[0])
		}
		return orb.Point{}, fmt.Errorf("location %q is out of range: longitude must be within ±180 and latitude within ±90", s)
	}
	if lng == 0 && lat == 0 {
		return orb.Point{}, fmt.Errorf("location %q is 0,0, which marks a missing position", s)
	}
	return orb.Point{lng, lat}, nil
}

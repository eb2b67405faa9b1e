package proj

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Hint says what coordinates spanning b look like when they are not
// longitude/latitude degrees, naming the CRS to declare: projected metres
// with a Gauss–Krüger zone number in the easting name their EPSG code
// exactly; metres without one name the CGCS2000 3-degree codes
// (EPSG:4548 for CM 117°E, which covers Jining). It returns "" when b fits
// in degrees. It only advises: the CRS is never taken from it.
func Hint(b orb.Bound) string {
	x0, y0, x1, y1 := b.Min[0], b.Min[1], b.Max[0], b.Max[1]
	if !finite(x0, y0, x1, y1) {
		return ""
	}
	if x0 >= -180 && x1 <= 180 && y0 >= -90 && y1 <= 90 {
		return ""
	}
	ext := fmt.Sprintf("x %s, y %s", span(math.Round(x0), math.Round(x1)), span(math.Round(y0), math.Round(y1)))
	northings := y0 >= 1e6 && y1 <= 7e6 // China lies between about 2,000 and 6,000 km north
	if northings {
		zone := int(math.Floor(x0 / 1e6))
		inZone := zone == int(math.Floor(x1/1e6))
		off0, off1 := x0-float64(zone)*1e6, x1-float64(zone)*1e6
		if inZone && off0 >= 100_000 && off1 <= 900_000 {
			switch {
			case zone == 0:
				return fmt.Sprintf("these look like projected metres (%s) without a zone number: declare the CRS, "+
					"e.g. EPSG:4548 (CGCS2000 3-degree Gauss-Kruger CM 117°E, used for Jining); "+
					"EPSG:4534-4554 cover central meridians 75°E-135°E in 3° steps, EPSG:4502-4512 the 6-degree zones", ext)
			case zone >= 25 && zone <= 45:
				return fmt.Sprintf("these look like CGCS2000 3-degree Gauss-Kruger metres (%s) with zone number %d in the easting "+
					"(central meridian %d°E): declare EPSG:%d", ext, zone, 3*zone, 4513+zone-25)
			case zone >= 13 && zone <= 23:
				return fmt.Sprintf("these look like CGCS2000 6-degree Gauss-Kruger metres (%s) with zone number %d in the easting "+
					"(central meridian %d°E): declare EPSG:%d", ext, zone, 6*zone-3, 4491+zone-13)
			}
		}
	}
	return fmt.Sprintf("the coordinates (%s) are not longitude/latitude degrees: declare the coordinate reference system, "+
		"e.g. EPSG:4548 for CGCS2000 3-degree Gauss-Kruger CM 117°E", ext)
}

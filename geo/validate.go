package geo

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ValidateLonLat checks that p is a finite WGS-84 longitude/latitude pair and
// hints at swapped axes, the commonest mistake in imported files.
func ValidateLonLat(p orb.Point) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0) {
		return fmt.Errorf("coordinate %v,%v is not a finite number", lon, lat)
	}
	if lat < -90 || lat > 90 {
		if lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180 {
			return fmt.Errorf("latitude %v out of range [-90,90]: are longitude and latitude swapped?", lat)
		}
		return fmt.Errorf("latitude %v out of range [-90,90]", lat)
	}
	if lon < -180 || lon > 180 {
		return fmt.Errorf("longitude %v out of range [-180,180]", lon)
	}
	return nil
}

// ValidatePolygon checks that p is a valid simple polygon: every ring closed
// with at least 4 points, coordinates in range, no ring crossing itself,
// a non-zero area, and holes inside the shell without crossing it or each
// other. Errors name the ring and the place.
func ValidatePolygon(p orb.Polygon) error {
	if len(p) == 0 {
		return fmt.Errorf("polygon has no rings")
	}
	for i, r := range p {
		if err := validateRing(r); err != nil {
			return fmt.Errorf("ring %d %w", i, err)
		}
	}
	shell := p[0]
	for i := 1; i < len(p); i++ {
		hole := p[i]
		if at, j, k, ok := ringsCross(shell, hole); ok {
			return fmt.Errorf("ring %d (hole) touches or crosses the shell at its segment %d and shell segment %d near %s", i, k, j, fmtPoint(at))
		}
		if !planar.RingContains(shell, interiorPoint(hole)) {
			return fmt.Errorf("ring %d (hole) lies outside the shell near %s", i, fmtPoint(hole[0]))
		}
		for h := 1; h < i; h++ {
			if at, j, k, ok := ringsCross(p[h], hole); ok {
				return fmt.Errorf("ring %d (hole) touches or crosses ring %d at segments %d and %d near %s", i, h, k, j, fmtPoint(at))
			}
			if planar.RingContains(p[h], interiorPoint(hole)) {
				return fmt.Errorf("ring %d (hole) lies inside hole %d near %s", i, h, fmtPoint(hole[0]))
			}
			if planar.RingContains(hole, interiorPoint(p[h])) {
				return fmt.Errorf("ring %d (hole) contains hole %d near %s", i, h, fmtPoint(hole[0]))
			}
		}
	}
	return nil
}

// ValidateMultiPolygon checks each polygon with ValidatePolygon.
func ValidateMultiPolygon(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return fmt.Errorf("multipolygon has no polygons")
	}
	for i, p := range mp {
		if err := ValidatePolygon(p); err != nil {
			return fmt.Errorf("polygon %d: %w", i, err)
		}
	}
	return nil
}

// validateRing returns an error whose text continues "ring N ...".
func validateRing(r orb.Ring) error {
	if len(r) < 4 {
		return fmt.Errorf("has %d points, want at least 4 (a closed triangle)", len(r))
	}
	for i, pt := range r {
		if err := ValidateLonLat(pt); err != nil {
			return fmt.Errorf("point %d: %w", i, err)
		}
	}
	if r[0] != r[len(r)-1] {
		return fmt.Errorf("is not closed: first point %s differs from last %s", fmtPoint(r[0]), fmtPoint(r[len(r)-1]))
	}
	if at, i, j, ok := selfIntersection(r); ok {
		return fmt.Errorf("self-intersects at segment %d and %d near %s", i, j, fmtPoint(at))
	}
	if planar.Area(r) == 0 {
		return fmt.Errorf("has zero area near %s", fmtPoint(r[0]))
	}
	return nil
}

func fmtPoint(p orb.Point) string {
	return fmt.Sprintf("%.6g,%.6g", p[0], p[1])
}

// interiorPoint returns a point inside ring r: its centroid when that is
// inside, else the first midpoint of a diagonal from the first vertex that is.
func interiorPoint(r orb.Ring) orb.Point {
	c, _ := planar.CentroidArea(r)
	if planar.RingContains(r, c) {
		return c
	}
	for i := 2; i < len(r)-1; i++ {
		m := orb.Point{(r[0][0] + r[i][0]) / 2, (r[0][1] + r[i][1]) / 2}
		if planar.RingContains(r, m) {
			return m
		}
	}
	return r[0]
}

// segment is one edge of a ring; idx is the index of its first point.
type segment struct {
	a, b orb.Point
	idx  int
}

func (s segment) minX() float64 { return math.Min(s.a[0], s.b[0]) }
func (s segment) maxX() float64 { return math.Max(s.a[0], s.b[0]) }

// selfIntersection finds two non-adjacent segments of ring r that touch or
// cross, or two adjacent ones that fold back over each other (a spike).
// Repeated consecutive points are skipped. It sweeps segments by x, so
// typical rings cost O(n log n). Indices are positions in r.
func selfIntersection(r orb.Ring) (orb.Point, int, int, bool) {
	var segs []segment
	for i := 0; i+1 < len(r); i++ {
		if r[i] != r[i+1] {
			segs = append(segs, segment{r[i], r[i+1], i})
		}
	}
	n := len(segs)
	order := make([]int, n) // order[k] = position of segs[k] along the ring
	for k := range segs {
		order[k] = k
	}
	sort.Slice(order, func(i, j int) bool { return segs[order[i]].minX() < segs[order[j]].minX() })
	best := [2]int{-1, -1}
	var bestAt orb.Point
	for i, oi := range order {
		s := segs[oi]
		for _, oj := range order[i+1:] {
			t := segs[oj]
			if t.minX() > s.maxX() {
				break
			}
			a, b := oi, oj
			if a > b {
				a, b = b, a
			}
			adjacent := b == a+1 || (a == 0 && b == n-1)
			at, hit := segmentsTouch(segs[a].a, segs[a].b, segs[b].a, segs[b].b, adjacent)
			ia, ib := segs[a].idx, segs[b].idx
			if hit && (best[0] < 0 || ia < best[0] || (ia == best[0] && ib < best[1])) {
				best, bestAt = [2]int{ia, ib}, at
			}
		}
	}
	if best[0] < 0 {
		return orb.Point{}, 0, 0, false
	}
	return bestAt, best[0], best[1], true
}

// ringsCross reports where a segment of ring a touches or crosses a segment
// of ring b (indices j in a, k in b).
func ringsCross(a, b orb.Ring) (orb.Point, int, int, bool) {
	bb := b.Bound()
	for j := 0; j+1 < len(a); j++ {
		sb := orb.MultiPoint{a[j], a[j+1]}.Bound()
		if !sb.Intersects(bb) {
			continue
		}
		for k := 0; k+1 < len(b); k++ {
			if at, hit := segmentsTouch(a[j], a[j+1], b[k], b[k+1], false); hit {
				return at, j, k, true
			}
		}
	}
	return orb.Point{}, 0, 0, false
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

func onSegment(p, a, b orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsTouch reports whether segments p1p2 and q1q2 share a point. For
// adjacent segments (sharing one endpoint by construction) only a collinear
// overlap beyond that endpoint counts.
func segmentsTouch(p1, p2, q1, q2 orb.Point, adjacent bool) (orb.Point, bool) {
	d1 := cross(q1, q2, p1)
	d2 := cross(q1, q2, p2)
	d3 := cross(p1, p2, q1)
	d4 := cross(p1, p2, q2)
	if adjacent {
		if d1 != 0 || d2 != 0 || d3 != 0 || d4 != 0 {
			return orb.Point{}, false
		}
		// Collinear neighbours overlap when a far end lies on the other segment.
		shared := p2
		if p1 == q1 || p1 == q2 {
			shared = p1
		}
		for _, c := range [][3]orb.Point{{p1, q1, q2}, {p2, q1, q2}, {q1, p1, p2}, {q2, p1, p2}} {
			if c[0] != shared && onSegment(c[0], c[1], c[2]) {
				return c[0], true
			}
		}
		return orb.Point{}, false
	}
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		t := d1 / (d1 - d2)
		return orb.Point{p1[0] + t*(p2[0]-p1[0]), p1[1] + t*(p2[1]-p1[1])}, true
	}
	switch {
	case d1 == 0 && onSegment(p1, q1, q2):
		return p1, true
	case d2 == 0 && onSegment(p2, q1, q2):
		return p2, true
	case d3 == 0 && onSegment(q1, p1, p2):
		return q1, true
	case d4 == 0 && onSegment(q2, p1, p2):
		return q2, true
	}
	return orb.Point{}, false
}

package geo

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// Grid polygons for FuzzValidatePolygon: every byte but ringBreak is a
// vertex of a 16x16 grid with a spacing of 1/8 degree near Jining, so every
// cross product the validator computes is exact in float64 and an integer
// oracle can say exactly which polygons are valid.
const (
	ringBreak    = 0xff
	gridStep     = 0.125
	gridLon0     = 116.0
	gridLat0     = 35.0
	maxFuzzRings = 4
	maxFuzzVerts = 48
)

type gridPt struct{ x, y int64 }

// gridRings decodes data into rings of grid points; closeRings repeats each
// ring's first point at its end.
func gridRings(data []byte, closeRings bool) [][]gridPt {
	var rings [][]gridPt
	for _, part := range strings.Split(string(data), string([]byte{ringBreak})) {
		if len(rings) == maxFuzzRings {
			break
		}
		var r []gridPt
		for i := 0; i < len(part) && i < maxFuzzVerts; i++ {
			r = append(r, gridPt{int64(part[i] >> 4), int64(part[i] & 0x0f)})
		}
		if closeRings && len(r) > 0 {
			r = append(r, r[0])
		}
		rings = append(rings, r)
	}
	return rings
}

func gridPolygon(rings [][]gridPt) orb.Polygon {
	p := orb.Polygon{}
	for _, r := range rings {
		ring := orb.Ring{}
		for _, q := range r {
			ring = append(ring, orb.Point{gridLon0 + float64(q.x)*gridStep, gridLat0 + float64(q.y)*gridStep})
		}
		p = append(p, ring)
	}
	return p
}

// gridEncode is the inverse of gridRings for seeds written as coordinates.
func gridEncode(rings ...[]gridPt) []byte {
	var out []byte
	for i, r := range rings {
		if i > 0 {
			out = append(out, ringBreak)
		}
		for _, q := range r {
			out = append(out, byte(q.x<<4|q.y))
		}
	}
	return out
}

func orient(o, a, b gridPt) int64 {
	return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x)
}

// within reports whether p lies in the bounding box of segment ab.
func within(p, a, b gridPt) bool {
	return min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y && p.y <= max(a.y, b.y)
}

func sign(v int64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// gridSegmentsShare reports whether closed segments ab and cd share a point.
func gridSegmentsShare(a, b, c, d gridPt) bool {
	d1, d2 := sign(orient(c, d, a)), sign(orient(c, d, b))
	d3, d4 := sign(orient(a, b, c)), sign(orient(a, b, d))
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return (d1 == 0 && within(a, c, d)) || (d2 == 0 && within(b, c, d)) ||
		(d3 == 0 && within(c, a, b)) || (d4 == 0 && within(d, a, b))
}

// gridFoldsBack reports whether segments ab and bc, meeting at b, overlap
// in more than b.
func gridFoldsBack(a, b, c gridPt) bool {
	if orient(a, b, c) != 0 {
		return false
	}
	// Collinear: they overlap unless a and c lie on opposite sides of b.
	return (a.x-b.x)*(c.x-b.x)+(a.y-b.y)*(c.y-b.y) > 0
}

// gridSegments lists the ring's segments, dropping zero-length ones.
func gridSegments(r []gridPt) [][2]gridPt {
	var segs [][2]gridPt
	for i := 0; i+1 < len(r); i++ {
		if r[i] != r[i+1] {
			segs = append(segs, [2]gridPt{r[i], r[i+1]})
		}
	}
	return segs
}

// gridSimple reports whether a closed ring neither touches nor crosses
// itself, comparing every pair of segments.
func gridSimple(r []gridPt) bool {
	segs := gridSegments(r)
	n := len(segs)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			s, t := segs[i], segs[j]
			switch {
			case j == i+1:
				if gridFoldsBack(s[0], s[1], t[1]) {
					return false
				}
			case i == 0 && j == n-1:
				if gridFoldsBack(t[0], t[1], s[1]) {
					return false
				}
			default:
				if gridSegmentsShare(s[0], s[1], t[0], t[1]) {
					return false
				}
			}
		}
	}
	return true
}

func gridArea2(r []gridPt) int64 {
	var a int64
	for i := 0; i+1 < len(r); i++ {
		a += r[i].x*r[i+1].y - r[i+1].x*r[i].y
	}
	return a
}

func gridRingsTouch(a, b []gridPt) bool {
	for _, s := range gridSegments(a) {
		for _, t := range gridSegments(b) {
			if gridSegmentsShare(s[0], s[1], t[0], t[1]) {
				return true
			}
		}
	}
	return false
}

// gridInside reports whether p, which is on no segment of ring r, lies
// inside it (crossing number).
func gridInside(r []gridPt, p gridPt) bool {
	in := false
	for _, s := range gridSegments(r) {
		a, b := s[0], s[1]
		if (a.y > p.y) == (b.y > p.y) {
			continue
		}
		// The edge crosses the horizontal line through p; is the crossing
		// right of p? Compare p against the edge oriented upwards.
		if a.y > b.y {
			a, b = b, a
		}
		if orient(a, b, p) > 0 {
			in = !in
		}
	}
	return in
}

// gridValid is the oracle: closed simple rings of at least 4 points and
// non-zero area, holes strictly inside the shell, holes disjoint and none
// inside another.
func gridValid(rings [][]gridPt) bool {
	if len(rings) == 0 {
		return false
	}
	for _, r := range rings {
		if len(r) < 4 || r[0] != r[len(r)-1] || !gridSimple(r) || gridArea2(r) == 0 {
			return false
		}
	}
	for i := 1; i < len(rings); i++ {
		hole := rings[i]
		if gridRingsTouch(rings[0], hole) || !gridInside(rings[0], hole[0]) {
			return false
		}
		for h := 1; h < i; h++ {
			if gridRingsTouch(rings[h], hole) || gridInside(rings[h], hole[0]) || gridInside(hole, rings[h][0]) {
				return false
			}
		}
	}
	return true
}

// floatPolygon reads data as raw float64 lon/lat pairs (NaN, Inf and
// anything else included), one ring, closed when closeRing is set.
func floatPolygon(data []byte, closeRing bool) orb.Polygon {
	var r orb.Ring
	for i := 0; i+16 <= len(data) && len(r) < maxFuzzVerts; i += 16 {
		r = append(r, orb.Point{
			math.Float64frombits(binary.LittleEndian.Uint64(data[i:])),
			math.Float64frombits(binary.LittleEndian.Uint64(data[i+8:])),
		})
	}
	if closeRing && len(r) > 0 {
		r = append(r, r[0])
	}
	return orb.Polygon{r}
}

func FuzzValidatePolygon(f *testing.F) {
	sq := []gridPt{{2, 2}, {10, 2}, {10, 10}, {2, 10}}
	hole := []gridPt{{4, 4}, {6, 4}, {6, 6}, {4, 6}}
	f.Add(gridEncode(sq), true)
	f.Add(gridEncode(sq), false)
	f.Add(gridEncode(append(sq, sq[0])), false)
	f.Add(gridEncode(sq, hole), true)
	f.Add(gridEncode(sq, hole, []gridPt{{7, 7}, {9, 7}, {9, 9}, {7, 9}}), true)
	f.Add(gridEncode(sq, []gridPt{{8, 4}, {12, 4}, {12, 6}, {8, 6}}), true)                 // hole crossing the shell
	f.Add(gridEncode([]gridPt{{0, 0}, {4, 4}, {4, 0}, {0, 4}}), true)                       // bow tie
	f.Add(gridEncode([]gridPt{{0, 0}, {4, 0}, {2, 2}, {4, 4}, {0, 4}, {2, 2}}), true)       // figure eight
	f.Add(gridEncode([]gridPt{{0, 0}, {4, 0}, {8, 0}, {6, 0}, {4, 4}}), true)               // spike
	f.Add(gridEncode([]gridPt{{0, 0}, {4, 0}, {4, 0}, {4, 4}}), true)                       // repeated point
	f.Add(gridEncode([]gridPt{{0, 0}, {4, 0}, {8, 0}}), true)                               // collinear
	f.Add(gridEncode([]gridPt{{1, 1}, {14, 1}, {14, 14}, {1, 14}}, []gridPt{{3, 3}}), true) // degenerate hole
	nan := make([]byte, 64)
	binary.LittleEndian.PutUint64(nan[8:], math.Float64bits(math.NaN()))
	binary.LittleEndian.PutUint64(nan[16:], math.Float64bits(math.Inf(1)))
	f.Add(nan, true)

	f.Fuzz(func(t *testing.T, data []byte, closeRings bool) {
		rings := gridRings(data, closeRings)
		p := gridPolygon(rings)
		err := ValidatePolygon(p)
		if want := gridValid(rings); want != (err == nil) {
			t.Fatalf("ValidatePolygon(%v) = %v; the oracle says valid = %v", p, err, want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "ring ") && len(p) > 0 {
			t.Fatalf("ValidatePolygon(%v) = %q: the error does not name the ring", p, err)
		}

		fp := floatPolygon(data, closeRings)
		if err := ValidatePolygon(fp); err == nil {
			r := fp[0]
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Fatalf("ValidatePolygon accepted a ring that is not closed or too short: %v", r)
			}
			for _, pt := range r {
				if ValidateLonLat(pt) != nil {
					t.Fatalf("ValidatePolygon accepted a ring with an invalid coordinate: %v", r)
				}
			}
		}
	})
}

// insideChinaWithMargin reports whether p is inside the GCJ-02 box shrunk by a margin wider than any GCJ-02 or
// BD-09 offset, so a point and its transforms lie on the same side of
// the box edge.
func insideChinaWithMargin(p orb.Point) bool {
	const margin = 0.1
	return p[0] > 72.004+margin && p[0] < 137.8347-margin && p[1] > 0.8293+margin && p[1] < 55.8271-margin
}

func FuzzCRSRoundTrip(f *testing.F) {
	f.Add(116.587, 35.415)   // Jining
	f.Add(116.397, 39.909)   // Beijing
	f.Add(121.474, 31.230)   // Shanghai
	f.Add(87.617, 43.826)    // Urumqi
	f.Add(113.264, 23.129)   // Guangzhou
	f.Add(-8.611, 41.149)    // Porto, outside China
	f.Add(139.692, 35.690)   // Tokyo, outside the box
	f.Add(72.1, 1.0)         // corner of the box
	f.Add(0.0, 0.0)          // null island
	f.Add(math.NaN(), 35.4)  // not a number
	f.Add(math.Inf(1), 35.4) // infinite
	f.Add(-180.0, -90.0)

	const tol = 1e-6
	sameTo1e6 := func(a, b orb.Point) bool {
		return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
	}
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		p := orb.Point{lon, lat}
		gcj := WGS84ToGCJ02(p)
		bd := WGS84ToBD09(p)
		back := GCJ02ToWGS84(gcj)
		for _, from := range []CRS{WGS84, GCJ02, BD09} {
			for _, to := range []CRS{WGS84, GCJ02, BD09} {
				if _, err := Transform(p, from, to); err != nil {
					t.Fatalf("Transform(%v, %s, %s): %v", p, from, to, err)
				}
			}
		}
		if ValidateLonLat(p) != nil {
			return
		}
		if OutOfChina(p) {
			if gcj != p || GCJ02ToWGS84(p) != p {
				t.Fatalf("outside China GCJ-02 must be the identity: %v -> %v, inverse %v", p, gcj, GCJ02ToWGS84(p))
			}
			return
		}
		if !insideChinaWithMargin(p) {
			return
		}
		if !sameTo1e6(back, p) {
			t.Fatalf("WGS-84 %v -> GCJ-02 %v -> WGS-84 %v: off by %g,%g", p, gcj, back, back[0]-p[0], back[1]-p[1])
		}
		if got := BD09ToWGS84(bd); !sameTo1e6(got, p) {
			t.Fatalf("WGS-84 %v -> BD-09 %v -> WGS-84 %v: off by %g,%g", p, bd, got, got[0]-p[0], got[1]-p[1])
		}
		if got := BD09ToGCJ02(GCJ02ToBD09(p)); !sameTo1e6(got, p) {
			t.Fatalf("GCJ-02 %v -> BD-09 -> GCJ-02 %v", p, got)
		}
		if got := WGS84ToGCJ02(GCJ02ToWGS84(p)); !sameTo1e6(got, p) {
			t.Fatalf("GCJ-02 %v -> WGS-84 -> GCJ-02 %v", p, got)
		}
		if got, _ := Transform(gcj, GCJ02, BD09); !sameTo1e6(got, bd) {
			t.Fatalf("Transform GCJ-02 %v to BD-09 = %v, want %v", gcj, got, bd)
		}
	})
}

package geo

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// square returns a closed counter-clockwise square ring.
func square(x, y, size float64) orb.Ring {
	return orb.Ring{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}
}

func TestValidatePolygon(t *testing.T) {
	shell := square(116.58, 35.40, 0.02)
	cases := []struct {
		name    string
		poly    orb.Polygon
		wantErr string // substring; empty means valid
	}{
		{"square is valid", orb.Polygon{shell}, ""},
		{"square with hole is valid", orb.Polygon{shell, square(116.585, 35.405, 0.005)}, ""},
		{"repeated consecutive point is valid", orb.Polygon{{{116.58, 35.40}, {116.60, 35.40}, {116.60, 35.40}, {116.60, 35.42}, {116.58, 35.40}}}, ""},
		{"empty polygon", orb.Polygon{}, "no rings"},
		{"too few points", orb.Polygon{{{116.58, 35.40}, {116.60, 35.40}, {116.58, 35.40}}}, "ring 0 has 3 points"},
		{"unclosed ring", orb.Polygon{{{116.58, 35.40}, {116.60, 35.40}, {116.60, 35.42}, {116.58, 35.42}}}, "ring 0 is not closed"},
		{"all points equal", orb.Polygon{{{116.58, 35.40}, {116.58, 35.40}, {116.58, 35.40}, {116.58, 35.40}}}, "ring 0 has zero area"},
		{"collinear back and forth", orb.Polygon{{{116.58, 35.40}, {116.59, 35.40}, {116.60, 35.40}, {116.58, 35.40}}}, "ring 0 self-intersects"},
		{
			"bow tie self-intersects",
			orb.Polygon{{{116.58, 35.40}, {116.60, 35.42}, {116.60, 35.40}, {116.58, 35.42}, {116.58, 35.40}}},
			"ring 0 self-intersects at segment 0 and 2 near 116.59,35.41",
		},
		{
			"spike folds back on itself",
			orb.Polygon{{{116.58, 35.40}, {116.60, 35.40}, {116.62, 35.40}, {116.61, 35.40}, {116.60, 35.42}, {116.58, 35.40}}},
			"ring 0 self-intersects at segment",
		},
		{
			"figure eight touching at a vertex",
			orb.Polygon{{{0, 0}, {2, 0}, {1, 1}, {2, 2}, {0, 2}, {1, 1}, {0, 0}}},
			"self-intersects",
		},
		{"hole outside shell", orb.Polygon{shell, square(116.70, 35.40, 0.005)}, "ring 1 (hole) lies outside the shell"},
		{"hole crossing shell", orb.Polygon{shell, square(116.595, 35.405, 0.01)}, "ring 1 (hole) touches or crosses the shell"},
		{"hole inside hole", orb.Polygon{shell, square(116.585, 35.405, 0.008), square(116.587, 35.407, 0.002)}, "ring 2 (hole) lies inside hole 1"},
		{"swapped axes", orb.Polygon{square(35.40, 116.58, 0.02)}, "are longitude and latitude swapped?"},
		{"NaN coordinate", orb.Polygon{{{116.58, 35.40}, {math.NaN(), 35.40}, {116.60, 35.42}, {116.58, 35.40}}}, "ring 0 point 1: coordinate NaN,35.4 is not a finite number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidatePolygon(c.poly)
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("want valid, got %v", err)
			case c.wantErr != "" && err == nil:
				t.Errorf("want error containing %q, got valid", c.wantErr)
			case c.wantErr != "" && !strings.Contains(err.Error(), c.wantErr):
				t.Errorf("error %q does not contain %q", err, c.wantErr)
			}
		})
	}
}

func TestValidateMultiPolygon_NamesTheBadPolygon(t *testing.T) {
	good := orb.Polygon{square(116.58, 35.40, 0.02)}
	bad := orb.Polygon{{{116.58, 35.40}, {116.60, 35.42}, {116.60, 35.40}, {116.58, 35.42}, {116.58, 35.40}}}
	if err := ValidateMultiPolygon(orb.MultiPolygon{good, good}); err != nil {
		t.Errorf("two squares: %v", err)
	}
	err := ValidateMultiPolygon(orb.MultiPolygon{good, bad})
	if err == nil || !strings.HasPrefix(err.Error(), "polygon 1: ring 0 self-intersects") {
		t.Errorf("got %v, want polygon 1 ring 0 self-intersection", err)
	}
	if err := ValidateMultiPolygon(nil); err == nil {
		t.Error("empty multipolygon should be invalid")
	}
}

func TestValidateLonLat(t *testing.T) {
	cases := []struct {
		p       orb.Point
		wantErr string
	}{
		{orb.Point{116.6, 35.4}, ""},
		{orb.Point{-180, -90}, ""},
		{orb.Point{35.4, 116.6}, "latitude 116.6 out of range [-90,90]: are longitude and latitude swapped?"},
		{orb.Point{200, 35}, "longitude 200 out of range [-180,180]"},
		{orb.Point{0, 300}, "latitude 300 out of range [-90,90]"},
		{orb.Point{math.Inf(1), 0}, "not a finite number"},
	}
	for _, c := range cases {
		err := ValidateLonLat(c.p)
		if c.wantErr == "" {
			if err != nil {
				t.Errorf("ValidateLonLat(%v) = %v, want nil", c.p, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("ValidateLonLat(%v) = %v, want %q", c.p, err, c.wantErr)
		}
		if strings.Contains(c.wantErr, "300") && strings.Contains(err.Error(), "swapped") {
			t.Errorf("ValidateLonLat(%v) should not suggest swapped axes", c.p)
		}
	}
}

func TestSelfIntersection_LargeRingSweep(t *testing.T) {
	// A 2,000-vertex circle is simple; pushing one vertex across the ring
	// makes it cross the opposite side.
	n := 2000
	r := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		r = append(r, orb.Point{116.6 + 0.01*math.Cos(a), 35.4 + 0.01*math.Sin(a)})
	}
	r = append(r, r[0])
	if err := ValidatePolygon(orb.Polygon{r}); err != nil {
		t.Fatalf("circle: %v", err)
	}
	r[10] = orb.Point{116.6 - 0.02, 35.4}
	if err := ValidatePolygon(orb.Polygon{r}); err == nil || !strings.Contains(err.Error(), "self-intersects") {
		t.Errorf("dented circle: got %v, want self-intersection", err)
	}
}

package proj

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

type vector struct {
	epsg     int
	lon, lat float64
	x, y     float64
	dir      string
}

// readVectors loads testdata/tm_vectors.csv, computed by PROJ's cs2cs
// (see testdata/gen_vectors.sh).
func readVectors(t *testing.T) []vector {
	t.Helper()
	f, err := os.Open("testdata/tm_vectors.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "epsg,") || line == "" {
			continue
		}
		c := strings.Split(line, ",")
		if len(c) != 6 {
			t.Fatalf("bad vector line %q", line)
		}
		var v vector
		v.epsg, _ = strconv.Atoi(c[0])
		nums := []*float64{&v.lon, &v.lat, &v.x, &v.y}
		for i, p := range nums {
			if *p, err = strconv.ParseFloat(c[i+1], 64); err != nil {
				t.Fatalf("bad vector line %q: %v", line, err)
			}
		}
		v.dir = c[5]
		out = append(out, v)
	}
	if len(out) < 300 {
		t.Fatalf("only %d vectors", len(out))
	}
	return out
}

// metresApart is the ground distance between two nearby lon/lat points.
func metresApart(a, b orb.Point) float64 {
	const r = 6371008.8
	dy := (a[1] - b[1]) * deg * r
	dx := (a[0] - b[0]) * deg * r * math.Cos(a[1]*deg)
	return math.Hypot(dx, dy)
}

func TestTransverseMercatorMatchesCS2CS(t *testing.T) {
	var worstFwd, worstInv float64
	for _, v := range readVectors(t) {
		c, err := EPSG(v.epsg)
		if err != nil {
			t.Fatal(err)
		}
		ll := orb.Point{v.lon, v.lat}
		xy := orb.Point{v.x, v.y}
		got := c.Projection.Forward(ll)
		dF := math.Hypot(got[0]-xy[0], got[1]-xy[1])
		back := c.Projection.Inverse(xy)
		dI := metresApart(back, ll)
		worstFwd, worstInv = math.Max(worstFwd, dF), math.Max(worstInv, dI)
		// One millimetre, in both directions, wherever the vectors go:
		// up to 3.5° from the central meridian and 18°N to 53.5°N.
		if dF > 1e-3 || dI > 1e-3 {
			t.Errorf("EPSG:%d %s (%.10f, %.10f) <-> (%.4f, %.4f): forward off by %.2g m, inverse by %.2g m",
				v.epsg, v.dir, v.lon, v.lat, v.x, v.y, dF, dI)
		}
	}
	t.Logf("largest difference from cs2cs: forward %.3g m, inverse %.3g m", worstFwd, worstInv)
}

func TestTransverseMercatorRoundTrip(t *testing.T) {
	c, _ := EPSG(4548)
	for lat := -80.0; lat <= 84; lat += 3.7 {
		for dl := -5.0; dl <= 5; dl += 0.9 {
			p := orb.Point{117 + dl, lat}
			q := c.Projection.Inverse(c.Projection.Forward(p))
			if d := metresApart(p, q); d > 1e-6 {
				t.Errorf("%v round trips to %v, %.3g m away", p, q, d)
			}
		}
	}
}

func TestTransverseMercatorOrigin(t *testing.T) {
	tm, err := NewTransverseMercator(TMParams{Ellipsoid: CGCS2000Ellipsoid, CentralMeridian: 117, LatitudeOfOrigin: 35, Scale: 1, FalseEasting: 500000, FalseNorthing: 1000})
	if err != nil {
		t.Fatal(err)
	}
	got := tm.Forward(orb.Point{117, 35})
	if math.Abs(got[0]-500000) > 1e-6 || math.Abs(got[1]-1000) > 1e-6 {
		t.Errorf("origin projects to %v, want (500000, 1000)", got)
	}
	back := tm.Inverse(orb.Point{500000, 1000})
	if math.Abs(back[0]-117) > 1e-12 || math.Abs(back[1]-35) > 1e-12 {
		t.Errorf("origin inverts to %v", back)
	}
}

func TestNewTransverseMercatorRefusesBadParams(t *testing.T) {
	for _, p := range []TMParams{
		{Ellipsoid: CGCS2000Ellipsoid, Scale: 0},
		{Ellipsoid: Ellipsoid{A: -1, InvF: 298}, Scale: 1},
		{Ellipsoid: CGCS2000Ellipsoid, Scale: 1, CentralMeridian: math.NaN()},
		{Ellipsoid: CGCS2000Ellipsoid, Scale: 1, LatitudeOfOrigin: 90},
	} {
		if _, err := NewTransverseMercator(p); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
}

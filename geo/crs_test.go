package geo

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

type anchorPoint struct {
	name     string
	gcj, wgs orb.Point
}

func readAnchorPoints(t *testing.T) []anchorPoint {
	t.Helper()
	f, err := os.Open("testdata/amap_anchor_points_gcj02.csv")
	if err != nil {
		t.Fatalf("open reference points: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read reference points: %v", err)
	}
	var pts []anchorPoint
	for i, r := range rows[1:] {
		var v [4]float64
		for j := range v {
			v[j], err = strconv.ParseFloat(r[j+1], 64)
			if err != nil {
				t.Fatalf("row %d column %d: %v", i+2, j+2, err)
			}
		}
		pts = append(pts, anchorPoint{r[0], orb.Point{v[0], v[1]}, orb.Point{v[2], v[3]}})
	}
	if len(pts) != 6 {
		t.Fatalf("want 6 reference points, got %d", len(pts))
	}
	return pts
}

func TestGCJ02ToWGS84_MatchesJiningReferencePoints(t *testing.T) {
	for _, ap := range readAnchorPoints(t) {
		got := GCJ02ToWGS84(ap.gcj)
		if d := orbgeo.Distance(got, ap.wgs); d > 2 {
			t.Errorf("%s: GCJ02ToWGS84(%v) = %v, %.2f m from reference %v", ap.name, ap.gcj, got, d, ap.wgs)
		}
		// The offset in Jining is about 500 m: make sure we really moved.
		if d := orbgeo.Distance(got, ap.gcj); d < 400 || d > 600 {
			t.Errorf("%s: GCJ-02 offset %.0f m, want 400-600 m", ap.name, d)
		}
	}
}

func TestWGS84ToGCJ02_MatchesJiningReferencePoints(t *testing.T) {
	for _, ap := range readAnchorPoints(t) {
		got := WGS84ToGCJ02(ap.wgs)
		if d := orbgeo.Distance(got, ap.gcj); d > 2 {
			t.Errorf("%s: WGS84ToGCJ02(%v) = %v, %.2f m from Amap's %v", ap.name, ap.wgs, got, d, ap.gcj)
		}
	}
}

func TestTransform_RoundTripsWithinOneCentimetre(t *testing.T) {
	crs := []CRS{WGS84, GCJ02, BD09}
	// A grid over China, Jining included.
	for lon := 74.0; lon <= 134; lon += 4.3 {
		for lat := 18.0; lat <= 53; lat += 2.9 {
			p := orb.Point{lon, lat}
			for _, from := range crs {
				for _, to := range crs {
					q, err := Transform(p, from, to)
					if err != nil {
						t.Fatal(err)
					}
					back, err := Transform(q, to, from)
					if err != nil {
						t.Fatal(err)
					}
					if d := orbgeo.Distance(p, back); d > 0.01 {
						t.Errorf("%s->%s->%s at %v: round trip off by %.4f m", from, to, from, p, d)
					}
				}
			}
		}
	}
}

func TestGCJ02ToWGS84_ConvergesBelowNanodegree(t *testing.T) {
	w := orb.Point{116.5818, 35.4155}
	back := WGS84ToGCJ02(GCJ02ToWGS84(WGS84ToGCJ02(w)))
	g := WGS84ToGCJ02(w)
	if math.Abs(back[0]-g[0]) > 1e-9 || math.Abs(back[1]-g[1]) > 1e-9 {
		t.Errorf("forward(inverse(g)) = %v, want %v within 1e-9 deg", back, g)
	}
}

func TestWGS84ToBD09_OffsetsFurtherThanGCJ02(t *testing.T) {
	w := orb.Point{116.5818, 35.4155}
	g, b := WGS84ToGCJ02(w), WGS84ToBD09(w)
	dg, db := orbgeo.Distance(w, g), orbgeo.Distance(w, b)
	if db <= dg || orbgeo.Distance(g, b) < 500 {
		t.Errorf("BD-09 %v (%.0f m from WGS-84) should be about 1 km beyond GCJ-02 %v (%.0f m)", b, db, g, dg)
	}
}

func TestWGS84ToGCJ02_IdentityOutsideChina(t *testing.T) {
	for _, p := range []orb.Point{{-8.61, 41.15}, {7.42, 43.74}, {139.69, 35.68}, {0, 0}} {
		if got := WGS84ToGCJ02(p); got != p {
			t.Errorf("WGS84ToGCJ02(%v) = %v, want unchanged outside China", p, got)
		}
		if got := GCJ02ToWGS84(p); got != p {
			t.Errorf("GCJ02ToWGS84(%v) = %v, want unchanged outside China", p, got)
		}
	}
}

func TestParseCRS_AcceptsCommonSpellings(t *testing.T) {
	cases := map[string]CRS{
		"wgs84": WGS84, "WGS-84": WGS84, "EPSG:4326": WGS84, "CGCS2000": WGS84,
		"gcj02": GCJ02, "GCJ-02": GCJ02, "amap": GCJ02,
		"bd09": BD09, "BD-09": BD09, "baidu": BD09,
	}
	for in, want := range cases {
		got, err := ParseCRS(in)
		if err != nil || got != want {
			t.Errorf("ParseCRS(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseCRS("utm50n"); err == nil {
		t.Error("ParseCRS(utm50n) should fail")
	}
}

func TestTransform_RejectsUnknownCRS(t *testing.T) {
	if _, err := Transform(orb.Point{116, 35}, "utm", WGS84); err == nil {
		t.Error("from unknown CRS should fail")
	}
	if _, err := Transform(orb.Point{116, 35}, WGS84, "utm"); err == nil {
		t.Error("to unknown CRS should fail")
	}
}

package geo

import "testing"

func TestDistanceM_OneDegreeOfLatitude(t *testing.T) {
	d := DistanceM(jining, offset(jining, 0, 111195.08))
	if !near(d, 111195.08, 0.01) {
		t.Fatalf("distance %.3f m, want 111195.08", d)
	}
}

func TestShortDistanceM_AgreesWithHaversineNearby(t *testing.T) {
	for _, dxy := range [][2]float64{{60, 0}, {0, 60}, {-45, 80}, {300, -200}} {
		b := offset(jining, dxy[0], dxy[1])
		if h, s := DistanceM(jining, b), shortDistanceM(jining, b); !near(h, s, 0.001) {
			t.Errorf("%v: haversine %.4f, equirectangular %.4f", dxy, h, s)
		}
	}
}

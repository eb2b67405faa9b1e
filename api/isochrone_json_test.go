package api

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/quarterhour/quarterhour/geo"
)

// response returns the body as the struct encoding/json would write.
func (o *isochroneBody) response() isochroneResponse {
	iso := o.iso
	out := isochroneResponse{
		Origin:    toLonLat(o.origin),
		Snap:      snapJSON{DistanceM: round1(iso.Snap.DistanceM), Edge: iso.Snap.EdgeID, Point: toLonLat(iso.Snap.Point)},
		Walk:      o.walk,
		BudgetM:   o.walk.BudgetM,
		Res:       iso.Res,
		Polygon:   geojson.NewGeometry(iso.Polygon),
		Cells:     cellStrings(iso.Cells),
		AreaM2:    math.Round(iso.AreaM2),
		ComputeMS: o.computeMS,
	}
	if o.nodes {
		out.Nodes = make([]nodeJSON, len(iso.Nodes))
		for i, n := range iso.Nodes {
			out.Nodes[i] = nodeJSON{ID: n.ID, DistM: round3(n.DistM)}
		}
	}
	return out
}

func TestAppendJSONFloatMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 10))
	vals := []float64{0, 0.0004, -0.0004, 0.0005, 0.0015, 999.9995, -12.3456, 0.01, 0.1, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99999e-7, 1e-7, -3e-9, 1e20, 1e21, 1.5e21, 123456789012345,
		1e15, 1e15 + 1, -1e15, 999.5, 1000, 41.1577, -8.6291, float64(float32(0.1)), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for range 20000 {
		switch rng.IntN(4) {
		case 0:
			vals = append(vals, rng.Float64()*1000)
		case 1:
			vals = append(vals, float64(float32(rng.Float64()*100))+float64(float32(rng.Float64()*900)))
		case 2:
			vals = append(vals, math.Float64frombits(rng.Uint64()))
		default:
			vals = append(vals, math.Round(rng.NormFloat64()*1e6)/10)
		}
	}
	for _, f := range vals {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONFloat(nil, f); !bytes.Equal(got, want) {
			t.Errorf("%v (%x): got %s, want %s", f, math.Float64bits(f), got, want)
		}
		if math.IsInf(round3(f), 0) {
			continue
		}
		if want, err = json.Marshal(round3(f)); err != nil {
			t.Fatal(err)
		}
		if got := appendMillis(nil, f); !bytes.Equal(got, want) {
			t.Errorf("millis of %v (%x): got %s, want %s", f, math.Float64bits(f), got, want)
		}
	}
}

// TestIsochroneJSONMatchesEncodingJSON checks that the hand-written
// isochrone body equals encoding/json's on Porto isochrones.
func TestIsochroneJSONMatchesEncodingJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("imports Porto")
	}
	f := portoAPI(t)
	eng, err := f.api.geoEngine(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 10))
	for i := range 30 {
		p := orb.Point{portoCentre.Lon() + (rng.Float64()-0.5)*0.02, portoCentre.Lat() + (rng.Float64()-0.5)*0.02}
		budget := []float64{1000, 333.3, 50}[i%3]
		iso, err := eng.Isochrone(context.Background(), []orb.Point{p}, budget, []int{10, 9, 11}[i%3])
		if err != nil {
			continue // off network
		}
		body := &isochroneBody{origin: p, walk: walk{Walk: geo.Walk{Minutes: budget / 66.7, SpeedKmh: 4}, BudgetM: budget}, iso: iso,
			computeMS: float64(i) * 0.013, nodes: i%2 == 0}
		want := httptest.NewRecorder()
		writeJSON(want, 200, body.response())
		got := httptest.NewRecorder()
		writeIsochrone(got, body)
		if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
			t.Fatalf("origin %v: bodies differ\n got %.300s\nwant %.300s", p, got.Body, want.Body)
		}
		if n := got.Header().Get("Content-Length"); n != strconv.Itoa(want.Body.Len()) {
			t.Errorf("Content-Length %s, body %d bytes", n, want.Body.Len())
		}
	}
}

package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/quarterhour/quarterhour/geo"
)

// Jining municipal government: Amap's GCJ-02 position and the WGS-84
// position derived from it (geo/testdata/amap_anchor_points_gcj02.csv).
var (
	govGCJ02 = orb.Point{116.587116, 35.415117}
	govWGS84 = orb.Point{116.581822, 35.415561}
)

// geoJSONCollection decodes a FeatureCollection's geometries by feature ID.
func geoJSONCollection(t *testing.T, f *fixture, path string) map[int64]orb.Geometry {
	t.Helper()
	status, body, err := f.raw(http.MethodGet, path, "admin", nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET %s: %d %s %v", path, status, body, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(body)
	if err != nil {
		t.Fatalf("GET %s: decode: %v", path, err)
	}
	out := make(map[int64]orb.Geometry, len(fc.Features))
	for _, ft := range fc.Features {
		id, ok := ft.ID.(float64)
		if !ok {
			t.Fatalf("GET %s: feature id %v is not a number", path, ft.ID)
		}
		out[int64(id)] = ft.Geometry
	}
	return out
}

// vertices lists every coordinate of g in order.
func vertices(g orb.Geometry) []orb.Point {
	var ps []orb.Point
	switch g := g.(type) {
	case orb.Point:
		ps = append(ps, g)
	case orb.MultiPoint:
		ps = append(ps, g...)
	case orb.Polygon:
		for _, r := range g {
			ps = append(ps, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			ps = append(ps, vertices(p)...)
		}
	}
	return ps
}

func TestOutputCRS_OutletInGCJ02MatchesAmap(t *testing.T) {
	f := sqliteAPI(t)
	o := createOutlet(t, f, "admin", govWGS84, map[string]any{"name": "市政府便利店"})
	for _, tt := range []struct {
		crs  string
		want orb.Point
		tol  float64
	}{
		{"", govWGS84, 0.01},
		{"wgs84", govWGS84, 0.01},
		// The derived WGS-84 position is rounded to 1e-6 degrees.
		{"gcj02", govGCJ02, 2},
		{"bd09", geo.GCJ02ToBD09(govGCJ02), 2},
	} {
		t.Run(tt.crs, func(t *testing.T) {
			var out outletOut
			f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/outlets/%d?crs=%s", o.ID, tt.crs), "", nil, http.StatusOK, &out)
			g, err := geojson.UnmarshalGeometry(out.Geometry)
			if err != nil {
				t.Fatal(err)
			}
			got := g.Geometry().(orb.Point)
			if d := geo.DistanceM(got, tt.want); d > tt.tol {
				t.Errorf("crs=%s: outlet at %v, %.2f m from %v (tolerance %.2f m)", tt.crs, got, d, tt.want, tt.tol)
			}
		})
	}
}

func TestOutputCRS_ListsTransformEveryVertexAndKeepTheStoredData(t *testing.T) {
	f := sqliteAPI(t)
	for _, path := range []string{
		"/api/v1/outlets?district=370811&limit=50",
		"/api/v1/communities?district=370811",
		"/api/v1/circles?district=370811",
	} {
		t.Run(path, func(t *testing.T) {
			wgs := geoJSONCollection(t, f, path)
			if len(wgs) == 0 {
				t.Fatalf("%s returned no features", path)
			}
			for _, crs := range []geo.CRS{geo.GCJ02, geo.BD09} {
				got := geoJSONCollection(t, f, path+"&crs="+string(crs))
				checked := 0
				for id, g := range wgs {
					want := vertices(g)
					have := vertices(got[id])
					if len(have) != len(want) {
						t.Fatalf("crs=%s feature %d: %d vertices, want %d", crs, id, len(have), len(want))
					}
					for i, p := range want {
						exp, err := geo.Transform(p, geo.WGS84, crs)
						if err != nil {
							t.Fatal(err)
						}
						if d := geo.DistanceM(have[i], exp); d > 0.01 {
							t.Fatalf("crs=%s feature %d vertex %d at %v, want %v", crs, id, i, have[i], exp)
						}
						// The offset in Jining is several hundred metres; a
						// vertex that did not move was not transformed.
						if d := geo.DistanceM(have[i], p); d < 100 {
							t.Fatalf("crs=%s feature %d vertex %d moved only %.1f m", crs, id, i, d)
						}
						checked++
					}
				}
				if checked == 0 {
					t.Errorf("crs=%s: no vertices compared", crs)
				}
			}
			again := geoJSONCollection(t, f, path)
			for id, g := range wgs {
				if !orb.Equal(again[id], g) {
					t.Fatalf("after a gcj02 request feature %d reads %v, was %v: the stored geometry changed", id, again[id], g)
				}
			}
		})
	}
}

func TestOutputCRS_CircleWithCommunities(t *testing.T) {
	f := sqliteAPI(t)
	ids := geoJSONCollection(t, f, "/api/v1/circles?district=370811")
	var id int64
	for k := range ids {
		id = k
		break
	}
	var wgs, gcj circleOut
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d", id), "", nil, http.StatusOK, &wgs)
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d?crs=gcj02", id), "", nil, http.StatusOK, &gcj)
	if wgs.Communities == nil || len(wgs.Communities.Features) == 0 || len(gcj.Communities.Features) != len(wgs.Communities.Features) {
		t.Fatalf("circle %d: communities missing", id)
	}
	for i, c := range wgs.Communities.Features {
		a, err := geojson.UnmarshalGeometry(c.Geometry)
		if err != nil {
			t.Fatal(err)
		}
		b, err := geojson.UnmarshalGeometry(gcj.Communities.Features[i].Geometry)
		if err != nil {
			t.Fatal(err)
		}
		va, vb := vertices(a.Geometry()), vertices(b.Geometry())
		if len(va) == 0 || len(va) != len(vb) {
			t.Fatalf("community %d: %d vs %d vertices", c.ID, len(va), len(vb))
		}
		if d := geo.DistanceM(geo.WGS84ToGCJ02(va[0]), vb[0]); d > 0.01 {
			t.Errorf("community %d first vertex %v in gcj02, want %v", c.ID, vb[0], geo.WGS84ToGCJ02(va[0]))
		}
	}
}

func TestOutputCRS_RejectsUnknownSystem(t *testing.T) {
	f := sqliteAPI(t)
	for _, path := range []string{"/api/v1/outlets?crs=utm50", "/api/v1/communities?crs=3857", "/api/v1/circles?crs=mercator"} {
		f.wantError(t, http.MethodGet, path, "", nil, http.StatusBadRequest, "crs")
	}
}

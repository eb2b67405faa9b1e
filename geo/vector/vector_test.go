package vector

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo/shp"
)

func TestReadGeoJSON(t *testing.T) {
	l, err := ReadGeoJSON([]byte("\xef\xbb\xbf" + `{"type":"FeatureCollection",
		"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},
		"features":[
		{"type":"Feature","properties":{"名称":"幸福社区","人口":3200},"geometry":{"type":"Point","coordinates":[461200.125,3918800.25]}},
		{"type":"Feature","properties":null,"geometry":null},
		{"type":"Feature","properties":{"a":1},"geometry":{"type":"Polygon","coordinates":"x"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if l.CRS.Code() != "EPSG:4548" || l.CRSFrom != "the GeoJSON crs member" || l.Fields != nil || len(l.Features) != 3 {
		t.Fatalf("layer %+v", l)
	}
	f := l.Features[0]
	if f.Row != 1 || f.Geometry != (orb.Point{461200.125, 3918800.25}) || f.Props["人口"] != json.Number("3200") {
		t.Errorf("feature 1 %+v", f)
	}
	if f := l.Features[1]; f.Row != 2 || f.Geometry != nil || f.BadGeometry != "" {
		t.Errorf("feature 2 %+v", f)
	}
	if f := l.Features[2]; f.Geometry != nil || !strings.Contains(f.BadGeometry, "bad GeoJSON geometry") {
		t.Errorf("feature 3 %+v", f)
	}
	if b, ok := l.Bound(); !ok || b.Min != (orb.Point{461200.125, 3918800.25}) {
		t.Errorf("bound %v %v", b, ok)
	}

	l, err = ReadGeoJSON([]byte(`{"type":"FeatureCollection","features":[]}`))
	if err != nil || !l.CRS.IsZero() || l.CRSFrom != "" {
		t.Errorf("no crs member: %+v %v", l, err)
	}
	if _, ok := l.Bound(); ok {
		t.Error("bound of no features")
	}
	for in, crs := range map[string]bool{
		`{"type":"Feature"}`: false,
		`not json`:           false,
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`: true,
	} {
		_, err := ReadGeoJSON([]byte(in))
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) || e.CRS != crs {
			t.Errorf("%s: %v", in, err)
		}
	}
}

func TestReadShapefile(t *testing.T) {
	data, err := os.ReadFile("../shp/testdata/communities.zip")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Read(data, Shapefile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.CRS.Code() != "EPSG:4548" || l.CRSFrom != "communities.prj" || l.Encoding != "GBK (from communities.cpg)" {
		t.Errorf("CRS %s from %q, encoding %q", l.CRS, l.CRSFrom, l.Encoding)
	}
	if strings.Join(l.Fields, ",") != "名称,人口,面积,街道,更新" || len(l.Features) != 3 {
		t.Fatalf("fields %q, %d features", l.Fields, len(l.Features))
	}
	if f := l.Features[1]; f.Row != 2 || f.Props["名称"] != "和平社区" {
		t.Errorf("feature 2 %+v", f)
	}
	if _, ok := l.Features[1].Geometry.(orb.MultiPolygon); !ok {
		t.Errorf("feature 2 is a %T", l.Features[1].Geometry)
	}

	// Declared and not in the file: the layer declares nothing itself.
	o, err := os.ReadFile("../shp/testdata/outlets.zip")
	if err != nil {
		t.Fatal(err)
	}
	if l, err := Read(o, Shapefile, Options{}); err != nil || l.CRS.Code() != "EPSG:4490" {
		t.Errorf("outlets: %v", err)
	}
	_, err = Read([]byte("PK\x03\x04 not a zip"), Shapefile, Options{})
	var se *shp.Error
	if !errors.As(err, &se) || !errors.Is(err, shp.ErrInvalid) {
		t.Errorf("damaged zip: %v", err)
	}
	if _, err := Read(nil, "kml", Options{}); err == nil {
		t.Error("unknown format read")
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{" 幸福 ", "幸福"}, {json.Number("3200"), "3200"}, {int64(7), "7"}, {3918800.25, "3918800.25"}, {3200.0, "3200"},
		{true, "true"}, {time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "2024-03-01"}, {nil, ""}, {[]int{1}, ""},
	} {
		if got := Text(tc.v); got != tc.want {
			t.Errorf("Text(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

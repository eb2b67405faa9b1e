package proj

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo"
)

func TestParseNames(t *testing.T) {
	for in, want := range map[string]string{
		"wgs84":                         "EPSG:4326",
		"WGS-84":                        "EPSG:4326",
		"EPSG:4326":                     "EPSG:4326",
		"cgcs2000":                      "EPSG:4490",
		"epsg:4490":                     "EPSG:4490",
		"gcj02":                         "gcj02",
		"GCJ-02":                        "gcj02",
		"amap":                          "gcj02",
		"bd09":                          "bd09",
		"Baidu":                         "bd09",
		"EPSG:4548":                     "EPSG:4548",
		"4548":                          "EPSG:4548",
		" epsg:4527 ":                   "EPSG:4527",
		"urn:ogc:def:crs:EPSG::4548":    "EPSG:4548",
		"urn:ogc:def:crs:EPSG:6.6:4490": "EPSG:4490",
		"urn:ogc:def:crs:OGC:1.3:CRS84": "EPSG:4326",
		"EPSG:32650":                    "EPSG:32650",
		"EPSG:4491":                     "EPSG:4491",
		"EPSG:4554":                     "EPSG:4554",
		`GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`: "EPSG:4326",
	} {
		c, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if c.Code() != want {
			t.Errorf("Parse(%q) = %s, want %s", in, c.Code(), want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"":           "no coordinate reference system",
		"mercator":   "unknown coordinate reference system",
		"EPSG:2437":  "Beijing 1954",
		"EPSG:4610":  "Xian 1980",
		"EPSG:3857":  "Web Mercator",
		"EPSG:27700": "not supported",
		"EPSG:4555":  "New Beijing",
	} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestEPSGDefinitions(t *testing.T) {
	for _, tc := range []struct {
		code   int
		cm, fe float64
		name   string
	}{
		{4491, 75, 13500000, "CGCS2000 / Gauss-Kruger zone 13"},
		{4501, 135, 23500000, "CGCS2000 / Gauss-Kruger zone 23"},
		{4502, 75, 500000, "CGCS2000 / Gauss-Kruger CM 75E"},
		{4512, 135, 500000, "CGCS2000 / Gauss-Kruger CM 135E"},
		{4513, 75, 25500000, "CGCS2000 / 3-degree Gauss-Kruger zone 25"},
		{4527, 117, 39500000, "CGCS2000 / 3-degree Gauss-Kruger zone 39"},
		{4533, 135, 45500000, "CGCS2000 / 3-degree Gauss-Kruger zone 45"},
		{4534, 75, 500000, "CGCS2000 / 3-degree Gauss-Kruger CM 75E"},
		{4548, 117, 500000, "CGCS2000 / 3-degree Gauss-Kruger CM 117E"},
		{4554, 135, 500000, "CGCS2000 / 3-degree Gauss-Kruger CM 135E"},
	} {
		c, err := EPSG(tc.code)
		if err != nil {
			t.Fatal(err)
		}
		p := c.Projection.Params()
		if p.CentralMeridian != tc.cm || p.FalseEasting != tc.fe || p.Scale != 1 || p.FalseNorthing != 0 || c.Name != tc.name || p.Ellipsoid != CGCS2000Ellipsoid {
			t.Errorf("EPSG:%d = %q %+v", tc.code, c.Name, p)
		}
	}
	if n := len(Codes()); n != 2+64+120 {
		t.Errorf("%d codes", n)
	}
}

// TestParseWKTFiles reads .prj text written by projinfo in the ESRI, GDAL
// and WKT 2 dialects (testdata/prj, see testdata/README.md).
func TestParseWKTFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/prj/*.prj")
	if len(files) != 24 {
		t.Fatalf("%d .prj files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		code := "EPSG:" + strings.TrimPrefix(strings.SplitN(base, ".", 2)[0], "epsg")
		c, err := ParseWKT(string(b))
		switch code {
		case "EPSG:2437":
			if err == nil || !strings.Contains(err.Error(), "Beijing 1954") {
				t.Errorf("%s: %v, want a Beijing 1954 refusal", base, err)
			}
			continue
		case "EPSG:2379":
			if err == nil || !strings.Contains(err.Error(), "Xian 1980") {
				t.Errorf("%s: %v, want a Xian 1980 refusal", base, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", base, err)
			continue
		}
		if c.Code() != code {
			t.Errorf("%s read as %s", base, c)
		}
		want, _ := Parse(code)
		if !c.Equal(want) {
			t.Errorf("%s: %s is not equal to %s", base, c, want)
		}
	}
}

func TestParseWKTCustomProjection(t *testing.T) {
	const prj = `PROJCS["Jining local",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",116.5],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
	c, err := ParseWKT(prj)
	if err != nil {
		t.Fatal(err)
	}
	if c.EPSG != 0 || c.Code() != "custom" || !c.IsProjected() || c.Projection.Params().CentralMeridian != 116.5 {
		t.Errorf("got %s", c)
	}
	ll, err := c.ToWGS84(orb.Point{0, 3920000})
	if err != nil || math.Abs(ll[0]-116.5) > 1e-9 {
		t.Errorf("ToWGS84 = %v, %v", ll, err)
	}
}

func TestParseWKTRefuses(t *testing.T) {
	geog := `GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
	for prj, want := range map[string]string{
		`PROJCS["x",` + geog + `,PROJECTION["Lambert_Conformal_Conic"],PARAMETER["Central_Meridian",117],UNIT["Meter",1.0]]`:                          "only transverse Mercator",
		`PROJCS["x",` + geog + `,PROJECTION["Gauss_Kruger"],PARAMETER["Central_Meridian",117],UNIT["Foot_US",0.3048006096012192]]`:                    "not metres",
		`PROJCS["x",` + geog + `,PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000],UNIT["Meter",1.0]]`:                                     "no central meridian",
		`PROJCS["x",` + geog + `,PROJECTION["Gauss_Kruger"],PARAMETER["Central_Meridian",117],PARAMETER["Azimuth",3]]`:                                "Azimuth",
		`GEOGCS["x",DATUM["D_Unknown",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`:       "not supported",
		`GEOGCS["x",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Paris",2.33722917],UNIT["Degree",0.0174532925199433]]`: "Greenwich",
		`GEOGCS["x",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0],UNIT["Grad",0.015707963267949]]`:         "not degrees",
		`GEOGCS["x",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]]`:                                                               "not closed",
		`GEOGCS["x" DATUM]`:                           "unexpected",
		`GEOGCS["x"]] trailing`:                       "after the closing",
		`VERT_CS["Yellow Sea 1985",VDATUM["x",2005]]`: "not a geographic or projected",
		strings.Repeat("GEOGCS[", 40) + "]":           "nested too deeply",
	} {
		_, err := ParseWKT(prj)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseWKT(%.60q) = %v, want an error containing %q", prj, err, want)
		}
	}
}

func TestEqual(t *testing.T) {
	a, _ := Parse("EPSG:4548")
	b, err := ParseWKT(mustRead(t, "testdata/prj/epsg4548.wkt1_esri.prj"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equal(b) {
		t.Error("4548 from code and from .prj differ")
	}
	w, _ := Parse("wgs84")
	c, _ := Parse("cgcs2000")
	g, _ := Parse("gcj02")
	z39, _ := Parse("EPSG:4527")
	if !w.Equal(c) || w.Equal(g) || a.Equal(z39) || a.Equal(w) {
		t.Error("Equal is wrong")
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestToWGS84(t *testing.T) {
	g, _ := Parse("gcj02")
	in := orb.Point{116.587069, 35.415137}
	p, err := g.ToWGS84(in)
	if err != nil || p != geo.GCJ02ToWGS84(in) {
		t.Errorf("gcj02 -> %v, %v", p, err)
	}
	c, _ := Parse("EPSG:4548")
	q, err := c.FromWGS84(orb.Point{116.58171, 35.41450})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.ToWGS84(q)
	if err != nil || metresApart(r, orb.Point{116.58171, 35.41450}) > 1e-6 {
		t.Errorf("round trip %v, %v", r, err)
	}
	// A zone-prefixed easting under the unprefixed zone is refused with
	// the code it looks like.
	_, err = c.ToWGS84(orb.Point{39_447_000, 3_919_000})
	if err == nil || !strings.Contains(err.Error(), "EPSG:4527") {
		t.Errorf("zone-prefixed easting: %v", err)
	}
	w, _ := Parse("wgs84")
	if _, err := w.ToWGS84(orb.Point{447000, 3919000}); err == nil {
		t.Error("metres accepted as degrees")
	}
	if _, err := w.ToWGS84(orb.Point{math.NaN(), 3}); err == nil {
		t.Error("NaN accepted")
	}
}

func TestHint(t *testing.T) {
	for _, tc := range []struct {
		b    orb.Bound
		want string
	}{
		{orb.Bound{Min: orb.Point{116.5, 35.3}, Max: orb.Point{116.7, 35.5}}, ""},
		{orb.Bound{Min: orb.Point{440000, 3910000}, Max: orb.Point{460000, 3930000}}, "EPSG:4548"},
		{orb.Bound{Min: orb.Point{39440000, 3910000}, Max: orb.Point{39460000, 3930000}}, "declare EPSG:4527"},
		{orb.Bound{Min: orb.Point{20440000, 3910000}, Max: orb.Point{20460000, 3930000}}, "declare EPSG:4498"},
		{orb.Bound{Min: orb.Point{-5, 1e8}, Max: orb.Point{5, 2e8}}, "not longitude/latitude"},
	} {
		h := Hint(tc.b)
		if tc.want == "" && h != "" || !strings.Contains(h, tc.want) {
			t.Errorf("Hint(%v) = %q, want %q", tc.b, h, tc.want)
		}
	}
}

func TestCheckExtent(t *testing.T) {
	c, _ := Parse("EPSG:4548")
	if err := c.CheckExtent(orb.Bound{Min: orb.Point{440000, 3910000}, Max: orb.Point{460000, 3930000}}); err != nil {
		t.Error(err)
	}
	if err := c.CheckExtent(orb.Bound{Min: orb.Point{116, 35}, Max: orb.Point{117, 36}}); err == nil || !strings.Contains(err.Error(), "degrees") {
		t.Errorf("degrees under EPSG:4548: %v", err)
	}
	w, _ := Parse("wgs84")
	err := w.CheckExtent(orb.Bound{Min: orb.Point{440000, 3910000}, Max: orb.Point{460000, 3930000}})
	if err == nil || !strings.Contains(err.Error(), "EPSG:4548") {
		t.Errorf("metres under wgs84: %v", err)
	}
}

func TestParseGeoJSONCRS(t *testing.T) {
	for in, want := range map[string]string{
		`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}}`:    "EPSG:4548",
		`{"type":"name","properties":{"name":"EPSG:4490"}}`:                     "EPSG:4490",
		`{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}`: "EPSG:4326",
		`{"type":"EPSG","properties":{"code":4548}}`:                            "EPSG:4548",
	} {
		c, err := ParseGeoJSONCRS(json.RawMessage(in))
		if err != nil || c.Code() != want {
			t.Errorf("%s: %s, %v", in, c.Code(), err)
		}
	}
	if _, err := ParseGeoJSONCRS(nil); !errors.Is(err, ErrNoCRS) {
		t.Errorf("absent member: %v", err)
	}
	for _, in := range []string{`{"type":"link","properties":{"href":"http://x"}}`, `{"type":"name"}`, `[1]`} {
		if _, err := ParseGeoJSONCRS(json.RawMessage(in)); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
}

func TestSettle(t *testing.T) {
	gk, _ := Parse("EPSG:4548")
	gk6, _ := Parse("EPSG:4509")
	gcj, _ := Parse("gcj02")
	metres := orb.Bound{Min: orb.Point{440000, 3910000}, Max: orb.Point{460000, 3930000}}
	degrees := orb.Bound{Min: orb.Point{116.5, 35.3}, Max: orb.Point{116.7, 35.5}}
	for _, tc := range []struct {
		name           string
		file, declared CRS
		want           string
	}{
		{"file only", gk, CRS{}, "EPSG:4548"},
		{"declared only", CRS{}, gcj, "gcj02"},
		{"both agree", gk, gk6, "EPSG:4548"},
	} {
		c, err := Settle(tc.file, "roads.prj", tc.declared, metres, true)
		if err != nil || c.Code() != tc.want {
			t.Errorf("%s: %s, %v", tc.name, c.Code(), err)
		}
	}
	_, err := Settle(gk, "roads.prj", gcj, metres, true)
	if !errors.Is(err, ErrCRSConflict) || !strings.Contains(err.Error(), "roads.prj says EPSG:4548") {
		t.Errorf("conflict: %v", err)
	}
	_, err = Settle(CRS{}, "", CRS{}, metres, true)
	if !errors.Is(err, ErrNoCRS) || !strings.Contains(err.Error(), "never guessed") || !strings.Contains(err.Error(), "projected metres") {
		t.Errorf("no CRS over metres: %v", err)
	}
	_, err = Settle(CRS{}, "", CRS{}, degrees, true)
	if !errors.Is(err, ErrNoCRS) || strings.Contains(err.Error(), "metres") {
		t.Errorf("no CRS over degrees: %v", err)
	}
}

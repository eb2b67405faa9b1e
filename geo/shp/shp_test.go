package shp

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/shp/shptest"
)

func readFixture(t *testing.T, name string, opt Options) *Layer {
	t.Helper()
	b := shptest.Zip(t, unzipFixture(t, name))
	l, err := readZipBytes(b, opt)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCommunities(t *testing.T) {
	l := readFixture(t, "communities.zip", Options{})
	if l.Name != "communities" || l.Type != Polygon || l.CRS.EPSG != 4548 || l.CRSSource != FromPRJ ||
		l.Encoding != "GBK" || l.EncodingSource != FromCPG || len(l.Features) != 3 {
		t.Fatalf("layer %s %s %s(%s) %s(%s) %d features", l.Name, l.Type, l.CRS, l.CRSSource, l.Encoding, l.EncodingSource, len(l.Features))
	}
	var names []string
	for _, f := range l.Fields {
		names = append(names, f.Name+":"+string(f.Type))
	}
	if got := strings.Join(names, ","); got != "名称:C,人口:N,面积:N,街道:C,更新:D" {
		t.Errorf("fields %s", got)
	}
	f := l.Features[0]
	if f.Row != 1 || f.Props["名称"] != "幸福社区" || f.Props["人口"] != int64(3200) || f.Props["面积"] != 0.2451 ||
		f.Props["街道"] != "古槐街道" || f.Props["更新"] != time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("feature 1 props %v", f.Props)
	}
	if l.Features[2].Props["更新"] != nil || l.Features[2].Props["人口"] != int64(2875) {
		t.Errorf("feature 3 props %v", l.Features[2].Props)
	}
	p, ok := f.Geometry.(orb.Polygon)
	if !ok || len(p) != 2 || p[0].Orientation() != orb.CCW || p[1].Orientation() != orb.CW {
		t.Errorf("feature 1 is %T with %d rings, want a polygon with a hole in GeoJSON order", f.Geometry, len(p))
	}
	if mp, ok := l.Features[1].Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 {
		t.Errorf("feature 2 is %T, want a 2-part multipolygon", l.Features[1].Geometry)
	}
	want := orb.Bound{Min: orb.Point{461200.125, 3918800.25}, Max: orb.Point{462500, 3919700}}
	if l.Bound != want {
		t.Errorf("bound %v, want %v", l.Bound, want)
	}
	checkAgainstCS2CS(t, l, "communities_wgs84.csv")
}

// checkAgainstCS2CS converts l to WGS-84 and compares every vertex with
// the cs2cs reference.
func checkAgainstCS2CS(t *testing.T, l *Layer, ref string) {
	t.Helper()
	tr := truth(t, ref)
	var before [][]orb.Point
	for _, f := range l.Features {
		before = append(before, points(f.Geometry))
	}
	if err := l.ToWGS84(); err != nil {
		t.Fatal(err)
	}
	if l.CRS.EPSG != 4326 {
		t.Errorf("CRS after ToWGS84: %s", l.CRS)
	}
	var worst float64
	n := 0
	for i, f := range l.Features {
		for j, p := range points(f.Geometry) {
			want, ok := tr[before[i][j]]
			if !ok {
				t.Fatalf("no reference for %v", before[i][j])
			}
			d := metres(p, want)
			worst = max(worst, d)
			n++
			if d > 1e-3 {
				t.Errorf("record %d vertex %d: %v is %.4f m from cs2cs's %v", f.Row, j, p, d, want)
			}
		}
	}
	t.Logf("%s: %d vertices, largest distance from cs2cs %.3g m", ref, n, worst)
}

func TestRoads(t *testing.T) {
	l := readFixture(t, "roads.zip", Options{})
	if l.Type != PolyLineZ || l.CRS.EPSG != 4548 || len(l.Features) != 3 {
		t.Fatalf("layer %s %s %d", l.Type, l.CRS, len(l.Features))
	}
	if _, ok := l.Features[0].Geometry.(orb.LineString); !ok {
		t.Errorf("road 1 is %T", l.Features[0].Geometry)
	}
	if m, ok := l.Features[1].Geometry.(orb.MultiLineString); !ok || len(m) != 2 {
		t.Errorf("road 2 is %T", l.Features[1].Geometry)
	}
	if l.Features[1].Props["名称"] != "红星路" || l.Features[0].Props["宽度"] != 24.5 {
		t.Errorf("props %v", l.Features[1].Props)
	}
	checkAgainstCS2CS(t, l, "roads_wgs84.csv")
}

func TestOutletsWithNullShape(t *testing.T) {
	l := readFixture(t, "outlets.zip", Options{})
	if l.Type != PointM || l.CRS.EPSG != 4490 || l.Encoding != "UTF-8" || l.EncodingSource != FromCPG || len(l.Features) != 3 {
		t.Fatalf("layer %s %s %s %d", l.Type, l.CRS, l.Encoding, len(l.Features))
	}
	if l.Features[0].Geometry != (orb.Point{116.5712345, 35.4101234}) || l.Features[0].Props["name"] != "便民超市（古槐路店）" {
		t.Errorf("outlet 1 %v %v", l.Features[0].Geometry, l.Features[0].Props)
	}
	if l.Features[2].Geometry != nil || l.Features[2].Row != 3 || l.Features[2].Props["open"] != nil {
		t.Errorf("outlet 3 %v %v", l.Features[2].Geometry, l.Features[2].Props)
	}
	if err := l.ToWGS84(); err != nil || l.Features[0].Geometry != (orb.Point{116.5712345, 35.4101234}) {
		t.Errorf("CGCS2000 to WGS-84 moved the point: %v %v", l.Features[0].Geometry, err)
	}
}

func TestMissingPRJ(t *testing.T) {
	m := without(unzipFixture(t, "communities.zip"), "communities.prj")
	_, err := readZipBytes(shptest.Zip(t, m), Options{})
	if !errors.Is(err, proj.ErrNoCRS) {
		t.Fatalf("got %v, want ErrNoCRS", err)
	}
	for _, s := range []string{"communities.shp comes without communities.prj", "declare the CRS", "EPSG:4548"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	c, _ := proj.Parse("EPSG:4548")
	l, err := readZipBytes(shptest.Zip(t, m), Options{CRS: c})
	if err != nil || l.CRSSource != FromDeclared || l.CRS.EPSG != 4548 {
		t.Errorf("declared CRS: %v", err)
	}
	// Declaring degrees for metres is refused with the same hint.
	w, _ := proj.Parse("wgs84")
	_, err = readZipBytes(shptest.Zip(t, m), Options{CRS: w})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "EPSG:4548") {
		t.Errorf("wgs84 declared for metres: %v", err)
	}
	// A declared CRS that contradicts the .prj is refused.
	_, err = readZipBytes(shptest.Zip(t, unzipFixture(t, "communities.zip")), Options{CRS: w})
	if err == nil || !strings.Contains(err.Error(), "communities.prj says EPSG:4548") {
		t.Errorf("conflicting CRS: %v", err)
	}
	// The 6-degree code on the same meridian agrees with it.
	c6, _ := proj.Parse("EPSG:4509")
	if _, err := readZipBytes(shptest.Zip(t, unzipFixture(t, "communities.zip")), Options{CRS: c6}); err != nil {
		t.Errorf("EPSG:4509 against a 4548 .prj: %v", err)
	}
	// An empty .prj is no CRS either.
	m["communities.prj"] = []byte("  \n")
	if _, err := readZipBytes(shptest.Zip(t, m), Options{}); !errors.Is(err, proj.ErrNoCRS) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty .prj: %v", err)
	}
}

func TestUnsupportedPRJ(t *testing.T) {
	m := unzipFixture(t, "communities.zip")
	m["communities.prj"] = []byte(`PROJCS["Beijing_1954_3_Degree_GK_CM_117E",GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`)
	_, err := readZipBytes(shptest.Zip(t, m), Options{})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "Beijing 1954") {
		t.Errorf("Beijing 1954: %v", err)
	}
}

func TestGBKWithoutCPG(t *testing.T) {
	m := without(unzipFixture(t, "communities.zip"), "communities.cpg")
	l, err := readZipBytes(shptest.Zip(t, m), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Encoding != "GBK" || l.EncodingSource != FromDetected || l.Features[1].Props["名称"] != "和平社区" || l.Fields[0].Name != "名称" {
		t.Errorf("%s (%s): %v", l.Encoding, l.EncodingSource, l.Features[1].Props)
	}
	// The language driver byte for code page 936 names GBK.
	dbfB := append([]byte(nil), m["communities.dbf"]...)
	dbfB[29] = 0x4D
	m["communities.dbf"] = dbfB
	l, err = readZipBytes(shptest.Zip(t, m), Options{})
	if err != nil || l.EncodingSource != FromLDID || l.Features[0].Props["名称"] != "幸福社区" {
		t.Errorf("LDID 0x4D: %v %v", l, err)
	}
}

func TestWrongEncoding(t *testing.T) {
	m := unzipFixture(t, "communities.zip")
	m["communities.cpg"] = []byte("UTF-8")
	_, err := readZipBytes(shptest.Zip(t, m), Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "communities.cpg says UTF-8") || !strings.Contains(err.Error(), "reads as GBK") {
		t.Errorf("GBK text under a UTF-8 .cpg: %v", err)
	}
	// Declaring the right encoding overrides the .cpg.
	if l, err := readZipBytes(shptest.Zip(t, m), Options{Encoding: "cp936"}); err != nil || l.Features[0].Props["名称"] != "幸福社区" {
		t.Errorf("declared cp936: %v", err)
	}
	o := unzipFixture(t, "outlets.zip")
	o["outlets.cpg"] = []byte("GBK")
	_, err = readZipBytes(shptest.Zip(t, o), Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "outlets.cpg says GBK") || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("UTF-8 text under a GBK .cpg: %v", err)
	}
	// UTF-8 text that also decodes, as mojibake, in GBK.
	shpU, shxU := buildSHP(Point, []testRec{{typ: Point, parts: [][]orb.Point{{{116.5, 35.4}}}}, {typ: Point, parts: [][]orb.Point{{{116.6, 35.4}}}}})
	dbfU := buildDBF([]testField{{name: []byte("NAME"), typ: 'C', size: 12}}, [][][]byte{{[]byte("和平社区")}, {[]byte("光明社区")}}, 0)
	_, err = Read(Parts{Name: "u", SHP: shpU, SHX: shxU, DBF: dbfU, PRJ: []byte("EPSG:4490"), CPG: []byte("GBK")}, Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "u.cpg says GBK but the text is UTF-8") || !strings.Contains(err.Error(), "和平社区") {
		t.Errorf("UTF-8 text that passes for GBK: %v", err)
	}
	o["outlets.cpg"] = []byte("EBCDIC")
	if _, err = readZipBytes(shptest.Zip(t, o), Options{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unknown .cpg: %v", err)
	}
	// Neither UTF-8 nor GBK, and no .cpg.
	shpB, shxB := buildSHP(Point, []testRec{{typ: Point, parts: [][]orb.Point{{{116.5, 35.4}}}}})
	dbfB := buildDBF([]testField{{name: []byte("NAME"), typ: 'C', size: 4}}, [][][]byte{{{0xff, 0xfe, 0x81, 0x20}}}, 0)
	_, err = Read(Parts{Name: "x", SHP: shpB, SHX: shxB, DBF: dbfB, PRJ: []byte("EPSG:4490")}, Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "neither UTF-8 nor GBK") {
		t.Errorf("garbage text: %v", err)
	}
}

func TestDBFRecordCountMismatch(t *testing.T) {
	m := unzipFixture(t, "communities.zip")
	d := append([]byte(nil), m["communities.dbf"]...)
	hdr := int(d[8]) | int(d[9])<<8
	rec := int(d[10]) | int(d[11])<<8
	d = append(d[:hdr+2*rec], 0x1A)
	d[4] = 2
	m["communities.dbf"] = d
	_, err := readZipBytes(shptest.Zip(t, m), Options{})
	if !errors.Is(err, ErrInvalid) || err.Error() != "communities.dbf has 2 records but communities.shp has 3 shapes" {
		t.Errorf("got %v", err)
	}
	// A header promising more records than the file holds.
	d[4] = 9
	m["communities.dbf"] = d
	if _, err := readZipBytes(shptest.Zip(t, m), Options{}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("short .dbf: %v", err)
	}
}

func TestSHXMismatch(t *testing.T) {
	m := unzipFixture(t, "communities.zip")
	x := append([]byte(nil), m["communities.shx"]...)
	short := append([]byte(nil), x[:len(x)-8]...)
	short[27] -= 4 // the length in 16-bit words
	m["communities.shx"] = short
	_, err := readZipBytes(shptest.Zip(t, m), Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "communities.shx indexes 2 shapes but communities.shp has 3") {
		t.Errorf("short index: %v", err)
	}
	x[100+8+3] += 2 // record 2's offset
	m["communities.shx"] = x
	_, err = readZipBytes(shptest.Zip(t, m), Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "communities.shx does not match communities.shp") {
		t.Errorf("moved offset: %v", err)
	}
}

func TestDamagedSHP(t *testing.T) {
	m := unzipFixture(t, "communities.zip")
	s := m["communities.shp"]
	for name, b := range map[string][]byte{
		"truncated":    s[:len(s)-10],
		"short header": s[:50],
		"not a shapefile": func() []byte {
			c := append([]byte(nil), s...)
			c[3] = 0
			return c
		}(),
	} {
		m["communities.shp"] = b
		_, err := readZipBytes(shptest.Zip(t, m), Options{})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "communities.shp") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

func TestDeclaredTwoGigabytes(t *testing.T) {
	m := unzipFixture(t, "communities.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"communities.dbf", "communities.prj", "communities.shx"} {
		w, _ := zw.Create(n)
		w.Write(m[n])
	}
	// A stored entry whose header claims 2 GB but which holds 1 MB.
	junk := bytes.Repeat([]byte{0}, 1<<20)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "communities.shp", Method: zip.Store,
		CompressedSize64: uint64(len(junk)), UncompressedSize64: 2 << 30, CRC32: crc32.ChecksumIEEE(junk)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(junk)
	zw.Close()
	r := &countingReader{r: bytes.NewReader(buf.Bytes())}
	_, err = ReadZip(r, int64(buf.Len()), Options{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "communities.shp declares 2.0 GB unpacked, over the 512.0 MB limit") {
		t.Fatalf("got %v", err)
	}
	if r.n.Load() > 64<<10 {
		t.Errorf("read %d bytes of a refused zip", r.n.Load())
	}
	// Small limits apply to the sum of the members too.
	_, err = readZipBytes(shptest.Zip(t, unzipFixture(t, "communities.zip")), Options{MaxSize: 1000})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "together") {
		t.Errorf("sum over limit: %v", err)
	}
}

func TestZipLayout(t *testing.T) {
	c := unzipFixture(t, "communities.zip")
	o := unzipFixture(t, "outlets.zip")
	both := map[string][]byte{}
	for k, v := range c {
		both["数据/"+k] = v
	}
	for k, v := range o {
		both[k] = v
	}
	_, err := readZipBytes(shptest.Zip(t, both), Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "2 shapefiles (communities.shp and outlets.shp)") {
		t.Errorf("two layers: %v", err)
	}
	l, err := readZipBytes(shptest.Zip(t, both), Options{Layer: "Communities"})
	if err != nil || l.Name != "communities" || len(l.Features) != 3 {
		t.Errorf("picked layer in a folder: %v", err)
	}
	if _, err := readZipBytes(shptest.Zip(t, both), Options{Layer: "roads"}); err == nil || !strings.Contains(err.Error(), `no layer "roads"`) {
		t.Errorf("absent layer: %v", err)
	}
	_, err = readZipBytes(shptest.Zip(t, without(c, "communities.dbf")), Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "the zip has no communities.dbf") {
		t.Errorf("no .dbf: %v", err)
	}
	_, err = readZipBytes(shptest.Zip(t, without(c, "communities.shp")), Options{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "no .shp file (it has communities.cpg, communities.dbf, communities.prj and communities.shx)") {
		t.Errorf("no .shp: %v", err)
	}
	if _, err := readZipBytes([]byte("not a zip"), Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("not a zip: %v", err)
	}
	// Upper-case extensions, macOS litter and a GBK-encoded entry name.
	up := map[string][]byte{"__MACOSX/._x.shp": {1}, "readme.txt": []byte("hi")}
	for k, v := range c {
		base := string(gbk(t, "社区")) + strings.ToUpper(k[len("communities"):])
		up[base] = v
	}
	l, err = readZipBytes(shptest.Zip(t, up), Options{})
	if err != nil || l.Name != "社区" || len(l.Features) != 3 {
		t.Errorf("GBK names, upper-case extensions: %v %v", l, err)
	}
}

func TestReadParts(t *testing.T) {
	m := unzipFixture(t, "roads.zip")
	l, err := Read(Parts{Name: "roads", SHP: m["roads.shp"], SHX: m["roads.shx"], DBF: m["roads.dbf"], PRJ: m["roads.prj"], CPG: m["roads.cpg"]}, Options{})
	if err != nil || len(l.Features) != 3 {
		t.Fatal(err)
	}
	_, err = Read(Parts{Name: "roads", SHP: m["roads.shp"], DBF: m["roads.dbf"]}, Options{})
	if !errors.Is(err, ErrInvalid) || err.Error() != "a shapefile needs roads.shp, roads.shx and roads.dbf; roads.shx is missing (there are roads.shp and roads.dbf)" {
		t.Errorf("no .shx: %v", err)
	}
	if _, err := Read(Parts{Name: "roads", SHP: m["roads.shp"], SHX: m["roads.shx"], DBF: m["roads.dbf"]}, Options{MaxSize: 500}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit: %v", err)
	}
}

func TestPolygonRings(t *testing.T) {
	outerA := square(0, 0, 100, 100, true)
	holeA := square(10, 10, 20, 20, false)
	outerB := square(200, 0, 300, 100, true)
	holeB := square(250, 50, 260, 60, false)
	island := square(12, 12, 18, 18, true) // inside holeA: an outer ring of its own
	stray := square(500, 500, 510, 510, false)
	shpB, shxB := buildSHP(Polygon, []testRec{
		{typ: Polygon, parts: [][]orb.Point{holeB, outerA, holeA, outerB, island}},
		{typ: Polygon, parts: [][]orb.Point{stray}},
		{typ: Polygon, parts: [][]orb.Point{outerA[:4]}}, // unclosed
		{typ: NullShape},
	})
	dbfB := buildDBF([]testField{{name: []byte("ID"), typ: 'N', size: 4}}, [][][]byte{{[]byte("1")}, {[]byte("2")}, {[]byte("3")}, {[]byte("4")}}, 0)
	l, err := Read(Parts{Name: "rings", SHP: shpB, SHX: shxB, DBF: dbfB}, Options{CRS: proj.LonLatWGS84})
	if err == nil {
		t.Fatal("metres accepted as WGS-84")
	}
	c, _ := proj.Parse("EPSG:4548")
	// Shift everything into a plausible zone.
	shift := func(rs ...[]orb.Point) [][]orb.Point {
		var out [][]orb.Point
		for _, r := range rs {
			var s []orb.Point
			for _, p := range r {
				s = append(s, orb.Point{p[0] + 450000, p[1] + 3900000})
			}
			out = append(out, s)
		}
		return out
	}
	shpB, shxB = buildSHP(Polygon, []testRec{
		{typ: Polygon, parts: shift(holeB, outerA, holeA, outerB, island)},
		{typ: Polygon, parts: shift(stray)},
		{typ: Polygon, parts: shift(outerA[:4])},
		{typ: NullShape},
	})
	l, err = Read(Parts{Name: "rings", SHP: shpB, SHX: shxB, DBF: dbfB}, Options{CRS: c})
	if err != nil {
		t.Fatal(err)
	}
	mp, ok := l.Features[0].Geometry.(orb.MultiPolygon)
	if !ok || len(mp) != 3 || len(mp[0]) != 2 || len(mp[1]) != 2 || len(mp[2]) != 1 {
		t.Fatalf("record 1: %#v", l.Features[0].Geometry)
	}
	if b := mp[0][1].Bound(); b != (orb.Bound{Min: orb.Point{450010, 3900010}, Max: orb.Point{450020, 3900020}}) {
		t.Errorf("outer A's hole is %v", b)
	}
	if b := mp[1][1].Bound(); b != (orb.Bound{Min: orb.Point{450250, 3900050}, Max: orb.Point{450260, 3900060}}) {
		t.Errorf("outer B's hole is %v", b)
	}
	for _, p := range mp {
		if p[0].Orientation() != orb.CCW || len(p) > 1 && p[1].Orientation() != orb.CW {
			t.Errorf("ring order of %v", p)
		}
	}
	if p, ok := l.Features[1].Geometry.(orb.Polygon); !ok || p[0].Orientation() != orb.CCW {
		t.Errorf("stray counter-clockwise ring: %#v", l.Features[1].Geometry)
	}
	if p, ok := l.Features[2].Geometry.(orb.Polygon); !ok || len(p[0]) != 5 || !p[0].Closed() {
		t.Errorf("unclosed ring: %#v", l.Features[2].Geometry)
	}
	if l.Features[3].Geometry != nil || l.Features[3].Props["ID"] != int64(4) {
		t.Errorf("null shape %v", l.Features[3])
	}
}

func TestDBFValues(t *testing.T) {
	shpB, shxB := buildSHP(Point, []testRec{
		{typ: Point, parts: [][]orb.Point{{{116.5, 35.4}}}},
		{typ: Point, parts: [][]orb.Point{{{116.6, 35.5}}}},
		{typ: Point, parts: [][]orb.Point{{{116.7, 35.6}}}},
	})
	fields := []testField{
		{name: gbk(t, "名称"), typ: 'C', size: 12},
		{name: []byte("POP"), typ: 'N', size: 8},
		{name: []byte("AREA"), typ: 'F', size: 10, dec: 3},
		{name: []byte("OPEN"), typ: 'L', size: 1},
		{name: []byte("SINCE"), typ: 'D', size: 8},
		{name: []byte("POP"), typ: 'N', size: 4},
	}
	dbfB := buildDBF(fields, [][][]byte{
		{gbk(t, "幸福社区"), []byte("    3200"), []byte("     1.250"), []byte("T"), []byte("20240301"), []byte("7")},
		{nil, []byte("1")}, // deleted
		{[]byte("  x  "), []byte("********"), []byte("n/a"), []byte("?"), []byte("        "), []byte("")},
	}, 0x4D)
	l, err := Read(Parts{Name: "v", SHP: shpB, SHX: shxB, DBF: dbfB}, Options{CRS: proj.LonLatCGCS2000})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Features) != 2 || l.Deleted != 1 || l.Features[1].Row != 3 {
		t.Fatalf("%d features, %d deleted", len(l.Features), l.Deleted)
	}
	a, b := l.Features[0].Props, l.Features[1].Props
	if a["名称"] != "幸福社区" || a["POP"] != int64(3200) || a["AREA"] != 1.25 || a["OPEN"] != true ||
		a["SINCE"] != time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC) || a["POP_2"] != int64(7) {
		t.Errorf("row 1 %v", a)
	}
	if b["名称"] != "x" || b["POP"] != nil || b["AREA"] != "n/a" || b["OPEN"] != nil || b["SINCE"] != nil || b["POP_2"] != nil {
		t.Errorf("row 3 %v", b)
	}
	if l.Bound != (orb.Bound{Min: orb.Point{116.5, 35.4}, Max: orb.Point{116.7, 35.6}}) {
		t.Errorf("bound %v", l.Bound)
	}
}

func TestShapeErrors(t *testing.T) {
	dbfB := buildDBF([]testField{{name: []byte("ID"), typ: 'N', size: 2}}, [][][]byte{{[]byte("1")}}, 0)
	c := proj.LonLatWGS84
	for name, rec := range map[string]testRec{
		"wrong type": {typ: PolyLine, parts: [][]orb.Point{{{1, 1}, {2, 2}}}},
	} {
		shpB, shxB := buildSHP(Polygon, []testRec{rec})
		if _, err := Read(Parts{Name: "e", SHP: shpB, SHX: shxB, DBF: dbfB}, Options{CRS: c}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "e.shp record 1") {
			t.Errorf("%s: %v", name, err)
		}
	}
	shpB, shxB := buildSHP(MultiPatch, nil)
	if _, err := Read(Parts{Name: "e", SHP: shpB, SHX: shxB, DBF: dbfB}, Options{CRS: c}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("multipatch: %v", err)
	}
	// A part count that does not fit the record.
	shpB, shxB = buildSHP(PolyLine, []testRec{{typ: PolyLine, parts: [][]orb.Point{{{1, 1}, {2, 2}}}}})
	shpB[100+8+36] = 0xff
	if _, err := Read(Parts{Name: "e", SHP: shpB, SHX: shxB, DBF: dbfB}, Options{CRS: c}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "do not fit") {
		t.Errorf("bad part count: %v", err)
	}
}

package shp

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour/geo/shp/shptest"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// unzipFixture returns the members of testdata/name.
func unzipFixture(t testing.TB, name string) map[string][]byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return shptest.Unzip(t, b)
}

func without(m map[string][]byte, names ...string) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range m {
		out[k] = v
	}
	for _, n := range names {
		delete(out, n)
	}
	return out
}

func readZipBytes(b []byte, opt Options) (*Layer, error) {
	return ReadZip(bytes.NewReader(b), int64(len(b)), opt)
}

// truth reads a testdata/*_wgs84.csv of cs2cs results: x,y -> lon,lat.
func truth(t *testing.T, name string) map[orb.Point]orb.Point {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[orb.Point]orb.Point{}
	for _, r := range rows[1:] {
		var v [4]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(r[i], 64); err != nil {
				t.Fatal(err)
			}
		}
		out[orb.Point{v[0], v[1]}] = orb.Point{v[2], v[3]}
	}
	return out
}

// metres is the ground distance between two nearby lon/lat points.
func metres(a, b orb.Point) float64 {
	const r, deg = 6371008.8, math.Pi / 180
	dy := (a[1] - b[1]) * deg * r
	dx := (a[0] - b[0]) * deg * r * math.Cos(a[1]*deg)
	return math.Hypot(dx, dy)
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// points flattens a geometry's points in order.
func points(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch g := g.(type) {
	case orb.Point:
		out = append(out, g)
	case orb.MultiPoint:
		out = append(out, g...)
	case orb.LineString:
		out = append(out, g...)
	case orb.MultiLineString:
		for _, l := range g {
			out = append(out, l...)
		}
	case orb.Polygon:
		for _, r := range g {
			out = append(out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				out = append(out, r...)
			}
		}
	}
	return out
}

// A minimal Shapefile writer for hand-made cases.

type testRec struct {
	typ   ShapeType
	parts [][]orb.Point // nil for a null shape
}

func polyContent(typ ShapeType, parts [][]orb.Point) []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	binary.Write(&b, le, int32(typ))
	if typ == NullShape {
		return b.Bytes()
	}
	if typ == Point {
		binary.Write(&b, le, parts[0][0][0])
		binary.Write(&b, le, parts[0][0][1])
		return b.Bytes()
	}
	binary.Write(&b, le, [4]float64{})
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	binary.Write(&b, le, int32(len(parts)))
	binary.Write(&b, le, int32(n))
	at := 0
	for _, p := range parts {
		binary.Write(&b, le, int32(at))
		at += len(p)
	}
	for _, p := range parts {
		for _, q := range p {
			binary.Write(&b, le, q[0])
			binary.Write(&b, le, q[1])
		}
	}
	return b.Bytes()
}

// buildSHP returns .shp and .shx bytes for records of fileType.
func buildSHP(fileType ShapeType, recs []testRec) (shpB, shxB []byte) {
	be, le := binary.BigEndian, binary.LittleEndian
	header := func(length int) []byte {
		h := make([]byte, 100)
		be.PutUint32(h[0:], 9994)
		be.PutUint32(h[24:], uint32(length/2))
		le.PutUint32(h[28:], 1000)
		le.PutUint32(h[32:], uint32(fileType))
		return h
	}
	var body, index bytes.Buffer
	off := 100
	for i, r := range recs {
		c := polyContent(r.typ, r.parts)
		binary.Write(&body, be, int32(i+1))
		binary.Write(&body, be, int32(len(c)/2))
		body.Write(c)
		binary.Write(&index, be, int32(off/2))
		binary.Write(&index, be, int32(len(c)/2))
		off += 8 + len(c)
	}
	shpB = append(header(100+body.Len()), body.Bytes()...)
	shxB = append(header(100+index.Len()), index.Bytes()...)
	return shpB, shxB
}

type testField struct {
	name      []byte
	typ       byte
	size, dec int
}

// buildDBF returns a dBASE III table; rows hold the raw cell bytes, and a
// row whose first cell is nil is marked deleted.
func buildDBF(fields []testField, rows [][][]byte, ldid byte) []byte {
	le := binary.LittleEndian
	recLen := 1
	for _, f := range fields {
		recLen += f.size
	}
	hdr := make([]byte, 32)
	hdr[0] = 3
	le.PutUint32(hdr[4:], uint32(len(rows)))
	le.PutUint16(hdr[8:], uint16(32+32*len(fields)+1))
	le.PutUint16(hdr[10:], uint16(recLen))
	hdr[29] = ldid
	var b bytes.Buffer
	b.Write(hdr)
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11] = f.typ
		d[16] = byte(f.size)
		d[17] = byte(f.dec)
		b.Write(d)
	}
	b.WriteByte(0x0D)
	for _, r := range rows {
		if r[0] == nil {
			b.WriteByte('*')
		} else {
			b.WriteByte(' ')
		}
		for i, f := range fields {
			cell := bytes.Repeat([]byte(" "), f.size)
			if i < len(r) {
				copy(cell, r[i])
			}
			b.Write(cell)
		}
	}
	b.WriteByte(0x1A)
	return b.Bytes()
}

func square(x0, y0, x1, y1 float64, clockwise bool) []orb.Point {
	r := []orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	if clockwise {
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return r
}

package shp

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ShapeType is a Shapefile shape type code.
type ShapeType int32

// Shape types of the Shapefile specification.
const (
	NullShape   ShapeType = 0
	Point       ShapeType = 1
	PolyLine    ShapeType = 3
	Polygon     ShapeType = 5
	MultiPoint  ShapeType = 8
	PointZ      ShapeType = 11
	PolyLineZ   ShapeType = 13
	PolygonZ    ShapeType = 15
	MultiPointZ ShapeType = 18
	PointM      ShapeType = 21
	PolyLineM   ShapeType = 23
	PolygonM    ShapeType = 25
	MultiPointM ShapeType = 28
	MultiPatch  ShapeType = 31
)

var shapeNames = map[ShapeType]string{
	NullShape: "Null", Point: "Point", PolyLine: "PolyLine", Polygon: "Polygon", MultiPoint: "MultiPoint",
	PointZ: "PointZ", PolyLineZ: "PolyLineZ", PolygonZ: "PolygonZ", MultiPointZ: "MultiPointZ",
	PointM: "PointM", PolyLineM: "PolyLineM", PolygonM: "PolygonM", MultiPointM: "MultiPointM",
	MultiPatch: "MultiPatch",
}

func (t ShapeType) String() string {
	if n, ok := shapeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("shape type %d", int32(t))
}

// Base returns the type without Z or M: PolygonZ and PolygonM give
// Polygon.
func (t ShapeType) Base() ShapeType {
	switch t {
	case PointZ, PointM:
		return Point
	case PolyLineZ, PolyLineM:
		return PolyLine
	case PolygonZ, PolygonM:
		return Polygon
	case MultiPointZ, MultiPointM:
		return MultiPoint
	}
	return t
}

const (
	headerLen = 100
	fileCode  = 9994
)

// shape is one parsed record: its type and its parts as read, before
// polygon rings are sorted into polygons.
type shape struct {
	typ    ShapeType
	offset int // byte offset of the record header in the .shp
	length int // content length in bytes
	parts  [][]orb.Point
}

// readSHP parses the .shp header and records.
func readSHP(name string, b []byte) ([]shape, ShapeType, error) {
	file := name + ".shp"
	if len(b) < headerLen {
		return nil, 0, fail(ErrInvalid, file, "%s is %d bytes, shorter than the 100-byte Shapefile header", file, len(b))
	}
	if c := int32(binary.BigEndian.Uint32(b[0:])); c != fileCode {
		return nil, 0, fail(ErrInvalid, file, "%s is not a Shapefile (file code %d, want 9994)", file, c)
	}
	declared := int64(binary.BigEndian.Uint32(b[24:])) * 2
	if declared < headerLen {
		return nil, 0, fail(ErrInvalid, file, "%s header declares a length of %d bytes", file, declared)
	}
	if declared > int64(len(b)) {
		return nil, 0, fail(ErrInvalid, file, "%s is truncated: its header says %d bytes but it has %d", file, declared, len(b))
	}
	typ := ShapeType(binary.LittleEndian.Uint32(b[32:]))
	if _, ok := shapeNames[typ]; !ok {
		return nil, 0, fail(ErrInvalid, file, "%s has unknown shape type %d", file, int32(typ))
	}
	if typ == MultiPatch {
		return nil, 0, fail(ErrUnsupported, file, "%s holds MultiPatch shapes (3D surfaces), which are not read", file)
	}
	var shapes []shape
	for off := headerLen; off < int(declared); {
		n := len(shapes) + 1
		if off+8 > int(declared) {
			return nil, 0, fail(ErrInvalid, file, "%s is truncated in the header of record %d", file, n)
		}
		clen := int64(binary.BigEndian.Uint32(b[off+4:])) * 2
		if clen < 4 || int64(off)+8+clen > declared {
			return nil, 0, fail(ErrInvalid, file, "%s record %d declares %d bytes of content, past the end of the file", file, n, clen)
		}
		s, err := parseShape(b[off+8:off+8+int(clen)], typ)
		if err != nil {
			return nil, 0, fail(ErrInvalid, file, "%s record %d: %v", file, n, err)
		}
		s.offset, s.length = off, int(clen)
		shapes = append(shapes, s)
		off += 8 + int(clen)
	}
	return shapes, typ, nil
}

// parseShape reads a record's content. Z and M values are skipped.
func parseShape(c []byte, fileType ShapeType) (shape, error) {
	typ := ShapeType(binary.LittleEndian.Uint32(c))
	s := shape{typ: typ}
	if typ == NullShape {
		return s, nil
	}
	if typ.Base() != fileType.Base() {
		return s, fmt.Errorf("a %s shape in a file of %s shapes", typ, fileType)
	}
	le := binary.LittleEndian
	point := func(at int) (orb.Point, error) {
		p := orb.Point{math.Float64frombits(le.Uint64(c[at:])), math.Float64frombits(le.Uint64(c[at+8:]))}
		if !finite(p[0]) || !finite(p[1]) {
			return p, fmt.Errorf("coordinate (%g, %g) is not a finite number", p[0], p[1])
		}
		return p, nil
	}
	switch typ.Base() {
	case Point:
		if len(c) < 20 {
			return s, fmt.Errorf("a point needs 20 bytes, the record has %d", len(c))
		}
		p, err := point(4)
		s.parts = [][]orb.Point{{p}}
		return s, err
	case MultiPoint:
		if len(c) < 40 {
			return s, fmt.Errorf("a multipoint needs at least 40 bytes, the record has %d", len(c))
		}
		n := int64(int32(le.Uint32(c[36:])))
		if n < 0 || 40+16*n > int64(len(c)) {
			return s, fmt.Errorf("%d points do not fit in %d bytes", n, len(c))
		}
		pts := make([]orb.Point, n)
		for i := range pts {
			p, err := point(40 + 16*i)
			if err != nil {
				return s, err
			}
			pts[i] = p
		}
		s.parts = [][]orb.Point{pts}
		return s, nil
	case PolyLine, Polygon:
		if len(c) < 44 {
			return s, fmt.Errorf("a %s needs at least 44 bytes, the record has %d", typ, len(c))
		}
		np := int64(int32(le.Uint32(c[36:])))
		n := int64(int32(le.Uint32(c[40:])))
		if np < 0 || n < 0 || 44+4*np+16*n > int64(len(c)) {
			return s, fmt.Errorf("%d parts of %d points do not fit in %d bytes", np, n, len(c))
		}
		if np == 0 {
			if n != 0 {
				return s, fmt.Errorf("%d points in no parts", n)
			}
			return shape{typ: NullShape}, nil
		}
		starts := make([]int64, np+1)
		for i := int64(0); i < np; i++ {
			starts[i] = int64(int32(le.Uint32(c[44+4*i:])))
		}
		starts[np] = n
		if starts[0] != 0 {
			return s, fmt.Errorf("the first part starts at point %d, not 0", starts[0])
		}
		base := 44 + 4*np
		s.parts = make([][]orb.Point, np)
		for i := int64(0); i < np; i++ {
			if starts[i+1] < starts[i] || starts[i+1] > n {
				return s, fmt.Errorf("part %d has bad point indexes %d..%d of %d", i+1, starts[i], starts[i+1], n)
			}
			part := make([]orb.Point, starts[i+1]-starts[i])
			for j := range part {
				p, err := point(int(base + 16*(starts[i]+int64(j))))
				if err != nil {
					return s, err
				}
				part[j] = p
			}
			s.parts[i] = part
		}
		return s, nil
	}
	return s, fmt.Errorf("%s shapes are not read", typ)
}

// geometry turns the parsed parts into an orb geometry.
func (s shape) geometry() (orb.Geometry, error) {
	switch s.typ.Base() {
	case NullShape:
		return nil, nil
	case Point:
		return s.parts[0][0], nil
	case MultiPoint:
		return orb.MultiPoint(s.parts[0]), nil
	case PolyLine:
		if len(s.parts) == 1 {
			return orb.LineString(s.parts[0]), nil
		}
		m := make(orb.MultiLineString, len(s.parts))
		for i, p := range s.parts {
			m[i] = p
		}
		return m, nil
	case Polygon:
		return polygons(s.parts)
	}
	return nil, fmt.Errorf("%s shapes are not read", s.typ)
}

// maxRingPairs bounds the hole-to-outer-ring tests of one shape, which
// grow as the product of the two counts.
const maxRingPairs = 200_000_000

// polygons sorts rings into polygons. Outer rings run clockwise and holes
// counter-clockwise; each hole joins the smallest outer ring that contains
// it. A counter-clockwise ring inside no outer ring is taken as an outer
// ring, as other readers do. Rings come out in GeoJSON order: outer
// counter-clockwise, holes clockwise.
func polygons(parts [][]orb.Point) (orb.Geometry, error) {
	type outer struct {
		ring  orb.Ring
		area  float64
		bound orb.Bound
		holes []orb.Ring
	}
	var outers []*outer
	var holes []orb.Ring
	for i, p := range parts {
		if len(p) == 0 {
			return nil, fmt.Errorf("ring %d has no points", i+1)
		}
		r := orb.Ring(p)
		if !r.Closed() {
			r = append(r[:len(r):len(r)], r[0])
		}
		a := signedArea(r)
		if a <= 0 {
			outers = append(outers, &outer{ring: r, area: -a, bound: r.Bound()})
		} else {
			holes = append(holes, r)
		}
	}
	if int64(len(holes))*int64(len(outers)) > maxRingPairs {
		return nil, fmt.Errorf("%d outer rings and %d holes are too many to match up", len(outers), len(holes))
	}
	for _, h := range holes {
		var best *outer
		hb := h.Bound()
		for _, o := range outers {
			if o.bound.Contains(hb.Min) && o.bound.Contains(hb.Max) && planar.RingContains(o.ring, h[0]) &&
				(best == nil || o.area < best.area) {
				best = o
			}
		}
		if best == nil {
			o := &outer{ring: reversed(h), area: signedArea(h), bound: hb}
			outers = append(outers, o)
			continue
		}
		best.holes = append(best.holes, h)
	}
	mp := make(orb.MultiPolygon, len(outers))
	for i, o := range outers {
		p := orb.Polygon{reversed(o.ring)}
		for _, h := range o.holes {
			p = append(p, reversed(h))
		}
		mp[i] = p
	}
	if len(mp) == 1 {
		return mp[0], nil
	}
	return mp, nil
}

// signedArea is twice the ring's area, positive when counter-clockwise.
func signedArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += (r[i][0]-r[0][0])*(r[i+1][1]-r[0][1]) - (r[i+1][0]-r[0][0])*(r[i][1]-r[0][1])
	}
	return a
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkSHX checks that the index lists exactly the .shp's records.
func checkSHX(name string, b []byte, shapes []shape) error {
	file := name + ".shx"
	if len(b) < headerLen {
		return fail(ErrInvalid, file, "%s is %d bytes, shorter than the 100-byte Shapefile header", file, len(b))
	}
	if c := int32(binary.BigEndian.Uint32(b[0:])); c != fileCode {
		return fail(ErrInvalid, file, "%s is not a Shapefile index (file code %d, want 9994)", file, c)
	}
	declared := int64(binary.BigEndian.Uint32(b[24:])) * 2
	if declared > int64(len(b)) {
		return fail(ErrInvalid, file, "%s is truncated: its header says %d bytes but it has %d", file, declared, len(b))
	}
	if declared < headerLen || (declared-headerLen)%8 != 0 {
		return fail(ErrInvalid, file, "%s header declares a length of %d bytes, not 100 plus 8 per record", file, declared)
	}
	n := int((declared - headerLen) / 8)
	if n != len(shapes) {
		return fail(ErrInvalid, file, "%s indexes %d shapes but %s.shp has %d", file, n, name, len(shapes))
	}
	for i, s := range shapes {
		at := headerLen + 8*i
		off := int64(binary.BigEndian.Uint32(b[at:])) * 2
		clen := int64(binary.BigEndian.Uint32(b[at+4:])) * 2
		if off != int64(s.offset) || clen != int64(s.length) {
			return fail(ErrInvalid, file, "%s does not match %s.shp: it puts record %d at byte %d (%d bytes) but %s.shp has it at byte %d (%d bytes)",
				file, name, i+1, off, clen, name, s.offset, s.length)
		}
	}
	return nil
}

package postgres

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// The byte order WKB is written in; comparisons with ST_AsBinary(geom, 'NDR')
// rely on it.
var wkbOrder = binary.LittleEndian

func encodeWKB(g orb.Geometry) ([]byte, error) {
	b, err := wkb.Marshal(g, wkbOrder)
	if err != nil {
		return nil, fmt.Errorf("encode %s as WKB: %w", g.GeoJSONType(), err)
	}
	return b, nil
}

// nullableWKB encodes g, or returns nil (SQL NULL) for an absent geometry.
func nullableWKB(g orb.Geometry, empty bool) ([]byte, error) {
	if empty {
		return nil, nil
	}
	return encodeWKB(g)
}

func decodePoint(b []byte) (orb.Point, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return orb.Point{}, fmt.Errorf("decode point: %w", err)
	}
	p, ok := g.(orb.Point)
	if !ok {
		return orb.Point{}, fmt.Errorf("decode point: got %s", g.GeoJSONType())
	}
	return p, nil
}

func decodeLineString(b []byte) (orb.LineString, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode line string: %w", err)
	}
	ls, ok := g.(orb.LineString)
	if !ok {
		return nil, fmt.Errorf("decode line string: got %s", g.GeoJSONType())
	}
	return ls, nil
}

// decodeMultiPolygon returns nil for SQL NULL.
func decodeMultiPolygon(b []byte) (orb.MultiPolygon, error) {
	if b == nil {
		return nil, nil
	}
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode multipolygon: %w", err)
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("decode multipolygon: got %s", g.GeoJSONType())
}

// decodeMultiPoint returns nil for SQL NULL.
func decodeMultiPoint(b []byte) ([]orb.Point, error) {
	if b == nil {
		return nil, nil
	}
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode multipoint: %w", err)
	}
	mp, ok := g.(orb.MultiPoint)
	if !ok {
		return nil, fmt.Errorf("decode multipoint: got %s", g.GeoJSONType())
	}
	return []orb.Point(mp), nil
}

// jsonArg passes a JSON document to a jsonb parameter; empty means NULL.
func jsonArg(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// jsonValue turns jsonb text (read as col::text) back into a compact
// document; NULL stays nil.
func jsonValue(s *string) (json.RawMessage, error) {
	if s == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(*s)); err != nil {
		return nil, fmt.Errorf("compact json: %w", err)
	}
	return json.RawMessage(buf.Bytes()), nil
}

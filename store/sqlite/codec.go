package sqlite

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// timeLayout is RFC 3339 with a fixed nine-digit fraction, so stored times
// compare correctly as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// now is the store clock: UTC, truncated to microseconds like PostgreSQL's
// timestamptz so both stores return the same instants.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func fmtTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t.UTC(), nil
}

func nullTime(t *time.Time) sql.NullString {
	if t == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: fmtTime(*t), Valid: true}
}

func parseNullTime(ns sql.NullString) (*time.Time, error) {
	if !ns.Valid {
		return nil, nil
	}
	t, err := parseTime(ns.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// bbox holds the bounding-box columns of a geometry; all NULL when the
// geometry is absent.
type bbox struct {
	minLon, minLat, maxLon, maxLat sql.NullFloat64
}

func (b bbox) args() []any { return []any{b.minLon, b.minLat, b.maxLon, b.maxLat} }

// encodeGeom returns the WKB of g and its bounding box; a nil or empty
// geometry gives NULLs.
func encodeGeom(g orb.Geometry) ([]byte, bbox, error) {
	if g == nil || isEmpty(g) {
		return nil, bbox{}, nil
	}
	data, err := wkb.Marshal(g)
	if err != nil {
		return nil, bbox{}, fmt.Errorf("encode %s as WKB: %w", g.GeoJSONType(), err)
	}
	bd := g.Bound()
	return data, bbox{
		minLon: sql.NullFloat64{Float64: bd.Min[0], Valid: true},
		minLat: sql.NullFloat64{Float64: bd.Min[1], Valid: true},
		maxLon: sql.NullFloat64{Float64: bd.Max[0], Valid: true},
		maxLat: sql.NullFloat64{Float64: bd.Max[1], Valid: true},
	}, nil
}

func isEmpty(g orb.Geometry) bool {
	switch v := g.(type) {
	case orb.MultiPolygon:
		return len(v) == 0
	case orb.MultiPoint:
		return len(v) == 0
	case orb.LineString:
		return len(v) == 0
	}
	return false
}

func decodeGeom(data []byte) (orb.Geometry, error) {
	if len(data) == 0 {
		return nil, nil
	}
	g, err := wkb.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("decode WKB: %w", err)
	}
	return g, nil
}

func decodeMultiPolygon(data []byte) (orb.MultiPolygon, error) {
	g, err := decodeGeom(data)
	if err != nil || g == nil {
		return nil, err
	}
	switch v := g.(type) {
	case orb.MultiPolygon:
		return v, nil
	case orb.Polygon:
		return orb.MultiPolygon{v}, nil
	}
	return nil, fmt.Errorf("decode WKB: want MultiPolygon, got %s", g.GeoJSONType())
}

func decodePoint(data []byte) (orb.Point, error) {
	g, err := decodeGeom(data)
	if err != nil {
		return orb.Point{}, err
	}
	p, ok := g.(orb.Point)
	if !ok {
		return orb.Point{}, fmt.Errorf("decode WKB: want Point, got %T", g)
	}
	return p, nil
}

func decodeLineString(data []byte) (orb.LineString, error) {
	g, err := decodeGeom(data)
	if err != nil || g == nil {
		return nil, err
	}
	ls, ok := g.(orb.LineString)
	if !ok {
		return nil, fmt.Errorf("decode WKB: want LineString, got %s", g.GeoJSONType())
	}
	return ls, nil
}

func decodeMultiPoint(data []byte) ([]orb.Point, error) {
	g, err := decodeGeom(data)
	if err != nil || g == nil {
		return nil, err
	}
	switch v := g.(type) {
	case orb.MultiPoint:
		return []orb.Point(v), nil
	case orb.Point:
		return []orb.Point{v}, nil
	}
	return nil, fmt.Errorf("decode WKB: want MultiPoint, got %s", g.GeoJSONType())
}

// canonicalJSON re-encodes a JSON document with sorted object keys and no
// insignificant space, so equal documents compare equal as text (the way
// PostgreSQL's jsonb normalises them). Empty input gives NULL.
func canonicalJSON(raw json.RawMessage) (sql.NullString, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return sql.NullString{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return sql.NullString{}, fmt.Errorf("invalid JSON document: %w", err)
	}
	if dec.More() {
		return sql.NullString{}, fmt.Errorf("invalid JSON document: trailing data")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return sql.NullString{}, fmt.Errorf("encode JSON document: %w", err)
	}
	return sql.NullString{String: string(bytes.TrimRight(buf.Bytes(), "\n")), Valid: true}, nil
}

func rawJSON(ns sql.NullString) json.RawMessage {
	if !ns.Valid {
		return nil
	}
	return json.RawMessage(ns.String)
}

// encodeList stores a list as JSON text; nil is stored as an empty list.
func encodeList[T any](xs []T) (string, error) {
	if len(xs) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(xs)
	if err != nil {
		return "", fmt.Errorf("encode list: %w", err)
	}
	return string(b), nil
}

// decodeList reads a JSON list; an empty list reads as nil.
func decodeList[T any](s string) ([]T, error) {
	var xs []T
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &xs); err != nil {
		return nil, fmt.Errorf("decode list %q: %w", s, err)
	}
	if len(xs) == 0 {
		return nil, nil
	}
	return xs, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

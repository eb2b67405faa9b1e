package api

import (
	"bytes"
	"encoding/json"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Feature is a GeoJSON Feature whose properties are a domain struct's JSON
// fields. Extra members (such as a circle's communities) sit beside them.
type Feature struct {
	Type        string             `json:"type"`
	ID          int64              `json:"id,omitempty"`
	Geometry    *geojson.Geometry  `json:"geometry"`
	Properties  any                `json:"properties"`
	Communities *FeatureCollection `json:"communities,omitempty"`
}

// FeatureCollection is a GeoJSON FeatureCollection; Total and Limit/Offset
// describe paging when the list is paged.
type FeatureCollection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
	Total    *int      `json:"total,omitempty"`
	Limit    int       `json:"limit,omitempty"`
	Offset   int       `json:"offset,omitempty"`
}

func newFeature(id int64, g orb.Geometry, props any) Feature {
	f := Feature{Type: "Feature", ID: id, Properties: props}
	if g != nil {
		f.Geometry = geojson.NewGeometry(g)
	}
	return f
}

func newCollection(fs []Feature) *FeatureCollection {
	if fs == nil {
		fs = []Feature{}
	}
	return &FeatureCollection{Type: "FeatureCollection", Features: fs}
}

// featureInput is a Feature as clients send it: properties stay raw so they
// can be decoded into the domain struct. A top-level "version" is accepted
// as well as properties.version.
type featureInput struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
	Version    *int            `json:"version,omitempty"`
}

// decodeFeatureInput checks the Feature envelope, decodes properties into
// props (unknown fields rejected) and returns the geometry, nil when absent.
func decodeFeatureInput(in *featureInput, props any) (orb.Geometry, error) {
	if in.Type != "" && in.Type != "Feature" {
		return nil, badRequest("type", "want a GeoJSON Feature, got type %q", in.Type)
	}
	if len(in.Properties) == 0 || string(in.Properties) == "null" {
		return nil, badRequest("properties", "properties are required")
	}
	if err := decodeStrict(in.Properties, props); err != nil {
		return nil, err
	}
	if len(in.Geometry) == 0 || string(in.Geometry) == "null" {
		return nil, nil
	}
	g, err := geojson.UnmarshalGeometry(in.Geometry)
	if err != nil {
		return nil, badRequest("geometry", "invalid GeoJSON geometry: %v", err)
	}
	return g.Geometry(), nil
}

func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	return nil
}

// asPoint wants a Point geometry.
func asPoint(g orb.Geometry, field string) (orb.Point, error) {
	switch p := g.(type) {
	case orb.Point:
		return p, nil
	case nil:
		return orb.Point{}, badRequest(field, "a Point geometry is required")
	default:
		return orb.Point{}, badRequest(field, "want a Point geometry, got %s", g.GeoJSONType())
	}
}

// asMultiPolygon wants a Polygon or MultiPolygon geometry.
func asMultiPolygon(g orb.Geometry, field string) (orb.MultiPolygon, error) {
	switch p := g.(type) {
	case orb.MultiPolygon:
		return p, nil
	case orb.Polygon:
		return orb.MultiPolygon{p}, nil
	case nil:
		return nil, badRequest(field, "a Polygon or MultiPolygon geometry is required")
	default:
		return nil, badRequest(field, "want a Polygon or MultiPolygon geometry, got %s", g.GeoJSONType())
	}
}

// asPoints wants a Point or MultiPoint geometry.
func asPoints(g orb.Geometry, field string) ([]orb.Point, error) {
	switch p := g.(type) {
	case orb.Point:
		return []orb.Point{p}, nil
	case orb.MultiPoint:
		if len(p) == 0 {
			return nil, badRequest(field, "at least one centre point is required")
		}
		return []orb.Point(p), nil
	case nil:
		return nil, badRequest(field, "a Point or MultiPoint geometry is required")
	default:
		return nil, badRequest(field, "want a Point or MultiPoint geometry, got %s", g.GeoJSONType())
	}
}

// pointsGeometry is a Point for one centre, a MultiPoint for several.
func pointsGeometry(ps []orb.Point) orb.Geometry {
	switch len(ps) {
	case 0:
		return nil
	case 1:
		return ps[0]
	default:
		return orb.MultiPoint(ps)
	}
}

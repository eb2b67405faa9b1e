package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/paulmach/orb/geojson"

	"github.com/quarterhour/quarterhour"
)

// geoJSONRegister reads a register that is a GeoJSON FeatureCollection:
// each feature is a record, its properties the fields.
type geoJSONRegister struct {
	features []geoJSONFeature
	i        int
}

type geoJSONFeature struct {
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

func readGeoJSONRegister(data []byte) (registerReader, []string, error) {
	var fc struct {
		Type     string           `json:"type"`
		Features []geoJSONFeature `json:"features"`
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	dec.UseNumber()
	if err := dec.Decode(&fc); err != nil {
		return nil, nil, quarterhour.Invalid("file", "not GeoJSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, nil, quarterhour.Invalid("file", "want a GeoJSON FeatureCollection, got type %q", fc.Type)
	}
	return &geoJSONRegister{features: fc.Features}, nil, nil
}

func (r *geoJSONRegister) columns() []string { return nil }

func (r *geoJSONRegister) next() (registerRecord, error) {
	if r.i >= len(r.features) {
		return registerRecord{}, io.EOF
	}
	f := r.features[r.i]
	r.i++
	rec := registerRecord{row: r.i, fields: f.Properties}
	if len(f.Geometry) > 0 && string(f.Geometry) != "null" {
		g, err := geojson.UnmarshalGeometry(f.Geometry)
		if err != nil {
			rec.badGeometry = fmt.Sprintf("bad GeoJSON geometry: %v", err)
		} else {
			rec.geometry = g.Geometry()
		}
	}
	return rec, nil
}

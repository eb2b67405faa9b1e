package app

import (
	"io"

	"github.com/quarterhour/quarterhour/app/ingest"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/vector"
)

// vectorRegister reads a register that is a layer of features, a GeoJSON
// FeatureCollection or a zipped Shapefile: each feature is a record, its
// attributes the fields.
type vectorRegister struct {
	l *vector.Layer
	i int
}

func readGeoJSONRegister(data []byte, _ readOptions) (registerReader, []string, error) {
	l, err := vector.ReadGeoJSON(data)
	if err != nil {
		return nil, nil, ingest.FileError(err)
	}
	return &vectorRegister{l: l}, nil, nil
}

// columns are a Shapefile's attribute names; GeoJSON features each name
// their own.
func (r *vectorRegister) columns() []string           { return r.l.Fields }
func (r *vectorRegister) geometries() bool            { return true }
func (r *vectorRegister) fileCRS() (proj.CRS, string) { return r.l.CRS, r.l.CRSFrom }

func (r *vectorRegister) next() (registerRecord, error) {
	if r.i >= len(r.l.Features) {
		return registerRecord{}, io.EOF
	}
	f := r.l.Features[r.i]
	r.i++
	return registerRecord{row: f.Row, fields: f.Props, geometry: f.Geometry, badGeometry: f.BadGeometry, features: true}, nil
}

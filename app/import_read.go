package app

import (
	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo/proj"
)

// registerRecord is one record of a register file, whatever its format.
type registerRecord struct {
	// row is the record's spreadsheet row (the header is row 1), or its
	// 1-based index in a feature collection, or its Shapefile record
	// number.
	row int
	// fields are its values by the file's own names; blank cells of text
	// formats are left out.
	fields map[string]any
	// geometry is its geometry in the file's CRS, nil when the format has
	// none or the record gave none; badGeometry says why one given could
	// not be read.
	geometry    orb.Geometry
	badGeometry string
	// features is true when the record is a feature of a vector file,
	// whose position is its geometry.
	features bool
	// fault rejects the record before it is mapped: the reader could not
	// make a whole record of it.
	fault *Rejection
}

// registerReader reads the records of a register file of one format.
type registerReader interface {
	// columns returns the field names the file declares once for all its
	// records (a header row, a Shapefile's attribute table), nil when each
	// record names its own.
	columns() []string
	// geometries reports whether the format carries geometry of its own.
	geometries() bool
	// fileCRS returns the CRS the file itself declares and where, zero
	// when it declares none.
	fileCRS() (proj.CRS, string)
	// next returns the next record, io.EOF after the last. A
	// *quarterhour.Error says the file cannot be read as its format.
	next() (registerRecord, error)
}

// readOptions are what a reader may need beyond the file.
type readOptions struct {
	crs      proj.CRS // declared by the user; a Shapefile's .prj must agree
	sheet    string   // XLSX worksheet
	encoding string   // Shapefile attribute encoding
}

// registerReaders open a register file of each format. The warnings say
// what the reader had to assume (an encoding); a file that is not of the
// format is a *quarterhour.Error. A new format is a new reader here.
var registerReaders = map[RegisterFormat]func(data []byte, opt readOptions) (registerReader, []string, error){
	FormatCSV:       readCSVRegister,
	FormatXLSX:      readXLSXRegister,
	FormatGeoJSON:   readGeoJSONRegister,
	FormatShapefile: readShapefileRegister,
}

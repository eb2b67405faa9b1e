package app

import "github.com/paulmach/orb"

// registerRecord is one record of a register file, whatever its format.
type registerRecord struct {
	// row is the record's spreadsheet row (the header is row 1), or its
	// 1-based index in a feature collection.
	row int
	// fields are its values by the file's own names; blank cells of text
	// formats are left out.
	fields map[string]any
	// geometry is its geometry in the file's CRS, nil when the format has
	// none or the record gave none; badGeometry says why one given could
	// not be read.
	geometry    orb.Geometry
	badGeometry string
	// fault rejects the record before it is mapped: the reader could not
	// make a whole record of it.
	fault *Rejection
}

// registerReader reads the records of a register file of one format.
type registerReader interface {
	// columns returns the field names the file declares once for all its
	// records (a header row), nil when each record names its own.
	columns() []string
	// next returns the next record, io.EOF after the last. A
	// *quarterhour.Error says the file cannot be read as its format.
	next() (registerRecord, error)
}

// registerReaders open a register file of each format. The warnings say
// what the reader had to assume (an encoding); a file that is not of the
// format is a *quarterhour.Error. A new format is a new reader here.
var registerReaders = map[RegisterFormat]func(data []byte) (registerReader, []string, error){
	FormatCSV:     readCSVRegister,
	FormatGeoJSON: readGeoJSONRegister,
}

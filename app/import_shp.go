package app

import (
	"fmt"
	"strings"

	"github.com/quarterhour/quarterhour/app/ingest"
	"github.com/quarterhour/quarterhour/geo/vector"
)

// readShapefileRegister reads a zipped Shapefile register: one layer, its
// records numbered as in the .dbf, its CRS from the .prj (or declared),
// its attribute text decoded as the .cpg, the .dbf or detection says.
func readShapefileRegister(data []byte, opt readOptions) (registerReader, []string, error) {
	l, err := vector.ReadShapefile(data, vector.Options{CRS: opt.crs, Encoding: opt.encoding})
	if err != nil {
		return nil, nil, ingest.FileError(err)
	}
	var warnings []string
	if strings.HasSuffix(l.Encoding, "(detected)") || strings.HasSuffix(l.Encoding, "(language driver)") {
		warnings = append(warnings, "the .dbf has no .cpg naming its encoding; its text was read as "+l.Encoding+
			": if names look garbled, give the encoding (encoding=GBK or UTF-8)")
	}
	if l.Deleted > 0 {
		warnings = append(warnings, fmt.Sprintf("%d records marked deleted in the .dbf were left out", l.Deleted))
	}
	return &vectorRegister{l: l}, warnings, nil
}

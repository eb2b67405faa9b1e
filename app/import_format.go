package app

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"

	"github.com/quarterhour/quarterhour"
)

// ParseRegisterFormat reads a format name as a user gives it: csv, xlsx,
// geojson (or json), shapefile (or shp, zip).
func ParseRegisterFormat(s string) (RegisterFormat, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")) {
	case "csv", "txt":
		return FormatCSV, nil
	case "xlsx", "excel":
		return FormatXLSX, nil
	case "geojson", "json":
		return FormatGeoJSON, nil
	case "shapefile", "shp", "zip":
		return FormatShapefile, nil
	case "xls":
		return "", errOldExcel
	}
	return "", quarterhour.Errorf(quarterhour.EUnsupportedMedia, "format", "unknown format %q (want csv, xlsx, geojson or shapefile)", s)
}

var errOldExcel = quarterhour.Errorf(quarterhour.EUnsupportedMedia, "format",
	"the file is an old-style .xls workbook (or a password-protected one): save it as .xlsx without a password, or as CSV")

// sniffed is what a file's first bytes say it is.
type sniffed int

const (
	sniffText sniffed = iota
	sniffJSON
	sniffXLSX
	sniffZip
	sniffOLE
)

func sniff(data []byte) sniffed {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			for _, f := range zr.File {
				if f.Name == "xl/workbook.xml" {
					return sniffXLSX
				}
			}
		}
		return sniffZip
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return sniffOLE
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && t[0] == '{' {
		return sniffJSON
	}
	return sniffText
}

// DetectRegisterFormat tells a register file's format from its content and
// its name: a zip holding xl/workbook.xml is an XLSX workbook, another zip
// a zipped Shapefile; otherwise the extension decides (.csv, .txt, .geojson,
// .json, .xlsx, .zip), and a text file without one is GeoJSON when it is a
// JSON object, else CSV. Files that are none of these (an old .xls, a lone
// .shp, a .kml) are refused as EUnsupportedMedia on field format.
func DetectRegisterFormat(name string, data []byte) (RegisterFormat, error) {
	s := sniff(data)
	switch s {
	case sniffXLSX:
		return FormatXLSX, nil
	case sniffZip:
		return FormatShapefile, nil
	case sniffOLE:
		return "", errOldExcel
	}
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))
	switch ext {
	case ".csv", ".txt", ".tsv":
		return FormatCSV, nil
	case ".geojson", ".json":
		return FormatGeoJSON, nil
	case ".xlsx", ".xlsm":
		// Not a zip: the workbook reader says what is wrong with it.
		return FormatXLSX, nil
	case ".zip":
		return FormatShapefile, nil
	case ".xls", ".et":
		return "", errOldExcel
	case ".shp", ".shx", ".dbf", ".prj", ".cpg":
		return "", quarterhour.Errorf(quarterhour.EUnsupportedMedia, "format",
			"a Shapefile is several files: zip the .shp, .shx, .dbf, .prj and .cpg together and upload the .zip")
	case "", ".upload", ".dat", ".bin":
	default:
		return "", quarterhour.Errorf(quarterhour.EUnsupportedMedia, "format",
			"%s files are not read: send CSV, XLSX, GeoJSON or a zipped Shapefile", ext)
	}
	if s == sniffJSON {
		return FormatGeoJSON, nil
	}
	return FormatCSV, nil
}

// checkFormat checks a format the user named against the file's content: a
// zip is not CSV, and a CSV is not a Shapefile.
func checkFormat(f RegisterFormat, data []byte) error {
	s := sniff(data)
	var is string
	switch {
	case s == sniffOLE:
		return errOldExcel
	case s == sniffXLSX && f != FormatXLSX:
		is = "an XLSX workbook"
	case s == sniffZip && f != FormatShapefile && f != FormatXLSX:
		is = "a zip archive"
	case (s == sniffText || s == sniffJSON) && (f == FormatShapefile || f == FormatXLSX) && len(data) > 0:
		is = "text, not a zip archive"
	}
	if is != "" {
		return quarterhour.Errorf(quarterhour.EUnsupportedMedia, "format", "the format was given as %s but the file is %s", f, is)
	}
	return nil
}

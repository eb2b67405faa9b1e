package app

import (
	"fmt"
	"io"
	"strings"

	"github.com/quarterhour/quarterhour/app/ingest"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/table"
)

// xlsxRegister reads a register kept as an XLSX workbook: the first sheet,
// or the one named, with its first non-blank row as the header.
type xlsxRegister struct {
	t *table.Table
	i int
}

func readXLSXRegister(data []byte, opt readOptions) (registerReader, []string, error) {
	t, err := table.ReadXLSX(data, table.Options{Sheet: opt.sheet})
	if err != nil {
		return nil, nil, ingest.FileError(err)
	}
	var warnings []string
	if len(t.Merged) > 0 {
		warnings = append(warnings, fmt.Sprintf("sheet %q: merged cells %s were read as their value repeated in every cell",
			t.Sheet, strings.Join(t.Merged, ", ")))
	}
	return &xlsxRegister{t: t}, warnings, nil
}

func (r *xlsxRegister) columns() []string           { return r.t.Header }
func (r *xlsxRegister) geometries() bool            { return false }
func (r *xlsxRegister) fileCRS() (proj.CRS, string) { return proj.CRS{}, "" }

// next returns the rows below the header with their spreadsheet row
// numbers; a row with a value beyond the header's last column is a fault.
func (r *xlsxRegister) next() (registerRecord, error) {
	if r.i >= len(r.t.Rows) {
		return registerRecord{}, io.EOF
	}
	row := r.t.Rows[r.i]
	r.i++
	values := make(map[string]any, len(r.t.Header))
	for j, v := range row.Cells {
		if v == "" {
			continue
		}
		if j >= len(r.t.Header) {
			return registerRecord{row: row.Line, fault: &Rejection{Row: row.Line, Field: "row",
				Reason: fmt.Sprintf("the row has a value in column %s but the header has only %d columns", columnName(j), len(r.t.Header))}}, nil
		}
		if r.t.Header[j] != "" {
			values[r.t.Header[j]] = v
		}
	}
	return registerRecord{row: row.Line, fields: values}, nil
}

// columnName is the spreadsheet name of the 0-based column i: A, B, ... AA.
func columnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

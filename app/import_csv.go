package app

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo/proj"
)

// csvRegister reads a CSV register with a header row, UTF-8 with or without
// BOM, or GBK.
type csvRegister struct {
	cr     *csv.Reader
	header []string
	rows   rowCounter
}

func readCSVRegister(data []byte, _ readOptions) (registerReader, []string, error) {
	text, gbk, err := decodeRegister(data)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	if gbk {
		warnings = append(warnings, "the file is not UTF-8; it was read as GBK (GB18030)")
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	r := &csvRegister{cr: cr}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, quarterhour.Invalid("file", "the file is empty; want a header row and data rows")
	}
	if err != nil {
		return nil, nil, quarterhour.Invalid("file", "CSV: %v", err)
	}
	r.rows.next(cr, header)
	r.header = header
	return r, warnings, nil
}

func (r *csvRegister) columns() []string           { return r.header }
func (r *csvRegister) geometries() bool            { return false }
func (r *csvRegister) fileCRS() (proj.CRS, string) { return proj.CRS{}, "" }

// next skips blank rows; a row with more cells than the header is a fault.
func (r *csvRegister) next() (registerRecord, error) {
	for {
		rec, err := r.cr.Read()
		if errors.Is(err, io.EOF) {
			return registerRecord{}, io.EOF
		}
		if err != nil {
			return registerRecord{}, quarterhour.Invalid("file", "CSV: %v", err)
		}
		row := r.rows.next(r.cr, rec)
		if blankRecord(rec) {
			continue
		}
		if len(rec) > len(r.header) {
			return registerRecord{row: row, fault: &Rejection{Row: row, Field: "row",
				Reason: fmt.Sprintf("the row has %d cells but the header only %d; quote cells holding commas", len(rec), len(r.header))}}, nil
		}
		values := make(map[string]any, len(rec))
		for i, v := range rec {
			if strings.TrimSpace(v) != "" {
				values[r.header[i]] = v
			}
		}
		return registerRecord{row: row, fields: values}, nil
	}
}

// decodeRegister returns the file as UTF-8 without a byte-order mark,
// reporting whether it had to be decoded from GBK.
func decodeRegister(data []byte) ([]byte, bool, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data, false, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) {
		return nil, false, quarterhour.Invalid("file", "the file is neither UTF-8 nor GBK text")
	}
	return out, true, nil
}

// rowCounter numbers records as a spreadsheet numbers rows: the blank lines
// the CSV reader skips still count, and a quoted cell spanning lines is one
// row.
type rowCounter struct {
	row, lastLine int
}

func (c *rowCounter) next(cr *csv.Reader, rec []string) int {
	start, _ := cr.FieldPos(0)
	end, _ := cr.FieldPos(len(rec) - 1)
	end += strings.Count(rec[len(rec)-1], "\n")
	c.row += start - c.lastLine
	c.lastLine = end
	return c.row
}

func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// Package table reads registers kept as spreadsheets, XLSX workbooks and
// CSV files, into a header and rows of text that keep the row numbers a
// user sees, and parses the location cells such registers carry, such as
// the "lng,lat" of an Amap place export.
package table

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Default limits.
const (
	// DefaultMaxSize bounds the size of the file as uploaded.
	DefaultMaxSize = 64 << 20
	// DefaultMaxUnpacked bounds the unpacked size of an XLSX workbook's
	// parts together.
	DefaultMaxUnpacked = 512 << 20
)

// Kinds of error, for errors.Is.
var (
	// ErrInvalid marks a file that cannot be read as a register.
	ErrInvalid = errors.New("invalid table")
	// ErrTooLarge marks a file over a size limit.
	ErrTooLarge = errors.New("table too large")
)

// Error is a refusal of a file, with the reason a user can act on.
type Error struct {
	Reason string
	kind   error
}

func (e *Error) Error() string { return e.Reason }

// Unwrap returns ErrInvalid or ErrTooLarge.
func (e *Error) Unwrap() error { return e.kind }

func fail(kind error, format string, args ...any) error {
	return &Error{Reason: fmt.Sprintf(format, args...), kind: kind}
}

// Options controls reading.
type Options struct {
	// Sheet names the XLSX worksheet to read; the first when empty.
	Sheet string
	// Encoding overrides the detection of a CSV file's encoding:
	// "UTF-8", "GBK", "GB18030", ...
	Encoding string
	// MaxSize bounds the file's size in bytes; 0 means DefaultMaxSize.
	MaxSize int64
	// MaxUnpacked bounds an XLSX workbook's unpacked size in bytes; 0
	// means DefaultMaxUnpacked.
	MaxUnpacked int64
}

func (o Options) maxSize() int64 {
	if o.MaxSize > 0 {
		return o.MaxSize
	}
	return DefaultMaxSize
}

func (o Options) maxUnpacked() int64 {
	if o.MaxUnpacked > 0 {
		return o.MaxUnpacked
	}
	return DefaultMaxUnpacked
}

// Row is one non-blank data row.
type Row struct {
	// Line is the 1-based row number a spreadsheet shows for the row.
	Line int
	// Cells holds the trimmed cell texts, at least as many as the
	// header has columns.
	Cells []string
}

// Get returns cell i, or "" when i is out of range.
func (r Row) Get(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// Table is a read register.
type Table struct {
	// Header holds the trimmed column names of the first non-blank row.
	Header []string
	// HeaderLine is the header's row number.
	HeaderLine int
	// Rows holds the data rows below the header; fully blank rows are
	// left out, and the rest keep their row numbers.
	Rows []Row
	// Sheet is the worksheet read, for XLSX.
	Sheet string
	// Encoding is the text encoding found, for CSV: "UTF-8", "GBK",
	// "GB18030", "UTF-16LE", ...
	Encoding string
	// Merged lists the merged ranges below the header, e.g. "A5:A9",
	// whose value was copied into every cell of the range.
	Merged []string
}

// Column returns the index of the first column whose header matches one
// of names, ignoring case, spaces, '_' and '-'; -1 when none does.
func (t *Table) Column(names ...string) int {
	for i, h := range t.Header {
		for _, n := range names {
			if normHeader(h) == normHeader(n) {
				return i
			}
		}
	}
	return -1
}

func normHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '_' || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// Read reads an XLSX workbook or a CSV file, telling them apart by
// content. An old binary .xls workbook is refused with advice to save it
// as .xlsx.
func Read(data []byte, opt Options) (*Table, error) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return ReadXLSX(data, opt)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, fail(ErrInvalid, "the file is an old-style .xls workbook or a password-protected one: save it as .xlsx without a password, or as CSV")
	}
	return ReadCSV(data, opt)
}

// clean trims a cell: surrounding white space, full-width spaces and
// zero-width characters, and a byte-order mark.
func clean(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}

func blank(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

// build turns raw rows, with their row numbers, into a table: the first
// non-blank row is the header.
func (t *Table) build(lines []int, rows [][]string) error {
	h := -1
	for i, r := range rows {
		if !blank(r) {
			h = i
			break
		}
	}
	if h < 0 {
		return fail(ErrInvalid, "%s has no header row: it is empty", t.where())
	}
	t.HeaderLine = lines[h]
	for _, c := range rows[h] {
		t.Header = append(t.Header, clean(c))
	}
	for len(t.Header) > 0 && t.Header[len(t.Header)-1] == "" {
		t.Header = t.Header[:len(t.Header)-1]
	}
	for i := h + 1; i < len(rows); i++ {
		if blank(rows[i]) {
			continue
		}
		cells := make([]string, max(len(rows[i]), len(t.Header)))
		for j, c := range rows[i] {
			cells[j] = clean(c)
		}
		t.Rows = append(t.Rows, Row{Line: lines[i], Cells: cells})
	}
	return nil
}

func (t *Table) where() string {
	if t.Sheet != "" {
		return fmt.Sprintf("sheet %q", t.Sheet)
	}
	return "the file"
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

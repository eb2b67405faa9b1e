package table

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ReadXLSX reads a worksheet of an XLSX workbook: the one opt.Sheet names,
// or the first. The first non-blank row is the header, and merged cells in
// it are refused, since they leave columns without a name. Cells merged
// below the header take the merged value in each of their cells. Cell
// values are the stored ones, not as formatted for display: a number
// shown rounded to two places keeps all its digits, and a date is a
// serial day number.
func ReadXLSX(data []byte, opt Options) (*Table, error) {
	if n := int64(len(data)); n > opt.maxSize() {
		return nil, fail(ErrTooLarge, "the workbook is %s, over the %s limit", byteSize(n), byteSize(opt.maxSize()))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fail(ErrInvalid, "the file is not an XLSX workbook: %v", err)
	}
	var total uint64
	limit := uint64(opt.maxUnpacked())
	for _, f := range zr.File {
		if f.UncompressedSize64 > limit {
			return nil, fail(ErrTooLarge, "the workbook part %s declares %s unpacked, over the %s limit", f.Name, byteSize(int64(min(f.UncompressedSize64, 1<<62))), byteSize(int64(limit)))
		}
		total += f.UncompressedSize64
		if total > limit {
			return nil, fail(ErrTooLarge, "the workbook declares more than %s unpacked, over the limit", byteSize(int64(limit)))
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: int64(limit)})
	if err != nil {
		return nil, fail(ErrInvalid, "the workbook cannot be read: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fail(ErrInvalid, "the workbook has no worksheets")
	}
	sheet := sheets[0]
	if opt.Sheet != "" {
		sheet = ""
		for _, s := range sheets {
			if s == opt.Sheet || strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(opt.Sheet)) {
				sheet = s
				break
			}
		}
		if sheet == "" {
			return nil, fail(ErrInvalid, "the workbook has no sheet %q (it has %s)", opt.Sheet, quoteList(sheets))
		}
	}
	t := &Table{Sheet: sheet}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fail(ErrInvalid, "sheet %q cannot be read: %v", sheet, err)
	}
	var lines []int
	var cells [][]string
	for line := 1; rows.Next(); line++ {
		r, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			rows.Close()
			return nil, fail(ErrInvalid, "sheet %q row %d cannot be read: %v", sheet, line, err)
		}
		lines = append(lines, line)
		cells = append(cells, r)
	}
	if err := rows.Error(); err != nil {
		rows.Close()
		return nil, fail(ErrInvalid, "sheet %q cannot be read: %v", sheet, err)
	}
	if err := rows.Close(); err != nil {
		return nil, fail(ErrInvalid, "sheet %q cannot be read: %v", sheet, err)
	}
	merges, err := f.GetMergeCells(sheet)
	if err != nil {
		return nil, fail(ErrInvalid, "sheet %q merged cells cannot be read: %v", sheet, err)
	}
	headerLine := 0
	for i, r := range cells {
		if !blank(r) {
			headerLine = lines[i]
			break
		}
	}
	width := 0
	for _, r := range cells {
		width = max(width, len(r))
	}
	var filled []string
	var fill int64
	for _, m := range merges {
		c0, r0, err := excelize.CellNameToCoordinates(m.GetStartAxis())
		if err != nil {
			return nil, fail(ErrInvalid, "sheet %q has a bad merged range %q", sheet, m.GetStartAxis())
		}
		c1, r1, err := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err != nil {
			return nil, fail(ErrInvalid, "sheet %q has a bad merged range %q", sheet, m.GetEndAxis())
		}
		rng := m.GetStartAxis() + ":" + m.GetEndAxis()
		if headerLine > 0 && r0 <= headerLine && r1 >= headerLine {
			return nil, fail(ErrInvalid, "sheet %q: the header row %d has merged cells %s; unmerge them so every column has a header of its own, and delete any title rows above the header", sheet, headerLine, rng)
		}
		if r1 < headerLine || headerLine == 0 {
			continue
		}
		// Copy the value into every cell of the range, within the
		// rows and columns that hold data.
		r1, c1 = min(r1, len(cells)), min(c1, width)
		if fill += int64(max(r1-r0+1, 0)) * int64(max(c1-c0+1, 0)); fill > maxMergeFill {
			return nil, fail(ErrTooLarge, "sheet %q has merged cells covering more than %d cells; unmerge them", sheet, maxMergeFill)
		}
		v := ""
		if r0-1 < len(cells) && c0-1 < len(cells[r0-1]) {
			v = cells[r0-1][c0-1]
		}
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				for len(cells[r-1]) < c {
					cells[r-1] = append(cells[r-1], "")
				}
				cells[r-1][c-1] = v
			}
		}
		filled = append(filled, rng)
	}
	if err := t.build(lines, cells); err != nil {
		return nil, err
	}
	t.Merged = filled
	return t, nil
}

// maxMergeFill bounds the cells that merged ranges below the header may
// fill in.
const maxMergeFill = 10_000_000

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

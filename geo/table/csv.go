package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"github.com/quarterhour/quarterhour/geo/internal/charset"
)

// ReadCSV reads a CSV file. Its encoding comes from a byte-order mark
// (UTF-8 or UTF-16, as Excel writes them), opt.Encoding, or the text:
// UTF-8 when valid, else GBK or GB18030. The delimiter is the comma, tab
// or semicolon that the first non-blank line has most of. Row numbers are
// as a spreadsheet shows the file: a quoted cell spanning lines is one
// row, and blank lines count.
func ReadCSV(data []byte, opt Options) (*Table, error) {
	if n := int64(len(data)); n > opt.maxSize() {
		return nil, fail(ErrTooLarge, "the file is %s, over the %s limit", byteSize(n), byteSize(opt.maxSize()))
	}
	text, enc, err := decodeText(data, opt.Encoding)
	if err != nil {
		return nil, err
	}
	t := &Table{Encoding: enc}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.Comma = sniffDelimiter(text)
	var lines []int
	var rows [][]string
	row, lastLine := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fail(ErrInvalid, "the CSV is malformed at line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, fail(ErrInvalid, "the CSV cannot be read: %v", err)
		}
		start, _ := r.FieldPos(0)
		end, _ := r.FieldPos(len(rec) - 1)
		end += strings.Count(rec[len(rec)-1], "\n")
		row += start - lastLine
		lastLine = end
		lines = append(lines, row)
		rows = append(rows, rec)
	}
	if err := t.build(lines, rows); err != nil {
		return nil, err
	}
	return t, nil
}

// decodeText returns data as UTF-8 without a byte-order mark and the name
// of the encoding it was in.
func decodeText(data []byte, declared string) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "", fail(ErrInvalid, "the file starts with a UTF-8 byte-order mark but is not valid UTF-8")
		}
		return string(data), "UTF-8", nil
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		order, name := unicode.LittleEndian, "UTF-16LE"
		if data[0] == 0xfe {
			order, name = unicode.BigEndian, "UTF-16BE"
		}
		out, err := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
			return "", "", fail(ErrInvalid, "the file starts with a %s byte-order mark but is not valid %s", name, name)
		}
		return string(out), name, nil
	}
	if declared != "" {
		c, ok := charset.Lookup(declared)
		if !ok {
			return "", "", fail(ErrInvalid, "the declared encoding %q is not one that is read (UTF-8, GBK, GB18030, Big5, ...)", declared)
		}
		s, ok := c.Decode(data)
		if !ok {
			return "", "", fail(ErrInvalid, "the file is not valid %s text, as was declared", c.Name)
		}
		return s, c.Name, nil
	}
	c, ok := charset.Detect([][]byte{data})
	if !ok {
		return "", "", fail(ErrInvalid, "the file is neither UTF-8 nor GBK text: save it as CSV UTF-8, or declare its encoding")
	}
	s, _ := c.Decode(data)
	return s, c.Name, nil
}

// sniffDelimiter picks the comma, tab or semicolon that occurs most, outside
// quotes, on the first non-blank line.
func sniffDelimiter(text string) rune {
	line := ""
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			line = l
			break
		}
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == '\t' || r == ';'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{'\t', ';'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

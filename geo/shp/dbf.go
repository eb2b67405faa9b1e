package shp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/quarterhour/quarterhour/geo/internal/charset"
)

// dbf is a parsed dBASE table whose text is not yet decoded.
type dbf struct {
	file    string
	fields  []Field
	raw     [][]byte // undecoded field names
	offsets []int    // offset of each field within a record
	hdrLen  int
	recLen  int
	count   int
	ldid    byte
	data    []byte
	cs      charset.Charset
}

// readDBF parses the header and field descriptors of a dBASE III (or
// later) table and checks that its records are all there.
func readDBF(name string, b []byte) (*dbf, error) {
	file := name + ".dbf"
	if len(b) < 33 {
		return nil, fail(ErrInvalid, file, "%s is %d bytes, too short for a dBASE header", file, len(b))
	}
	t := &dbf{
		file:   file,
		count:  int(binary.LittleEndian.Uint32(b[4:])),
		hdrLen: int(binary.LittleEndian.Uint16(b[8:])),
		recLen: int(binary.LittleEndian.Uint16(b[10:])),
		ldid:   b[29],
		data:   b,
	}
	if t.hdrLen < 33 || t.hdrLen > len(b) {
		return nil, fail(ErrInvalid, file, "%s declares a %d-byte header in a %d-byte file", file, t.hdrLen, len(b))
	}
	off := 1 // the deletion flag
	for at := 32; at+32 <= t.hdrLen && b[at] != 0x0D; at += 32 {
		d := b[at : at+32]
		raw := d[:11]
		if i := bytes.IndexByte(raw, 0); i >= 0 {
			raw = raw[:i]
		}
		f := Field{Type: d[11], Size: int(d[16]), Decimals: int(d[17])}
		if f.Type == 'C' && f.Decimals > 0 {
			// Clipper and FoxPro store long character widths in
			// both bytes.
			f.Size += 256 * f.Decimals
			f.Decimals = 0
		}
		if f.Size == 0 {
			return nil, fail(ErrInvalid, file, "%s field %d has width 0", file, len(t.fields)+1)
		}
		t.fields = append(t.fields, f)
		t.raw = append(t.raw, raw)
		t.offsets = append(t.offsets, off)
		off += f.Size
	}
	if len(t.fields) == 0 {
		return nil, fail(ErrInvalid, file, "%s has no fields", file)
	}
	if off > t.recLen {
		return nil, fail(ErrInvalid, file, "%s fields add up to %d bytes but its records are %d bytes", file, off, t.recLen)
	}
	if need := int64(t.hdrLen) + int64(t.count)*int64(t.recLen); need > int64(len(b)) {
		return nil, fail(ErrInvalid, file, "%s is truncated: its header promises %d records of %d bytes (%d bytes in all) but the file has %d",
			file, t.count, t.recLen, need, len(b))
	}
	return t, nil
}

func (t *dbf) record(i int) []byte {
	at := t.hdrLen + i*t.recLen
	return t.data[at : at+t.recLen]
}

func (t *dbf) cell(i, f int) []byte {
	return t.record(i)[t.offsets[f] : t.offsets[f]+t.fields[f].Size]
}

func (t *dbf) deleted(i int) bool { return t.record(i)[0] == '*' }

// ldidGBK are the language driver IDs of code page 936 (GBK).
var ldidGBK = map[byte]bool{0x4D: true, 0x7A: true}

// decode settles the text encoding, checks that the text is valid in it,
// and names the fields.
func (t *dbf) decode(name string, cpg []byte, declared string, l *Layer) error {
	cpgFile := name + ".cpg"
	texts, where := t.texts()
	var src Source
	switch {
	case declared != "":
		c, ok := charset.Lookup(declared)
		if !ok {
			return fail(ErrUnsupported, t.file, "the declared encoding %q is not one that is read (UTF-8, GBK, GB18030, Big5, ISO-8859-1, Windows-1252)", declared)
		}
		t.cs, src = c, FromDeclared
	case cpg != nil:
		c, ok := charset.Lookup(string(cpg))
		if !ok {
			return fail(ErrUnsupported, cpgFile, "%s names encoding %q, which is not read: save the layer as UTF-8 or GBK, or declare the encoding", cpgFile, strings.TrimSpace(string(cpg)))
		}
		t.cs, src = c, FromCPG
	case ldidGBK[t.ldid]:
		t.cs, src = charset.GBK, FromLDID
	default:
		c, ok := charset.Detect(texts)
		if !ok {
			i := firstInvalid(texts, charset.GB18030)
			return fail(ErrInvalid, t.file, "%s text is neither UTF-8 nor GBK (%s): add a %s naming its encoding", t.file, where[i], cpgFile)
		}
		t.cs, src = c, FromDetected
	}
	if i := firstInvalid(texts, t.cs); i >= 0 {
		msg := fmt.Sprintf("%s says %s but %s is not valid %s", describe(src, cpgFile), t.cs.Name, where[i], t.cs.Name)
		if c, ok := charset.Detect(texts); ok {
			s, _ := c.Decode(texts[i])
			msg += fmt.Sprintf("; it reads as %s: %q", c.Name, s)
		}
		return fail(ErrInvalid, t.file, "%s: %s", t.file, msg+fixAdvice(src, cpgFile))
	}
	if t.cs != charset.UTF8 {
		// Short GBK strings can pass for UTF-8, but a whole table of
		// Chinese text that is all valid UTF-8 is UTF-8; a label of GBK
		// on it is wrong.
		if c, ok := charset.Detect(texts); ok && c == charset.UTF8 {
			for i, b := range texts {
				if charset.HasCJKUTF8(b) {
					return fail(ErrInvalid, t.file, "%s: %s says %s but the text is UTF-8 (%s reads %q)%s",
						t.file, describe(src, cpgFile), t.cs.Name, where[i], string(b), fixAdvice(src, cpgFile))
				}
			}
		}
	}
	l.Encoding, l.EncodingSource = t.cs.Name, src
	seen := map[string]bool{}
	for i := range t.fields {
		n, _ := t.cs.Decode(t.raw[i])
		n = strings.TrimSpace(n)
		if n == "" {
			n = fmt.Sprintf("FIELD_%d", i+1)
		}
		for k, base := 2, n; seen[n]; k++ {
			n = fmt.Sprintf("%s_%d", base, k)
		}
		seen[n] = true
		t.fields[i].Name = n
	}
	l.Fields = t.fields
	return nil
}

func describe(src Source, cpgFile string) string {
	switch src {
	case FromCPG:
		return cpgFile
	case FromLDID:
		return "the .dbf language driver"
	case FromDeclared:
		return "the declared encoding"
	}
	return "detection"
}

func fixAdvice(src Source, cpgFile string) string {
	switch src {
	case FromCPG:
		return "; correct or remove " + cpgFile
	case FromDeclared:
		return "; declare the right encoding"
	}
	return "; add a " + cpgFile + " naming the encoding"
}

// texts gathers the field names and the character values of the live
// records, with where each comes from.
func (t *dbf) texts() ([][]byte, []string) {
	var texts [][]byte
	var where []string
	for i, r := range t.raw {
		texts = append(texts, r)
		where = append(where, fmt.Sprintf("the name of field %d", i+1))
	}
	for i := 0; i < t.count; i++ {
		if t.deleted(i) {
			continue
		}
		for f, fd := range t.fields {
			if fd.Type != 'C' {
				continue
			}
			v := bytes.TrimRight(t.cell(i, f), " \x00")
			if len(v) == 0 {
				continue
			}
			texts = append(texts, v)
			n, _ := charset.UTF8.Decode(t.raw[f])
			where = append(where, fmt.Sprintf("record %d field %d (%s)", i+1, f+1, strings.ToValidUTF8(n, "?")))
		}
	}
	return texts, where
}

func firstInvalid(texts [][]byte, c charset.Charset) int {
	for i, b := range texts {
		if _, ok := c.Decode(b); !ok {
			return i
		}
	}
	return -1
}

// props decodes record i.
func (t *dbf) props(i int) map[string]any {
	m := make(map[string]any, len(t.fields))
	for f, fd := range t.fields {
		m[fd.Name] = t.value(fd, t.cell(i, f))
	}
	return m
}

func (t *dbf) value(fd Field, b []byte) any {
	text := func() string {
		s, _ := t.cs.Decode(bytes.TrimRight(b, " \x00"))
		return strings.TrimSpace(s)
	}
	switch fd.Type {
	case 'C':
		return text()
	case 'N', 'F':
		s := strings.TrimSpace(string(bytes.Trim(b, " \x00")))
		if s == "" || strings.Trim(s, "*") == "" || s == "?" {
			return nil
		}
		if fd.Decimals == 0 && !strings.ContainsAny(s, ".eE") {
			if v, err := strconv.ParseInt(s, 10, 64); err == nil {
				return v
			}
		}
		if v, err := strconv.ParseFloat(s, 64); err == nil && finite(v) {
			return v
		}
		return text()
	case 'L':
		switch strings.TrimSpace(string(b)) {
		case "T", "t", "Y", "y":
			return true
		case "F", "f", "N", "n":
			return false
		}
		return nil
	case 'D':
		s := strings.TrimSpace(string(bytes.Trim(b, " \x00")))
		if s == "" || strings.Trim(s, "0") == "" {
			return nil
		}
		if d, err := time.Parse("20060102", s); err == nil {
			return d
		}
		return text()
	case 'I':
		if len(b) == 4 {
			return int64(int32(binary.LittleEndian.Uint32(b)))
		}
	case 'O':
		if len(b) == 8 {
			return math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
	case 'M', 'G', 'P', 'B':
		// Memo, general and picture fields point into a .dbt or .fpt,
		// which is not read.
		return nil
	}
	return text()
}

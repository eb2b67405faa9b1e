// Package charset names and decodes the text encodings that Chinese
// government files come in, and tells UTF-8 from GBK.
package charset

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Charset is a text encoding. The zero value is not valid.
type Charset struct {
	// Name is the canonical name: "UTF-8", "GBK", "GB18030", "Big5",
	// "ISO-8859-1" or "Windows-1252".
	Name string
	enc  encoding.Encoding // nil for UTF-8
}

// Encodings read.
var (
	UTF8    = Charset{Name: "UTF-8"}
	GBK     = Charset{Name: "GBK", enc: simplifiedchinese.GB18030} // GB18030 decodes all of GBK
	GB18030 = Charset{Name: "GB18030", enc: simplifiedchinese.GB18030}
	Big5    = Charset{Name: "Big5", enc: traditionalchinese.Big5}
	Latin1  = Charset{Name: "ISO-8859-1", enc: charmap.ISO8859_1}
	CP1252  = Charset{Name: "Windows-1252", enc: charmap.Windows1252}
)

// Lookup finds an encoding by a label as a .cpg file, a user or a header
// gives it: "UTF-8", "utf8", "65001", "GBK", "CP936", "936", "ANSI 936",
// "GB2312", "GB18030", "54936", "Big5", "950", "ISO-8859-1", "1252", ...
func Lookup(label string) (Charset, bool) {
	n := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(label, "\ufeff")))
	n = strings.NewReplacer("-", "", "_", "", " ", "").Replace(n)
	n = strings.TrimPrefix(n, "ANSI")
	switch n {
	case "UTF8", "65001", "UTF8BOM", "ASCII", "USASCII", "20127":
		return UTF8, true
	case "GBK", "CP936", "936", "MS936", "WINDOWS936", "GB2312", "EUCCN", "GB231280":
		return GBK, true
	case "GB18030", "54936":
		return GB18030, true
	case "BIG5", "CP950", "950":
		return Big5, true
	case "ISO88591", "LATIN1", "88591", "28591":
		return Latin1, true
	case "1252", "CP1252", "WINDOWS1252":
		return CP1252, true
	}
	return Charset{}, false
}

// Decode returns b as UTF-8 text and whether b was valid in the encoding.
// Invalid bytes become U+FFFD.
func (c Charset) Decode(b []byte) (string, bool) {
	if c.enc == nil {
		if utf8.Valid(b) {
			return string(b), true
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), false
	}
	out, err := c.enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), false
	}
	// The decoders replace invalid sequences rather than fail.
	return string(out), !strings.ContainsRune(string(out), utf8.RuneError)
}

// Detect picks the encoding of texts: UTF-8 when all of them are valid
// UTF-8 (pure ASCII included), else GBK, else GB18030, when all decode
// cleanly in it. ok is false when none fits.
func Detect(texts [][]byte) (c Charset, ok bool) {
	if all(texts, utf8.Valid) {
		return UTF8, true
	}
	gbk := simplifiedchinese.GBK
	if all(texts, func(b []byte) bool { return clean(gbk, b) }) {
		return GBK, true
	}
	if all(texts, func(b []byte) bool { return clean(simplifiedchinese.GB18030, b) }) {
		return GB18030, true
	}
	return Charset{}, false
}

// HasCJKUTF8 reports whether b is valid UTF-8 holding a character of
// three or more bytes, as every Chinese character is.
func HasCJKUTF8(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r >= 0x800 {
			return true
		}
	}
	return false
}

func clean(e encoding.Encoding, b []byte) bool {
	out, err := e.NewDecoder().Bytes(b)
	return err == nil && !strings.ContainsRune(string(out), utf8.RuneError)
}

func all(texts [][]byte, f func([]byte) bool) bool {
	for _, t := range texts {
		if !f(t) {
			return false
		}
	}
	return true
}

package table

import (
	"math"
	"os"
	"testing"
)

// FuzzRead checks that Read returns a table or an error for any bytes,
// and that every row it returns has a row number below the header's.
func FuzzRead(f *testing.F) {
	f.Add([]byte(csvText))
	if b, err := os.ReadFile("testdata/amap_export.xlsx"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := Read(b, Options{MaxSize: 1 << 20, MaxUnpacked: 8 << 20})
		if err != nil {
			return
		}
		for _, r := range tb.Rows {
			if r.Line <= tb.HeaderLine || len(r.Cells) < len(tb.Header) {
				t.Fatalf("row %d under header %d with %d cells", r.Line, tb.HeaderLine, len(r.Cells))
			}
		}
	})
}

// FuzzParseLocation checks that an accepted location is in range.
func FuzzParseLocation(f *testing.F) {
	for _, s := range []string{"116.587069,35.415137", "116.5 35.4", "１１６．５，３５．４", "35,116", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseLocation(s)
		if err == nil && (math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 || p[0] != p[0]) {
			t.Fatalf("%q gave %v", s, p)
		}
	})
}

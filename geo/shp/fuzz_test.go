package shp

import (
	"errors"
	"testing"

	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/shp/shptest"
)

// FuzzRead feeds damaged .shp, .shx and .dbf bytes to Read, which must
// return a layer or one of its kinds of error, never panic.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"communities", "roads", "outlets"} {
		m := unzipFixture(f, name+".zip")
		f.Add(m[name+".shp"], m[name+".shx"], m[name+".dbf"])
	}
	f.Fuzz(func(t *testing.T, shpB, shxB, dbfB []byte) {
		l, err := Read(Parts{Name: "f", SHP: shpB, SHX: shxB, DBF: dbfB}, Options{CRS: proj.LonLatWGS84, MaxSize: 1 << 20})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !(errors.Is(err, ErrInvalid) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsupported) || errors.Is(err, proj.ErrNoCRS)) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		for _, ft := range l.Features {
			if ft.Row < 1 {
				t.Fatalf("row %d", ft.Row)
			}
		}
	})
}

// FuzzReadZip feeds arbitrary bytes to ReadZip.
func FuzzReadZip(f *testing.F) {
	for _, name := range []string{"communities.zip", "outlets.zip"} {
		f.Add(shptest.Zip(f, unzipFixture(f, name)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = readZipBytes(b, Options{CRS: proj.LonLatWGS84, MaxSize: 1 << 20})
	})
}

package shptest

import (
	"bytes"
	"testing"
)

func TestZipThenUnzip_GivesTheMembersBack(t *testing.T) {
	in := map[string][]byte{"a.shp": {1, 2, 3}, "a.dbf": []byte("社区"), "a.prj": nil}
	out := Unzip(t, Zip(t, in))
	if len(out) != len(in) {
		t.Fatalf("%d members back, want %d", len(out), len(in))
	}
	for n, b := range in {
		if !bytes.Equal(out[n], b) {
			t.Errorf("%s: %q back, want %q", n, out[n], b)
		}
	}
}

package charset

import (
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLookup(t *testing.T) {
	for label, want := range map[string]string{
		"UTF-8": "UTF-8", "utf8": "UTF-8", "65001": "UTF-8", "GBK": "GBK", "cp936": "GBK", "936": "GBK",
		"ANSI 936": "GBK", "GB2312": "GBK", "GB18030": "GB18030", "Big5": "Big5", "ISO-8859-1": "ISO-8859-1",
		"1252": "Windows-1252", " gbk\n": "GBK",
	} {
		c, ok := Lookup(label)
		if !ok || c.Name != want {
			t.Errorf("Lookup(%q) = %q, %v", label, c.Name, ok)
		}
	}
	if _, ok := Lookup("EBCDIC"); ok {
		t.Error("EBCDIC found")
	}
}

func TestDetectAndDecode(t *testing.T) {
	g := gbk(t, "幸福社区")
	if c, ok := Detect([][]byte{[]byte("abc"), []byte("幸福社区")}); !ok || c != UTF8 {
		t.Errorf("UTF-8 detected as %v", c.Name)
	}
	c, ok := Detect([][]byte{[]byte("abc"), g})
	if !ok || c != GBK {
		t.Fatalf("GBK detected as %v", c.Name)
	}
	if s, ok := c.Decode(g); !ok || s != "幸福社区" {
		t.Errorf("decoded %q %v", s, ok)
	}
	if _, ok := Detect([][]byte{{0xff, 0xff, 0x30}}); ok {
		t.Error("garbage detected")
	}
	if _, ok := UTF8.Decode(g); ok {
		t.Error("GBK decoded as UTF-8")
	}
	if _, ok := GBK.Decode([]byte{0x81}); ok {
		t.Error("a lone lead byte decoded")
	}
	if !HasCJKUTF8([]byte("幸福")) || HasCJKUTF8([]byte("abc")) || HasCJKUTF8(g) || HasCJKUTF8([]byte("é")) {
		t.Error("HasCJKUTF8")
	}
}

package quarterhour

import (
	"strings"
	"testing"
	"time"
)

func FuzzParseOpeningHours(f *testing.F) {
	thursdayNoon := time.Date(2024, 5, 16, 12, 0, 0, 0, ChinaTime).Unix()
	for _, s := range []string{
		"24/7",
		"Mo-Su 07:00-22:00",
		"Mo-Fr 08:00-20:00; Sa,Su 09:00-18:00",
		"Mo-Fr 08:00-12:00,14:00-18:00",
		"18:00-02:00",
		"08:00-20:00",
		"Mo-Sa 08:00-21:00; Su off",
		"Fr-Mo 10:00-24:00",
		"Mo-Fr,Su 06:30-09:30",
		"Mo-Su 00:00-00:00",
		"Mo-Su closed",
		"mo-fr 08:00-20:00",
		"Mo-Fr 8:00-20:00",
		"Mo-Fr 08:00-25:00",
		"Mo-Fr 24:00-02:00",
		"Mo-Fr 08:00-20:00 open",
		"Mo- 08:00-20:00",
		"PH off",
		";;",
		"",
	} {
		f.Add(s, thursdayNoon)
	}
	f.Add("Sa 23:00-01:00", time.Date(2024, 5, 19, 0, 30, 0, 0, ChinaTime).Unix())
	f.Add("Mo-Su 07:00-22:00", int64(-1<<62))
	f.Add("Mo-Su 07:00-22:00", int64(1<<62))

	f.Fuzz(func(t *testing.T, s string, unix int64) {
		at := time.Unix(unix, 0)
		if !OpenNow("24/7", at) {
			t.Fatalf("24/7 is not open at %v", at)
		}
		h, err := ParseOpeningHours(s)
		if err != nil {
			if h != nil {
				t.Fatalf("ParseOpeningHours(%q) returned hours with error %v", s, err)
			}
			if OpenNow(s, at) {
				t.Fatalf("OpenNow(%q) is open although the hours do not parse: %v", s, err)
			}
			return
		}
		for d, spans := range h.week {
			for _, sp := range spans {
				if sp.from < 0 || sp.from >= 24*60 || sp.to <= sp.from || sp.to > sp.from+24*60 {
					t.Fatalf("ParseOpeningHours(%q): day %d has span %+v outside one day from its start", s, d, sp)
				}
			}
		}
		open := h.OpenAt(at)
		if h.OpenAt(at) != open || OpenNow(s, at) != open {
			t.Fatalf("OpenNow(%q, %v) is not deterministic", s, at)
		}
		if again, _ := ParseOpeningHours(s); again.OpenAt(at) != open {
			t.Fatalf("two parses of %q disagree at %v", s, at)
		}
		if strings.TrimSpace(s) == "24/7" {
			if !open {
				t.Fatalf("%q is not open at %v", s, at)
			}
			return
		}
		// A later rule replaces earlier ones on its days, so a rule for the
		// whole week decides alone.
		if !OpenNow(s+"; Mo-Su 00:00-24:00", at) {
			t.Fatalf("%q followed by Mo-Su 00:00-24:00 is not open at %v", s, at)
		}
		if OpenNow(s+"; Mo-Su off", at) {
			t.Fatalf("%q followed by Mo-Su off is open at %v", s, at)
		}
	})
}

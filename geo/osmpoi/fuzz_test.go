package osmpoi

import (
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/osm"
)

func FuzzParseRule(f *testing.F) {
	for _, s := range []string{
		"shop=supermarket",
		"amenity=fast_food+cuisine=breakfast",
		"amenity=cafe+cuisine=*",
		" shop = convenience ",
		"healthcare=pharmacy+dispensing=yes",
		"shop=*",
		"shop",
		"=supermarket",
		"shop=",
		"a=b=c",
		"shop=bakery++amenity=cafe",
		"name:zh=菜市场+amenity=marketplace",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			if !strings.Contains(err.Error(), "tag rule") {
				t.Fatalf("ParseRule(%q) error %q does not say it is a tag rule", s, err)
			}
			return
		}
		if len(r.Conds) == 0 {
			t.Fatalf("ParseRule(%q) accepted a rule without conditions", s)
		}
		concrete := false
		for _, c := range r.Conds {
			if c.Key == "" || c.Value == "" || strings.Contains(c.Key, "=") || strings.Contains(c.Key+c.Value, "+") ||
				c.Key != strings.TrimSpace(c.Key) || c.Value != strings.TrimSpace(c.Value) {
				t.Fatalf("ParseRule(%q) gave a malformed condition %+v", s, c)
			}
			concrete = concrete || c.Value != "*"
		}
		if !concrete {
			t.Fatalf("ParseRule(%q) accepted a rule of wildcards only", s)
		}

		again, err := ParseRule(r.String())
		if err != nil {
			t.Fatalf("ParseRule(%q).String() = %q does not parse: %v", s, r.String(), err)
		}
		if again.String() != r.String() || !slices.Equal(again.Conds, r.Conds) {
			t.Fatalf("round trip of %q: %q %+v, then %q %+v", s, r.String(), r.Conds, again.String(), again.Conds)
		}

		// A feature carrying exactly the rule's tags matches it. Keys named
		// twice need a ';' list; leave those to the unit tests.
		tags := osm.Tags{}
		seen := map[string]bool{}
		for _, c := range r.Conds {
			if seen[c.Key] {
				return
			}
			seen[c.Key] = true
			v := c.Value
			if v == "*" {
				v = "yes"
			}
			tags = append(tags, osm.Tag{Key: c.Key, Value: v})
		}
		if !r.Matches(tags) {
			t.Fatalf("rule %q does not match its own tags %v", s, tags)
		}
		if r.Matches(tags[1:]) {
			t.Fatalf("rule %q matches without its first condition's tag %v", s, tags[1:])
		}
	})
}

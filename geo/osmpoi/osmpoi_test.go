package osmpoi

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/osm"

	"github.com/quarterhour/quarterhour/geo/osmnet"
)

// basicRules is a plausible mapping of the basic categories to OSM tags.
var basicRules = map[string][]string{
	"convenience":  {"shop=convenience", "shop=kiosk"},
	"supermarket":  {"shop=supermarket"},
	"wet_market":   {"amenity=marketplace"},
	"fresh_grocer": {"shop=greengrocer", "shop=butcher", "shop=seafood"},
	"breakfast":    {"amenity=fast_food+cuisine=breakfast", "amenity=cafe+cuisine=breakfast", "shop=bakery"},
	"hair_beauty":  {"shop=hairdresser", "shop=beauty"},
	"laundry":      {"shop=laundry", "shop=dry_cleaning"},
	"pharmacy":     {"amenity=pharmacy", "shop=chemist"},
	"photo_print":  {"shop=photo", "shop=copyshop"},
	"repair":       {"craft=shoemaker", "shop=repair", "craft=key_cutter"},
	"parcel":       {"amenity=post_office", "amenity=parcel_locker"},
	"recycling":    {"amenity=recycling"},
	"fast_food":    {"amenity=fast_food"},
}

func tags(kv ...string) osm.Tags {
	var ts osm.Tags
	for i := 0; i+1 < len(kv); i += 2 {
		ts = append(ts, osm.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return ts
}

func TestMapper_MoreSpecificRuleWins(t *testing.T) {
	m, err := NewMapper(basicRules)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		tags osm.Tags
		want string
	}{
		{tags("amenity", "fast_food", "cuisine", "breakfast"), "breakfast"},
		{tags("amenity", "fast_food", "cuisine", "noodle;breakfast"), "breakfast"},
		{tags("amenity", "fast_food", "cuisine", "burger"), "fast_food"},
		{tags("amenity", "fast_food"), "fast_food"},
		{tags("shop", "convenience", "name", "7-Eleven"), "convenience"},
		{tags("amenity", "pharmacy"), "pharmacy"},
		{tags("shop", "clothes"), ""},
	}
	for _, c := range cases {
		got, ok := m.Category(c.tags)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Category(%v) = %q, %v; want %q", c.tags, got, ok, c.want)
		}
	}
}

func TestMapper_TieBreaksByCategoryCodeNotMapOrder(t *testing.T) {
	rules := map[string][]string{"b_pharmacy": {"amenity=pharmacy"}, "a_health": {"healthcare=pharmacy"}}
	both := tags("amenity", "pharmacy", "healthcare", "pharmacy")
	for i := 0; i < 20; i++ {
		m, err := NewMapper(rules)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := m.Category(both); got != "a_health" {
			t.Fatalf("run %d: got %q, want a_health every time", i, got)
		}
	}
}

func TestParseRule_RejectsMalformed(t *testing.T) {
	for _, s := range []string{"shop", "=convenience", "shop=", "shop=*", "amenity=cafe+", ""} {
		if _, err := ParseRule(s); err == nil {
			t.Errorf("ParseRule(%q) should fail", s)
		}
	}
	r, err := ParseRule(" amenity=cafe + cuisine=* ")
	if err != nil || len(r.Conds) != 2 || !r.Matches(tags("amenity", "cafe", "cuisine", "coffee_shop")) || r.Matches(tags("amenity", "cafe")) {
		t.Errorf("amenity=cafe+cuisine=*: %v %+v", err, r)
	}
	if _, err := NewMapper(map[string][]string{"x": {"bad"}}); err == nil || !strings.Contains(err.Error(), "category x") {
		t.Errorf("NewMapper with a bad rule: got %v", err)
	}
}

func TestExtract_PortoYieldsBasicCategories(t *testing.T) {
	m, err := NewMapper(basicRules)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../testdata/osm/porto.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pois, sum, err := Extract(context.Background(), f, osmnet.PBF, m)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Porto POIs: %d mapped, by category %v, by type %v, %d named, %d without geometry",
		sum.Mapped, sum.ByCategory, sum.ByOSMType, sum.NamedMapped, sum.NoGeometry)
	// Lower bounds from SOURCE.md tag counts (a few objects may carry two
	// mapped tags and go to the more specific or earlier category).
	for cat, atLeast := range map[string]int{"supermarket": 33, "pharmacy": 42, "hair_beauty": 52, "convenience": 70, "fresh_grocer": 57, "recycling": 45} {
		if got := sum.ByCategory[cat]; got < atLeast {
			t.Errorf("%s: %d POIs, want at least %d", cat, got, atLeast)
		}
	}
	if sum.ByOSMType["way"] == 0 || sum.NoGeometry != 0 {
		t.Errorf("shops mapped as buildings should become centroids: by type %v, %d without geometry", sum.ByOSMType, sum.NoGeometry)
	}
	bbox := [4]float64{-8.68, 41.06, -8.48, 41.17}
	for i, p := range pois {
		if p.Point[0] < bbox[0] || p.Point[0] > bbox[2] || p.Point[1] < bbox[1] || p.Point[1] > bbox[3] {
			t.Errorf("%s at %v is outside Porto", p.Ref, p.Point)
		}
		if i > 0 && !refLess(pois[i-1].Ref, p.Ref) {
			t.Fatalf("POIs not sorted by ref: %s before %s", pois[i-1].Ref, p.Ref)
		}
		for k := range p.Tags {
			if !keptTag(k) {
				t.Errorf("%s carries unexpected tag %s", p.Ref, k)
			}
		}
	}
}

func TestExtract_WayCentroidAndTags(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="35.410" lon="116.580"/>
  <node id="2" lat="35.410" lon="116.582"/>
  <node id="3" lat="35.412" lon="116.582"/>
  <node id="4" lat="35.412" lon="116.580"/>
  <node id="5" lat="35.415" lon="116.585">
    <tag k="amenity" v="pharmacy"/><tag k="name" v="Pharmacy"/><tag k="name:zh" v="漱玉平民大药房"/>
    <tag k="payment:cash" v="yes"/><tag k="payment:cards" v="yes"/><tag k="opening_hours" v="24/7"/>
    <tag k="addr:street" v="太白楼路"/><tag k="brand" v="漱玉平民"/><tag k="dispensing" v="yes"/>
  </node>
  <way id="10">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="building" v="retail"/><tag k="shop" v="supermarket"/><tag k="name" v="Market"/>
  </way>
</osm>`
	m, err := NewMapper(basicRules)
	if err != nil {
		t.Fatal(err)
	}
	pois, sum, err := Extract(context.Background(), strings.NewReader(doc), osmnet.Detect, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(pois) != 2 || sum.Mapped != 2 {
		t.Fatalf("got %d POIs, want 2", len(pois))
	}
	ph, sm := pois[0], pois[1]
	if ph.Ref != "node/5" || ph.Name != "漱玉平民大药房" || ph.Brand != "漱玉平民" || ph.Point[0] != 116.585 {
		t.Errorf("pharmacy: %+v", ph)
	}
	want := map[string]string{"payment:cash": "yes", "payment:cards": "yes", "opening_hours": "24/7", "addr:street": "太白楼路", "brand": "漱玉平民"}
	if len(ph.Tags) != len(want) {
		t.Errorf("pharmacy tags %v, want %v", ph.Tags, want)
	}
	for k, v := range want {
		if ph.Tags[k] != v {
			t.Errorf("pharmacy tag %s = %q, want %q", k, ph.Tags[k], v)
		}
	}
	if sm.Ref != "way/10" || sm.Category != "supermarket" || abs(sm.Point[0]-116.581) > 1e-9 || abs(sm.Point[1]-35.411) > 1e-9 {
		t.Errorf("supermarket should sit at the centroid of its 4 corners (116.581, 35.411): %+v", sm)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

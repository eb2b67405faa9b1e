package seeds

import (
	"testing"

	"github.com/quarterhour/quarterhour"
)

func TestReference_HoldsAllJiningRegions(t *testing.T) {
	b, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	withBoundary := 0
	codes := map[string]bool{}
	for _, r := range b.Regions {
		count[r.Level]++
		if codes[r.Code] {
			t.Errorf("duplicate region code %s", r.Code)
		}
		codes[r.Code] = true
		if len(r.Code) != 12 {
			t.Errorf("region %s %s: code is not 12 digits", r.Code, r.Name)
		}
		if r.Level == quarterhour.LevelCounty && r.Boundary != nil {
			withBoundary++
		}
	}
	if len(b.Regions) != 5098 {
		t.Errorf("regions = %d, want 5098", len(b.Regions))
	}
	want := map[string]int{quarterhour.LevelCity: 1, quarterhour.LevelCounty: 12, quarterhour.LevelTown: 158, quarterhour.LevelCommunity: 4927}
	for level, n := range want {
		if count[level] != n {
			t.Errorf("%s regions = %d, want %d", level, count[level], n)
		}
	}
	if withBoundary != 11 {
		t.Errorf("counties with a boundary = %d, want 11", withBoundary)
	}
	for _, r := range b.Regions {
		if r.Level != quarterhour.LevelCity && !codes[r.Parent] {
			t.Errorf("region %s %s: parent %s not in the set", r.Code, r.Name, r.Parent)
		}
		if r.Level != quarterhour.LevelCity && (len(r.County) != 6 || r.Code[:6] != r.County) {
			t.Errorf("region %s: county %q", r.Code, r.County)
		}
	}
}

func TestReference_CityAndPilotDistrictsCarry2023Population(t *testing.T) {
	b, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"370800000000": 8240500,
		"370811000000": 1162900, // 任城区直管区 + 太白湖新区; 高新区 is coded separately
		"370812000000": 630000,
		"370871000000": 337100,
	}
	for _, r := range b.Regions {
		if w, ok := want[r.Code]; ok {
			if r.Population != w || r.PopulationYear != 2023 || r.PopulationSource == "" {
				t.Errorf("%s %s: population %d (%d, %q), want %d in 2023 with a source",
					r.Code, r.Name, r.Population, r.PopulationYear, r.PopulationSource, w)
			}
		}
		if r.Level == quarterhour.LevelCity && r.Boundary == nil {
			t.Errorf("city has no boundary")
		}
		if r.Code == "370871000000" && r.Boundary != nil {
			t.Errorf("济宁高新区 has a boundary, but the source has none")
		}
	}
}

func TestCategories_TaxonomyTiers(t *testing.T) {
	cats, err := Categories()
	if err != nil {
		t.Fatal(err)
	}
	tiers := map[string]int{}
	national := map[string]int{}
	for _, c := range cats {
		tiers[c.Tier]++
		if c.National {
			national[c.Tier]++
		}
		if len(c.OSMTags) == 0 {
			t.Errorf("%s has no OSM tag rule", c.Code)
		}
		if c.NameZH == "" || c.NameEN == "" {
			t.Errorf("%s lacks a name", c.Code)
		}
		for _, tc := range c.AmapTypecodes {
			if len(tc) != 6 {
				t.Errorf("%s: Amap typecode %q is not 6 digits", c.Code, tc)
			}
		}
	}
	if tiers[quarterhour.TierBasic] != 13 || tiers[quarterhour.TierQuality] != 10 || tiers[quarterhour.TierPublic] != 4 {
		t.Errorf("tiers = %v, want 13 basic, 10 quality, 4 public", tiers)
	}
	if national[quarterhour.TierBasic] != 1 || national[quarterhour.TierQuality] != 3 {
		t.Errorf("national additions = %v, want 1 basic (recycling) and 3 quality", national)
	}
}

func TestOSMRuleTags_SplitsCompoundRules(t *testing.T) {
	got, err := OSMRuleTags("amenity=fast_food+cuisine=breakfast")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["amenity"] != "fast_food" || got["cuisine"] != "breakfast" {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"shop=*", "shop", "=x", "shop=convenience+"} {
		if _, err := OSMRuleTags(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTargets_PlanFigures(t *testing.T) {
	ts, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	yearly := 0
	var cumulative *quarterhour.Target
	for i, x := range ts {
		if x.District != CityCode {
			continue
		}
		if x.Cumulative {
			cumulative = &ts[i]
		} else {
			yearly += x.Circles
			if x.Circles < 40 {
				t.Errorf("%d: %d circles, plan says at least 40", x.Year, x.Circles)
			}
		}
	}
	if yearly != 120 {
		t.Errorf("city yearly circles sum to %d, want 120", yearly)
	}
	if cumulative == nil || cumulative.Year != 2025 || cumulative.Circles < 120 || cumulative.HighQuality < 60 {
		t.Errorf("cumulative 2025 target = %+v, want >=120 circles and >=60 high-quality", cumulative)
	}
}

func TestPilotTowns_TaibaihuTownsSplitFromRencheng(t *testing.T) {
	towns, err := PilotTowns()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"任城区": 15, "太白湖新区": 3, "兖州区": 10, "济宁高新区": 5}
	for zone, n := range want {
		if len(towns[zone]) != n {
			t.Errorf("%s: %d towns %v, want %d", zone, len(towns[zone]), towns[zone], n)
		}
	}
	if got := towns["太白湖新区"]; len(got) == 3 && (got[0] != "370811002" || got[2] != "370811109") {
		t.Errorf("太白湖新区 towns = %v, want 许庄 370811002, 南张 370811006, 石桥 370811109", got)
	}
}

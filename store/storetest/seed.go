package storetest

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// counts is how many rows of each seeded kind a store holds.
type counts struct {
	regions, categories, targets, schemes, communities, outlets, circles, networks, edges int
}

func countAll(t *testing.T, s store.Store) counts {
	t.Helper()
	var c counts
	rs, err := s.ListRegions(ctx(t), store.RegionFilter{})
	must(t, err, "list regions")
	cs, err := s.ListCategories(ctx(t))
	must(t, err, "list categories")
	ts, err := s.ListTargets(ctx(t))
	must(t, err, "list targets")
	ss, err := s.ListSchemes(ctx(t))
	must(t, err, "list schemes")
	cm, err := s.ListCommunities(ctx(t), store.CommunityFilter{})
	must(t, err, "list communities")
	c.outlets, err = s.CountOutlets(ctx(t), store.OutletFilter{})
	must(t, err, "count outlets")
	ci, err := s.ListCircles(ctx(t), store.CircleFilter{})
	must(t, err, "list circles")
	ns, err := s.LoadNetworks(ctx(t))
	must(t, err, "load networks")
	c.regions, c.categories, c.targets, c.schemes = len(rs), len(cs), len(ts), len(ss)
	c.communities, c.circles, c.networks = len(cm), len(ci), len(ns)
	for _, n := range ns {
		c.edges += len(n.Edges)
	}
	return c
}

func testSeedLoadsOnce(t *testing.T, s store.Store) {
	b := fixtureBundle()
	loaded, err := s.Seed(ctx(t), b)
	must(t, err, "seed")
	if !loaded {
		t.Fatal("first Seed on an empty store reported loaded = false")
	}
	want := counts{regions: 5, categories: 3, targets: 2, schemes: 1, communities: 2, outlets: 2,
		circles: 1, networks: 1, edges: 5}
	if got := countAll(t, s); got != want {
		t.Fatalf("after seed: %+v, want %+v", got, want)
	}
	cms, err := s.ListCommunities(ctx(t), store.CommunityFilter{})
	must(t, err, "list communities")
	byName := map[string]int64{}
	for _, c := range cms {
		byName[c.Name] = c.ID
	}
	circles, err := s.ListCircles(ctx(t), store.CircleFilter{})
	must(t, err, "list circles")
	wantIDs := []int64{byName["翰林社区"], byName["锦绣社区"]}
	if !reflect.DeepEqual(circles[0].CommunityIDs, wantIDs) {
		t.Errorf("circle community IDs = %v, want %v (bundle indexes 1, 0 rewritten)", circles[0].CommunityIDs, wantIDs)
	}
	if !reflect.DeepEqual(circles[0].Centers, []orb.Point{{116.59, 35.415}}) {
		t.Errorf("circle centres = %v", circles[0].Centers)
	}

	loaded, err = s.Seed(ctx(t), fixtureBundle())
	must(t, err, "second seed")
	if loaded {
		t.Error("second Seed reported loaded = true, want false")
	}
	if got := countAll(t, s); got != want {
		t.Errorf("after second seed: %+v, want %+v (nothing duplicated)", got, want)
	}
}

func assertEmpty(t *testing.T, s store.Store) {
	t.Helper()
	if got := countAll(t, s); got != (counts{}) {
		t.Errorf("after failed seed the store holds %+v, want nothing", got)
	}
}

func testSeedBadCircleRollsBack(t *testing.T, s store.Store) {
	b := fixtureBundle()
	b.Circles[0].CommunityIDs = []int64{0, 7} // there is no community 7
	loaded, err := s.Seed(ctx(t), b)
	if err == nil || loaded {
		t.Fatalf("Seed with a circle naming a missing community = (%v, %v), want an error", loaded, err)
	}
	assertEmpty(t, s)
	loaded, err = s.Seed(ctx(t), fixtureBundle())
	must(t, err, "seed after failure")
	if !loaded {
		t.Error("a good Seed after a failed one reported loaded = false")
	}
}

func testSeedBadNetworkRollsBack(t *testing.T, s store.Store) {
	b := fixtureBundle()
	n := &b.Networks[0]
	n.Edges[len(n.Edges)-1].Target = 999 // no such node
	if _, err := s.Seed(ctx(t), b); err == nil {
		t.Fatal("Seed with an edge to a missing node succeeded, want an error")
	}
	assertEmpty(t, s)
}

func testRegions(t *testing.T, s store.Store) {
	must(t, s.UpsertRegions(ctx(t), fixtureRegions()), "upsert regions")
	for _, tc := range []struct {
		name string
		f    store.RegionFilter
		want []string
	}{
		{"all", store.RegionFilter{}, []string{cityCode, countyCode, townCode, villCode, otherCode}},
		{"counties", store.RegionFilter{Level: quarterhour.LevelCounty}, []string{countyCode, otherCode}},
		{"children of the city", store.RegionFilter{Parent: cityCode}, []string{countyCode, otherCode}},
		{"towns by 6-digit county parent", store.RegionFilter{Parent: county}, []string{townCode}},
		{"county", store.RegionFilter{County: county}, []string{countyCode, townCode, villCode}},
		{"level and county", store.RegionFilter{Level: quarterhour.LevelCommunity, County: county}, []string{villCode}},
		{"no match", store.RegionFilter{County: "370899"}, nil},
	} {
		rs, err := s.ListRegions(ctx(t), tc.f)
		must(t, err, tc.name)
		var got []string
		for _, r := range rs {
			got = append(got, r.Code)
		}
		if !sameSet(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	want := fixtureRegions()[1]
	got, err := s.GetRegion(ctx(t), countyCode)
	must(t, err, "get region")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetRegion = %+v,\nwant %+v (boundary with hole round-tripped exactly)", got, want)
	}
	city, err := s.GetRegion(ctx(t), cityCode)
	must(t, err, "get city")
	if city.Boundary != nil || city.Population != 8357897 || city.PopulationSource != "census" {
		t.Errorf("city = %+v, want nil boundary and its population", city)
	}
	_, err = s.GetRegion(ctx(t), "370899000000")
	wantErr(t, err, quarterhour.ErrNotFound, "get missing region")

	renamed := fixtureRegions()[3:4]
	renamed[0].Name = "古槐街道办事处"
	must(t, s.UpsertRegions(ctx(t), renamed), "upsert again")
	r, err := s.GetRegion(ctx(t), townCode)
	must(t, err, "get renamed")
	if r.Name != "古槐街道办事处" {
		t.Errorf("upsert did not update the name: %q", r.Name)
	}
	all, err := s.ListRegions(ctx(t), store.RegionFilter{})
	must(t, err, "list all")
	if len(all) != 5 {
		t.Errorf("upsert duplicated regions: %d rows", len(all))
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

func testCategories(t *testing.T, s store.Store) {
	cs := fixtureCategories()
	must(t, s.UpsertCategories(ctx(t), []quarterhour.Category{cs[2], cs[0], cs[1]}), "upsert categories")
	got, err := s.ListCategories(ctx(t))
	must(t, err, "list categories")
	if len(got) != len(cs) {
		t.Fatalf("got %d categories, want %d", len(got), len(cs))
	}
	for i := range cs {
		g, w := got[i], cs[i]
		if !sameStrings(g.OSMTags, w.OSMTags) || !sameStrings(g.AmapTypecodes, w.AmapTypecodes) {
			t.Errorf("category %s lists = %v %v, want %v %v", w.Code, g.OSMTags, g.AmapTypecodes, w.OSMTags, w.AmapTypecodes)
		}
		g.OSMTags, g.AmapTypecodes, w.OSMTags, w.AmapTypecodes = nil, nil, nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("category %d = %+v, want %+v (ordered by sort)", i, g, w)
		}
	}
	cs[1].NameEN = "Drugstore"
	cs[1].OSMTags = nil
	must(t, s.UpsertCategories(ctx(t), cs[1:2]), "upsert again")
	got, err = s.ListCategories(ctx(t))
	must(t, err, "list again")
	if len(got) != 3 || got[1].NameEN != "Drugstore" || len(got[1].OSMTags) != 0 {
		t.Errorf("after update: %+v", got)
	}
}

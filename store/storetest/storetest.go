// Package storetest is the contract test suite every store.Store back end
// must pass. A back end's own test calls Run with a function that opens a
// fresh, empty store.
//
// Beyond the comments on store.Store, the suite pins down:
//   - lists are ordered by ID (regions by code, categories by sort then code,
//     targets by year then district, networks' nodes and edges by ID,
//     circle community IDs in the order given); imports come latest first;
//   - JSON documents compare by value, not by text; string lists compare
//     nil and empty alike; times compare as instants (microsecond precision);
//   - UpsertOutletsBySource rejects a row without Source or SourceRef and
//     then writes nothing of its batch; UpsertCommunities likewise;
//   - one evaluation per circle, scheme and year, one award per circle, and a
//     certified evaluation can no longer be updated (all quarterhour.ErrConflict);
//   - feedback ratings lie in 0..5 (0 = none);
//   - an evidence file is attached or deleted together with the write of its
//     evaluation: when either fails, neither happens.
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// Run runs the whole contract suite; open must return a fresh, empty store
// on every call; the suite closes each store it opens.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Meta", testMeta},
		{"Seed_LoadsOnceAndRewritesCommunityIndexes", testSeedLoadsOnce},
		{"Seed_BadCircleRollsBackEverything", testSeedBadCircleRollsBack},
		{"Seed_BadNetworkRollsBackEverything", testSeedBadNetworkRollsBack},
		{"Regions_FilterAndRoundTrip", testRegions},
		{"Categories_UpsertAndList", testCategories},
		{"Outlets_CRUDAndOptimisticLocking", testOutletsCRUD},
		{"Outlets_Filters", testOutletFilters},
		{"Outlets_SourceRefIsUnique", testOutletSourceRefUnique},
		{"Outlets_UpsertBySourceNeverDuplicates", testUpsertOutletsBySource},
		{"Communities_CRUD", testCommunities},
		{"Communities_UpsertBySourceNeverDuplicates", testUpsertCommunities},
		{"Circles_CRUD", testCircles},
		{"Network_ReplacesOneAreaAtomically", testNetwork},
		{"Users_AndSessions", testUsersSessions},
		{"Schemes_Versioning", testSchemes},
		{"Evaluations_EventsAndConflicts", testEvaluations},
		{"Evaluations_RacingUpdatesOneWins", testEvaluationRace},
		{"Evaluations_OneAwardPerCircle", testOneAward},
		{"Evaluations_CertifiedAreImmutable", testCertifiedImmutable},
		{"Evidence_AddListGet", testEvidence},
		{"Evidence_AttachAndDeleteWithTheEvaluation", testEvidenceAttachAndDelete},
		{"Targets_Upsert", testTargets},
		{"Imports_LatestFirst", testImports},
		{"Feedback_ByCircle", testFeedback},
		{"Feedback_GetAndResolve", testFeedbackResolve},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantErr(t *testing.T, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

// jsonEqual reports whether two JSON documents hold the same value; stores
// may reformat documents (PostgreSQL jsonb reorders keys).
func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	if len(bytes.TrimSpace(a)) == 0 || len(bytes.TrimSpace(b)) == 0 {
		return len(bytes.TrimSpace(a)) == len(bytes.TrimSpace(b))
	}
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("invalid JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// sameStrings compares lists treating nil and empty alike.
func sameStrings(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sameTime(a, b time.Time) bool { return a.Equal(b) }

// Fixtures: a small piece of Jining (任城区) with made-up geometry.

const (
	cityCode   = "370800000000"
	countyCode = "370811000000"
	county     = "370811"
	townCode   = "370811001000"
	villCode   = "370811001001"
	otherCode  = "370812000000"
)

func square(lon, lat, d float64) orb.Polygon {
	return orb.Polygon{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}
}

func fixtureRegions() []quarterhour.Region {
	return []quarterhour.Region{
		{Code: cityCode, Name: "济宁市", Level: quarterhour.LevelCity,
			Population: 8357897, PopulationYear: 2020, PopulationSource: "census"},
		{Code: countyCode, Name: "任城区", Level: quarterhour.LevelCounty, Parent: cityCode, County: county,
			Boundary: orb.MultiPolygon{square(116.5, 35.3, 0.2),
				{{{116.8, 35.5}, {116.9, 35.5}, {116.9, 35.6}, {116.8, 35.5}},
					{{116.85, 35.52}, {116.86, 35.52}, {116.86, 35.53}, {116.85, 35.52}}}}},
		{Code: otherCode, Name: "兖州区", Level: quarterhour.LevelCounty, Parent: cityCode, County: "370812"},
		{Code: townCode, Name: "古槐街道", Level: quarterhour.LevelTown, Parent: countyCode, County: county},
		{Code: villCode, Name: "某社区居委会", Level: quarterhour.LevelCommunity, Parent: townCode, County: county},
	}
}

func fixtureCategories() []quarterhour.Category {
	return []quarterhour.Category{
		{Code: "convenience_store", NameZH: "便利店", NameEN: "Convenience store", Tier: quarterhour.TierBasic,
			OSMTags: []string{"shop=convenience"}, AmapTypecodes: []string{"060200"}, Sort: 1},
		{Code: "pharmacy", NameZH: "药店", NameEN: "Pharmacy", Tier: quarterhour.TierBasic,
			OSMTags: []string{"amenity=pharmacy", "shop=chemist"}, AmapTypecodes: []string{"090601"}, Sort: 2},
		{Code: "cafe", NameZH: "咖啡店", NameEN: "Café", Tier: quarterhour.TierQuality, National: true,
			OSMTags: []string{"amenity=cafe"}, Sort: 3},
	}
}

func fixtureOutlet(name, category string, lon, lat float64) quarterhour.Outlet {
	return quarterhour.Outlet{
		Name: name, Category: category, Point: orb.Point{lon, lat}, H3: "8a31aa5a9a4ffff",
		District: county, Address: "太白楼路 1 号", Brand: "利群", IsChain: true, FloorAreaM2: 120.5,
		AcceptsCash: true, AcceptsCard: true, LowMargin: true,
		Services:     []string{quarterhour.ServiceBillPayment, quarterhour.ServiceDelivery},
		OpeningHours: "Mo-Su 07:00-22:00", Status: quarterhour.OutletOpen, OpenedOn: "2023-05-01",
		Source: "manual", OriginalCRS: "GCJ-02", Synthetic: true,
	}
}

func fixtureCommunity(name string, lon, lat float64) quarterhour.Community {
	return quarterhour.Community{
		RegionCode: villCode, District: county, Name: name,
		Polygon:    orb.MultiPolygon{square(lon, lat, 0.005)},
		Population: 5200, Households: 1800, BuildingAreaM2: 210000, CommercialAreaM2: 22000,
		ServiceFacilityAreaM2: 600, IsNew: true, Synthetic: true,
	}
}

// fixtureNetwork is a square of four nodes with a diagonal, IDs offset by base.
func fixtureNetwork(area string, base int64) quarterhour.Network {
	pts := []orb.Point{{116.58, 35.41}, {116.59, 35.41}, {116.59, 35.42}, {116.58, 35.42}}
	n := quarterhour.Network{Area: area, Synthetic: true}
	for i, p := range pts {
		n.Nodes = append(n.Nodes, quarterhour.WalkNode{ID: base + int64(i), Point: p})
	}
	for i, pair := range [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {0, 2}} {
		a, b := pts[pair[0]], pts[pair[1]]
		n.Edges = append(n.Edges, quarterhour.WalkEdge{
			ID: base + 100 + int64(i), Source: base + int64(pair[0]), Target: base + int64(pair[1]),
			Cost: 900 + float64(i), ReverseCost: 900 + float64(i), LengthM: 900 + float64(i),
			Geom:     orb.LineString{a, {(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}, b},
			OSMWayID: 4000 + int64(i), Highway: "footway",
		})
	}
	return n
}

func fixtureScheme(doc string) quarterhour.Scheme {
	return quarterhour.Scheme{Code: "jining-2023", Name: "济宁 2023", Years: []int{2023, 2024, 2025},
		Reconstructed: true, Document: json.RawMessage(doc)}
}

func fixtureBundle() *store.Bundle {
	return &store.Bundle{
		Regions:    fixtureRegions(),
		Categories: fixtureCategories(),
		Targets: []quarterhour.Target{
			{Year: 2023, District: "370800", Circles: 40, Source: "济政办字〔2023〕9号"},
			{Year: 2025, District: "370800", Circles: 120, HighQuality: 60, Cumulative: true},
		},
		Schemes: []quarterhour.Scheme{fixtureScheme(`{"walk":{"minutes":15},"indicators":[]}`)},
		Communities: []quarterhour.Community{
			fixtureCommunity("锦绣社区", 116.58, 35.41),
			fixtureCommunity("翰林社区", 116.60, 35.41),
		},
		Outlets: []quarterhour.Outlet{
			fixtureOutlet("便利店一", "convenience_store", 116.581, 35.411),
			fixtureOutlet("药店一", "pharmacy", 116.601, 35.412),
		},
		Networks: []quarterhour.Network{fixtureNetwork("jining-demo", 1)},
		Circles: []quarterhour.Circle{{
			Name: "古槐生活圈", District: county, Layout: quarterhour.LayoutBlock,
			Centers: []orb.Point{{116.59, 35.415}}, CommunityIDs: []int64{1, 0},
			Status: quarterhour.CirclePlanned, PlannedYear: 2023, Synthetic: true,
		}},
	}
}

func fixtureCircle(communityIDs ...int64) quarterhour.Circle {
	return quarterhour.Circle{
		Name: "太白楼生活圈", District: county, PilotZone: "太白湖新区", Layout: quarterhour.LayoutCluster,
		Centers:      []orb.Point{{116.587, 35.414}, {116.589, 35.416}},
		CommunityIDs: communityIDs, Status: quarterhour.CircleBuilding, PlannedYear: 2023, CompletedYear: 2024,
	}
}

func testMeta(t *testing.T, s store.Store) {
	if k := s.Kind(); k != "sqlite" && k != "postgres" {
		t.Errorf("Kind() = %q, want sqlite or postgres", k)
	}
	must(t, s.Ping(ctx(t)), "ping")
	v, err := s.SchemaVersion(ctx(t))
	must(t, err, "schema version")
	if v < 1 {
		t.Errorf("SchemaVersion = %d, want >= 1 after migrations", v)
	}
}

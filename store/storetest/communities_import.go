package storetest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

func testUpsertCommunities(t *testing.T, s store.Store) {
	batch := func() []quarterhour.Community {
		var cs []quarterhour.Community
		for i, ref := range []string{"way/11", "way/12", "relation/13"} {
			c := fixtureCommunity("居住区"+ref, 116.5+float64(i)/100, 35.4)
			c.Source, c.SourceRef, c.OriginalCRS = "osm", ref, "wgs84"
			c.Synthetic, c.PopulationEstimated = false, true
			cs = append(cs, c)
		}
		return cs
	}
	manual := fixtureCommunity("手工录入社区", 116.7, 35.5)
	must(t, s.CreateCommunity(ctx(t), &manual), "create a community without a source")

	first := batch()
	imp := &quarterhour.Import{Kind: "osm-communities", File: "porto.osm.pbf", CRS: "wgs84", RowsOK: 3,
		RowsRejected: 1, Rejections: json.RawMessage(`[{"row": 4, "reason": "area below 2000 m²"}]`), CreatedBy: "admin"}
	stats, err := s.UpsertCommunities(ctx(t), first, imp)
	must(t, err, "first upsert")
	if stats != (store.UpsertStats{Inserted: 3}) {
		t.Errorf("first upsert stats = %+v, want 3 inserted", stats)
	}
	if imp.ID == 0 {
		t.Error("import batch not given an ID")
	}
	for _, c := range first {
		if c.ID == 0 || c.Version != 1 {
			t.Errorf("inserted community %s has ID %d version %d", c.SourceRef, c.ID, c.Version)
		}
		got, err := s.GetCommunity(ctx(t), c.ID)
		must(t, err, "get inserted")
		if !reflect.DeepEqual(got, c) {
			t.Errorf("GetCommunity after upsert = %+v,\nwant %+v", got, c)
		}
	}

	second := batch()
	second[1].Population, second[1].Households = 7300, 2920
	second[1].Polygon = orb.MultiPolygon{square(116.51, 35.4, 0.004)}
	stats, err = s.UpsertCommunities(ctx(t), second, &quarterhour.Import{Kind: "osm-communities", File: "porto-2.osm.pbf"})
	must(t, err, "second upsert")
	if stats != (store.UpsertStats{Updated: 1, Unchanged: 2}) {
		t.Errorf("re-import stats = %+v, want 1 updated, 2 unchanged", stats)
	}
	if second[1].ID != first[1].ID || second[1].Version != 2 || second[0].Version != 1 {
		t.Errorf("re-import IDs/versions: changed %d v%d (want %d v2), unchanged v%d (want v1)",
			second[1].ID, second[1].Version, first[1].ID, second[0].Version)
	}
	all, err := s.ListCommunities(ctx(t), store.CommunityFilter{})
	must(t, err, "list")
	if len(all) != 4 {
		t.Errorf("re-import left %d communities, want 4 (3 imported + 1 manual, never duplicates)", len(all))
	}
	changed, err := s.GetCommunity(ctx(t), first[1].ID)
	must(t, err, "get changed")
	if !reflect.DeepEqual(changed, second[1]) {
		t.Errorf("changed community = %+v,\nwant %+v", changed, second[1])
	}

	imps, err := s.ListImports(ctx(t), 0)
	must(t, err, "list imports")
	if len(imps) != 2 || imps[1].Kind != "osm-communities" || imps[1].RowsRejected != 1 ||
		!jsonEqual(t, imps[1].Rejections, imp.Rejections) {
		t.Errorf("imports = %+v, want both batches, latest first, with rejections", imps)
	}

	for _, tc := range []struct {
		name  string
		spoil func(c *quarterhour.Community)
	}{
		{"no source reference", func(c *quarterhour.Community) { c.SourceRef = "" }},
		{"no source", func(c *quarterhour.Community) { c.Source = "" }},
	} {
		bad := batch()
		bad[0].Name = "不应写入"
		bad = append(bad, fixtureCommunity("新社区", 116.8, 35.6))
		bad[3].Source, bad[3].SourceRef = "register", "JN-001"
		tc.spoil(&bad[2])
		if _, err := s.UpsertCommunities(ctx(t), bad, &quarterhour.Import{Kind: "communities", File: "bad.geojson"}); err == nil {
			t.Errorf("%s: upsert succeeded, want an error", tc.name)
		}
		c, err := s.GetCommunity(ctx(t), first[0].ID)
		must(t, err, "get after failed upsert")
		if c.Name == "不应写入" {
			t.Errorf("%s: a failed upsert updated part of its batch", tc.name)
		}
		after, err := s.ListCommunities(ctx(t), store.CommunityFilter{})
		must(t, err, "list after failed upsert")
		if len(after) != 4 {
			t.Errorf("%s: a failed upsert left %d communities, want 4", tc.name, len(after))
		}
	}
	imps, err = s.ListImports(ctx(t), 0)
	must(t, err, "list imports after failures")
	if len(imps) != 2 {
		t.Errorf("failed upserts recorded imports: %d batches, want 2", len(imps))
	}
}

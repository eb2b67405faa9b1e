package storetest

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

func testCommunities(t *testing.T, s store.Store) {
	a := fixtureCommunity("锦绣社区", 116.58, 35.41)
	b := fixtureCommunity("翰林社区", 116.70, 35.50)
	b.District, b.Polygon, b.IsNew = "370812", nil, false
	must(t, s.CreateCommunity(ctx(t), &a), "create a")
	must(t, s.CreateCommunity(ctx(t), &b), "create b")
	if a.ID == 0 || a.Version != 1 || b.ID == a.ID {
		t.Fatalf("IDs %d, %d and version %d after create", a.ID, b.ID, a.Version)
	}
	got, err := s.GetCommunity(ctx(t), a.ID)
	must(t, err, "get a")
	if !reflect.DeepEqual(got, a) {
		t.Errorf("GetCommunity = %+v,\nwant %+v", got, a)
	}
	gotB, err := s.GetCommunity(ctx(t), b.ID)
	must(t, err, "get b")
	if gotB.Polygon != nil {
		t.Errorf("community without a polygon came back with %v", gotB.Polygon)
	}

	box := orb.Bound{Min: orb.Point{116.584, 35.414}, Max: orb.Point{116.60, 35.42}} // overlaps a's corner
	for _, tc := range []struct {
		name string
		f    store.CommunityFilter
		want []int64
	}{
		{"all", store.CommunityFilter{}, []int64{a.ID, b.ID}},
		{"district", store.CommunityFilter{District: "370812"}, []int64{b.ID}},
		{"bbox intersecting the polygon", store.CommunityFilter{BBox: &box}, []int64{a.ID}},
		{"ids", store.CommunityFilter{IDs: []int64{b.ID, a.ID + b.ID + 100}}, []int64{b.ID}},
		{"empty id list matches nothing", store.CommunityFilter{IDs: []int64{}}, nil},
	} {
		cs, err := s.ListCommunities(ctx(t), tc.f)
		must(t, err, tc.name)
		var ids []int64
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		if !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, ids, tc.want)
		}
	}

	stale := got
	got.Population, got.Polygon = 6100, orb.MultiPolygon{square(116.581, 35.411, 0.004)}
	must(t, s.UpdateCommunity(ctx(t), &got), "update")
	if got.Version != 2 {
		t.Errorf("version after update = %d, want 2", got.Version)
	}
	again, err := s.GetCommunity(ctx(t), a.ID)
	must(t, err, "get updated")
	if !reflect.DeepEqual(again, got) {
		t.Errorf("after update = %+v,\nwant %+v", again, got)
	}
	wantErr(t, s.UpdateCommunity(ctx(t), &stale), quarterhour.ErrConflict, "stale community update")
	stale.ID = a.ID + b.ID + 100
	wantErr(t, s.UpdateCommunity(ctx(t), &stale), quarterhour.ErrNotFound, "update of a missing community")
	_, err = s.GetCommunity(ctx(t), stale.ID)
	wantErr(t, err, quarterhour.ErrNotFound, "get missing community")
}

func sameCircle(a, b quarterhour.Circle) bool {
	if !sameTime(a.UpdatedAt, b.UpdatedAt) {
		return false
	}
	a.UpdatedAt = b.UpdatedAt
	return reflect.DeepEqual(a, b)
}

func testCircles(t *testing.T, s store.Store) {
	var ids []int64
	for _, name := range []string{"甲", "乙", "丙"} {
		c := fixtureCommunity(name, 116.58, 35.41)
		must(t, s.CreateCommunity(ctx(t), &c), "create community")
		ids = append(ids, c.ID)
	}
	c := fixtureCircle(ids[2], ids[0])
	must(t, s.CreateCircle(ctx(t), &c), "create circle")
	if c.ID == 0 || c.Version != 1 || c.UpdatedAt.IsZero() {
		t.Fatalf("after create: %+v", c)
	}
	got, err := s.GetCircle(ctx(t), c.ID)
	must(t, err, "get circle")
	if !sameCircle(got, c) {
		t.Fatalf("GetCircle = %+v,\nwant %+v (centres and community order kept)", got, c)
	}

	other := fixtureCircle(ids[1])
	other.District, other.Status = "370812", quarterhour.CircleCompleted
	must(t, s.CreateCircle(ctx(t), &other), "create other")
	for _, tc := range []struct {
		name string
		f    store.CircleFilter
		want []int64
	}{
		{"all", store.CircleFilter{}, []int64{c.ID, other.ID}},
		{"district", store.CircleFilter{District: county}, []int64{c.ID}},
		{"status", store.CircleFilter{Status: quarterhour.CircleCompleted}, []int64{other.ID}},
	} {
		cs, err := s.ListCircles(ctx(t), tc.f)
		must(t, err, tc.name)
		var got []int64
		for _, x := range cs {
			got = append(got, x.ID)
			if x.ID == other.ID && !reflect.DeepEqual(x.CommunityIDs, []int64{ids[1]}) {
				t.Errorf("%s: listed circle community IDs = %v", tc.name, x.CommunityIDs)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	stale := got
	got.CommunityIDs = []int64{ids[1]}
	got.Centers = []orb.Point{{116.6, 35.4}}
	got.Status = quarterhour.CircleCompleted
	must(t, s.UpdateCircle(ctx(t), &got), "update circle")
	if got.Version != 2 {
		t.Errorf("version after update = %d, want 2", got.Version)
	}
	again, err := s.GetCircle(ctx(t), c.ID)
	must(t, err, "get updated circle")
	if !sameCircle(again, got) {
		t.Errorf("after update = %+v,\nwant %+v", again, got)
	}
	wantErr(t, s.UpdateCircle(ctx(t), &stale), quarterhour.ErrConflict, "stale circle update")
	after, err := s.GetCircle(ctx(t), c.ID)
	must(t, err, "get after conflict")
	if !reflect.DeepEqual(after.CommunityIDs, []int64{ids[1]}) {
		t.Errorf("a conflicting update changed the community links to %v", after.CommunityIDs)
	}
	stale.ID = c.ID + other.ID + 100
	wantErr(t, s.UpdateCircle(ctx(t), &stale), quarterhour.ErrNotFound, "update of a missing circle")
	_, err = s.GetCircle(ctx(t), stale.ID)
	wantErr(t, err, quarterhour.ErrNotFound, "get missing circle")
}

func testNetwork(t *testing.T, s store.Store) {
	a := fixtureNetwork("jining-demo", 1)
	b := fixtureNetwork("porto", 1) // same IDs in another area
	b.Synthetic = false
	must(t, s.ReplaceNetwork(ctx(t), &a, &quarterhour.Import{Kind: "network", File: "demo", CRS: "WGS-84", RowsOK: 5}), "store a")
	must(t, s.ReplaceNetwork(ctx(t), &b, nil), "store b")

	a2 := fixtureNetwork("jining-demo", 50)
	a2.Edges = a2.Edges[:3]
	must(t, s.ReplaceNetwork(ctx(t), &a2, &quarterhour.Import{Kind: "network", File: "demo-2"}), "replace a")

	ns, err := s.LoadNetworks(ctx(t))
	must(t, err, "load networks")
	got := map[string]quarterhour.Network{}
	for _, n := range ns {
		got[n.Area] = n
	}
	if len(ns) != 2 || !reflect.DeepEqual(got["jining-demo"], a2) || !reflect.DeepEqual(got["porto"], b) {
		t.Fatalf("LoadNetworks = %+v,\nwant the replaced jining-demo and the untouched porto", ns)
	}

	bad := fixtureNetwork("jining-demo", 200)
	bad.Edges[0].Source = 9999
	if err := s.ReplaceNetwork(ctx(t), &bad, &quarterhour.Import{Kind: "network", File: "bad"}); err == nil {
		t.Fatal("ReplaceNetwork with an edge to a missing node succeeded, want an error")
	}
	ns, err = s.LoadNetworks(ctx(t))
	must(t, err, "load after failure")
	for _, n := range ns {
		if n.Area == "jining-demo" && !reflect.DeepEqual(n, a2) {
			t.Errorf("a failed replacement changed the stored network: %d nodes %d edges", len(n.Nodes), len(n.Edges))
		}
	}
	imps, err := s.ListImports(ctx(t), 10)
	must(t, err, "list imports")
	if len(imps) != 2 || imps[0].File != "demo-2" {
		t.Errorf("imports = %+v, want the two successful network imports, latest first", imps)
	}
}

package storetest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// sameOutlet compares outlets field by field, lists nil-or-empty alike and
// times by instant.
func sameOutlet(a, b quarterhour.Outlet) bool {
	if !sameStrings(a.Services, b.Services) || !sameTime(a.UpdatedAt, b.UpdatedAt) {
		return false
	}
	a.Services, b.Services = nil, nil
	a.UpdatedAt = b.UpdatedAt
	return reflect.DeepEqual(a, b)
}

func testOutletsCRUD(t *testing.T, s store.Store) {
	o := fixtureOutlet("便利店一", "convenience_store", 116.5812345678901, 35.4112345678901)
	must(t, s.CreateOutlet(ctx(t), &o), "create outlet")
	if o.ID == 0 || o.Version != 1 || o.UpdatedAt.IsZero() {
		t.Fatalf("after create: ID %d, Version %d, UpdatedAt %v; want an ID, version 1 and a time", o.ID, o.Version, o.UpdatedAt)
	}
	got, err := s.GetOutlet(ctx(t), o.ID)
	must(t, err, "get outlet")
	if !sameOutlet(got, o) {
		t.Fatalf("GetOutlet = %+v,\nwant %+v", got, o)
	}

	read := got
	got.Name, got.Status, got.ClosedOn = "便利店一（已关）", quarterhour.OutletClosed, "2024-12-31"
	got.Services = []string{quarterhour.ServiceSmartLocker}
	got.Point = orb.Point{116.59, 35.42}
	must(t, s.UpdateOutlet(ctx(t), &got), "update outlet")
	if got.Version != 2 {
		t.Errorf("version after update = %d, want 2", got.Version)
	}
	again, err := s.GetOutlet(ctx(t), o.ID)
	must(t, err, "get updated")
	if !sameOutlet(again, got) {
		t.Errorf("after update GetOutlet = %+v,\nwant %+v", again, got)
	}

	read.Name = "stale writer"
	wantErr(t, s.UpdateOutlet(ctx(t), &read), quarterhour.ErrConflict, "update with a stale version")
	if read.Version != 1 {
		t.Errorf("a failed update changed the caller's version to %d", read.Version)
	}
	missing := got
	missing.ID = o.ID + 1000
	wantErr(t, s.UpdateOutlet(ctx(t), &missing), quarterhour.ErrNotFound, "update of a missing outlet")

	wantErr(t, s.DeleteOutlet(ctx(t), o.ID, 1), quarterhour.ErrConflict, "delete with a stale version")
	wantErr(t, s.DeleteOutlet(ctx(t), o.ID+1000, 1), quarterhour.ErrNotFound, "delete of a missing outlet")
	must(t, s.DeleteOutlet(ctx(t), o.ID, 2), "delete with the current version")
	_, err = s.GetOutlet(ctx(t), o.ID)
	wantErr(t, err, quarterhour.ErrNotFound, "get deleted outlet")
}

func testOutletFilters(t *testing.T, s store.Store) {
	type spec struct {
		name, cat, district, status, source string
		lon, lat                            float64
	}
	specs := []spec{
		{"a", "convenience_store", "370811", "open", "manual", 116.50, 35.40},
		{"b", "pharmacy", "370811", "open", "osm", 116.55, 35.45},
		{"c", "convenience_store", "370812", "closed", "osm", 116.60, 35.50},
		{"d", "convenience_store", "370811", "open", "demo", 116.70, 35.60},
		{"e", "cafe", "370812", "open", "manual", 116.52, 35.42},
	}
	ids := map[string]int64{}
	for _, sp := range specs {
		o := fixtureOutlet(sp.name, sp.cat, sp.lon, sp.lat)
		o.District, o.Status, o.Source = sp.district, sp.status, sp.source
		must(t, s.CreateOutlet(ctx(t), &o), "create "+sp.name)
		ids[sp.name] = o.ID
	}
	box := orb.Bound{Min: orb.Point{116.49, 35.39}, Max: orb.Point{116.60, 35.50}}
	for _, tc := range []struct {
		name  string
		f     store.OutletFilter
		want  []string
		count int
	}{
		{"all", store.OutletFilter{}, []string{"a", "b", "c", "d", "e"}, 5},
		{"bbox includes its edges", store.OutletFilter{BBox: &box}, []string{"a", "b", "c", "e"}, 4},
		{"category", store.OutletFilter{Category: "convenience_store"}, []string{"a", "c", "d"}, 3},
		{"district", store.OutletFilter{District: "370812"}, []string{"c", "e"}, 2},
		{"status", store.OutletFilter{Status: "closed"}, []string{"c"}, 1},
		{"source", store.OutletFilter{Source: "osm"}, []string{"b", "c"}, 2},
		{"bbox and category", store.OutletFilter{BBox: &box, Category: "convenience_store"}, []string{"a", "c"}, 2},
		{"limit", store.OutletFilter{Limit: 2}, []string{"a", "b"}, 5},
		{"limit and offset", store.OutletFilter{Limit: 2, Offset: 2}, []string{"c", "d"}, 5},
		{"offset alone", store.OutletFilter{Offset: 3}, []string{"d", "e"}, 5},
		{"category with limit", store.OutletFilter{Category: "convenience_store", Limit: 1, Offset: 1}, []string{"c"}, 3},
	} {
		os, err := s.ListOutlets(ctx(t), tc.f)
		must(t, err, tc.name)
		var got []string
		for _, o := range os {
			got = append(got, o.Name)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v (ordered by ID)", tc.name, got, tc.want)
		}
		n, err := s.CountOutlets(ctx(t), tc.f)
		must(t, err, tc.name+" count")
		if n != tc.count {
			t.Errorf("%s: count %d, want %d (limit and offset ignored)", tc.name, n, tc.count)
		}
	}
}

func testOutletSourceRefUnique(t *testing.T, s store.Store) {
	a := fixtureOutlet("a", "pharmacy", 116.5, 35.4)
	a.Source, a.SourceRef = "osm", "node/1"
	must(t, s.CreateOutlet(ctx(t), &a), "create first")
	b := a
	b.Name = "b"
	wantErr(t, s.CreateOutlet(ctx(t), &b), quarterhour.ErrConflict, "second outlet with the same source reference")
	c := fixtureOutlet("c", "pharmacy", 116.5, 35.4)
	d := fixtureOutlet("d", "pharmacy", 116.5, 35.4)
	must(t, s.CreateOutlet(ctx(t), &c), "outlet without a source reference")
	must(t, s.CreateOutlet(ctx(t), &d), "second outlet without a source reference")
}

func testUpsertOutletsBySource(t *testing.T, s store.Store) {
	batch := func() []quarterhour.Outlet {
		var os []quarterhour.Outlet
		for i, ref := range []string{"node/1", "node/2", "way/3"} {
			o := fixtureOutlet("店"+ref, "convenience_store", 116.5+float64(i)/100, 35.4)
			o.Source, o.SourceRef = "osm", ref
			os = append(os, o)
		}
		return os
	}
	first := batch()
	imp := &quarterhour.Import{Kind: "osm-outlets", File: "jining.osm.pbf", CRS: "WGS-84", RowsOK: 3,
		RowsRejected: 1, Rejections: json.RawMessage(`[{"row": 4, "reason": "no category"}]`), CreatedBy: "admin"}
	stats, err := s.UpsertOutletsBySource(ctx(t), first, imp)
	must(t, err, "first upsert")
	if stats != (store.UpsertStats{Inserted: 3}) {
		t.Errorf("first upsert stats = %+v, want 3 inserted", stats)
	}
	if imp.ID == 0 {
		t.Error("import batch not given an ID")
	}
	for _, o := range first {
		if o.ID == 0 || o.Version != 1 {
			t.Errorf("inserted outlet %s has ID %d version %d", o.SourceRef, o.ID, o.Version)
		}
	}

	second := batch()
	second[1].Name = "改名了"
	second[1].AcceptsCard = false
	stats, err = s.UpsertOutletsBySource(ctx(t), second, &quarterhour.Import{Kind: "osm-outlets", File: "jining-2.osm.pbf", RowsOK: 3})
	must(t, err, "second upsert")
	if stats != (store.UpsertStats{Updated: 1, Unchanged: 2}) {
		t.Errorf("re-import stats = %+v, want 1 updated, 2 unchanged", stats)
	}
	n, err := s.CountOutlets(ctx(t), store.OutletFilter{Source: "osm"})
	must(t, err, "count")
	if n != 3 {
		t.Errorf("re-import left %d outlets, want 3 (never duplicates)", n)
	}
	changed, err := s.GetOutlet(ctx(t), first[1].ID)
	must(t, err, "get changed")
	if changed.Name != "改名了" || changed.AcceptsCard || changed.Version != 2 {
		t.Errorf("changed outlet = %q card %v version %d, want new name, no card, version 2",
			changed.Name, changed.AcceptsCard, changed.Version)
	}
	same, err := s.GetOutlet(ctx(t), first[0].ID)
	must(t, err, "get unchanged")
	if same.Version != 1 {
		t.Errorf("unchanged outlet version = %d, want 1", same.Version)
	}

	imps, err := s.ListImports(ctx(t), 0)
	must(t, err, "list imports")
	if len(imps) != 2 || imps[1].File != "jining.osm.pbf" || imps[1].RowsRejected != 1 ||
		!jsonEqual(t, imps[1].Rejections, imp.Rejections) {
		t.Errorf("imports = %+v, want both batches, latest first, with rejections", imps)
	}

	bad := batch()
	bad[2].SourceRef = ""
	bad[0].Name = "不应写入"
	if _, err := s.UpsertOutletsBySource(ctx(t), bad, nil); err == nil {
		t.Error("upsert of an outlet without a source reference succeeded, want an error")
	}
	o, err := s.GetOutlet(ctx(t), first[0].ID)
	must(t, err, "get after failed upsert")
	if o.Name == "不应写入" {
		t.Error("a failed upsert wrote part of its batch")
	}
}

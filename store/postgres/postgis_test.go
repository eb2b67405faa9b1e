package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/migrations"
	"github.com/quarterhour/quarterhour/store"
)

// square is a small closed ring around (lon, lat) in Jining.
func square(lon, lat, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}
}

// gridNetwork is an n×n lattice of nodes about 100 m apart with edges
// between horizontal and vertical neighbours.
func gridNetwork(area string, n int) *quarterhour.Network {
	const step = 0.0009 // about 100 m of latitude
	net := &quarterhour.Network{Area: area}
	id := func(i, j int) int64 { return int64(i*n + j + 1) }
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			net.Nodes = append(net.Nodes, quarterhour.WalkNode{ID: id(i, j), Point: orb.Point{116.58 + float64(j)*step, 35.41 + float64(i)*step}})
		}
	}
	pt := func(k int64) orb.Point { return net.Nodes[k-1].Point }
	add := func(a, b int64) {
		net.Edges = append(net.Edges, quarterhour.WalkEdge{
			ID: int64(len(net.Edges) + 1), Source: a, Target: b, Cost: 100, ReverseCost: 100, LengthM: 100,
			Geom: orb.LineString{pt(a), pt(b)}, OSMWayID: 1000 + a, Highway: "footway",
		})
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if j+1 < n {
				add(id(i, j), id(i, j+1))
			}
			if i+1 < n {
				add(id(i, j), id(i+1, j))
			}
		}
	}
	return net
}

func TestOpen_AppliesEveryMigrationOnce(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(migrations.Postgres, "postgres/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %v (%d files)", err, len(files))
	}
	if want := int64(len(files)); v != want {
		t.Errorf("schema version = %d, want %d (one per migration file)", v, want)
	}
	if err := migrate(ctx, s.pool); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if v2, _ := s.SchemaVersion(ctx); v2 != v {
		t.Errorf("schema version after re-open = %d, want %d", v2, v)
	}
	if s.Kind() != "postgres" {
		t.Errorf("Kind() = %q", s.Kind())
	}
}

func TestGeometryColumns_ArePostGISTypesInSRID4326(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	if err := s.UpsertRegions(ctx, []quarterhour.Region{{Code: "370811000000", Name: "任城区", Level: quarterhour.LevelCounty,
		Parent: "370800000000", County: "370811", Boundary: square(116.5, 35.4, 0.1)}}); err != nil {
		t.Fatal(err)
	}
	c := quarterhour.Community{Name: "测试社区", District: "370811", Polygon: square(116.58, 35.41, 0.005)}
	if err := s.CreateCommunity(ctx, &c); err != nil {
		t.Fatal(err)
	}
	o := quarterhour.Outlet{Name: "便利店", Category: "convenience", Point: orb.Point{116.581, 35.411}}
	if err := s.CreateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	ci := quarterhour.Circle{Name: "一号生活圈", Centers: []orb.Point{{116.582, 35.412}}, CommunityIDs: []int64{c.ID}}
	if err := s.CreateCircle(ctx, &ci); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceNetwork(ctx, gridNetwork("grid", 3), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ table, column, want string }{
		{"regions", "boundary", "MULTIPOLYGON"},
		{"communities", "polygon", "MULTIPOLYGON"},
		{"outlets", "geom", "POINT"},
		{"circles", "centers", "MULTIPOINT"},
		{"walk_nodes", "geom", "POINT"},
		{"walk_edges", "geom", "LINESTRING"},
	} {
		var srid int
		var typ string
		err := s.pool.QueryRow(ctx, fmt.Sprintf(`SELECT ST_SRID(%s), GeometryType(%[1]s) FROM %s LIMIT 1`, tc.column, tc.table)).Scan(&srid, &typ)
		if err != nil {
			t.Fatalf("%s.%s: %v", tc.table, tc.column, err)
		}
		if srid != 4326 || typ != tc.want {
			t.Errorf("%s.%s = SRID %d %s, want 4326 %s", tc.table, tc.column, srid, typ, tc.want)
		}
		// QGIS lists layers from the geometry_columns view.
		var regSRID int
		var regType string
		err = s.pool.QueryRow(ctx, `SELECT srid, type FROM geometry_columns WHERE f_table_name = $1 AND f_geometry_column = $2`,
			tc.table, tc.column).Scan(&regSRID, &regType)
		if err != nil {
			t.Fatalf("geometry_columns %s.%s: %v", tc.table, tc.column, err)
		}
		if regSRID != 4326 || regType != tc.want {
			t.Errorf("geometry_columns %s.%s = %d %s, want 4326 %s", tc.table, tc.column, regSRID, regType, tc.want)
		}
	}
}

func TestGeometryColumns_HaveGiSTIndexes(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	for _, tc := range []struct{ table, column string }{
		{"regions", "boundary"}, {"communities", "polygon"}, {"outlets", "geom"},
		{"circles", "centers"}, {"walk_nodes", "geom"}, {"walk_edges", "geom"},
	} {
		var n int
		err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_indexes
			WHERE tablename = $1 AND indexdef LIKE '%USING gist (' || $2 || ')%'`, tc.table, tc.column).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%s.%s has %d GiST indexes, want 1", tc.table, tc.column, n)
		}
	}
}

func TestWalkEdges_RunPgRoutingDrivingDistance(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	if _, err := s.pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pgrouting`); err != nil {
		t.Skipf("pgrouting is not installed on this server: %v", err)
	}
	if err := s.ReplaceNetwork(ctx, gridNetwork("grid", 5), nil); err != nil {
		t.Fatal(err)
	}
	// From the corner node 1, 250 m reaches the nodes within two 100 m hops.
	var reached int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pgr_drivingDistance(
			'SELECT id, source, target, cost, reverse_cost FROM walk_edges WHERE area = ''grid''',
			1, 250)`).Scan(&reached)
	if err != nil {
		t.Fatalf("pgr_drivingDistance: %v", err)
	}
	if reached != 6 {
		t.Errorf("nodes within 250 m of a grid corner = %d, want 6 (1 + 2 + 3)", reached)
	}
}

func TestReplaceNetwork_RoundTripsAndSwapsOnlyItsArea(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	big := gridNetwork("porto", 20)
	small := gridNetwork("monaco", 3)
	small.Synthetic = true
	imp := &quarterhour.Import{Kind: "network", File: "porto.osm.pbf", CRS: "EPSG:4326", RowsOK: len(big.Edges)}
	if err := s.ReplaceNetwork(ctx, big, imp); err != nil {
		t.Fatal(err)
	}
	if imp.ID == 0 {
		t.Error("import batch not recorded")
	}
	if err := s.ReplaceNetwork(ctx, small, nil); err != nil {
		t.Fatal(err)
	}
	smaller := gridNetwork("porto", 4)
	if err := s.ReplaceNetwork(ctx, smaller, nil); err != nil {
		t.Fatal(err)
	}
	nets, err := s.LoadNetworks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nets) != 2 || nets[0].Area != "monaco" || nets[1].Area != "porto" {
		t.Fatalf("areas = %v, want [monaco porto]", nets)
	}
	if !nets[0].Synthetic || nets[1].Synthetic {
		t.Errorf("synthetic flags = %v %v, want true false", nets[0].Synthetic, nets[1].Synthetic)
	}
	got := nets[1]
	if len(got.Nodes) != len(smaller.Nodes) || len(got.Edges) != len(smaller.Edges) {
		t.Fatalf("porto has %d nodes %d edges, want %d %d", len(got.Nodes), len(got.Edges), len(smaller.Nodes), len(smaller.Edges))
	}
	for i, e := range got.Edges {
		w := smaller.Edges[i]
		if e.ID != w.ID || e.Source != w.Source || e.Target != w.Target || e.Cost != w.Cost ||
			e.OSMWayID != w.OSMWayID || e.Highway != w.Highway || !orb.Equal(e.Geom, w.Geom) {
			t.Fatalf("edge %d = %+v, want %+v", i, e, w)
		}
	}
	for i, n := range got.Nodes {
		if n != smaller.Nodes[i] {
			t.Fatalf("node %d = %+v, want %+v", i, n, smaller.Nodes[i])
		}
	}
}

func TestUpdateOutlet_StaleVersionConflictsAndMissingRowIsNotFound(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	o := quarterhour.Outlet{Name: "药店", Category: "pharmacy", Point: orb.Point{116.59, 35.42}, Services: []string{quarterhour.ServiceDelivery}}
	if err := s.CreateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	stale := o
	o.Name = "大药房"
	if err := s.UpdateOutlet(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if o.Version != 2 {
		t.Errorf("version after update = %d, want 2", o.Version)
	}
	if err := s.UpdateOutlet(ctx, &stale); !errors.Is(err, quarterhour.ErrConflict) {
		t.Errorf("stale update: %v, want ErrConflict", err)
	}
	if err := s.DeleteOutlet(ctx, o.ID, 1); !errors.Is(err, quarterhour.ErrConflict) {
		t.Errorf("stale delete: %v, want ErrConflict", err)
	}
	if err := s.DeleteOutlet(ctx, o.ID, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateOutlet(ctx, &o); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Errorf("update of deleted outlet: %v, want ErrNotFound", err)
	}
	if _, err := s.GetOutlet(ctx, o.ID); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Errorf("get deleted outlet: %v, want ErrNotFound", err)
	}
}

func TestUpsertOutletsBySource_CountsInsertedUpdatedUnchanged(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	mk := func(ref, name string) quarterhour.Outlet {
		return quarterhour.Outlet{Name: name, Category: "convenience", Point: orb.Point{116.6, 35.4}, Source: "osm", SourceRef: ref}
	}
	first := []quarterhour.Outlet{mk("node/1", "A"), mk("node/2", "B"), mk("node/4", "D")}
	st, err := s.UpsertOutletsBySource(ctx, first, &quarterhour.Import{Kind: "osm-outlets"})
	if err != nil {
		t.Fatal(err)
	}
	if st != (store.UpsertStats{Inserted: 3}) {
		t.Errorf("first import = %+v, want 3 inserted", st)
	}
	second := []quarterhour.Outlet{mk("node/1", "A"), mk("node/2", "B renamed"), mk("node/3", "C")}
	st, err = s.UpsertOutletsBySource(ctx, second, &quarterhour.Import{Kind: "osm-outlets"})
	if err != nil {
		t.Fatal(err)
	}
	if st != (store.UpsertStats{Inserted: 1, Updated: 1, Unchanged: 1}) {
		t.Errorf("second import = %+v, want 1 inserted, 1 updated, 1 unchanged", st)
	}
	if second[0].ID != first[0].ID || second[0].Version != 1 {
		t.Errorf("unchanged outlet = id %d v%d, want id %d v1", second[0].ID, second[0].Version, first[0].ID)
	}
	if second[1].ID != first[1].ID || second[1].Version != 2 {
		t.Errorf("updated outlet = id %d v%d, want id %d v2", second[1].ID, second[1].Version, first[1].ID)
	}
	got, err := s.GetOutlet(ctx, second[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "B renamed" || got.Status != quarterhour.OutletOpen {
		t.Errorf("stored outlet = %q %q", got.Name, got.Status)
	}
	if n, _ := s.CountOutlets(ctx, store.OutletFilter{Source: "osm"}); n != 4 {
		t.Errorf("outlets = %d, want 4", n)
	}
	if imps, _ := s.ListImports(ctx, 0); len(imps) != 2 {
		t.Errorf("imports = %d, want 2", len(imps))
	}
}

func TestListOutlets_FiltersByBoundingBoxWithTheSpatialIndex(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	for i, p := range []orb.Point{{116.58, 35.41}, {116.60, 35.43}, {117.0, 35.0}} {
		o := quarterhour.Outlet{Name: fmt.Sprint("outlet ", i), Category: "laundry", Point: p}
		if err := s.CreateOutlet(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	box := orb.Bound{Min: orb.Point{116.5, 35.4}, Max: orb.Point{116.7, 35.5}}
	got, err := s.ListOutlets(ctx, store.OutletFilter{BBox: &box, Limit: 1, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Point != (orb.Point{116.60, 35.43}) {
		t.Errorf("second outlet in box = %+v", got)
	}
	if n, _ := s.CountOutlets(ctx, store.OutletFilter{BBox: &box}); n != 2 {
		t.Errorf("outlets in box = %d, want 2", n)
	}
}

func TestUpdateEvaluation_SecondAwardForCircleConflicts(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	c := quarterhour.Circle{Name: "太白湖生活圈", District: "370811", Centers: []orb.Point{{116.6, 35.4}}}
	if err := s.CreateCircle(ctx, &c); err != nil {
		t.Fatal(err)
	}
	doc := json.RawMessage(`{"satisfaction":0.93}`)
	e1 := quarterhour.Evaluation{CircleID: c.ID, Scheme: "jining-2023", Year: 2023, Submitted: doc, AwardYuan: 300000}
	if err := s.CreateEvaluation(ctx, &e1, quarterhour.EvaluationEvent{Actor: "reviewer", To: quarterhour.EvalCertified}); err != nil {
		t.Fatal(err)
	}
	e2 := quarterhour.Evaluation{CircleID: c.ID, Scheme: "jining-2023", Year: 2024}
	if err := s.CreateEvaluation(ctx, &e2, quarterhour.EvaluationEvent{Actor: "district", To: quarterhour.EvalDraft}); err != nil {
		t.Fatal(err)
	}
	e2.AwardYuan = 100000
	err := s.UpdateEvaluation(ctx, &e2, quarterhour.EvaluationEvent{Actor: "reviewer", From: quarterhour.EvalDraft, To: quarterhour.EvalCertified})
	if !errors.Is(err, quarterhour.ErrConflict) {
		t.Fatalf("second award: %v, want ErrConflict", err)
	}
	evs, err := s.ListEvaluationEvents(ctx, e2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Errorf("events after refused update = %d, want 1 (the event rolls back with the row)", len(evs))
	}
	got, err := s.GetEvaluation(ctx, e1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Submitted) != string(doc) {
		t.Errorf("submitted = %s, want %s", got.Submitted, doc)
	}
}

func TestEvaluationEvents_AreAppendOnly(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	c := quarterhour.Circle{Name: "圈", Centers: []orb.Point{{116.6, 35.4}}}
	if err := s.CreateCircle(ctx, &c); err != nil {
		t.Fatal(err)
	}
	e := quarterhour.Evaluation{CircleID: c.ID, Scheme: "jining-2023", Year: 2023}
	if err := s.CreateEvaluation(ctx, &e, quarterhour.EvaluationEvent{Actor: "a", To: quarterhour.EvalDraft}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE evaluation_events SET comment = 'rewritten'`); err == nil {
		t.Error("UPDATE of evaluation_events succeeded")
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM evaluation_events`); err == nil {
		t.Error("DELETE of evaluation_events succeeded")
	}
}

func TestSeed_LoadsOnceAndMapsCircleCommunityIndexes(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	b := &store.Bundle{
		Regions:     []quarterhour.Region{{Code: "370800000000", Name: "济宁市", Level: quarterhour.LevelCity}},
		Categories:  []quarterhour.Category{{Code: "pharmacy", NameZH: "药店", Tier: quarterhour.TierBasic}},
		Targets:     []quarterhour.Target{{Year: 2025, District: "370800", Circles: 120, HighQuality: 60, Cumulative: true}},
		Schemes:     []quarterhour.Scheme{{Code: "jining-2023", Document: json.RawMessage(`{"tiers":[]}`)}},
		Communities: []quarterhour.Community{{Name: "甲"}, {Name: "乙"}, {Name: "丙"}},
		Outlets:     []quarterhour.Outlet{{Name: "药店", Category: "pharmacy", Point: orb.Point{116.6, 35.4}, Source: "demo", SourceRef: "1"}},
		Networks:    []quarterhour.Network{*gridNetwork("jining-demo", 3)},
		Circles:     []quarterhour.Circle{{Name: "圈", Centers: []orb.Point{{116.6, 35.4}}, CommunityIDs: []int64{2, 0}}},
	}
	// A communities row created first shifts the assigned IDs away from the indexes.
	pre := quarterhour.Community{Name: "先建"}
	if err := s.CreateCommunity(ctx, &pre); err != nil {
		t.Fatal(err)
	}
	loaded, err := s.Seed(ctx, b)
	if err != nil || !loaded {
		t.Fatalf("Seed = %v, %v; want true, nil", loaded, err)
	}
	if again, err := s.Seed(ctx, b); err != nil || again {
		t.Errorf("second Seed = %v, %v; want false, nil", again, err)
	}
	circles, err := s.ListCircles(ctx, store.CircleFilter{})
	if err != nil || len(circles) != 1 {
		t.Fatalf("circles = %v, %v", circles, err)
	}
	var names []string
	for _, id := range circles[0].CommunityIDs {
		c, err := s.GetCommunity(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Name)
	}
	if fmt.Sprint(names) != "[丙 甲]" {
		t.Errorf("circle communities = %v, want [丙 甲]", names)
	}
	if sc, err := s.GetScheme(ctx, "jining-2023"); err != nil || sc.Version != 1 {
		t.Errorf("scheme = %+v, %v", sc, err)
	}
}

func TestSeed_IsAllOrNothing(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	b := &store.Bundle{
		Regions:     []quarterhour.Region{{Code: "370800000000", Name: "济宁市", Level: quarterhour.LevelCity}},
		Communities: []quarterhour.Community{{Name: "甲"}},
		Circles:     []quarterhour.Circle{{Name: "圈", CommunityIDs: []int64{5}}},
	}
	if _, err := s.Seed(ctx, b); err == nil {
		t.Fatal("Seed with a bad community index succeeded")
	}
	if rs, _ := s.ListRegions(ctx, store.RegionFilter{}); len(rs) != 0 {
		t.Errorf("regions after failed seed = %d, want 0", len(rs))
	}
}

func TestUpsertScheme_NewVersionOnlyWhenDocumentChanges(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	sc := quarterhour.Scheme{Code: "jining-2023", Name: "济宁", Years: []int{2023}, Document: json.RawMessage(`{"a":1,"b":[1,2]}`)}
	if err := s.UpsertScheme(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	same := sc
	same.Document = json.RawMessage(`{ "b": [1, 2], "a": 1 }`)
	if err := s.UpsertScheme(ctx, &same); err != nil {
		t.Fatal(err)
	}
	if same.Version != 1 {
		t.Errorf("version after equal document = %d, want 1", same.Version)
	}
	changed := sc
	changed.Version = 0 // unnumbered: the store numbers it; a numbered version is never changed in place
	changed.Document = json.RawMessage(`{"a":2}`)
	if err := s.UpsertScheme(ctx, &changed); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetScheme(ctx, "jining-2023")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || string(got.Document) != `{"a":2}` || len(got.Years) != 1 {
		t.Errorf("latest scheme = v%d %s %v", got.Version, got.Document, got.Years)
	}
}

func TestGetSession_ExpiredIsNotFound(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	u := quarterhour.User{Username: "reviewer1", PasswordHash: "x", Role: quarterhour.RoleReviewer}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &quarterhour.User{Username: "reviewer1", PasswordHash: "y", Role: quarterhour.RoleReviewer}); !errors.Is(err, quarterhour.ErrConflict) {
		t.Errorf("duplicate username: %v, want ErrConflict", err)
	}
	live := quarterhour.Session{TokenHash: "live", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
	dead := quarterhour.Session{TokenHash: "dead", UserID: u.ID, ExpiresAt: time.Now().Add(-time.Minute)}
	for _, ss := range []*quarterhour.Session{&live, &dead} {
		if err := s.CreateSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetSession(ctx, "live")
	if err != nil || !got.ExpiresAt.Equal(live.ExpiresAt) {
		t.Errorf("live session = %+v, %v", got, err)
	}
	if _, err := s.GetSession(ctx, "dead"); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Errorf("expired session: %v, want ErrNotFound", err)
	}
}

func TestReplaceNetwork_EdgeToMissingNodeIsRefused(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	good := gridNetwork("porto", 3)
	if err := s.ReplaceNetwork(ctx, good, nil); err != nil {
		t.Fatal(err)
	}
	bad := gridNetwork("porto", 2)
	bad.Edges[0].Target = 999
	if err := s.ReplaceNetwork(ctx, bad, nil); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Fatalf("edge to a missing node: %v, want ErrNotFound", err)
	}
	nets, err := s.LoadNetworks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nets) != 1 || len(nets[0].Edges) != len(good.Edges) {
		t.Errorf("after the refused swap the network has %d edges, want the old %d", len(nets[0].Edges), len(good.Edges))
	}
}

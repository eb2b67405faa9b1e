package api

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/app/ingest"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// portoCentre is Praça da Liberdade, on Porto's walking network.
var portoCentre = orb.Point{-8.6110, 41.1466}

var (
	portoOnce    sync.Once
	portoFixture *fixture
	portoErr     error
)

// portoAPI returns an API over a SQLite store holding the Jining demo and
// the Porto extract imported through the import code (network and OSM
// outlets): two walking areas continents apart in one store.
func portoAPI(t testing.TB) *fixture {
	t.Helper()
	portoOnce.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "qh-api-porto-")
		if err != nil {
			portoErr = err
			return
		}
		tempDirs = append(tempDirs, dir)
		st, err := sqlite.Open(ctx, filepath.Join(dir, "qh.db"))
		if err != nil {
			portoErr = err
			return
		}
		if portoFixture, portoErr = newFixture(st, Config{}); portoErr != nil {
			return
		}
		portoErr = importPorto(ctx, st)
	})
	if portoErr != nil {
		t.Fatalf("porto fixture: %v", portoErr)
	}
	return portoFixture
}

// importPorto imports the walking network and the OSM outlets of the Porto
// extract into st, reading the file once for each.
func importPorto(ctx context.Context, st store.Store) error {
	data, err := os.ReadFile("../testdata/osm/porto.osm.pbf")
	if err == nil {
		_, err = ingest.ImportNetwork(ctx, st, bytes.NewReader(data), osmnet.PBF, "porto", "porto.osm.pbf", nil)
	}
	if err == nil {
		_, err = ingest.ImportOSMOutlets(ctx, st, bytes.NewReader(data), osmnet.PBF, "porto.osm.pbf")
	}
	if err != nil {
		return fmt.Errorf("import porto: %w", err)
	}
	return nil
}

type isochroneOut struct {
	Origin    lonLat           `json:"origin"`
	Snap      snapJSON         `json:"snap"`
	BudgetM   float64          `json:"budget_m"`
	Polygon   geojson.Geometry `json:"polygon"`
	Cells     []string         `json:"cells"`
	AreaM2    float64          `json:"area_m2"`
	ComputeMS float64          `json:"compute_ms"`
	Nodes     []nodeJSON       `json:"nodes"`
}

func isoPath(p orb.Point, extra string) string {
	return fmt.Sprintf("/api/v1/isochrone?lon=%v&lat=%v%s", p.Lon(), p.Lat(), extra)
}

// demoCircle returns a circle of the demo.
func demoCircle(t *testing.T, st store.Store) quarterhour.Circle {
	t.Helper()
	cs, err := st.ListCircles(context.Background(), store.CircleFilter{District: "370811"})
	if err != nil || len(cs) == 0 {
		t.Fatalf("demo circles: %d, %v", len(cs), err)
	}
	return cs[0]
}

// areaNodeIDs returns the node IDs of the stored network of area.
func areaNodeIDs(t *testing.T, st store.Store, area func(string) bool) map[int64]bool {
	t.Helper()
	nets, err := st.LoadNetworks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]bool{}
	for _, n := range nets {
		if area(n.Area) {
			for _, v := range n.Nodes {
				ids[v.ID] = true
			}
		}
	}
	return ids
}

func TestIsochroneRoute_DemoAndPorto(t *testing.T) {
	f := portoAPI(t)
	cases := []struct {
		name   string
		origin orb.Point
		area   func(string) bool
	}{
		{"jining demo", demoCircle(t, f.st).Centers[0], func(a string) bool { return a != "porto" }},
		{"porto", portoCentre, func(a string) bool { return a == "porto" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out isochroneOut
			f.do(t, http.MethodGet, isoPath(c.origin, "&minutes=15&speed_kmh=4&detail=nodes"), "", nil, http.StatusOK, &out)
			if out.BudgetM != 1000 {
				t.Errorf("budget %v, want 1000 m", out.BudgetM)
			}
			mp, ok := out.Polygon.Geometry().(orb.MultiPolygon)
			if !ok || len(mp) == 0 || len(out.Cells) == 0 || out.AreaM2 <= 0 {
				t.Fatalf("polygon %T with %d parts, %d cells, %.0f m²", out.Polygon.Geometry(), len(mp), len(out.Cells), out.AreaM2)
			}
			if out.Snap.DistanceM > 300 || out.Snap.Edge == 0 {
				t.Errorf("snap %+v", out.Snap)
			}
			known := areaNodeIDs(t, f.st, c.area)
			if len(out.Nodes) < 10 {
				t.Fatalf("%d nodes reached", len(out.Nodes))
			}
			for _, n := range out.Nodes {
				if n.DistM > out.BudgetM || n.DistM < 0 {
					t.Errorf("node %d at %.1f m, budget %.0f", n.ID, n.DistM, out.BudgetM)
				}
				if !known[n.ID] {
					t.Errorf("node %d is not a walk_nodes.id of the area", n.ID)
				}
			}
			var plain isochroneOut
			f.do(t, http.MethodGet, isoPath(c.origin, ""), "", nil, http.StatusOK, &plain)
			if plain.Nodes != nil {
				t.Errorf("nodes listed without detail=nodes")
			}
			if len(plain.Cells) != len(out.Cells) {
				t.Errorf("default request %d cells, explicit 15 min at 4 km/h %d", len(plain.Cells), len(out.Cells))
			}
		})
	}
}

func TestIsochroneRoute_OffNetworkIs422WithDistance(t *testing.T) {
	f := portoAPI(t)
	var body offNetworkBody
	f.do(t, http.MethodGet, isoPath(orb.Point{-8.70, 41.16}, ""), "", nil, http.StatusUnprocessableEntity, &body)
	if body.Field != "lon" || body.DistanceM <= 300 || body.Error == "" {
		t.Errorf("off network answer %+v", body)
	}
	f.do(t, http.MethodGet, "/api/v1/nearby?lon=-8.70&lat=41.16", "", nil, http.StatusUnprocessableEntity, &body)
	if body.DistanceM <= 300 {
		t.Errorf("nearby off network answer %+v", body)
	}
}

func TestIsochroneRoute_BadInputNamesTheField(t *testing.T) {
	f := sqliteAPI(t)
	p := demoCircle(t, f.st).Centers[0]
	cases := map[string]string{
		"&minutes=0":    "minutes",
		"&minutes=-5":   "minutes",
		"&minutes=61":   "minutes",
		"&minutes=abc":  "minutes",
		"&speed_kmh=0":  "speed_kmh",
		"&res=8":        "res",
		"&res=12":       "res",
		"&detail=edges": "detail",
	}
	for q, field := range cases {
		f.wantError(t, http.MethodGet, isoPath(p, q), "", nil, http.StatusBadRequest, field)
	}
	f.wantError(t, http.MethodGet, "/api/v1/isochrone?lat=35.4", "", nil, http.StatusBadRequest, "lon")
	f.wantError(t, http.MethodGet, "/api/v1/isochrone?lon=116.6", "", nil, http.StatusBadRequest, "lat")
	f.wantError(t, http.MethodGet, "/api/v1/isochrone?lon=35&lat=116", "", nil, http.StatusBadRequest, "lon")
	f.wantError(t, http.MethodGet, "/api/v1/isochrone?lon=NaN&lat=35.4", "", nil, http.StatusBadRequest, "lon")
	f.wantError(t, http.MethodGet, fmt.Sprintf("/api/v1/nearby?lon=%v&lat=%v&open_now=maybe", p.Lon(), p.Lat()), "", nil, http.StatusBadRequest, "open_now")
}

type nearbyOut struct {
	BudgetM float64        `json:"budget_m"`
	Outlets []nearbyOutlet `json:"outlets"`
}

func TestNearbyRoute_SortedByWalkAndFiltered(t *testing.T) {
	f := portoAPI(t)
	base := fmt.Sprintf("/api/v1/nearby?limit=1000&lon=%v&lat=%v", portoCentre.Lon(), portoCentre.Lat())
	var all nearbyOut
	f.do(t, http.MethodGet, base, "", nil, http.StatusOK, &all)
	if len(all.Outlets) < 20 || len(all.Outlets) == 1000 {
		t.Fatalf("%d outlets within 15 minutes of Porto's centre: want some, and all of them", len(all.Outlets))
	}
	for i, o := range all.Outlets {
		if i > 0 && o.WalkM < all.Outlets[i-1].WalkM {
			t.Errorf("outlet %d at %.1f m after %.1f m", o.ID, o.WalkM, all.Outlets[i-1].WalkM)
		}
		if o.WalkM > all.BudgetM+0.05 || math.Abs(o.WalkMin-o.WalkM/(4000.0/60)) > 0.1 {
			t.Errorf("outlet %d: %.1f m, %.1f min", o.ID, o.WalkM, o.WalkMin)
		}
	}
	filters := []struct {
		query string
		keep  func(nearbyOutlet) bool
	}{
		{"&category=pharmacy", func(o nearbyOutlet) bool { return o.Category == "pharmacy" }},
		{"&cash=1", func(o nearbyOutlet) bool { return o.AcceptsCash }},
		{"&open_now=1", func(o nearbyOutlet) bool { return o.OpenNow != nil && *o.OpenNow }},
		{"&minutes=5", func(o nearbyOutlet) bool { return o.WalkM <= 1000.0/3+0.05 }},
	}
	for _, fl := range filters {
		var got nearbyOut
		f.do(t, http.MethodGet, base+fl.query, "", nil, http.StatusOK, &got)
		want := 0
		for _, o := range all.Outlets {
			if fl.keep(o) {
				want++
			}
		}
		if fl.query == "&category=pharmacy" && want == 0 {
			t.Fatalf("no pharmacy near Porto's centre")
		}
		if len(got.Outlets) != want {
			t.Errorf("%s: %d outlets, want the %d of the full list that pass", fl.query, len(got.Outlets), want)
		}
		for _, o := range got.Outlets {
			if !fl.keep(o) {
				t.Errorf("%s: outlet %+v should be filtered out", fl.query, o)
			}
		}
	}
	f.wantError(t, http.MethodGet, base+"&category=no_such", "", nil, http.StatusBadRequest, "category")
	f.wantError(t, http.MethodGet, base+"&minutes=90", "", nil, http.StatusBadRequest, "minutes")
}

type accessOut struct {
	Type     string `json:"type"`
	Features []struct {
		Geometry   geojson.Geometry `json:"geometry"`
		Properties accessProps      `json:"properties"`
	} `json:"features"`
}

func TestAccessRoute_CellsWithMinutesAndPopulation(t *testing.T) {
	f := sqliteAPI(t)
	p := demoCircle(t, f.st).Centers[0]
	bbox := fmt.Sprintf("%v,%v,%v,%v", p.Lon()-0.01, p.Lat()-0.01, p.Lon()+0.01, p.Lat()+0.01)
	var out accessOut
	f.do(t, http.MethodGet, "/api/v1/access?category=convenience_store&bbox="+bbox, "", nil, http.StatusOK, &out)
	if out.Type != "FeatureCollection" || len(out.Features) < 100 {
		t.Fatalf("%s with %d features", out.Type, len(out.Features))
	}
	reached, people := 0, 0
	for _, ft := range out.Features {
		if _, ok := ft.Geometry.Geometry().(orb.Polygon); !ok {
			t.Fatalf("cell geometry %T, want Polygon", ft.Geometry.Geometry())
		}
		pr := ft.Properties
		if c := h3.CellFromString(pr.Cell); !c.IsValid() || c.Resolution() != 10 {
			t.Errorf("cell %q", pr.Cell)
		}
		if pr.Minutes != nil {
			reached++
			if *pr.Minutes < 0 || *pr.Minutes > 15.01 {
				t.Errorf("cell %s at %.2f min", pr.Cell, *pr.Minutes)
			}
		}
		people += pr.Population
	}
	if reached == 0 || reached == len(out.Features) || people == 0 {
		t.Errorf("%d of %d cells reach a convenience store, %d residents: want a mix", reached, len(out.Features), people)
	}
	f.wantError(t, http.MethodGet, "/api/v1/access?category=convenience_store&bbox=116,35,117,36", "", nil, http.StatusBadRequest, "bbox")
	f.wantError(t, http.MethodGet, "/api/v1/access?category=no_such&bbox="+bbox, "", nil, http.StatusBadRequest, "category")
	f.wantError(t, http.MethodGet, "/api/v1/access?bbox="+bbox, "", nil, http.StatusBadRequest, "category")
	f.wantError(t, http.MethodGet, "/api/v1/access?category=laundry", "", nil, http.StatusBadRequest, "bbox")
}

type gapsOut struct {
	District    string         `json:"district"`
	BudgetM     float64        `json:"budget_m"`
	Categories  []string       `json:"categories"`
	Communities []gapCommunity `json:"communities"`
}

func TestGapsRoute_SharesInRangeAndPopulationKept(t *testing.T) {
	f := sqliteAPI(t)
	var out gapsOut
	f.do(t, http.MethodGet, "/api/v1/gaps?district=370811", "", nil, http.StatusOK, &out)
	comms, err := f.st.ListCommunities(context.Background(), store.CommunityFilter{District: "370811"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Communities) != len(comms) || len(out.Categories) != 13 {
		t.Fatalf("%d communities (store %d), %d basic categories", len(out.Communities), len(comms), len(out.Categories))
	}
	pop := map[int64]int{}
	for _, c := range comms {
		pop[c.ID] = c.Population
	}
	someGap := false
	for _, c := range out.Communities {
		if c.Population != pop[c.ID] {
			t.Errorf("community %d population %d, stored %d", c.ID, c.Population, pop[c.ID])
		}
		if len(c.Gaps) != len(out.Categories) {
			t.Errorf("community %d has %d categories", c.ID, len(c.Gaps))
		}
		for cat, g := range c.Gaps {
			if g.Share < 0 || g.Share > 1 || g.Uncovered < 0 || g.Uncovered > c.Population ||
				(c.Population > 0 && math.Abs(g.Share-float64(g.Uncovered)/float64(c.Population)) > 1e-9) {
				t.Errorf("community %d %s: %+v of %d", c.ID, cat, g, c.Population)
			}
			someGap = someGap || g.Uncovered > 0
		}
	}
	if !someGap {
		t.Error("no gap anywhere in the demo district")
	}
	f.wantError(t, http.MethodGet, "/api/v1/gaps", "", nil, http.StatusBadRequest, "district")
	f.wantError(t, http.MethodGet, "/api/v1/gaps?district=999999", "", nil, http.StatusBadRequest, "district")
}

// laundryGapCommunity returns a demo community with residents beyond a laundry.
func laundryGapCommunity(t *testing.T, f *fixture) gapCommunity {
	t.Helper()
	var out gapsOut
	f.do(t, http.MethodGet, "/api/v1/gaps?district=370811", "", nil, http.StatusOK, &out)
	for _, c := range out.Communities {
		if g := c.Gaps["laundry"]; g.Uncovered > 0 && g.Uncovered < c.Population {
			return c
		}
	}
	for _, c := range out.Communities {
		if c.Gaps["laundry"].Uncovered > 0 {
			return c
		}
	}
	t.Fatal("no laundry gap in the demo")
	return gapCommunity{}
}

func TestSuggestRoute_RanksCellsByNonIncreasingGain(t *testing.T) {
	f := sqliteAPI(t)
	var out suggestResponse
	f.do(t, http.MethodGet, "/api/v1/suggest?category=laundry&district=370811&n=3", "", nil, http.StatusOK, &out)
	if len(out.Suggestions) != 3 {
		t.Fatalf("%d suggestions, want 3", len(out.Suggestions))
	}
	for i, s := range out.Suggestions {
		if s.Rank != i+1 || s.AddedPopulation <= 0 || len(s.Covers) == 0 {
			t.Errorf("suggestion %+v", s)
		}
		if i > 0 && s.AddedPopulation > out.Suggestions[i-1].AddedPopulation {
			t.Errorf("rank %d adds %d after %d", s.Rank, s.AddedPopulation, out.Suggestions[i-1].AddedPopulation)
		}
	}
	f.wantError(t, http.MethodGet, "/api/v1/suggest?category=laundry&district=370811&n=0", "", nil, http.StatusBadRequest, "n")
	f.wantError(t, http.MethodGet, "/api/v1/suggest?category=nope&district=370811", "", nil, http.StatusBadRequest, "category")
}

func TestScenarioRoute_AddingInAGapRaisesAndRemovingLowersCoverage(t *testing.T) {
	f := sqliteAPI(t)
	gap := laundryGapCommunity(t, f)
	site := uncoveredSite(t, f, gap.ID, "laundry")
	var add scenarioResponse
	f.do(t, http.MethodPost, "/api/v1/scenarios/coverage", "", map[string]any{
		"add": []map[string]any{{"category": "laundry", "lon": site.Lon(), "lat": site.Lat()}},
	}, http.StatusOK, &add)
	var found bool
	for _, c := range add.Communities {
		lc := c.Coverage["laundry"]
		if lc.Change < 0 || lc.After.Covered+lc.After.Uncovered != c.Population {
			t.Errorf("community %d after adding a laundry: %+v", c.ID, lc)
		}
		if c.ID == gap.ID {
			found = true
			if lc.Change <= 0 || lc.Before.Uncovered != gap.Gaps["laundry"].Uncovered {
				t.Errorf("gap community %d: %+v, today %+v", c.ID, lc, gap.Gaps["laundry"])
			}
		}
	}
	if !found {
		t.Fatalf("gap community %d not reported", gap.ID)
	}

	// Remove every laundry within the walk of a covered community's circle.
	circles, err := f.st.ListCircles(context.Background(), store.CircleFilter{District: "370811"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range circles {
		var cov circleCoverageResponse
		f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d/coverage", c.ID), "", nil, http.StatusOK, &cov)
		var remove []int64
		for _, o := range cov.Outlets["laundry"] {
			remove = append(remove, o.ID)
		}
		if len(remove) == 0 {
			continue
		}
		var rm scenarioResponse
		f.do(t, http.MethodPost, "/api/v1/scenarios/coverage", "", map[string]any{"remove": remove, "district": "370811"}, http.StatusOK, &rm)
		lowered := false
		for _, cc := range rm.Communities {
			lc := cc.Coverage["laundry"]
			if lc.Change > 0 {
				t.Errorf("community %d gained laundry coverage from a closure: %+v", cc.ID, lc)
			}
			lowered = lowered || lc.Change < 0
		}
		if !lowered {
			t.Errorf("closing laundries %v lowered no community's coverage", remove)
		}
		f.wantError(t, http.MethodPost, "/api/v1/scenarios/coverage", "", map[string]any{"remove": []int64{1 << 40}}, http.StatusBadRequest, "remove")
		f.wantError(t, http.MethodPost, "/api/v1/scenarios/coverage", "", map[string]any{"add": []map[string]any{{"category": "x", "lon": site.Lon(), "lat": site.Lat()}}}, http.StatusBadRequest, "add[0].category")
		f.wantError(t, http.MethodPost, "/api/v1/scenarios/coverage", "", map[string]any{}, http.StatusBadRequest, "add")
		return
	}
	t.Fatal("no demo circle has a laundry within its walk")
}

func TestCircleCoverageRoute_PolygonOutletsAndConservedPopulation(t *testing.T) {
	f := sqliteAPI(t)
	c := demoCircle(t, f.st)
	var out circleCoverageResponse
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d/coverage", c.ID), "", nil, http.StatusOK, &out)
	if out.Polygon == nil || out.AreaM2 <= 0 || len(out.Outlets) == 0 {
		t.Fatalf("circle coverage: polygon %v, %.0f m², %d categories", out.Polygon != nil, out.AreaM2, len(out.Outlets))
	}
	if len(out.Communities) != len(c.CommunityIDs) {
		t.Fatalf("%d communities, circle serves %d", len(out.Communities), len(c.CommunityIDs))
	}
	for _, cc := range out.Communities {
		stored, err := f.st.GetCommunity(context.Background(), cc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cc.Covered+cc.Uncovered != stored.Population || cc.Share < 0 || cc.Share > 1 {
			t.Errorf("community %d: %+v, population %d", cc.ID, cc, stored.Population)
		}
	}
	for cat, os := range out.Outlets {
		for _, o := range os {
			if o.WalkM > out.BudgetM+0.05 {
				t.Errorf("%s outlet %d at %.1f m", cat, o.ID, o.WalkM)
			}
		}
	}
	f.wantError(t, http.MethodGet, "/api/v1/circles/999999/coverage", "", nil, http.StatusNotFound, "")
}

func TestCommunityCoverageRoute_PerCategoryShares(t *testing.T) {
	f := sqliteAPI(t)
	gap := laundryGapCommunity(t, f)
	var out communityAccessResponse
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/communities/%d/coverage", gap.ID), "", nil, http.StatusOK, &out)
	cats, err := f.st.ListCategories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Categories) != len(cats) {
		t.Fatalf("%d categories, taxonomy has %d", len(out.Categories), len(cats))
	}
	for _, c := range out.Categories {
		if c.Covered+c.Uncovered != gap.Population || c.Share < 0 || c.Share > 1 {
			t.Errorf("%s: %+v of %d", c.Category, c, gap.Population)
		}
		if c.NearestWalkM != nil && *c.NearestWalkM > out.BudgetM {
			t.Errorf("%s: nearest %.1f m beyond the budget", c.Category, *c.NearestWalkM)
		}
		if c.Category == "laundry" && c.Uncovered != gap.Gaps["laundry"].Uncovered {
			t.Errorf("laundry uncovered %d, gaps say %d", c.Uncovered, gap.Gaps["laundry"].Uncovered)
		}
	}
	if out.Community.Covered > out.Categories[0].Covered {
		t.Errorf("basic needs cover %d, more than one category alone (%d)", out.Community.Covered, out.Categories[0].Covered)
	}
	f.wantError(t, http.MethodGet, "/api/v1/communities/999999/coverage", "", nil, http.StatusNotFound, "")
}

func TestAdminReloadRoute_AdminOnly(t *testing.T) {
	f := sqliteAPI(t)
	f.wantError(t, http.MethodPost, "/api/v1/admin/reload", "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPost, "/api/v1/admin/reload", "rencheng", nil, http.StatusForbidden, "")
	var st access.Stats
	f.do(t, http.MethodPost, "/api/v1/admin/reload", "admin", nil, http.StatusOK, &st)
	if len(st.Areas) == 0 || st.Outlets == 0 || st.Communities == 0 {
		t.Errorf("reload stats %+v", st)
	}
	areas := make([]string, len(st.Areas))
	for i, a := range st.Areas {
		areas[i] = a.Area
	}
	sort.Strings(areas)
	for _, a := range st.Areas {
		if a.Nodes == 0 || a.RoutingBytes/a.Edges >= 64 {
			t.Errorf("area %s: %d nodes, %d routing bytes per edge", a.Area, a.Nodes, a.RoutingBytes/max(a.Edges, 1))
		}
	}
}

// BenchmarkIsochroneHandlerPorto measures a full 15-minute isochrone request
// with nodes on Porto, through the router but without the network.
func BenchmarkIsochroneHandlerPorto(b *testing.B) {
	f := portoAPI(b)
	q := url.Values{"lon": {fmt.Sprint(portoCentre.Lon())}, "lat": {fmt.Sprint(portoCentre.Lat())}, "detail": {"nodes"}}
	path := "/api/v1/isochrone?" + q.Encode()
	rec := httptest.NewRecorder()
	f.api.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for b.Loop() {
		rec := httptest.NewRecorder()
		f.api.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	}
	cpu.report(b)
}

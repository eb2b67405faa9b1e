package osmcommunity

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
)

// osmFile builds an OSM XML document from squares: each becomes a closed
// way (or, with a relation, its member) with the given tags.
type osmFile struct {
	nodes, ways, rels []string
	nextNode, nextWay int64
}

// square adds a closed way around (lon, lat) of side d degrees and returns
// its ID.
func (f *osmFile) square(lon, lat, d float64, tags map[string]string) int64 {
	f.nextWay++
	id := f.nextWay
	var refs []string
	first := f.nextNode + 1
	for _, p := range []orb.Point{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}} {
		f.nextNode++
		f.nodes = append(f.nodes, fmt.Sprintf(`<node id="%d" lat="%.7f" lon="%.7f"/>`, f.nextNode, p[1], p[0]))
		refs = append(refs, fmt.Sprintf(`<nd ref="%d"/>`, f.nextNode))
	}
	refs = append(refs, fmt.Sprintf(`<nd ref="%d"/>`, first))
	f.ways = append(f.ways, fmt.Sprintf(`<way id="%d">%s%s</way>`, id, strings.Join(refs, ""), tagXML(tags)))
	return id
}

func (f *osmFile) multipolygon(id int64, outer, inner int64, tags map[string]string) {
	f.rels = append(f.rels, fmt.Sprintf(`<relation id="%d"><member type="way" ref="%d" role="outer"/><member type="way" ref="%d" role="inner"/>%s</relation>`,
		id, outer, inner, tagXML(tags)))
}

func tagXML(tags map[string]string) string {
	var b strings.Builder
	for k, v := range tags {
		fmt.Fprintf(&b, `<tag k="%s" v="%s"/>`, k, v)
	}
	return b.String()
}

func (f *osmFile) bytes() []byte {
	return []byte(`<?xml version="1.0"?><osm version="0.6">` + strings.Join(f.nodes, "") +
		strings.Join(f.ways, "") + strings.Join(f.rels, "") + `</osm>`)
}

// footprint is the area in m² of the square square() draws.
func footprint(lon, lat, d float64) float64 {
	return orbgeo.Area(orb.Polygon{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}})
}

func TestExtract_EstimatesPopulationFromResidentialFloorArea(t *testing.T) {
	const b = 0.0002 // building side, about 22 m x 17 m at 41°N
	var f osmFile
	f.square(-8.610, 41.140, 0.004, map[string]string{"landuse": "residential", "name": "Bairro A"})
	f.square(-8.6095, 41.1405, b, map[string]string{"building": "apartments"})                             // 4 levels
	f.square(-8.6090, 41.1405, b, map[string]string{"building": "house"})                                  // 2 levels
	f.square(-8.6085, 41.1405, b, map[string]string{"building": "yes", "building:levels": "7"})            // 7 levels
	f.square(-8.6080, 41.1405, b, map[string]string{"building": "residential"})                            // 3 levels
	f.square(-8.6075, 41.1405, b, map[string]string{"building": "commercial", "building:levels": "5"})     // excluded
	f.square(-8.6070, 41.1405, b, map[string]string{"building": "church"})                                 // excluded
	f.square(-8.6065, 41.1405, b, map[string]string{"building": "yes", "amenity": "school"})               // excluded by use
	f.square(-8.6095, 41.1420, 0.001, map[string]string{"place": "neighbourhood", "name": "Quarteirão B"}) // nested in A
	f.square(-8.6093, 41.1422, b, map[string]string{"building": "apartments", "building:levels": "2;3"})   // in B only: 2 levels
	f.square(-8.600, 41.140, 0.0003, map[string]string{"landuse": "residential", "name": "tiny"})          // < 2,000 m²
	f.square(-8.590, 41.140, 0.002, map[string]string{"landuse": "residential", "name": "no buildings"})   // no floor area
	f.square(-8.591, 41.1405, b, map[string]string{"building": "yes"})                                     // outside every area
	outer := f.square(-8.580, 41.140, 0.003, nil)
	hole := f.square(-8.579, 41.141, 0.001, nil)
	f.multipolygon(1, outer, hole, map[string]string{"type": "multipolygon", "landuse": "residential", "name": "C"})
	f.square(-8.5789, 41.1411, b, map[string]string{"building": "yes"}) // in the hole: not counted
	f.square(-8.5795, 41.1405, b, map[string]string{"building": "yes"}) // in C: 3 levels

	p := DefaultParams()
	as, sum, err := Extract(context.Background(), f.bytes(), osmnet.XML, p)
	if err != nil {
		t.Fatal(err)
	}
	fp := func(lon, lat float64) float64 { return footprint(lon, lat, b) }
	want := map[string]float64{ // residential floor area
		"Bairro A":     fp(-8.6095, 41.1405)*4 + fp(-8.6090, 41.1405)*2 + fp(-8.6085, 41.1405)*7 + fp(-8.6080, 41.1405)*3,
		"Quarteirão B": fp(-8.6093, 41.1422) * 2,
		"C":            fp(-8.5795, 41.1405) * 3,
	}
	if len(as) != len(want) {
		t.Fatalf("got %d areas, want %d: %+v", len(as), len(want), as)
	}
	for _, a := range as {
		floor, ok := want[a.Name]
		if !ok {
			t.Errorf("unexpected area %q (%s)", a.Name, a.Ref)
			continue
		}
		if math.Abs(a.FloorAreaM2-floor) > 1e-6*floor {
			t.Errorf("%s: floor area %.1f m², want %.1f", a.Name, a.FloorAreaM2, floor)
		}
		if pop := int(math.Round(floor / 40)); a.Population != pop {
			t.Errorf("%s: population %d, want %d (floor area / 40 m²)", a.Name, a.Population, pop)
		}
		if hh := int(math.Round(float64(a.Population) / 2.5)); a.Households != hh {
			t.Errorf("%s: households %d, want %d (population / 2.5)", a.Name, a.Households, hh)
		}
	}
	if as[2].Ref != "relation/1" || len(as[2].Polygon[0]) != 2 {
		t.Errorf("multipolygon area = %s with %d rings, want relation/1 with its hole", as[2].Ref, len(as[2].Polygon[0]))
	}
	wantSum := Summary{AreasRead: 5, AreasKept: 3, SkippedSmall: 1, SkippedNoFloorArea: 1, Buildings: 11,
		NonResidential: 3, BuildingsCounted: 6}
	got := sum
	got.FloorAreaM2, got.Population = 0, 0
	if got != wantSum {
		t.Errorf("summary = %+v,\nwant %+v", got, wantSum)
	}
}

func TestExtract_RejectsNonPositiveParameters(t *testing.T) {
	var f osmFile
	f.square(-8.61, 41.14, 0.004, map[string]string{"landuse": "residential"})
	for _, p := range []Params{{M2PerPerson: 0, PersonsPerHousehold: 2.5}, {M2PerPerson: 40, PersonsPerHousehold: -1}} {
		if _, _, err := Extract(context.Background(), f.bytes(), osmnet.XML, p); err == nil {
			t.Errorf("Extract with %+v succeeded, want an error", p)
		}
	}
}

func TestParseLevels(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{{"3", 3, true}, {"2.5", 2.5, true}, {"4;5", 4, true}, {" 6 ", 6, true}, {"", 0, false}, {"0", 0, false},
		{"-2", 0, false}, {"many", 0, false}, {"NaN", 0, false}} {
		got, ok := parseLevels(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseLevels(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// Central Porto: the extract's bounding box is about 2.3 km x 3.5 km
// (8 km²), most of it in the city's central parishes, which the 2021 census
// counts at roughly 5,000-8,000 residents per km². The whole box therefore
// holds some 40,000-65,000 people, and OSM's landuse=residential areas
// cover only part of it, so the estimate must lie below that; far fewer
// than 10,000 would mean buildings are not being found inside the areas.
func TestExtract_PortoPopulationIsPlausibleAndConserved(t *testing.T) {
	data, err := os.ReadFile("../../testdata/osm/porto.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	as, sum, err := Extract(context.Background(), data, osmnet.PBF, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Porto: %+v", sum)
	if sum.AreasRead != 199 || len(as) != 86 || sum.AreasKept != 86 || sum.SkippedSmall != 108 || sum.SkippedNoFloorArea != 5 {
		t.Errorf("areas: read %d, kept %d (%d returned), small %d, without floor area %d; want 199, 86, 108, 5",
			sum.AreasRead, sum.AreasKept, len(as), sum.SkippedSmall, sum.SkippedNoFloorArea)
	}
	if sum.Population < 10_000 || sum.Population > 60_000 {
		t.Errorf("estimated population %d, want 10,000-60,000 for the mapped residential areas of central Porto", sum.Population)
	}
	pop, buildings, floor := 0, 0, 0.0
	refs := map[string]bool{}
	for _, a := range as {
		if refs[a.Ref] || !strings.HasPrefix(a.Ref, "way/") && !strings.HasPrefix(a.Ref, "relation/") {
			t.Errorf("ref %q repeated or not an OSM way/relation", a.Ref)
		}
		refs[a.Ref] = true
		if err := geo.ValidateMultiPolygon(a.Polygon); err != nil {
			t.Errorf("%s: invalid polygon: %v", a.Ref, err)
		}
		if a.AreaM2 < 2000 || a.Buildings == 0 || a.FloorAreaM2 <= 0 {
			t.Errorf("%s: %.0f m², %d buildings, %.0f m² floor; kept areas are >= 2,000 m² with residential floor area",
				a.Ref, a.AreaM2, a.Buildings, a.FloorAreaM2)
		}
		if want := int(math.Round(a.FloorAreaM2 / 40)); a.Population != want {
			t.Errorf("%s: population %d, want %d from %.0f m² of floor area", a.Ref, a.Population, want, a.FloorAreaM2)
		}
		pop += a.Population
		buildings += a.Buildings
		floor += a.FloorAreaM2
	}
	if pop != sum.Population || buildings != sum.BuildingsCounted || math.Abs(floor-sum.FloorAreaM2) > 1e-6 {
		t.Errorf("areas add up to %d people, %d buildings, %.0f m²; summary says %d, %d, %.0f",
			pop, buildings, floor, sum.Population, sum.BuildingsCounted, sum.FloorAreaM2)
	}
	if sum.BuildingsCounted > sum.Buildings-sum.NonResidential {
		t.Errorf("%d buildings counted, but only %d are residential: some were counted twice",
			sum.BuildingsCounted, sum.Buildings-sum.NonResidential)
	}
}

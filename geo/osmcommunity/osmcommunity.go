// Package osmcommunity derives residential communities from OpenStreetMap
// for cities that have no community register: residential areas become
// communities and their population is estimated dasymetrically from the
// building footprints inside them.
//
// Residential areas are closed ways and multipolygon relations tagged
// landuse=residential, and place=neighbourhood or place=quarter polygons.
// A building counts toward the smallest area containing the centroid of its
// outer ring, so no building is counted twice where areas nest. Its
// residential floor area is footprint area x levels (building:levels, or a
// default by building type); buildings whose type or use is not residential
// (shops, offices, churches, schools, garages...) add nothing. The
// population of an area is its residential floor area divided by the floor
// area per resident (Params.M2PerPerson), rounded; households are
// population / Params.PersonsPerHousehold, rounded.
//
// These are estimates, to be replaced by census or register figures where
// a city has them.
package osmcommunity

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"

	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
)

// Params are the assumptions of the estimate.
type Params struct {
	// M2PerPerson is the residential floor area per resident. The default,
	// 40 m², is an assumption (European cities typically house 30-50 m² of
	// floor space per person); replace it with census figures where known.
	M2PerPerson float64
	// PersonsPerHousehold turns population into households; the default
	// 2.5 is likewise an assumption.
	PersonsPerHousehold float64
	// MinAreaM2 is the smallest residential area kept as a community;
	// smaller ones (a single courtyard, a mapping sliver) are skipped.
	MinAreaM2 float64
}

// DefaultParams returns 40 m² per person, 2.5 persons per household and a
// 2,000 m² minimum area.
func DefaultParams() Params {
	return Params{M2PerPerson: 40, PersonsPerHousehold: 2.5, MinAreaM2: 2000}
}

// Default building levels by building type when building:levels is absent.
const (
	levelsApartments = 4
	levelsHouse      = 2
	levelsOther      = 3
)

// Area is one residential area with its estimated population.
type Area struct {
	Ref         string           // "way/123" or "relation/45"
	Name        string           // the name tag, "" when unnamed
	Kind        string           // "landuse=residential", "place=neighbourhood", "place=quarter"
	Polygon     orb.MultiPolygon // WGS-84, outer rings counter-clockwise, holes clockwise
	AreaM2      float64
	Buildings   int     // residential buildings counted
	FloorAreaM2 float64 // their residential floor area
	Population  int
	Households  int
}

// Summary counts what Extract read, kept and skipped.
type Summary struct {
	AreasRead          int // residential area candidates with a complete geometry
	AreasKept          int
	SkippedSmall       int // below Params.MinAreaM2
	SkippedNoFloorArea int // no residential building inside
	SkippedInvalid     int // a ring crossing itself or another, or too few points
	Buildings          int // building footprints read
	NonResidential     int // buildings excluded by type or use
	BuildingsCounted   int // residential buildings inside a kept area
	FloorAreaM2        float64
	Population         int
}

// nonResidential lists building values whose floor area houses no one.
var nonResidential = map[string]bool{
	"commercial": true, "retail": true, "office": true, "industrial": true, "warehouse": true,
	"supermarket": true, "kiosk": true, "hotel": true, "church": true, "chapel": true, "cathedral": true,
	"mosque": true, "temple": true, "synagogue": true, "shrine": true, "religious": true, "monastery": true,
	"convent": true, "school": true, "university": true, "college": true, "kindergarten": true,
	"hospital": true, "public": true, "civic": true, "government": true, "train_station": true,
	"transportation": true, "garage": true, "garages": true, "carport": true, "parking": true, "roof": true,
	"shed": true, "hut": true, "cabin": true, "service": true, "transformer_tower": true, "tower": true,
	"collapsed": true, "ruins": true, "construction": true, "sports_hall": true, "stadium": true,
	"pavilion": true, "greenhouse": true, "barn": true, "farm_auxiliary": true, "stable": true,
	"bunker": true, "bridge": true, "toilets": true, "fire_station": true, "museum": true,
	"grandstand": true, "water_tower": true, "storage_tank": true, "silo": true,
}

// useTags mark a building of an otherwise residential or unspecified type
// as used for something else (building=yes + amenity=school).
var useTags = []string{"amenity", "shop", "office", "tourism", "leisure", "public_transport", "craft"}

// residentialBuilding reports whether a building with tags t may house
// residents, and its levels.
func residentialBuilding(t osm.Tags) (bool, float64) {
	b := t.Find("building")
	if nonResidential[b] {
		return false, 0
	}
	if b == "yes" {
		for _, k := range useTags {
			if t.Find(k) != "" {
				return false, 0
			}
		}
	}
	if lv, ok := parseLevels(t.Find("building:levels")); ok {
		return true, lv
	}
	switch b {
	case "apartments", "dormitory":
		return true, levelsApartments
	case "house", "detached", "semidetached_house", "terrace", "bungalow", "farm":
		return true, levelsHouse
	}
	return true, levelsOther
}

// parseLevels reads a positive level count ("3", "2.5", "3;4" takes 3).
func parseLevels(v string) (float64, bool) {
	if i := strings.IndexAny(v, ";,-"); i > 0 {
		v = v[:i]
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(n) || n <= 0 || n > 200 {
		return 0, false
	}
	return n, true
}

// areaKind returns the kind of a residential area, "" for other tags.
func areaKind(t osm.Tags) string {
	if t.Find("landuse") == "residential" {
		return "landuse=residential"
	}
	switch p := t.Find("place"); p {
	case "neighbourhood", "quarter":
		return "place=" + p
	}
	return ""
}

// shape is a polygon read from OSM before it is checked.
type shape struct {
	ref   string
	tags  osm.Tags
	outer [][]int64 // rings of node IDs
	inner [][]int64
}

// Extract reads an OSM file and returns its residential areas, in file
// order (ways before relations), with their estimated population.
func Extract(ctx context.Context, data []byte, format osmnet.Format, p Params) ([]Area, Summary, error) {
	var sum Summary
	if p.M2PerPerson <= 0 || p.PersonsPerHousehold <= 0 || p.MinAreaM2 < 0 {
		return nil, sum, fmt.Errorf("osm communities: m² per person and persons per household must be positive (got %v, %v)",
			p.M2PerPerson, p.PersonsPerHousehold)
	}
	// Relations first: which ways they need.
	var relAreas, relBuildings []shape
	type members struct{ outer, inner []int64 }
	relMembers := map[string]members{}
	memberWays := map[int64]bool{}
	err := osmnet.Scan(ctx, data, format, osmnet.Kinds{Relations: true}, func(o osm.Object) error {
		r := o.(*osm.Relation)
		if r.Tags.Find("type") != "multipolygon" {
			return nil
		}
		isArea, isBuilding := areaKind(r.Tags) != "", r.Tags.Find("building") != ""
		if !isArea && !isBuilding {
			return nil
		}
		var m members
		for _, mb := range r.Members {
			if mb.Type != osm.TypeWay {
				continue
			}
			memberWays[mb.Ref] = true
			if mb.Role == "inner" {
				m.inner = append(m.inner, mb.Ref)
			} else {
				m.outer = append(m.outer, mb.Ref)
			}
		}
		s := shape{ref: fmt.Sprintf("relation/%d", r.ID), tags: r.Tags}
		relMembers[s.ref] = m
		if isArea {
			relAreas = append(relAreas, s)
		} else {
			relBuildings = append(relBuildings, s)
		}
		return nil
	}, nil)
	if err != nil {
		return nil, sum, fmt.Errorf("osm communities: %w", err)
	}
	// Ways: closed areas and buildings, and the relations' member ways.
	var areas, buildings []shape
	wayNodes := map[int64][]int64{}
	needNodes := map[int64]bool{}
	need := func(ids []int64) {
		for _, id := range ids {
			needNodes[id] = true
		}
	}
	err = osmnet.Scan(ctx, data, format, osmnet.Kinds{Ways: true}, func(o osm.Object) error {
		w := o.(*osm.Way)
		ids := w.Nodes.NodeIDs()
		nodes := make([]int64, len(ids))
		for i, id := range ids {
			nodes[i] = int64(id)
		}
		if memberWays[int64(w.ID)] {
			wayNodes[int64(w.ID)] = nodes
			need(nodes)
		}
		closed := len(nodes) >= 4 && nodes[0] == nodes[len(nodes)-1]
		if !closed {
			return nil
		}
		s := shape{ref: fmt.Sprintf("way/%d", w.ID), tags: w.Tags, outer: [][]int64{nodes}}
		switch {
		case areaKind(w.Tags) != "":
			areas = append(areas, s)
			need(nodes)
		case w.Tags.Find("building") != "":
			buildings = append(buildings, s)
			need(nodes)
		}
		return nil
	}, nil)
	if err != nil {
		return nil, sum, fmt.Errorf("osm communities: %w", err)
	}
	for _, group := range []struct {
		from []shape
		to   *[]shape
	}{{relAreas, &areas}, {relBuildings, &buildings}} {
		for _, s := range group.from {
			m := relMembers[s.ref]
			s.outer = osmnet.AssembleRings(m.outer, wayNodes)
			s.inner = osmnet.AssembleRings(m.inner, wayNodes)
			if len(s.outer) > 0 {
				*group.to = append(*group.to, s)
			}
		}
	}
	coords := make(map[int64]orb.Point, len(needNodes))
	err = osmnet.Scan(ctx, data, format, osmnet.Kinds{Nodes: true}, func(o osm.Object) error {
		n := o.(*osm.Node)
		if needNodes[int64(n.ID)] {
			coords[int64(n.ID)] = orb.Point{n.Lon, n.Lat}
		}
		return nil
	}, nil)
	if err != nil {
		return nil, sum, fmt.Errorf("osm communities: %w", err)
	}
	out, sum := estimate(areas, buildings, coords, p, sum)
	return out, sum, nil
}

// estimate builds the areas' polygons, assigns each residential building to
// the smallest area containing it and turns floor area into population.
func estimate(areaShapes, buildingShapes []shape, coords map[int64]orb.Point, p Params, sum Summary) ([]Area, Summary) {
	type candidate struct {
		Area
		bound orb.Bound
	}
	var cands []*candidate
	for _, s := range areaShapes {
		mp, ok := polygon(s, coords)
		if !ok {
			continue
		}
		sum.AreasRead++
		if geo.ValidateMultiPolygon(mp) != nil {
			sum.SkippedInvalid++
			continue
		}
		a := &candidate{Area: Area{Ref: s.ref, Name: s.tags.Find("name"), Kind: areaKind(s.tags), Polygon: mp,
			AreaM2: orbgeo.Area(mp)}, bound: mp.Bound()}
		if a.AreaM2 < p.MinAreaM2 {
			sum.SkippedSmall++
			continue
		}
		cands = append(cands, a)
	}
	// Smallest first, so a building goes to the innermost area holding it.
	bySize := slices.Clone(cands)
	slices.SortStableFunc(bySize, func(a, b *candidate) int { return cmpFloat(a.AreaM2, b.AreaM2) })
	for _, s := range buildingShapes {
		mp, ok := polygon(s, coords)
		if !ok {
			continue
		}
		sum.Buildings++
		res, levels := residentialBuilding(s.tags)
		if !res {
			sum.NonResidential++
			continue
		}
		c, _ := planar.CentroidArea(mp[0])
		for _, a := range bySize {
			if a.bound.Contains(c) && planar.MultiPolygonContains(a.Polygon, c) {
				a.Buildings++
				a.FloorAreaM2 += orbgeo.Area(mp) * levels
				break
			}
		}
	}
	var out []Area
	for _, a := range cands {
		if a.FloorAreaM2 <= 0 {
			sum.SkippedNoFloorArea++
			continue
		}
		a.Population = int(math.Round(a.FloorAreaM2 / p.M2PerPerson))
		a.Households = int(math.Round(float64(a.Population) / p.PersonsPerHousehold))
		sum.AreasKept++
		sum.BuildingsCounted += a.Buildings
		sum.FloorAreaM2 += a.FloorAreaM2
		sum.Population += a.Population
		out = append(out, a.Area)
	}
	return out, sum
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// polygon turns a shape into a multipolygon with one polygon per outer ring
// and each inner ring under the outer ring containing it; false when a node
// has no coordinates.
func polygon(s shape, coords map[int64]orb.Point) (orb.MultiPolygon, bool) {
	ring := func(ids []int64) (orb.Ring, bool) {
		r := make(orb.Ring, len(ids))
		for i, id := range ids {
			pt, ok := coords[id]
			if !ok {
				return nil, false
			}
			r[i] = pt
		}
		return r, true
	}
	var mp orb.MultiPolygon
	for _, ids := range s.outer {
		r, ok := ring(ids)
		if !ok {
			return nil, false
		}
		if r.Orientation() == orb.CW {
			r.Reverse()
		}
		mp = append(mp, orb.Polygon{r})
	}
	for _, ids := range s.inner {
		r, ok := ring(ids)
		if !ok {
			return nil, false
		}
		if r.Orientation() == orb.CCW {
			r.Reverse()
		}
		for i := range mp {
			if planar.RingContains(mp[i][0], r[0]) {
				mp[i] = append(mp[i], r)
				break
			}
		}
	}
	return mp, true
}

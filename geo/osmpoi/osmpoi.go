// Package osmpoi maps OpenStreetMap features to QuarterHour outlet
// categories by tag rules and extracts them as points from an OSM file.
package osmpoi

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"github.com/quarterhour/quarterhour/geo/osmnet"
)

// Cond is one tag condition: Key=Value. Value may be "*" for any value,
// and a tag with a ';' list matches if any element equals Value.
type Cond struct {
	Key, Value string
}

// Rule is a conjunction of tag conditions, written "k=v" or
// "k1=v1+k2=v2" ('+' means AND).
type Rule struct {
	Conds []Cond
	text  string
}

// ParseRule parses "key=value" or "key=value+key2=value2". A bare wildcard
// rule "shop=*" is refused: it would swallow every shop; "*" is accepted
// only alongside a concrete condition ("amenity=cafe+cuisine=*").
func ParseRule(s string) (Rule, error) {
	r := Rule{text: strings.TrimSpace(s)}
	concrete := false
	for _, part := range strings.Split(r.text, "+") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return Rule{}, fmt.Errorf("tag rule %q: want key=value, got %q", s, part)
		}
		if v != "*" {
			concrete = true
		}
		r.Conds = append(r.Conds, Cond{k, v})
	}
	if !concrete {
		return Rule{}, fmt.Errorf("tag rule %q: a rule needs at least one concrete key=value", s)
	}
	return r, nil
}

// String returns the rule as written.
func (r Rule) String() string { return r.text }

// Matches reports whether tags satisfy every condition of r.
func (r Rule) Matches(tags osm.Tags) bool {
	for _, c := range r.Conds {
		v := tags.Find(c.Key)
		if v == "" {
			return false
		}
		if c.Value == "*" || v == c.Value {
			continue
		}
		found := false
		for _, item := range strings.Split(v, ";") {
			if strings.TrimSpace(item) == c.Value {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

type mapped struct {
	rule     Rule
	category string
}

// Mapper assigns a category to tagged features.
type Mapper struct {
	rules []mapped
}

// NewMapper builds a Mapper from category code -> tag rules. Rules are
// tried most specific first (more conditions), then by category code and
// the rule's position, so the result does not depend on map order:
// "amenity=fast_food+cuisine=breakfast" wins over "amenity=fast_food".
func NewMapper(rules map[string][]string) (*Mapper, error) {
	m := &Mapper{}
	type ranked struct {
		mapped
		pos int
	}
	var all []ranked
	for code, list := range rules {
		for i, s := range list {
			r, err := ParseRule(s)
			if err != nil {
				return nil, fmt.Errorf("category %s: %w", code, err)
			}
			all = append(all, ranked{mapped{r, code}, i})
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no tag rules")
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if len(a.rule.Conds) != len(b.rule.Conds) {
			return len(a.rule.Conds) > len(b.rule.Conds)
		}
		if a.category != b.category {
			return a.category < b.category
		}
		return a.pos < b.pos
	})
	for _, r := range all {
		m.rules = append(m.rules, r.mapped)
	}
	return m, nil
}

// Category returns the category of the first matching rule.
func (m *Mapper) Category(tags osm.Tags) (string, bool) {
	for _, r := range m.rules {
		if r.rule.Matches(tags) {
			return r.category, true
		}
	}
	return "", false
}

// POI is one mapped OSM feature.
type POI struct {
	Ref      string // "node/123", "way/45", "relation/6"
	Name     string // name:zh, else name
	Category string
	Point    orb.Point         // node position, or centroid of the way/relation's nodes
	Brand    string            // brand, else operator
	Tags     map[string]string // opening_hours, payment:*, addr:*, brand tags
}

// ExtractSummary counts what Extract saw.
type ExtractSummary struct {
	Objects     int            // tagged nodes, ways and relations examined
	Mapped      int            // POIs returned
	ByCategory  map[string]int // POIs per category
	NoGeometry  int            // mapped ways/relations without node coordinates
	ByOSMType   map[string]int // POIs per OSM type: node, way, relation
	NamedMapped int            // POIs that have a name
}

// keptTag reports whether a tag is carried into POI.Tags.
func keptTag(k string) bool {
	switch k {
	case "opening_hours", "payment:cash", "payment:cards", "payment:debit_cards",
		"payment:credit_cards", "payment:coins", "payment:notes", "brand", "brand:zh",
		"brand:wikidata", "operator", "phone", "website":
		return true
	}
	return strings.HasPrefix(k, "addr:")
}

// Extract reads OSM data in format from r and returns the features m maps,
// sorted by Ref. Ways and relations become the centroid of their nodes
// (relations through their member ways and nodes, one level deep).
func Extract(ctx context.Context, r io.Reader, format osmnet.Format, m *Mapper) ([]POI, ExtractSummary, error) {
	sum := ExtractSummary{ByCategory: map[string]int{}, ByOSMType: map[string]int{}}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, sum, fmt.Errorf("read OSM input: %w", err)
	}

	type pending struct {
		poi   POI
		nodes []int64
		ways  []int64
	}
	var pois []*pending
	needWays := map[int64]bool{}
	needNodes := map[int64]bool{}
	take := func(typ string, id int64, tags osm.Tags) *pending {
		if len(tags) == 0 {
			return nil
		}
		sum.Objects++
		cat, ok := m.Category(tags)
		if !ok {
			return nil
		}
		p := &pending{poi: newPOI(fmt.Sprintf("%s/%d", typ, id), cat, tags)}
		pois = append(pois, p)
		return p
	}

	err = osmnet.Scan(ctx, data, format, osmnet.Kinds{Relations: true}, func(o osm.Object) error {
		rel := o.(*osm.Relation)
		if p := take("relation", int64(rel.ID), rel.Tags); p != nil {
			for _, mb := range rel.Members {
				switch mb.Type {
				case osm.TypeWay:
					p.ways = append(p.ways, mb.Ref)
					needWays[mb.Ref] = true
				case osm.TypeNode:
					p.nodes = append(p.nodes, mb.Ref)
					needNodes[mb.Ref] = true
				}
			}
		}
		return nil
	}, nil)
	if err != nil {
		return nil, sum, fmt.Errorf("scan relations: %w", err)
	}

	wayNodes := map[int64][]int64{}
	err = osmnet.Scan(ctx, data, format, osmnet.Kinds{Ways: true}, func(o osm.Object) error {
		w := o.(*osm.Way)
		ids := make([]int64, 0, len(w.Nodes))
		for _, n := range w.Nodes {
			ids = append(ids, int64(n.ID))
		}
		if len(ids) > 1 && ids[0] == ids[len(ids)-1] {
			ids = ids[:len(ids)-1] // a closed ring counts its first node once
		}
		p := take("way", int64(w.ID), w.Tags)
		if p != nil {
			p.nodes = ids
		}
		if needWays[int64(w.ID)] {
			wayNodes[int64(w.ID)] = ids
		}
		if p != nil || needWays[int64(w.ID)] {
			for _, id := range ids {
				needNodes[id] = true
			}
		}
		return nil
	}, nil)
	if err != nil {
		return nil, sum, fmt.Errorf("scan ways: %w", err)
	}

	coords := map[int64]orb.Point{}
	err = osmnet.Scan(ctx, data, format, osmnet.Kinds{Nodes: true}, func(o osm.Object) error {
		n := o.(*osm.Node)
		if needNodes[int64(n.ID)] {
			coords[int64(n.ID)] = n.Point()
		}
		if p := take("node", int64(n.ID), n.Tags); p != nil {
			p.poi.Point = n.Point()
		}
		return nil
	}, nil)
	if err != nil {
		return nil, sum, fmt.Errorf("scan nodes: %w", err)
	}

	var out []POI
	for _, p := range pois {
		if !strings.HasPrefix(p.poi.Ref, "node/") {
			ids := p.nodes
			for _, w := range p.ways {
				ids = append(ids, wayNodes[w]...)
			}
			c, ok := centroid(ids, coords)
			if !ok {
				sum.NoGeometry++
				continue
			}
			p.poi.Point = c
		}
		out = append(out, p.poi)
		sum.Mapped++
		sum.ByCategory[p.poi.Category]++
		sum.ByOSMType[p.poi.Ref[:strings.IndexByte(p.poi.Ref, '/')]]++
		if p.poi.Name != "" {
			sum.NamedMapped++
		}
	}
	sort.Slice(out, func(i, j int) bool { return refLess(out[i].Ref, out[j].Ref) })
	return out, sum, nil
}

func newPOI(ref, cat string, tags osm.Tags) POI {
	p := POI{Ref: ref, Category: cat, Tags: map[string]string{}}
	p.Name = tags.Find("name:zh")
	if p.Name == "" {
		p.Name = tags.Find("name")
	}
	p.Brand = tags.Find("brand")
	if p.Brand == "" {
		p.Brand = tags.Find("operator")
	}
	for _, t := range tags {
		if keptTag(t.Key) {
			p.Tags[t.Key] = t.Value
		}
	}
	return p
}

// centroid is the mean of the distinct nodes' positions.
func centroid(ids []int64, coords map[int64]orb.Point) (orb.Point, bool) {
	seen := map[int64]bool{}
	var x, y float64
	n := 0
	for _, id := range ids {
		c, ok := coords[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		x += c[0]
		y += c[1]
		n++
	}
	if n == 0 {
		return orb.Point{}, false
	}
	return orb.Point{x / float64(n), y / float64(n)}, true
}

// refLess orders refs by type (node, way, relation), then numeric ID.
func refLess(a, b string) bool {
	ta, ia := splitRef(a)
	tb, ib := splitRef(b)
	if ta != tb {
		return ta < tb
	}
	return ia < ib
}

func splitRef(ref string) (int, int64) {
	typ, id, _ := strings.Cut(ref, "/")
	var n int64
	fmt.Sscan(id, &n)
	switch typ {
	case "node":
		return 0, n
	case "way":
		return 1, n
	}
	return 2, n
}

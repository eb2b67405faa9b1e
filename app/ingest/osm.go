package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/geo/osmpoi"
	"github.com/quarterhour/quarterhour/store"
)

// NetworkImport reports an imported walking network.
type NetworkImport struct {
	Area    string
	Summary osmnet.Summary
}

// ImportNetwork reads an OSM extract (PBF or XML by format, osmnet.Detect
// to sniff) into the walking network of area and replaces that area's
// stored network in one transaction. Any read error (empty or truncated
// file, no walkable ways) returns before the store is touched, so the
// previous network stays. progress, if set, receives osmnet's stages.
func ImportNetwork(ctx context.Context, st store.Store, r io.Reader, format osmnet.Format, area, file string,
	progress func(stage string, done, total int)) (NetworkImport, error) {
	if strings.TrimSpace(area) == "" {
		return NetworkImport{}, fmt.Errorf("import network: empty area name")
	}
	net, sum, err := osmnet.Read(ctx, r, format, osmnet.Options{Progress: progress})
	if err != nil {
		return NetworkImport{Area: area, Summary: sum}, fmt.Errorf("import network %s: %w", file, err)
	}
	n := quarterhour.Network{Area: area, Nodes: make([]quarterhour.WalkNode, len(net.Nodes)), Edges: make([]quarterhour.WalkEdge, len(net.Edges))}
	for i, v := range net.Nodes {
		n.Nodes[i] = quarterhour.WalkNode{ID: v.ID, Point: v.Point}
	}
	for i, e := range net.Edges {
		n.Edges[i] = quarterhour.WalkEdge{ID: e.ID, Source: e.Source, Target: e.Target, Cost: e.LengthM, ReverseCost: e.LengthM,
			LengthM: e.LengthM, Geom: e.Geom, OSMWayID: e.OSMWayID, Highway: e.Highway}
	}
	imp := &quarterhour.Import{Kind: "network", File: file, CRS: "EPSG:4326", RowsOK: len(n.Edges)}
	if err := st.ReplaceNetwork(ctx, &n, imp); err != nil {
		return NetworkImport{Area: area, Summary: sum}, fmt.Errorf("import network %s: store: %w", file, err)
	}
	return NetworkImport{Area: area, Summary: sum}, nil
}

// OutletImport reports an OSM outlet import.
type OutletImport struct {
	Extract    osmpoi.ExtractSummary
	Accepted   int
	Rejected   map[string]int // reason -> count
	Stats      store.UpsertStats
	ByCategory map[string]int // accepted per category
}

// ImportOSMOutlets maps the OSM features of r to outlets by the stored
// categories' OSM tag rules and upserts them by (source "osm", OSM ref), so
// a re-import updates rows and never duplicates them. District is the
// county containing the point, "" outside the stored counties.
func ImportOSMOutlets(ctx context.Context, st store.Store, r io.Reader, format osmnet.Format, file string) (OutletImport, error) {
	res := OutletImport{Rejected: map[string]int{}, ByCategory: map[string]int{}}
	cats, err := st.ListCategories(ctx)
	if err != nil {
		return res, fmt.Errorf("import osm outlets: categories: %w", err)
	}
	rules := map[string][]string{}
	names := map[string]string{}
	for _, c := range cats {
		if len(c.OSMTags) > 0 {
			rules[c.Code] = c.OSMTags
		}
		names[c.Code] = c.NameZH
	}
	m, err := osmpoi.NewMapper(rules)
	if err != nil {
		return res, fmt.Errorf("import osm outlets: category rules: %w", err)
	}
	pois, sum, err := osmpoi.Extract(ctx, r, format, m)
	res.Extract = sum
	if err != nil {
		return res, fmt.Errorf("import osm outlets %s: %w", file, err)
	}
	counties, err := loadCounties(ctx, st)
	if err != nil {
		return res, fmt.Errorf("import osm outlets: %w", err)
	}
	if sum.NoGeometry > 0 {
		res.Rejected["no node coordinates"] = sum.NoGeometry
	}
	var rejections []map[string]string
	outs := make([]quarterhour.Outlet, 0, len(pois))
	for _, p := range pois {
		o, reason := outletFromPOI(p, names[p.Category], counties)
		if reason != "" {
			res.Rejected[reason]++
			rejections = append(rejections, map[string]string{"ref": p.Ref, "reason": reason})
			continue
		}
		outs = append(outs, o)
		res.ByCategory[o.Category]++
	}
	res.Accepted = len(outs)
	rej, err := json.Marshal(rejections)
	if err != nil {
		return res, fmt.Errorf("import osm outlets: %w", err)
	}
	imp := &quarterhour.Import{Kind: "osm-outlets", File: file, CRS: "EPSG:4326", RowsOK: len(outs), RowsRejected: len(rejections), Rejections: rej}
	if res.Stats, err = st.UpsertOutletsBySource(ctx, outs, imp); err != nil {
		return res, fmt.Errorf("import osm outlets %s: store: %w", file, err)
	}
	return res, nil
}

// outletFromPOI converts a POI; a non-empty reason means it is rejected.
func outletFromPOI(p osmpoi.POI, categoryName string, counties []county) (quarterhour.Outlet, string) {
	if err := geo.ValidateLonLat(p.Point); err != nil {
		return quarterhour.Outlet{}, "invalid coordinates"
	}
	cell, err := geo.CellOf(p.Point, geo.DefaultRes)
	if err != nil {
		return quarterhour.Outlet{}, "invalid coordinates"
	}
	name := p.Name
	if name == "" {
		// Unnamed shops still serve residents; label them by category and ref.
		name = fmt.Sprintf("%s (%s)", categoryName, p.Ref)
	}
	t := p.Tags
	o := quarterhour.Outlet{
		Name:         name,
		Category:     p.Category,
		Point:        p.Point,
		H3:           cell.String(),
		District:     locateCounty(counties, p.Point),
		Address:      address(t),
		Brand:        p.Brand,
		IsChain:      t["brand"] != "" || t["brand:wikidata"] != "",
		AcceptsCash:  yes(t["payment:cash"]) || yes(t["payment:coins"]) || yes(t["payment:notes"]),
		AcceptsCard:  yes(t["payment:cards"]) || yes(t["payment:debit_cards"]) || yes(t["payment:credit_cards"]),
		OpeningHours: t["opening_hours"],
		Status:       quarterhour.OutletOpen,
		Source:       "osm",
		SourceRef:    p.Ref,
		OriginalCRS:  "EPSG:4326",
		Services:     []string{},
	}
	return o, ""
}

func yes(v string) bool { return v == "yes" }

// address is addr:full, else the street address and city.
func address(t map[string]string) string {
	if f := t["addr:full"]; f != "" {
		return f
	}
	var parts []string
	street := strings.TrimSpace(t["addr:street"] + " " + t["addr:housenumber"])
	for _, s := range []string{street, t["addr:postcode"], t["addr:city"]} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

type county struct {
	code     string
	boundary orb.MultiPolygon
	bound    orb.Bound
}

// loadCounties reads the county boundaries, sorted by code.
func loadCounties(ctx context.Context, st store.Store) ([]county, error) {
	rs, err := st.ListRegions(ctx, store.RegionFilter{Level: quarterhour.LevelCounty})
	if err != nil {
		return nil, fmt.Errorf("county boundaries: %w", err)
	}
	var out []county
	for _, r := range rs {
		if len(r.Boundary) == 0 || len(r.Code) < 6 {
			continue
		}
		out = append(out, county{code: r.Code[:6], boundary: r.Boundary, bound: r.Boundary.Bound()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].code < out[j].code })
	return out, nil
}

func locateCounty(cs []county, p orb.Point) string {
	for _, c := range cs {
		if c.bound.Contains(p) && planar.MultiPolygonContains(c.boundary, p) {
			return c.code
		}
	}
	return ""
}

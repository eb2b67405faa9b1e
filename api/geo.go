package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
)

// walk is the walking profile of a request: the walk and the budget in
// metres it makes.
type walk struct {
	geo.Walk
	BudgetM float64 `json:"budget_m"`
}

// newWalk checks minutes and speed_kmh against geo.Walk's limits and gives
// the budget they make.
func newWalk(minutes, speedKmh float64) (walk, error) {
	w := walk{Walk: geo.Walk{Minutes: minutes, SpeedKmh: speedKmh}}
	w.BudgetM = w.Metres()
	var we *geo.WalkError
	if err := w.Validate(); errors.As(err, &we) {
		return w, badRequest(we.Field, "%s must be above 0 and at most %g", we.Field, we.Max)
	}
	return w, nil
}

// walked is the walk of an answer with its budget in metres, which every
// walking answer also gives at the top level.
type walked struct {
	Walk    walk    `json:"walk"`
	BudgetM float64 `json:"budget_m"`
}

func (w walk) walked() walked { return walked{Walk: w, BudgetM: w.BudgetM} }

// lonLat is a point as JSON.
type lonLat struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

func toLonLat(p orb.Point) lonLat { return lonLat{Lon: p.Lon(), Lat: p.Lat()} }

// geoEngine returns the access index, loading it on first use;
// access.ErrNotReady while no walking network is loaded.
func (s *Server) geoEngine(ctx context.Context) (*access.Index, error) {
	return s.app.LoadedAccess(ctx)
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// isochroneResponse is the body of GET /isochrone (written by
// appendIsochrone).
type isochroneResponse struct {
	Origin    lonLat            `json:"origin"`
	Snap      snapJSON          `json:"snap"`
	Walk      walk              `json:"walk"`
	BudgetM   float64           `json:"budget_m"`
	Res       int               `json:"res"`
	Polygon   *geojson.Geometry `json:"polygon"`
	Cells     []string          `json:"cells"`
	AreaM2    float64           `json:"area_m2"`
	ComputeMS float64           `json:"compute_ms"`
	Nodes     []nodeJSON        `json:"nodes,omitempty"`
}

type snapJSON struct {
	DistanceM float64 `json:"distance_m"`
	Edge      int64   `json:"edge"`
	Point     lonLat  `json:"point"`
}

type nodeJSON struct {
	ID    int64   `json:"id"`
	DistM float64 `json:"dist_m"`
}

func (s *Server) handleIsochrone(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	origin, wk, res, detail := q.origin(), q.walk(), q.int("res", geo.DefaultRes), q.str("detail")
	if detail != "" && detail != "nodes" {
		q.fail(badRequest("detail", "detail must be \"nodes\" or absent"))
	}
	if s.badQuery(w, r, q) {
		return
	}
	start := time.Now()
	iso, err := s.app.Isochrone(r.Context(), origin, wk.BudgetM, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeIsochrone(w, &isochroneBody{origin: origin, walk: wk, iso: iso,
		computeMS: float64(time.Since(start).Microseconds()) / 1000, nodes: detail == "nodes"})
}

// nearbyOutlet is one outlet of GET /nearby.
type nearbyOutlet struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	Category     string  `json:"category"`
	Lon          float64 `json:"lon"`
	Lat          float64 `json:"lat"`
	WalkM        float64 `json:"walk_m"`
	WalkMin      float64 `json:"walk_min"`
	OpeningHours string  `json:"opening_hours,omitempty"`
	OpenNow      *bool   `json:"open_now,omitempty"`
	AcceptsCash  bool    `json:"accepts_cash"`
	AcceptsCard  bool    `json:"accepts_card"`
	Address      string  `json:"address,omitempty"`
	Brand        string  `json:"brand,omitempty"`
}

type nearbyResponse struct {
	Origin lonLat `json:"origin"`
	walked
	Outlets []nearbyOutlet `json:"outlets"`
}

func (s *Server) handleNearby(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	origin, wk := q.origin(), q.walk()
	f := app.NearbyFilter{Category: q.str("category"), OpenNow: q.flag("open_now"), Cash: q.flag("cash"), Card: q.flag("card"),
		Limit: q.int("limit", app.DefaultNearby), Now: time.Now()}
	if s.badQuery(w, r, q) {
		return
	}
	hits, err := s.app.Nearby(r.Context(), origin, wk.BudgetM, f)
	out := nearbyResponse{Origin: toLonLat(origin), walked: wk.walked(), Outlets: make([]nearbyOutlet, len(hits))}
	for i, h := range hits {
		o := h.Outlet
		out.Outlets[i] = nearbyOutlet{ID: o.ID, Name: o.Name, Category: o.Category, Lon: o.Point.Lon(), Lat: o.Point.Lat(),
			WalkM: round1(h.WalkM), WalkMin: round1(h.WalkM / wk.MetresPerMinute()), OpeningHours: o.OpeningHours,
			AcceptsCash: o.AcceptsCash, AcceptsCard: o.AcceptsCard, Address: o.Address, Brand: o.Brand}
		if o.OpeningHours != "" {
			out.Outlets[i].OpenNow = &h.Open
		}
	}
	s.reply(w, r, http.StatusOK, out, err)
}

// accessProps are the properties of one cell of GET /access.
type accessProps struct {
	Cell       string   `json:"cell"`
	Minutes    *float64 `json:"minutes"` // null beyond the budget
	WalkM      *float64 `json:"walk_m"`
	Population int      `json:"population"`
}

func (s *Server) handleAccess(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	wk, bbox := q.walk(), q.bbox()
	if s.badQuery(w, r, q) {
		return
	}
	acc, err := s.app.CellAccess(r.Context(), q.str("category"), bbox, wk.BudgetM)
	fs := make([]Feature, len(acc))
	for i, a := range acc {
		p := accessProps{Cell: a.Cell.String(), Population: a.Population}
		if !math.IsInf(a.WalkM, 1) {
			m, d := round1(a.WalkM/wk.MetresPerMinute()), round1(a.WalkM)
			p.Minutes, p.WalkM = &m, &d
		}
		var ring orb.Ring
		if ring, err = cellRing(a.Cell); err != nil {
			break
		}
		fs[i] = newFeature(0, orb.Polygon{ring}, p)
	}
	s.reply(w, r, http.StatusOK, newCollection(fs), err)
}

func cellStrings(cs []h3.Cell) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

// cellRing is the closed boundary of an H3 cell.
func cellRing(c h3.Cell) (orb.Ring, error) {
	boundary, err := h3.CellToBoundary(c)
	if err != nil {
		return nil, fmt.Errorf("boundary of cell %v: %w", c, err)
	}
	ring := make(orb.Ring, 0, len(boundary)+1)
	for _, ll := range boundary {
		ring = append(ring, orb.Point{ll.Lng, ll.Lat})
	}
	return append(ring, ring[0]), nil
}

// gapCommunity is one community of GET /gaps, its gapJSON by category.
type (
	gapCommunity = app.CommunityGaps
	gapJSON      = app.Gap
)

type gapsResponse struct {
	District string `json:"district"`
	walked
	Categories  []string       `json:"categories"`
	Communities []gapCommunity `json:"communities"`
}

func (s *Server) handleGaps(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	wk, district := q.walk(), q.str("district")
	if s.badQuery(w, r, q) {
		return
	}
	cats, comms, err := s.app.Gaps(r.Context(), district, wk.BudgetM)
	s.reply(w, r, http.StatusOK, gapsResponse{District: district, walked: wk.walked(), Categories: cats, Communities: comms}, err)
}

type suggestionJSON struct {
	Rank            int      `json:"rank"`
	Cell            string   `json:"cell"`
	Lon             float64  `json:"lon"`
	Lat             float64  `json:"lat"`
	AddedPopulation int      `json:"added_population"`
	Covers          []string `json:"covers"`
}

type suggestResponse struct {
	Category string `json:"category"`
	District string `json:"district"`
	walked
	Suggestions []suggestionJSON `json:"suggestions"`
}

func (s *Server) handleSuggest(w http.ResponseWriter, r *http.Request) {
	q := params(r)
	wk, cat, district, n := q.walk(), q.str("category"), q.str("district"), q.int("n", app.DefaultSuggest)
	if s.badQuery(w, r, q) {
		return
	}
	sug, err := s.app.Suggest(r.Context(), cat, district, wk.BudgetM, n)
	out := suggestResponse{Category: cat, District: district, walked: wk.walked(), Suggestions: make([]suggestionJSON, len(sug))}
	for i, sg := range sug {
		out.Suggestions[i] = suggestionJSON{Rank: i + 1, Cell: sg.Cell.String(),
			Lon: sg.Point.Lon(), Lat: sg.Point.Lat(), AddedPopulation: sg.AddedPop, Covers: cellStrings(sg.Covers)}
	}
	s.reply(w, r, http.StatusOK, out, err)
}

// scenarioRequest is the body of POST /scenarios/coverage.
type scenarioRequest struct {
	Add []struct {
		Category string  `json:"category"`
		Lon      float64 `json:"lon"`
		Lat      float64 `json:"lat"`
	} `json:"add"`
	Minutes  *float64 `json:"minutes"`
	SpeedKmh *float64 `json:"speed_kmh"`
	Remove   []int64  `json:"remove"`
	District string   `json:"district"`
}

type coverageJSON struct {
	Covered   int     `json:"covered"`
	Uncovered int     `json:"uncovered"`
	Share     float64 `json:"share"`
}

type scenarioCategory struct {
	Before coverageJSON `json:"before"`
	After  coverageJSON `json:"after"`
	Change int          `json:"change"` // residents newly covered (negative: lost)
}

type scenarioCommunity struct {
	ID         int64                       `json:"id"`
	Name       string                      `json:"name"`
	Population int                         `json:"population"`
	Coverage   map[string]scenarioCategory `json:"coverage"`
}

type scenarioResponse struct {
	walked
	Categories  []string            `json:"categories"`
	Communities []scenarioCommunity `json:"communities"`
	ComputeMS   float64             `json:"compute_ms"`
}

func toCoverageJSON(c access.CommunityCoverage) coverageJSON {
	return coverageJSON{Covered: c.Covered, Uncovered: c.Uncovered, Share: c.Share}
}

func (s *Server) handleScenarioCoverage(w http.ResponseWriter, r *http.Request) {
	var req scenarioRequest
	err := decodeJSON(r, &req)
	minutes, speed := geo.DefaultWalk.Minutes, geo.DefaultWalk.SpeedKmh
	if req.Minutes != nil {
		minutes = *req.Minutes
	}
	if req.SpeedKmh != nil {
		speed = *req.SpeedKmh
	}
	wk, werr := newWalk(minutes, speed)
	if err = cmp.Or(err, werr); err != nil {
		s.writeError(w, r, err)
		return
	}
	sc := access.Scenario{Remove: req.Remove}
	for _, a := range req.Add {
		sc.Add = append(sc.Add, access.ScenarioSite{Category: a.Category, Point: orb.Point{a.Lon, a.Lat}})
	}
	start := time.Now()
	res, err := s.app.Simulate(r.Context(), sc, req.District, wk.BudgetM)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := scenarioResponse{walked: wk.walked(), Categories: res.Categories, Communities: []scenarioCommunity{}}
	for _, id := range res.CommunityIDs {
		covs := res.Communities[id]
		if len(covs) == 0 {
			continue
		}
		c := scenarioCommunity{ID: id, Name: covs[0].Before.Name, Population: covs[0].Before.Population, Coverage: map[string]scenarioCategory{}}
		for _, cv := range covs {
			c.Coverage[cv.Category] = scenarioCategory{Before: toCoverageJSON(cv.Before), After: toCoverageJSON(cv.After),
				Change: cv.After.Covered - cv.Before.Covered}
		}
		out.Communities = append(out.Communities, c)
	}
	out.ComputeMS = float64(time.Since(start).Microseconds()) / 1000
	writeJSON(w, http.StatusOK, out)
}

type circleOutlet struct {
	ID    int64   `json:"id"`
	Name  string  `json:"name"`
	WalkM float64 `json:"walk_m"`
}

// idWalk reads the {id} of the path and the walk of the query, writing the
// error when one is bad.
func (s *Server) idWalk(w http.ResponseWriter, r *http.Request) (int64, walk, bool) {
	q := params(r)
	id, err := pathID(r)
	wk := q.walk()
	if err = cmp.Or(err, q.err); err != nil {
		s.writeError(w, r, err)
	}
	return id, wk, err == nil
}

type communityCoverageJSON struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	Population int     `json:"population"`
	Covered    int     `json:"covered"`
	Uncovered  int     `json:"uncovered"`
	Share      float64 `json:"share"`
}

func toCommunityCoverageJSON(c access.CommunityCoverage) communityCoverageJSON {
	return communityCoverageJSON{ID: c.CommunityID, Name: c.Name, Population: c.Population,
		Covered: c.Covered, Uncovered: c.Uncovered, Share: c.Share}
}

type circleCoverageResponse struct {
	CircleID int64    `json:"circle_id"`
	Name     string   `json:"name"`
	Centers  []lonLat `json:"centers"`
	walked
	Polygon     *geojson.Geometry         `json:"polygon"`
	AreaM2      float64                   `json:"area_m2"`
	Outlets     map[string][]circleOutlet `json:"outlets"` // by category, nearest first
	Communities []communityCoverageJSON   `json:"communities"`
}

func (s *Server) handleCircleCoverage(w http.ResponseWriter, r *http.Request) {
	id, wk, ok := s.idWalk(w, r)
	if !ok {
		return
	}
	cc, err := s.app.CircleCoverage(r.Context(), id, wk.BudgetM)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := cc.Circle
	out := circleCoverageResponse{CircleID: c.ID, Name: c.Name, walked: wk.walked(),
		Polygon: geojson.NewGeometry(cc.Isochrone.Polygon), AreaM2: math.Round(cc.Isochrone.AreaM2),
		Outlets: map[string][]circleOutlet{}, Communities: make([]communityCoverageJSON, len(cc.Communities))}
	for _, p := range c.Centers {
		out.Centers = append(out.Centers, toLonLat(p))
	}
	for _, h := range cc.Outlets {
		out.Outlets[h.Outlet.Category] = append(out.Outlets[h.Outlet.Category], circleOutlet{ID: h.Outlet.ID, Name: h.Outlet.Name, WalkM: round1(h.WalkM)})
	}
	for i, cov := range cc.Communities {
		out.Communities[i] = toCommunityCoverageJSON(cov)
	}
	writeJSON(w, http.StatusOK, out)
}

type communityCategoryJSON struct {
	Category     string   `json:"category"`
	Tier         string   `json:"tier"`
	Covered      int      `json:"covered"`
	Uncovered    int      `json:"uncovered"`
	Share        float64  `json:"share"`
	NearestWalkM *float64 `json:"nearest_walk_m"` // null beyond the budget
}

type communityAccessResponse struct {
	Community communityCoverageJSON `json:"community"` // basic-needs coverage: every basic category within budget
	walked
	Categories []communityCategoryJSON `json:"categories"`
}

func (s *Server) handleCommunityCoverage(w http.ResponseWriter, r *http.Request) {
	id, wk, ok := s.idWalk(w, r)
	if !ok {
		return
	}
	basic, cats, err := s.app.CommunityCoverage(r.Context(), id, wk.BudgetM)
	out := communityAccessResponse{Community: toCommunityCoverageJSON(basic), walked: wk.walked()}
	for _, a := range cats {
		c := communityCategoryJSON{Category: a.Category, Tier: a.Tier, Covered: a.Covered, Uncovered: a.Uncovered, Share: a.Share}
		if !math.IsInf(a.NearestWalkM, 1) {
			d := round1(a.NearestWalkM)
			c.NearestWalkM = &d
		}
		out.Categories = append(out.Categories, c)
	}
	s.reply(w, r, http.StatusOK, out, err)
}

// handleReload reloads the walking engine from the store (admin only), for
// a running server after an import.
func (s *Server) handleReload(w http.ResponseWriter, r *http.Request) {
	stats, err := s.app.ReloadAccess(r.Context(), principalFrom(r.Context()).user())
	s.reply(w, r, http.StatusOK, stats, err)
}

var (
	pMinutes  = param{name: "minutes", in: "query", typ: "number", desc: "walking minutes, default 15, at most 60"}
	pSpeed    = param{name: "speed_kmh", in: "query", typ: "number", desc: "walking speed, default 4.0 km/h"}
	pLon      = param{name: "lon", in: "query", typ: "number", required: true, desc: "WGS-84 longitude"}
	pLat      = param{name: "lat", in: "query", typ: "number", required: true, desc: "WGS-84 latitude"}
	pCategory = param{name: "category", in: "query", typ: "string", desc: "category code"}
)

// geoOperations documents the walking-access routes of geo.go.
var geoOperations = []operation{
	{method: "GET", path: "/api/v1/isochrone", summary: "Area reachable on foot from a point (H3 cells merged into a MultiPolygon); 422 with distance_m when the point is over 300 m from the network", tag: "access", ok: 200, result: "Isochrone", params: []param{
		pLon, pLat, pMinutes, pSpeed,
		{name: "res", in: "query", typ: "integer", desc: "H3 resolution 9-11, default 10"},
		{name: "detail", in: "query", typ: "string", desc: "\"nodes\" adds every reached walk_nodes.id with its distance"},
	}},
	{method: "GET", path: "/api/v1/nearby", summary: "Open outlets reachable on foot, nearest first", tag: "access", ok: 200, result: "Nearby", params: []param{
		pLon, pLat, pMinutes, pSpeed, pCategory,
		{name: "open_now", in: "query", typ: "integer", desc: "1: only outlets whose opening_hours say open now (China time)"},
		{name: "cash", in: "query", typ: "integer", desc: "1: only outlets accepting cash"},
		{name: "card", in: "query", typ: "integer", desc: "1: only outlets accepting bank cards"},
		{name: "limit", in: "query", typ: "integer", desc: "default 200, at most 1000"},
	}},
	{method: "GET", path: "/api/v1/access", summary: "H3 res-10 cells of a bbox with walking minutes to the nearest outlet of a category (null beyond the budget) and population", tag: "access", ok: 200, result: "FeatureCollection", params: []param{
		{name: "category", in: "query", typ: "string", required: true, desc: "category code"},
		{name: "bbox", in: "query", typ: "string", required: true, desc: "minLon,minLat,maxLon,maxLat; at most 20,000 cells"},
		pMinutes, pSpeed,
	}},
	{method: "GET", path: "/api/v1/gaps", summary: "Per community and basic category, the population beyond the walk budget", tag: "access", ok: 200, result: "Gaps", params: []param{
		{name: "district", in: "query", typ: "string", required: true, desc: "6-digit county code"}, pMinutes, pSpeed,
	}},
	{method: "GET", path: "/api/v1/suggest", summary: "Candidate cells for a new outlet ranked by the uncovered residents each brings within the budget (greedy maximal covering)", tag: "access", ok: 200, result: "Suggestions", params: []param{
		{name: "category", in: "query", typ: "string", required: true, desc: "category code"},
		{name: "district", in: "query", typ: "string", required: true, desc: "6-digit county code"},
		{name: "n", in: "query", typ: "integer", desc: "number of sites, default 5, at most 50"},
		pMinutes, pSpeed,
	}},
	{method: "POST", path: "/api/v1/scenarios/coverage", summary: "Coverage per community and changed category today and with hypothetical outlets opened or closed; nothing is stored", tag: "access", body: "ScenarioRequest", ok: 200, result: "ScenarioResult"},
	{method: "GET", path: "/api/v1/circles/{id}/coverage", summary: "A circle's isochrone from its centres, the outlets inside by category and the covered population of each served community", tag: "access", ok: 200, result: "CircleCoverage", params: []param{pID, pMinutes, pSpeed}},
	{method: "GET", path: "/api/v1/communities/{id}/coverage", summary: "Per category the share of a community's residents within the budget and the shortest walk", tag: "access", ok: 200, result: "CommunityCoverage", params: []param{pID, pMinutes, pSpeed}},
	{method: "POST", path: "/api/v1/admin/reload", summary: "Reload networks, outlets and communities into the walking engine (admin); run after an import into a running server", tag: "system", ok: 200, result: "EngineStats", write: true},
}

// withGeoSchemas adds the schemas of the walking-access routes to s.
func withGeoSchemas(s map[string]any) map[string]any {
	lonLat := obj(map[string]any{"lon": tNum, "lat": tNum}, "lon", "lat")
	walk := obj(map[string]any{"minutes": tNum, "speed_kmh": tNum, "budget_m": tNum})
	coverage := obj(map[string]any{"covered": tInt, "uncovered": tInt, "share": tNum})
	commCov := obj(map[string]any{"id": tInt, "name": tString, "population": tInt, "covered": tInt, "uncovered": tInt, "share": tNum})
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	maps.Copy(s, map[string]any{
		"Isochrone": obj(map[string]any{
			"origin": lonLat, "walk": walk, "budget_m": tNum, "res": tInt,
			"snap":    obj(map[string]any{"distance_m": tNum, "edge": tInt, "point": lonLat}),
			"polygon": tGeom, "cells": tStrings, "area_m2": tNum, "compute_ms": tNum,
			"nodes": arr(obj(map[string]any{"id": tInt, "dist_m": tNum})),
		}, "origin", "snap", "budget_m", "polygon", "cells"),
		"Nearby": obj(map[string]any{
			"origin": lonLat, "walk": walk, "budget_m": tNum,
			"outlets": arr(obj(map[string]any{
				"id": tInt, "name": tString, "category": tString, "lon": tNum, "lat": tNum,
				"walk_m": tNum, "walk_min": tNum, "opening_hours": tString, "open_now": tBool,
				"accepts_cash": tBool, "accepts_card": tBool, "address": tString, "brand": tString,
			})),
		}, "origin", "budget_m", "outlets"),
		"Gaps": obj(map[string]any{
			"district": tString, "walk": walk, "budget_m": tNum, "categories": tStrings,
			"communities": arr(obj(map[string]any{
				"id": tInt, "name": tString, "population": tInt,
				"gaps": map[string]any{"type": "object", "additionalProperties": obj(map[string]any{"uncovered": tInt, "share": tNum})},
			})),
		}),
		"Suggestions": obj(map[string]any{
			"category": tString, "district": tString, "walk": walk, "budget_m": tNum,
			"suggestions": arr(obj(map[string]any{"rank": tInt, "cell": tString, "lon": tNum, "lat": tNum, "added_population": tInt, "covers": tStrings})),
		}),
		"ScenarioRequest": obj(map[string]any{
			"add":      arr(obj(map[string]any{"category": tString, "lon": tNum, "lat": tNum}, "category", "lon", "lat")),
			"remove":   tInts,
			"district": tString, "minutes": tNum, "speed_kmh": tNum,
		}),
		"ScenarioResult": obj(map[string]any{
			"walk": walk, "budget_m": tNum, "categories": tStrings, "compute_ms": tNum,
			"communities": arr(obj(map[string]any{
				"id": tInt, "name": tString, "population": tInt,
				"coverage": map[string]any{"type": "object", "additionalProperties": obj(map[string]any{"before": coverage, "after": coverage, "change": tInt})},
			})),
		}),
		"CircleCoverage": obj(map[string]any{
			"circle_id": tInt, "name": tString, "centers": arr(lonLat), "walk": walk, "budget_m": tNum,
			"polygon": tGeom, "area_m2": tNum,
			"outlets":     map[string]any{"type": "object", "additionalProperties": arr(obj(map[string]any{"id": tInt, "name": tString, "walk_m": tNum}))},
			"communities": arr(commCov),
		}),
		"CommunityCoverage": obj(map[string]any{
			"community": commCov, "walk": walk, "budget_m": tNum,
			"categories": arr(obj(map[string]any{"category": tString, "tier": tString, "covered": tInt, "uncovered": tInt, "share": tNum, "nearest_walk_m": tNum})),
		}),
		"EngineStats": obj(map[string]any{
			"areas":   arr(obj(map[string]any{"area": tString, "nodes": tInt, "edges": tInt, "components": tInt, "largest_component_share": tNum, "routing_bytes": tInt, "geometry_bytes": tInt})),
			"outlets": tInt, "communities": tInt, "categories": tInt, "loaded_at": tTime, "load_ms": tNum,
		}),
	})
	return s
}

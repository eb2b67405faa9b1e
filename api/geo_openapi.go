package api

import "maps"

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

package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
)

// operation documents one route of the API.
type operation struct {
	method, path, summary, tag string
	params                     []param
	body                       string            // component schema of the request body, "" for none
	bodyMedia                  map[string]string // media type -> schema, for bodies other than JSON
	ok                         int               // success status
	result                     string            // component schema of the success body, "" for none
	resultMedia                string            // media type of a success body that is not JSON (schema: binary)
	alsoOK                     map[int]string    // further success statuses and what they mean
	write                      bool              // needs a logged-in user with the right role
}

type param struct {
	name, in, typ, desc string
	required            bool
}

var (
	pID       = param{name: "id", in: "path", typ: "integer", required: true}
	pBBox     = param{name: "bbox", in: "query", typ: "string", desc: "minLon,minLat,maxLon,maxLat (WGS-84)"}
	pDistrict = param{name: "district", in: "query", typ: "string", desc: "6-digit county code"}
	pVersion  = param{name: "version", in: "query", typ: "integer", required: true, desc: "version as read (optimistic locking)"}
)

// operations is the documented route table; a test checks it against the
// router.
var operations = []operation{
	{method: "GET", path: "/healthz", summary: "Liveness and store status", tag: "system", ok: 200, result: "Health"},
	{method: "GET", path: "/api/v1/openapi.json", summary: "This document", tag: "system", ok: 200},
	{method: "POST", path: "/api/v1/auth/login", summary: "Log in; sets the session cookie and returns a bearer token", tag: "auth", body: "LoginRequest", ok: 200, result: "LoginResponse"},
	{method: "POST", path: "/api/v1/auth/logout", summary: "End the current session", tag: "auth", ok: 204},
	{method: "GET", path: "/api/v1/me", summary: "The logged-in user", tag: "auth", ok: 200, result: "Me"},
	{method: "GET", path: "/api/v1/regions", summary: "Administrative units (NBS codes) with boundaries where known", tag: "reference", ok: 200, result: "RegionList", params: []param{
		{name: "level", in: "query", typ: "string", desc: "city | county | town | community"},
		{name: "parent", in: "query", typ: "string", desc: "parent code, 6, 9 or 12 digits"},
	}},
	{method: "GET", path: "/api/v1/regions/{code}", summary: "One administrative unit", tag: "reference", ok: 200, result: "Region", params: []param{
		{name: "code", in: "path", typ: "string", required: true, desc: "6, 9 or 12 digits"},
	}},
	{method: "GET", path: "/api/v1/categories", summary: "Outlet and facility categories", tag: "reference", ok: 200, result: "CategoryList"},
	{method: "GET", path: "/api/v1/outlets", summary: "Outlets as a GeoJSON FeatureCollection", tag: "outlets", ok: 200, result: "FeatureCollection", params: []param{
		pBBox, pDistrict, crsParam,
		{name: "category", in: "query", typ: "string", desc: "category code"},
		{name: "status", in: "query", typ: "string", desc: "open | closed"},
		{name: "limit", in: "query", typ: "integer", desc: "default 500, at most 5000"},
		{name: "offset", in: "query", typ: "integer"},
	}},
	{method: "POST", path: "/api/v1/outlets", summary: "Create an outlet", tag: "outlets", body: "OutletFeature", ok: 201, result: "OutletFeature", write: true},
	{method: "GET", path: "/api/v1/outlets/{id}", summary: "One outlet", tag: "outlets", params: []param{pID, crsParam}, ok: 200, result: "OutletFeature"},
	{method: "PUT", path: "/api/v1/outlets/{id}", summary: "Replace an outlet (needs its current version)", tag: "outlets", params: []param{pID}, body: "OutletFeature", ok: 200, result: "OutletFeature", write: true},
	{method: "DELETE", path: "/api/v1/outlets/{id}", summary: "Delete an outlet", tag: "outlets", params: []param{pID, pVersion}, ok: 204, write: true},
	{method: "GET", path: "/api/v1/communities", summary: "Communities as a GeoJSON FeatureCollection", tag: "communities", params: []param{pBBox, pDistrict, crsParam}, ok: 200, result: "FeatureCollection"},
	{method: "POST", path: "/api/v1/communities", summary: "Create a community", tag: "communities", body: "CommunityFeature", ok: 201, result: "CommunityFeature", write: true},
	{method: "GET", path: "/api/v1/communities/{id}", summary: "One community", tag: "communities", params: []param{pID, crsParam}, ok: 200, result: "CommunityFeature"},
	{method: "PUT", path: "/api/v1/communities/{id}", summary: "Replace a community (needs its current version)", tag: "communities", params: []param{pID}, body: "CommunityFeature", ok: 200, result: "CommunityFeature", write: true},
	{method: "GET", path: "/api/v1/circles", summary: "Circles at their centres as a GeoJSON FeatureCollection", tag: "circles", ok: 200, result: "FeatureCollection", params: []param{
		pDistrict, crsParam, {name: "status", in: "query", typ: "string", desc: "planned | building | completed"},
	}},
	{method: "POST", path: "/api/v1/circles", summary: "Create a circle", tag: "circles", body: "CircleFeature", ok: 201, result: "CircleFeature", write: true},
	{method: "GET", path: "/api/v1/circles/{id}", summary: "One circle with its communities", tag: "circles", params: []param{pID, crsParam}, ok: 200, result: "CircleFeature"},
	{method: "PUT", path: "/api/v1/circles/{id}", summary: "Replace a circle (needs its current version)", tag: "circles", params: []param{pID}, body: "CircleFeature", ok: 200, result: "CircleFeature", write: true},
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	tString  = map[string]any{"type": "string"}
	tInt     = map[string]any{"type": "integer"}
	tNum     = map[string]any{"type": "number"}
	tBool    = map[string]any{"type": "boolean"}
	tStrings = map[string]any{"type": "array", "items": tString}
	tInts    = map[string]any{"type": "array", "items": tInt}
	tTime    = map[string]any{"type": "string", "format": "date-time"}
	tGeom    = map[string]any{"type": "object", "description": "GeoJSON geometry (RFC 7946), WGS-84", "nullable": true}
)

func feature(props string) map[string]any {
	return obj(map[string]any{
		"type":       map[string]any{"type": "string", "enum": []string{"Feature"}},
		"id":         tInt,
		"geometry":   tGeom,
		"properties": ref(props),
		"version":    map[string]any{"type": "integer", "description": "alternative to properties.version on PUT"},
	}, "geometry", "properties")
}

func schemas() map[string]any {
	return map[string]any{
		"Error": obj(map[string]any{"error": tString, "field": tString, "code": tString}, "error"),
		"Health": obj(map[string]any{
			"status":         map[string]any{"type": "string", "enum": []string{"ok", "unavailable"}},
			"store":          map[string]any{"type": "string", "enum": []string{"sqlite", "postgres"}},
			"schema_version": tInt,
		}, "status", "store"),
		"LoginRequest":  obj(map[string]any{"username": tString, "password": tString}, "username", "password"),
		"LoginResponse": obj(map[string]any{"token": tString, "csrf_token": tString, "expires_at": tTime, "user": ref("User")}, "token", "csrf_token", "user"),
		"Me":            obj(map[string]any{"user": ref("User"), "csrf_token": tString, "expires_at": tTime}, "user"),
		"User": obj(map[string]any{
			"id": tInt, "username": tString, "district": tString, "created_at": tTime,
			"role": map[string]any{"type": "string", "enum": []string{"admin", "reviewer", "district"}},
		}),
		"Region": obj(map[string]any{
			"code": tString, "name": tString, "parent": tString, "county": tString, "boundary": tGeom,
			"level":      map[string]any{"type": "string", "enum": regionLevels},
			"population": tInt, "population_year": tInt, "population_source": tString,
		}),
		"RegionList": obj(map[string]any{"regions": map[string]any{"type": "array", "items": ref("Region")}}),
		"Category": obj(map[string]any{
			"code": tString, "name_zh": tString, "name_en": tString, "national": tBool,
			"tier":     map[string]any{"type": "string", "enum": []string{"basic", "quality", "public"}},
			"osm_tags": tStrings, "amap_typecodes": tStrings, "sort": tInt,
		}),
		"CategoryList": obj(map[string]any{"categories": map[string]any{"type": "array", "items": ref("Category")}}),
		"FeatureCollection": obj(map[string]any{
			"type":     map[string]any{"type": "string", "enum": []string{"FeatureCollection"}},
			"features": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
			"total":    tInt, "limit": tInt, "offset": tInt,
		}, "type", "features"),
		"Outlet": obj(map[string]any{
			"id": tInt, "name": tString, "category": tString, "h3": tString, "district": tString,
			"address": tString, "brand": tString, "is_chain": tBool, "floor_area_m2": tNum,
			"accepts_cash": tBool, "accepts_card": tBool, "low_margin": tBool,
			"services":      map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": app.OutletServices}},
			"opening_hours": tString,
			"status":        map[string]any{"type": "string", "enum": []string{"open", "closed"}},
			"opened_on":     map[string]any{"type": "string", "format": "date"},
			"closed_on":     map[string]any{"type": "string", "format": "date"},
			"source":        map[string]any{"type": "string", "enum": app.OutletSources},
			"source_ref":    tString, "original_crs": tString, "synthetic": tBool, "version": tInt, "updated_at": tTime,
		}, "name", "category"),
		"OutletFeature": feature("Outlet"),
		"Community": obj(map[string]any{
			"id": tInt, "region_code": tString, "district": tString, "name": tString,
			"population": tInt, "households": tInt, "building_area_m2": tNum, "commercial_area_m2": tNum,
			"service_facility_area_m2": tNum, "is_new": tBool, "synthetic": tBool, "version": tInt,
			"population_estimated": tBool, "source": tString, "source_ref": tString, "original_crs": tString,
		}, "name", "region_code"),
		"CommunityFeature": feature("Community"),
		"Circle": obj(map[string]any{
			"id": tInt, "name": tString, "district": tString, "pilot_zone": tString,
			"layout":        map[string]any{"type": "string", "enum": app.CircleLayouts},
			"community_ids": tInts,
			"status":        map[string]any{"type": "string", "enum": quarterhour.CircleStatuses},
			"planned_year":  tInt, "completed_year": tInt, "synthetic": tBool, "version": tInt, "updated_at": tTime,
		}, "name", "layout", "community_ids"),
		"CircleFeature": func() map[string]any {
			f := feature("Circle")
			f["properties"].(map[string]any)["communities"] = map[string]any{"allOf": []any{ref("FeatureCollection")}, "description": "the communities served (responses only)"}
			return f
		}(),
	}
}

func errorResponse(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
}

// OpenAPI returns the OpenAPI 3.0 document of the API.
func OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, op := range slices.Concat(operations, geoOperations, evaluationOperations, evidenceOperations, exportOperations, importOperations, feedbackOperations, tileOperations, gapTileOperations, basemapOperations, mapOperations, searchOperations) {
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		responses := map[string]any{}
		okResp := map[string]any{"description": http.StatusText(op.ok)}
		if op.result != "" {
			mime := "application/json"
			if strings.HasSuffix(op.result, "Feature") || op.result == "FeatureCollection" {
				mime = "application/geo+json"
			}
			okResp["content"] = map[string]any{mime: map[string]any{"schema": ref(op.result)}}
		}
		if op.resultMedia != "" {
			okResp["content"] = map[string]any{op.resultMedia: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		}
		responses[strconv.Itoa(op.ok)] = okResp
		for status, desc := range op.alsoOK {
			responses[strconv.Itoa(status)] = map[string]any{"description": desc}
		}
		responses["400"] = errorResponse("bad input; field names the culprit")
		if op.write {
			responses["401"] = errorResponse("not logged in")
			responses["403"] = errorResponse("role or district may not do this, or CSRF token missing")
			responses["413"] = errorResponse("body over 10 MB")
		}
		if strings.Contains(op.path, "{") {
			responses["404"] = errorResponse("no such record")
		}
		if op.method == "PUT" || op.method == "DELETE" {
			responses["409"] = errorResponse("stale version")
		}
		o := map[string]any{
			"summary":     op.summary,
			"tags":        []string{op.tag},
			"operationId": strings.ToLower(op.method) + operationName(op.path),
			"responses":   responses,
		}
		if op.write {
			o["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"cookie": []string{}, "csrf": []string{}}}
		}
		var ps []any
		for _, p := range op.params {
			pm := map[string]any{"name": p.name, "in": p.in, "required": p.required, "schema": map[string]any{"type": p.typ}}
			if p.desc != "" {
				pm["description"] = p.desc
			}
			ps = append(ps, pm)
		}
		if len(ps) > 0 {
			o["parameters"] = ps
		}
		if op.body != "" {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.body)}}}
		}
		if len(op.bodyMedia) > 0 {
			content := map[string]any{}
			for media, schema := range op.bodyMedia {
				content[media] = map[string]any{"schema": ref(schema)}
			}
			o["requestBody"] = map[string]any{"required": true, "content": content}
		}
		item[strings.ToLower(op.method)] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "QuarterHour (一刻钟) API",
			"version":     "1",
			"description": "15-minute convenient living circle platform. Geometry is WGS-84 GeoJSON. Writes need a bearer token, or the session cookie plus the X-CSRF-Token header.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": withMapSchemas(withTileSchemas(withFeedbackSchemas(withImportSchemas(withEvidenceSchemas(withEvaluationSchemas(withGeoSchemas(schemas()))))))),
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
				"csrf":   map[string]any{"type": "apiKey", "in": "header", "name": CSRFHeader},
			},
		},
	}
}

// operationName turns "/api/v1/outlets/{id}" into "OutletsById".
func operationName(path string) string {
	var b strings.Builder
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1"), "/") {
		if seg == "" {
			continue
		}
		if strings.HasPrefix(seg, "{") {
			b.WriteString("By")
			seg = strings.Trim(seg, "{}")
		}
		seg = strings.NewReplacer(".", "", "-", "").Replace(seg)
		b.WriteString(strings.ToUpper(seg[:1]) + seg[1:])
	}
	return b.String()
}

var openAPIDoc = sync.OnceValue(OpenAPI)

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, openAPIDoc())
}

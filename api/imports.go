package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo/proj"
)

// importsResponse is the body of GET /api/v1/imports.
type importsResponse struct {
	Imports []quarterhour.Import `json:"imports"`
}

// handleImportOutlets imports an outlet register sent as multipart/form-data
// (field "file") or as a text/csv body; ?crs= and ?source= are required.
func (s *Server) handleImportOutlets(w http.ResponseWriter, r *http.Request) {
	s.importRegister(w, r, "outlet import", s.app.ImportOutlets,
		"upload.csv", "text/csv", "application/csv", "text/plain", "application/octet-stream")
}

// handleImportCommunities imports a community register sent as GeoJSON
// (application/geo+json or application/json body, or the "file" part of a
// multipart form); ?crs= and ?source= are required.
func (s *Server) handleImportCommunities(w http.ResponseWriter, r *http.Request) {
	s.importRegister(w, r, "community import", s.app.ImportCommunities,
		"upload.geojson", "application/geo+json", "application/json", "text/plain", "application/octet-stream")
}

// registerImporter is an application use case importing a register.
type registerImporter func(ctx context.Context, u *quarterhour.User, r io.Reader, req app.RegisterImport) (*app.ImportReport, error)

// importRegister serves a register import route: the request's file and
// parameters go to run, its report back as JSON.
func (s *Server) importRegister(w http.ResponseWriter, r *http.Request, what string, run registerImporter, defaultName string, media ...string) {
	ctx := r.Context()
	u := principalFrom(ctx).user()
	req, body, err := readRegisterImport(r, defaultName, media...)
	var rep *app.ImportReport
	if err == nil {
		rep, err = run(ctx, u, body, req)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.InfoContext(ctx, what, "user", u.Username, "file", req.File, "source", req.Source, "crs", rep.CRS,
		"dry_run", req.DryRun, "ok", rep.RowsOK, "rejected", rep.RowsRejected, "import_id", rep.ImportID)
	writeJSON(w, http.StatusOK, rep)
}

// readRegisterImport reads what every register import route takes from its
// request: ?crs=, ?source=, ?dry_run=, ?file= and the uploaded file.
func readRegisterImport(r *http.Request, defaultName string, media ...string) (app.RegisterImport, io.Reader, error) {
	q := r.URL.Query()
	req := app.RegisterImport{Source: strings.TrimSpace(q.Get("source")), File: q.Get("file")}
	var err error
	if v := q.Get("crs"); v != "" {
		if req.CRS, err = proj.Parse(v); err != nil {
			return req, nil, badRequest("crs", "%v", err)
		}
	}
	if req.DryRun, err = queryBool(r, "dry_run"); err != nil {
		return req, nil, err
	}
	body, name, err := registerBody(r, defaultName, media...)
	if err != nil {
		return req, nil, err
	}
	if req.File == "" {
		req.File = name
	}
	return req, body, nil
}

// registerBody finds the uploaded file: the "file" part of a multipart
// form, or the body itself when it has no Content-Type or one of media
// (then named defaultName).
func registerBody(r *http.Request, defaultName string, media ...string) (io.Reader, string, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct != "" && err != nil {
		return nil, "", badRequest("Content-Type", "bad Content-Type %q", ct)
	}
	switch mt {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, "", badRequest("file", "bad multipart body: %v", err)
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, "", badRequest("file", "the form has no \"file\" field")
			}
			if err != nil {
				return nil, "", badRequest("file", "bad multipart body: %v", err)
			}
			if part.FormName() == "file" {
				return part, part.FileName(), nil
			}
		}
	case "":
		return r.Body, defaultName, nil
	}
	if slices.Contains(media, mt) {
		return r.Body, defaultName, nil
	}
	return nil, "", &Error{Code: quarterhour.EUnsupportedMedia, Field: "Content-Type",
		Message: fmt.Sprintf("send the register as %s or multipart/form-data (field \"file\"), not %s", media[0], mt)}
}

// queryBool reads a boolean query parameter, false when absent.
func queryBool(r *http.Request, name string) (bool, error) {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, badRequest(name, "%s must be 1 or 0", name)
}

func (s *Server) handleListImports(w http.ResponseWriter, r *http.Request) {
	limit, err := queryInt(r, "limit", app.DefaultImportLimit)
	var imps []quarterhour.Import
	if err == nil {
		imps, err = s.app.ListImports(r.Context(), principalFrom(r.Context()).user(), limit)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, importsResponse{Imports: imps})
}

// importOperations documents the import routes.
var importOperations = []operation{
	{method: "POST", path: "/api/v1/imports/outlets", tag: "imports", ok: 200, result: "ImportReport", write: true,
		summary:   "Import an outlet register (CSV); bad rows are rejected one by one, good rows upserted by source and ref in one transaction",
		bodyMedia: map[string]string{"text/csv": "OutletRegisterCSV", "multipart/form-data": "OutletRegisterUpload"},
		params:    registerParams(app.OutletSources, "each row's ref it keys the outlets", "a text/csv body")},
	{method: "POST", path: "/api/v1/imports/communities", tag: "imports", ok: 200, result: "ImportReport", write: true,
		summary: "Import a community register (GeoJSON FeatureCollection of Polygon/MultiPolygon); bad features are rejected " +
			"one by one (row = 1-based feature index), good ones upserted by source and ref in one transaction; district users only their district",
		bodyMedia: map[string]string{"application/geo+json": "CommunityRegisterGeoJSON", "multipart/form-data": "OutletRegisterUpload"},
		params:    registerParams(app.CommunitySources, "each feature's ref it keys the communities", "a GeoJSON body")},
	{method: "GET", path: "/api/v1/imports", tag: "imports", ok: 200, result: "ImportList", write: true,
		summary: "Import batches, latest first (admin and reviewer)",
		params:  []param{{name: "limit", in: "query", typ: "integer", desc: "default 100, at most 1000"}}},
}

// registerParams documents the query of a register import route: sources
// it takes, what the source keys and the body the file name goes with.
func registerParams(sources []string, keys, body string) []param {
	return []param{
		{name: "crs", in: "query", typ: "string", required: true, desc: "coordinate system of the file: wgs84 | gcj02 (Amap, Tencent) | bd09 (Baidu); converted to WGS-84"},
		{name: "source", in: "query", typ: "string", required: true, desc: "register source, one of " + strings.Join(sources, ", ") + "; with " + keys},
		{name: "dry_run", in: "query", typ: "string", desc: "1 to validate and report without writing"},
		{name: "file", in: "query", typ: "string", desc: "file name recorded with " + body},
	}
}

// withImportSchemas adds the schemas of the import routes to s.
func withImportSchemas(s map[string]any) map[string]any {
	s["OutletRegisterCSV"] = map[string]any{"type": "string", "description": "CSV, UTF-8 (BOM optional) or GBK, with a header row. " +
		"Columns name, lon, lat and category (code or Chinese name) or amap_typecode are required; address, brand, is_chain, " +
		"floor_area_m2, accepts_cash, accepts_card, opening_hours, services (codes or Chinese names separated by , or 、), " +
		"ref (the source's id) and district are optional. Accepted headers: " + strings.Join(app.OutletRegisterFields(), ", ")}
	s["CommunityRegisterGeoJSON"] = map[string]any{"type": "object", "description": "GeoJSON FeatureCollection of Polygon or " +
		"MultiPolygon features in the declared CRS. Property name is required; population, households, building_area_m2, " +
		"is_new, region_code (12-digit NBS code; default: the county the polygon lies in), district and ref (the register's id) " +
		"are optional. Accepted property names: " + strings.Join(app.CommunityRegisterFields(), ", ")}
	s["OutletRegisterUpload"] = obj(map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}, "file")
	s["Rejection"] = obj(map[string]any{
		"row":    map[string]any{"type": "integer", "description": "spreadsheet row: the header is row 1"},
		"field":  tString,
		"reason": tString,
	}, "row", "field", "reason")
	s["ImportReport"] = obj(map[string]any{
		"import_id": tInt, "dry_run": tBool, "rows_ok": tInt, "rows_rejected": tInt,
		"inserted": tInt, "updated": tInt, "unchanged": tInt,
		"rejections": map[string]any{"type": "array", "items": ref("Rejection")},
		"warnings":   tStrings,
	}, "import_id", "rows_ok", "rows_rejected", "inserted", "updated", "unchanged", "rejections")
	s["Import"] = obj(map[string]any{
		"id": tInt, "kind": tString, "file": tString, "crs": tString, "rows_ok": tInt, "rows_rejected": tInt,
		"rejections": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"created_by": tString, "created_at": tTime,
	})
	s["ImportList"] = obj(map[string]any{"imports": map[string]any{"type": "array", "items": ref("Import")}}, "imports")
	return s
}

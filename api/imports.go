package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo/proj"
)

// importsResponse is the body of GET /api/v1/imports.
type importsResponse struct {
	Imports []quarterhour.Import `json:"imports"`
}

// handleImportOutlets imports an outlet register (CSV, XLSX, GeoJSON points
// or a zipped Shapefile) sent as the body or as the "file" part of a
// multipart form; ?source= is required, ?crs= unless the file declares it.
func (s *Server) handleImportOutlets(w http.ResponseWriter, r *http.Request) {
	s.importRegister(w, r, "outlet import", s.app.ImportOutlets)
}

// handleImportCommunities imports a community register (GeoJSON or a zipped
// Shapefile of polygons) sent as the body or as the "file" part of a
// multipart form; ?source= is required, ?crs= unless the file declares it.
func (s *Server) handleImportCommunities(w http.ResponseWriter, r *http.Request) {
	s.importRegister(w, r, "community import", s.app.ImportCommunities)
}

// registerMedia maps the media types a register body may be sent as to the
// name a body without a file name is recorded under; the name's extension
// helps tell the format, and the content decides between zips.
var registerMedia = map[string]string{
	"text/csv": "upload.csv", "application/csv": "upload.csv", "text/plain": "upload.csv",
	"application/geo+json": "upload.geojson", "application/json": "upload.geojson",
	"application/zip": "upload.zip", "application/x-zip-compressed": "upload.zip",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "upload.xlsx",
	"application/vnd.ms-excel": "upload.xls",
	"application/octet-stream": "upload",
}

// registerImporter is an application use case importing a register.
type registerImporter func(ctx context.Context, u *quarterhour.User, r io.Reader, req app.RegisterImport) (*app.ImportReport, error)

// importRegister serves a register import route: the request's file and
// parameters go to run, its report back as JSON.
func (s *Server) importRegister(w http.ResponseWriter, r *http.Request, what string, run registerImporter) {
	ctx := r.Context()
	u := principalFrom(ctx).user()
	req, body, err := readRegisterImport(r)
	var rep *app.ImportReport
	if err == nil {
		rep, err = run(ctx, u, body, req)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.InfoContext(ctx, what, "user", u.Username, "file", req.File, "format", rep.Format, "source", req.Source, "crs", rep.CRS,
		"dry_run", req.DryRun, "ok", rep.RowsOK, "rejected", rep.RowsRejected, "import_id", rep.ImportID)
	writeJSON(w, http.StatusOK, rep)
}

// readRegisterImport reads what every register import route takes from its
// request: ?crs=, ?source=, ?dry_run=, ?file=, ?format=, ?sheet=,
// ?encoding= and the uploaded file.
func readRegisterImport(r *http.Request) (app.RegisterImport, io.Reader, error) {
	q := r.URL.Query()
	req := app.RegisterImport{Source: strings.TrimSpace(q.Get("source")), File: q.Get("file"),
		Sheet: q.Get("sheet"), Encoding: strings.TrimSpace(q.Get("encoding"))}
	var err error
	if v := q.Get("crs"); v != "" {
		if req.CRS, err = proj.Parse(v); err != nil {
			return req, nil, badRequest("crs", "%v", err)
		}
	}
	if v := q.Get("format"); v != "" {
		if req.Format, err = app.ParseRegisterFormat(v); err != nil {
			return req, nil, err
		}
	}
	if req.DryRun, err = queryBool(r, "dry_run"); err != nil {
		return req, nil, err
	}
	body, name, err := registerBody(r)
	if err != nil {
		return req, nil, err
	}
	if req.File == "" {
		req.File = name
	}
	return req, body, nil
}

// registerBody finds the uploaded file: the "file" part of a multipart
// form, or the body itself when it has no Content-Type or one of
// registerMedia (then named after it).
func registerBody(r *http.Request) (io.Reader, string, error) {
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
		return r.Body, "upload", nil
	}
	if name, ok := registerMedia[mt]; ok {
		return r.Body, name, nil
	}
	return nil, "", &Error{Code: quarterhour.EUnsupportedMedia, Field: "Content-Type",
		Message: fmt.Sprintf("send the register as text/csv, application/geo+json, application/zip, an XLSX workbook or multipart/form-data (field \"file\"), not %s", mt)}
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
		summary: "Import an outlet register (CSV, XLSX such as an Amap export, GeoJSON points or a zipped Shapefile of points); " +
			"bad rows are rejected one by one, good rows upserted by source and ref in one transaction; a damaged file is " +
			"refused whole (400, 413 over a size limit, 415 for a format not read) and nothing is stored",
		bodyMedia: map[string]string{"text/csv": "OutletRegisterCSV", "application/geo+json": "RegisterGeoJSON",
			"application/zip": "RegisterBinary", xlsxMedia: "RegisterBinary", "multipart/form-data": "RegisterUpload"},
		params: registerParams(app.OutletSources, "each row's ref it keys the outlets")},
	{method: "POST", path: "/api/v1/imports/communities", tag: "imports", ok: 200, result: "ImportReport", write: true,
		summary: "Import a community register (GeoJSON or a zipped Shapefile of Polygon/MultiPolygon features); bad features are rejected " +
			"one by one (row = 1-based feature index or Shapefile record), good ones upserted by source and ref in one transaction; " +
			"district users only their district; a damaged file is refused whole (400, 413, 415) and nothing is stored",
		bodyMedia: map[string]string{"application/geo+json": "RegisterGeoJSON", "application/zip": "RegisterBinary",
			"multipart/form-data": "RegisterUpload"},
		params: registerParams(app.CommunitySources, "each feature's ref it keys the communities")},
	{method: "GET", path: "/api/v1/imports", tag: "imports", ok: 200, result: "ImportList", write: true,
		summary: "Import batches, latest first (admin and reviewer)",
		params:  []param{{name: "limit", in: "query", typ: "integer", desc: "default 100, at most 1000"}}},
}

const xlsxMedia = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// registerParams documents the query of a register import route: sources
// it takes and what the source keys.
func registerParams(sources []string, keys string) []param {
	return []param{
		{name: "crs", in: "query", typ: "string", desc: "coordinate system of the file: wgs84 (GPS, OSM) | gcj02 (Amap, Tencent) | " +
			"bd09 (Baidu) | cgcs2000 | EPSG:NNNN (4326, 4490, the CGCS2000 Gauss-Kruger zones 4491-4554 such as EPSG:4548, UTM) | WKT; " +
			"required unless the file declares it (a Shapefile's .prj, a GeoJSON crs member), with which it must agree; never guessed"},
		{name: "source", in: "query", typ: "string", required: true, desc: "register source, one of " + strings.Join(sources, ", ") + "; with " + keys},
		{name: "dry_run", in: "query", typ: "string", desc: "1 to validate and report without writing"},
		{name: "file", in: "query", typ: "string", desc: "file name recorded with a body upload; its extension (.csv, .xlsx, .geojson, .zip) helps tell the format"},
		{name: "format", in: "query", typ: "string", desc: "csv | xlsx | geojson | shapefile; default: told from the content and the file name"},
		{name: "sheet", in: "query", typ: "string", desc: "XLSX worksheet to read; default the first"},
		{name: "encoding", in: "query", typ: "string", desc: "text encoding of a Shapefile's attributes (UTF-8, GBK ...), overriding its .cpg"},
	}
}

// withImportSchemas adds the schemas of the import routes to s.
func withImportSchemas(s map[string]any) map[string]any {
	s["OutletRegisterCSV"] = map[string]any{"type": "string", "description": "CSV, UTF-8 (BOM optional) or GBK, with a header row " +
		"(XLSX: the same columns on the first sheet or ?sheet=). Columns name; lon and lat, or one location cell \"lng,lat\" as Amap " +
		"exports it; and category (code or Chinese name), amap_typecode or Amap's type text are required; address, brand, is_chain, " +
		"floor_area_m2, accepts_cash, accepts_card, opening_hours, services (codes or Chinese names separated by , or 、), " +
		"ref (the source's id; Amap's id) and district are optional. Accepted headers: " + strings.Join(app.OutletRegisterFields(), ", ")}
	s["RegisterGeoJSON"] = map[string]any{"type": "object", "description": "GeoJSON FeatureCollection, its crs member (if any) " +
		"naming the CRS. Outlets: Point features with the outlet register's properties. Communities: Polygon or MultiPolygon " +
		"features; property name is required; population, households, building_area_m2, is_new, region_code (12-digit NBS code; " +
		"default: the county the polygon lies in), district and ref (the register's id) are optional. Accepted community " +
		"property names: " + strings.Join(app.CommunityRegisterFields(), ", ")}
	s["RegisterBinary"] = map[string]any{"type": "string", "format": "binary", "description": "an XLSX workbook, or a zip " +
		"holding one Shapefile layer (.shp, .shx, .dbf, and .prj unless ?crs= is given; .cpg for the attribute encoding)"}
	s["RegisterUpload"] = obj(map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}, "file")
	s["Rejection"] = obj(map[string]any{
		"row":    map[string]any{"type": "integer", "description": "spreadsheet row: the header is row 1"},
		"field":  tString,
		"reason": tString,
	}, "row", "field", "reason")
	s["ImportReport"] = obj(map[string]any{
		"import_id": tInt, "dry_run": tBool, "rows_ok": tInt, "rows_rejected": tInt,
		"format":   map[string]any{"type": "string", "enum": []string{"csv", "xlsx", "geojson", "shapefile"}},
		"crs":      map[string]any{"type": "string", "description": "CRS the coordinates were read in, as recorded on each row: wgs84, gcj02, bd09, EPSG:4548 ..."},
		"crs_from": map[string]any{"type": "string", "description": "where the CRS came from: the file's .prj or crs member, or declared"},
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

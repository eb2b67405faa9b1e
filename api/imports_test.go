package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
)

// postRegister sends a CSV register as user with the given query and
// content type, and returns the status and body.
func postRegister(t *testing.T, f *fixture, user, query, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/imports/outlets?"+query, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	w := httptest.NewRecorder()
	f.api.ServeHTTP(w, req)
	return w.Code, w.Body.Bytes()
}

// importCSV imports body as text/csv and wants a report.
func importCSV(t *testing.T, f *fixture, user, query string, body []byte) app.ImportReport {
	t.Helper()
	status, data := postRegister(t, f, user, query, "text/csv; charset=utf-8", body)
	if status != http.StatusOK {
		t.Fatalf("import ?%s as %s: status %d, body %s", query, user, status, data)
	}
	var rep app.ImportReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("decode report %s: %v", data, err)
	}
	return rep
}

// gcjRow is one register line at the GCJ-02 position of WGS-84 point p.
func gcjRow(ref, name, category string, p orb.Point) string {
	g := geo.WGS84ToGCJ02(p)
	return fmt.Sprintf("%s,%s,%s,%.7f,%.7f\n", ref, name, category, g[0], g[1])
}

const shortHeader = "编号,名称,类别,经度,纬度\n"

func TestImportOutlets_MultipartUploadIsRecordedWithItsFileName(t *testing.T) {
	f := sqliteAPI(t)
	p := countyPoint(t, f.st, "370811")
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", "rencheng-register.csv")
	if err != nil {
		t.Fatal(err)
	}
	part.Write([]byte(shortHeader + gcjRow("FORM-1", "表单便利店", "便利店", p)))
	mw.Close()
	status, data := postRegister(t, f, "admin", "crs=gcj02&source=csv", mw.FormDataContentType(), form.Bytes())
	if status != http.StatusOK {
		t.Fatalf("multipart: %d %s", status, data)
	}
	imps, err := f.st.ListImports(context.Background(), 1)
	if err != nil || len(imps) != 1 {
		t.Fatal(err)
	}
	if imps[0].File != "rencheng-register.csv" || imps[0].CRS != "gcj02" || imps[0].Kind != app.ImportKindOutletsCSV ||
		imps[0].RowsOK != 1 || imps[0].CreatedBy != "admin" {
		t.Errorf("recorded import %+v", imps[0])
	}
}

func TestImportOutlets_RequestErrors(t *testing.T) {
	f := sqliteAPI(t)
	good := []byte(shortHeader + gcjRow("REQ-1", "请求便利店", "便利店", countyPoint(t, f.st, "370811")))
	for _, tt := range []struct {
		name, user, query, ctype string
		body                     []byte
		status                   int
		field                    string
	}{
		{"anonymous", "", "crs=gcj02&source=csv", "text/csv", good, http.StatusUnauthorized, ""},
		{"reviewer", "reviewer", "crs=gcj02&source=csv", "text/csv", good, http.StatusForbidden, ""},
		{"no crs", "admin", "source=csv", "text/csv", good, http.StatusBadRequest, "crs"},
		{"unknown crs", "admin", "crs=utm&source=csv", "text/csv", good, http.StatusBadRequest, "crs"},
		{"no source", "admin", "crs=gcj02", "text/csv", good, http.StatusBadRequest, "source"},
		{"unknown source", "admin", "crs=gcj02&source=weibo", "text/csv", good, http.StatusBadRequest, "source"},
		{"bad dry_run", "admin", "crs=gcj02&source=csv&dry_run=maybe", "text/csv", good, http.StatusBadRequest, "dry_run"},
		{"image body", "admin", "crs=gcj02&source=csv", "image/png", []byte("\x89PNG"), http.StatusUnsupportedMediaType, "Content-Type"},
		{"json body not GeoJSON", "admin", "crs=gcj02&source=csv", "application/json", []byte(`{}`), http.StatusBadRequest, "file"},
		{"unknown format", "admin", "crs=gcj02&source=csv&format=kml", "text/csv", good, http.StatusUnsupportedMediaType, "format"},
		{"format not the content's", "admin", "crs=gcj02&source=csv&format=xlsx", "text/csv", good, http.StatusUnsupportedMediaType, "format"},
		{"EPSG code for degrees", "admin", "crs=EPSG:4548&source=csv", "text/csv", good, http.StatusBadRequest, "crs"},
		{"unsupported EPSG code", "admin", "crs=EPSG:3857&source=csv", "text/csv", good, http.StatusBadRequest, "crs"},
		{"empty file", "admin", "crs=gcj02&source=csv", "text/csv", nil, http.StatusBadRequest, "file"},
		{"no lon column", "admin", "crs=gcj02&source=csv", "text/csv", []byte("名称,类别,纬度\n店,便利店,35.4\n"), http.StatusBadRequest, "file"},
		{"no category column", "admin", "crs=gcj02&source=csv", "text/csv", []byte("名称,经度,纬度\n店,116.5,35.4\n"), http.StatusBadRequest, "file"},
		{"two name columns", "admin", "crs=gcj02&source=csv", "text/csv", []byte("名称,name,类别,经度,纬度\n"), http.StatusBadRequest, "file"},
		{"broken quotes", "admin", "crs=gcj02&source=csv", "text/csv", []byte("名称,类别,经度,纬度\n\"店,便利店,116.5,35.4\n"), http.StatusBadRequest, "file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, data := postRegister(t, f, tt.user, tt.query, tt.ctype, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d; body %s", status, tt.status, data)
			}
			var e errorBody
			if err := json.Unmarshal(data, &e); err != nil || e.Error == "" {
				t.Fatalf("error body %s: %v", data, err)
			}
			if tt.field != "" && e.Field != tt.field {
				t.Errorf("field %q, want %q (%s)", e.Field, tt.field, e.Error)
			}
		})
	}
}

func TestImports_ListIsForAdminsAndReviewers(t *testing.T) {
	f := sqliteAPI(t)
	importCSV(t, f, "admin", "crs=gcj02&source=csv&file=list-test.csv",
		[]byte(shortHeader+gcjRow("LIST-1", "列表便利店", "便利店", countyPoint(t, f.st, "370811"))+"LIST-2,坏,不存在,116.5,35.4\n"))
	for _, user := range []string{"admin", "reviewer"} {
		var out struct {
			Imports []quarterhour.Import `json:"imports"`
		}
		f.do(t, http.MethodGet, "/api/v1/imports?limit=1", user, nil, http.StatusOK, &out)
		if len(out.Imports) != 1 {
			t.Fatalf("%s: %d imports, want 1 (limit)", user, len(out.Imports))
		}
		imp := out.Imports[0]
		var rej []app.Rejection
		if err := json.Unmarshal(imp.Rejections, &rej); err != nil {
			t.Fatalf("rejections %s: %v", imp.Rejections, err)
		}
		if imp.File != "list-test.csv" || imp.RowsOK != 1 || imp.RowsRejected != 1 || len(rej) != 1 || rej[0].Row != 3 || rej[0].Field != "category" {
			t.Errorf("%s: latest import %+v, rejections %+v", user, imp, rej)
		}
	}
	f.wantError(t, http.MethodGet, "/api/v1/imports", "rencheng", nil, http.StatusForbidden, "")
	f.wantError(t, http.MethodGet, "/api/v1/imports", "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodGet, "/api/v1/imports?limit=0", "admin", nil, http.StatusBadRequest, "limit")
}

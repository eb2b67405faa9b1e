package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/scoring"
)

// A minimal PDF and PNG: their first bytes are what the type sniffing reads.
var (
	pdfFile = append([]byte("%PDF-1.4\n1 0 obj <<>> endobj\n"), bytes.Repeat([]byte("stream data "), 50)...)
	pngFile = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)
)

// upload posts a multipart evidence upload as user and returns the status
// and body.
func (f *fixture) upload(t *testing.T, evalID int64, user, name string, data []byte, fields map[string]string) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/evidence", evalID), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en") // the tests read the English wording
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	rec := httptest.NewRecorder()
	f.api.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// indicatorPoints reads an indicator's points from an evaluation's result.
func indicatorPoints(t *testing.T, e quarterhour.Evaluation, id string) float64 {
	t.Helper()
	var res scoring.Result
	decodeRaw(t, e.Result, &res)
	for _, ind := range res.Indicators {
		if ind.ID == id {
			return ind.Points
		}
	}
	t.Fatalf("no indicator %s in the result of evaluation %d", id, e.ID)
	return 0
}

func TestEvidence_UploadMeetsTheRequirementAndDownloadsAsAttachment(t *testing.T) {
	f := sqliteAPI(t)
	circle := pickCircle(t, f, "370811", "basic", 0)
	var e quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "rencheng",
		map[string]any{"circle_id": circle, "scheme": "jining-2023", "year": 2025, "submitted": realistic()},
		http.StatusCreated, &e)
	if p := indicatorPoints(t, e, "E2"); p != 0 {
		t.Fatalf("E2 scores %v without evidence; the scheme requires it", p)
	}

	status, body := f.upload(t, e.ID, "rencheng", `C:\文件\管理制度.pdf`, pdfFile, map[string]string{"indicator": "E2", "note": "公示栏照片见附件"})
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, body)
	}
	var up evidenceUpload
	if err := json.Unmarshal(body, &up); err != nil {
		t.Fatal(err)
	}
	ev := up.Evidence
	if ev.Name != "管理制度.pdf" || ev.ContentType != "application/pdf" || ev.Size != int64(len(pdfFile)) ||
		len(ev.SHA256) != 64 || ev.Indicator != "E2" || ev.UploadedBy != "rencheng" || ev.URL != fmt.Sprintf("/api/v1/evidence/%d", ev.ID) {
		t.Errorf("uploaded evidence %+v", ev)
	}
	if p := indicatorPoints(t, up.Evaluation, "E2"); p != 2 {
		t.Errorf("E2 scores %v after the evidence, want its 2 points", p)
	}
	if up.Evaluation.Total != e.Total+2 || up.Evaluation.Version != e.Version+1 {
		t.Errorf("evaluation after upload: total %v version %d, want %v and %d", up.Evaluation.Total, up.Evaluation.Version, e.Total+2, e.Version+1)
	}

	// Replacing the submitted values keeps the uploaded file referenced.
	var put quarterhour.Evaluation
	f.do(t, http.MethodPut, fmt.Sprintf("/api/v1/evaluations/%d", e.ID), "rencheng",
		map[string]any{"version": up.Evaluation.Version, "submitted": realistic()}, http.StatusOK, &put)
	if p := indicatorPoints(t, put, "E2"); p != 2 {
		t.Errorf("E2 scores %v after a PUT without the reference, want 2", p)
	}

	var list evidenceList
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d/evidence", e.ID), "reviewer", nil, http.StatusOK, &list)
	if len(list.Evidence) != 1 || list.Evidence[0].ID != ev.ID {
		t.Errorf("evidence list %+v, want the one file", list.Evidence)
	}
	f.wantError(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d/evidence", e.ID), "yanzhou", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d/evidence", e.ID), "", nil, http.StatusUnauthorized, "")

	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+ev.URL, nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["reviewer"])
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(data, pdfFile) {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(data))
	}
	h := resp.Header
	if h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Content-Disposition"), "filename") {
		t.Errorf("download headers %v", h)
	}
	hidden := f.wantError(t, http.MethodGet, ev.URL, "yanzhou", nil, http.StatusNotFound, "")
	if hidden.Error != fmt.Sprintf("no evidence file %d", ev.ID) {
		t.Errorf("another district's file: %q, want it answered as one that does not exist", hidden.Error)
	}
	f.wantError(t, http.MethodGet, ev.URL, "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodGet, "/api/v1/evidence/999999", "admin", nil, http.StatusNotFound, "")

	// Once submitted, nothing more is attached.
	move(t, f, "rencheng", put, "submit", nil, http.StatusOK)
	if status, body := f.upload(t, e.ID, "rencheng", "late.pdf", pdfFile, nil); status != http.StatusConflict {
		t.Errorf("upload to a submitted evaluation: %d %s, want 409", status, body)
	}
}

func TestEvidence_RefusesWrongUsersTypesSizesAndIndicators(t *testing.T) {
	f := sqliteAPI(t)
	circle := pickCircle(t, f, "370811", "basic", 1)
	var e quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "rencheng",
		map[string]any{"circle_id": circle, "scheme": "jining-2023", "year": 2025, "submitted": realistic()}, http.StatusCreated, &e)

	cases := []struct {
		name   string
		user   string
		file   string
		data   []byte
		fields map[string]string
		status int
	}{
		{"anonymous", "", "a.pdf", pdfFile, nil, http.StatusUnauthorized},
		{"another district", "yanzhou", "a.pdf", pdfFile, nil, http.StatusNotFound},
		{"a reviewer", "reviewer", "a.pdf", pdfFile, nil, http.StatusForbidden},
		{"HTML named .pdf", "rencheng", "a.pdf", []byte("<html><script>alert(1)</script></html>"), nil, http.StatusUnsupportedMediaType},
		{"a Word file", "rencheng", "a.docx", []byte("PK\x03\x04\x14\x00\x06\x00word/document.xml"), nil, http.StatusUnsupportedMediaType},
		{"over 5 MB", "rencheng", "big.pdf", append(append([]byte{}, pdfFile...), make([]byte, app.MaxEvidenceBytes)...), nil, http.StatusRequestEntityTooLarge},
		{"an empty file", "rencheng", "a.pdf", nil, nil, http.StatusBadRequest},
		{"an unknown indicator", "rencheng", "a.pdf", pdfFile, map[string]string{"indicator": "Z9"}, http.StatusBadRequest},
	}
	for _, c := range cases {
		if status, body := f.upload(t, e.ID, c.user, c.file, c.data, c.fields); status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, status, body, c.status)
		}
	}
	var list evidenceList
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d/evidence", e.ID), "admin", nil, http.StatusOK, &list)
	if len(list.Evidence) != 0 {
		t.Errorf("refused uploads stored %d files", len(list.Evidence))
	}

	// The type is what the content is, whatever the name says; admins may
	// attach to any district's evaluation.
	status, body := f.upload(t, e.ID, "admin", "photo.pdf", pngFile, nil)
	if status != http.StatusCreated {
		t.Fatalf("admin PNG upload: %d %s", status, body)
	}
	var up evidenceUpload
	if err := json.Unmarshal(body, &up); err != nil {
		t.Fatal(err)
	}
	if up.Evidence.ContentType != "image/png" {
		t.Errorf("a PNG named .pdf stored as %s", up.Evidence.ContentType)
	}
}

// uploaded posts a file as user and decodes the answer, failing the test
// unless it is 201.
func (f *fixture) uploaded(t *testing.T, evalID int64, user, name string, data []byte, fields map[string]string) evidenceUpload {
	t.Helper()
	status, body := f.upload(t, evalID, user, name, data, fields)
	if status != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, status, body)
	}
	var up evidenceUpload
	if err := json.Unmarshal(body, &up); err != nil {
		t.Fatal(err)
	}
	return up
}

func TestEvidence_ReferencesMustBeFilesOfTheEvaluation(t *testing.T) {
	f := sqliteAPI(t)
	var mine, theirs quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "rencheng",
		map[string]any{"circle_id": pickCircle(t, f, "370811", "none", 1), "scheme": "jining-2023", "year": 2025, "submitted": realistic()},
		http.StatusCreated, &mine)
	f.do(t, http.MethodPost, "/api/v1/evaluations", "yanzhou",
		map[string]any{"circle_id": pickCircle(t, f, "370812", "none", 1), "scheme": "jining-2023", "year": 2025, "submitted": realistic()},
		http.StatusCreated, &theirs)
	foreign := f.uploaded(t, theirs.ID, "yanzhou", "survey.pdf", pdfFile, map[string]string{"indicator": "E1"})

	with := func(ref string) map[string]any {
		sub := realistic()
		sub["evidence"] = []map[string]string{{"indicator": "E1", "ref": ref}}
		return sub
	}
	for _, ref := range []string{"anything", "https://example.org/survey.pdf", foreign.Evidence.URL} {
		e := f.wantError(t, http.MethodPut, fmt.Sprintf("/api/v1/evaluations/%d", mine.ID), "rencheng",
			map[string]any{"version": mine.Version, "submitted": with(ref)}, http.StatusBadRequest, "evidence[0].ref")
		if !strings.Contains(e.Error, ref) {
			t.Errorf("refusal of %q does not name it: %q", ref, e.Error)
		}
		f.wantError(t, http.MethodPost, "/api/v1/evaluations", "rencheng",
			map[string]any{"circle_id": pickCircle(t, f, "370811", "none", 2), "scheme": "jining-2023", "year": 2025, "submitted": with(ref)},
			http.StatusBadRequest, "evidence[0].ref")
	}
	if got := getEval(t, f, "rencheng", mine.ID); got.Version != mine.Version || indicatorPoints(t, got, "E1") != 0 {
		t.Errorf("after the refused edits: version %d, E1 %v", got.Version, indicatorPoints(t, got, "E1"))
	}

	// A file of the evaluation, uploaded without an indicator, counts once
	// referenced.
	own := f.uploaded(t, mine.ID, "rencheng", "问卷.pdf", pdfFile, nil)
	var put quarterhour.Evaluation
	f.do(t, http.MethodPut, fmt.Sprintf("/api/v1/evaluations/%d", mine.ID), "rencheng",
		map[string]any{"version": own.Evaluation.Version, "submitted": with(own.Evidence.URL)}, http.StatusOK, &put)
	if p := indicatorPoints(t, put, "E1"); p != 6 {
		t.Errorf("E1 with its own file referenced scores %v, want 6", p)
	}
}

func TestEvidence_DeleteRemovesTheFileAndItsPoints(t *testing.T) {
	f := sqliteAPI(t)
	var e quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "yanzhou",
		map[string]any{"circle_id": pickCircle(t, f, "370812", "basic", 1), "scheme": "jining-2023", "year": 2025, "submitted": realistic()},
		http.StatusCreated, &e)
	up := f.uploaded(t, e.ID, "yanzhou", "制度.pdf", pdfFile, map[string]string{"indicator": "E2"})
	if indicatorPoints(t, up.Evaluation, "E2") != 2 {
		t.Fatalf("E2 with its file scores %v", indicatorPoints(t, up.Evaluation, "E2"))
	}
	path := "/api/v1/evidence/" + fmt.Sprint(up.Evidence.ID)
	f.wantError(t, http.MethodDelete, path, "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodDelete, path, "reviewer", nil, http.StatusForbidden, "")
	f.wantError(t, http.MethodDelete, path, "rencheng", nil, http.StatusNotFound, "")

	var after quarterhour.Evaluation
	f.do(t, http.MethodDelete, path, "yanzhou", nil, http.StatusOK, &after)
	if after.Version != up.Evaluation.Version+1 || indicatorPoints(t, after, "E2") != 0 || strings.Contains(string(after.Submitted), path) {
		t.Errorf("after the delete: version %d, E2 %v, submitted %s", after.Version, indicatorPoints(t, after, "E2"), after.Submitted)
	}
	f.wantError(t, http.MethodGet, path, "yanzhou", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodDelete, path, "yanzhou", nil, http.StatusNotFound, "")

	second := f.uploaded(t, e.ID, "yanzhou", "制度.pdf", pdfFile, map[string]string{"indicator": "E2"})
	move(t, f, "yanzhou", second.Evaluation, "submit", nil, http.StatusOK)
	refused := f.wantError(t, http.MethodDelete, second.Evidence.URL, "yanzhou", nil, http.StatusConflict, "status")
	if !strings.Contains(refused.Error, "only from a draft or a returned evaluation") {
		t.Errorf("refusal %q does not say why", refused.Error)
	}
}

func TestEvidence_StoredNameIsCleanAndOfTheRealType(t *testing.T) {
	f := sqliteAPI(t)
	var e quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "gaoxin",
		map[string]any{"circle_id": pickCircle(t, f, "370871", "none", 1), "scheme": "jining-2023", "year": 2025, "submitted": realistic()},
		http.StatusCreated, &e)
	for name, want := range map[string]string{
		"report.pdf.exe":            "report.png",
		"photo\u202egnp.exe":        "photognp.png",
		"\u2066公示栏\u2069\u0085.png": "公示栏.png",
	} {
		up := f.uploaded(t, e.ID, "gaoxin", name, pngFile, nil)
		if up.Evidence.Name != want || up.Evidence.ContentType != "image/png" {
			t.Errorf("%q stored as %q (%s), want %q", name, up.Evidence.Name, up.Evidence.ContentType, want)
		}
	}
}

func TestEvidence_AtMostTwentyFilesPerEvaluation(t *testing.T) {
	f := sqliteAPI(t)
	var e quarterhour.Evaluation
	f.do(t, http.MethodPost, "/api/v1/evaluations", "gaoxin",
		map[string]any{"circle_id": pickCircle(t, f, "370871", "none", 2), "scheme": "jining-2023", "year": 2025, "submitted": realistic()},
		http.StatusCreated, &e)
	for i := range app.MaxEvidenceFiles {
		f.uploaded(t, e.ID, "gaoxin", fmt.Sprintf("%d.pdf", i), pdfFile, nil)
	}
	if status, body := f.upload(t, e.ID, "gaoxin", "more.pdf", pdfFile, nil); status != http.StatusBadRequest ||
		!strings.Contains(string(body), `"field":"file"`) || !strings.Contains(string(body), "already holds 20 evidence files") {
		t.Errorf("a 21st file: %d %s, want 400 naming file", status, body)
	}
}

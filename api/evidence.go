package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
)

// evidenceJSON is an evidence file as the API lists it.
type evidenceJSON struct {
	quarterhour.Evidence
	URL string `json:"url"`
}

type evidenceList struct {
	Evidence []evidenceJSON `json:"evidence"`
}

// evidenceUpload is the answer to an upload: the file and the evaluation
// rescored with it.
type evidenceUpload struct {
	Evidence   evidenceJSON           `json:"evidence"`
	Evaluation quarterhour.Evaluation `json:"evaluation"`
}

func toEvidenceJSON(ev quarterhour.Evidence) evidenceJSON {
	ev.Data = nil
	return evidenceJSON{Evidence: ev, URL: app.EvidenceRef(ev.ID)}
}

// handleUploadEvidence attaches a multipart upload to an evaluation
// (app.AddEvidence).
func (s *Server) handleUploadEvidence(w http.ResponseWriter, r *http.Request) {
	serveID(s, w, r, func(ctx context.Context, u *quarterhour.User, id int64) (evidenceUpload, error) {
		up, err := readEvidenceForm(r)
		if err != nil {
			return evidenceUpload{}, err
		}
		ev, e, err := s.app.AddEvidence(ctx, u, id, up)
		return evidenceUpload{Evidence: toEvidenceJSON(ev), Evaluation: e}, err
	}, func(_ int64, out evidenceUpload) {
		w.Header().Set("Location", out.Evidence.URL)
		writeJSON(w, http.StatusCreated, out)
	})
}

// readEvidenceForm reads the parts "file" (required), "indicator" and
// "note" of a multipart body; the file's type is what its content reads as.
func readEvidenceForm(r *http.Request) (app.EvidenceUpload, error) {
	var up app.EvidenceUpload
	if r.ContentLength > app.MaxEvidenceBytes+64<<10 {
		return up, app.ErrEvidenceTooLarge
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return up, badRequest("file", "send the file as multipart/form-data with a part named \"file\": %v", err)
	}
	gotFile := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, multipartError(err)
		}
		switch part.FormName() {
		case "file":
			up.Name = part.FileName()
			if up.Data, err = io.ReadAll(io.LimitReader(part, app.MaxEvidenceBytes+1)); err != nil {
				return up, multipartError(err)
			}
			if len(up.Data) > app.MaxEvidenceBytes {
				return up, app.ErrEvidenceTooLarge
			}
			gotFile = true
		case "indicator":
			up.Indicator, err = formValue(part, 32)
		case "note":
			up.Note, err = formValue(part, 1000)
		}
		if err != nil {
			return up, err
		}
		part.Close()
	}
	if !gotFile || len(up.Data) == 0 {
		return up, badRequest("file", "no file: send it in a multipart part named \"file\"")
	}
	up.ContentType = http.DetectContentType(up.Data)
	return up, nil
}

// multipartError passes an oversized body through for a 413 and reports
// anything else as a malformed body.
func multipartError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return badRequest("file", "malformed multipart body: %v", err)
}

// formValue reads a short text part of at most max characters.
func formValue(part *multipart.Part, max int) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, int64(4*max+1)))
	if err != nil {
		return "", multipartError(err)
	}
	v := strings.TrimSpace(string(b))
	if len([]rune(v)) > max {
		return "", badRequest(part.FormName(), "%s is longer than %d characters", part.FormName(), max)
	}
	return v, nil
}

// handleListEvidence lists an evaluation's evidence files, without content.
func (s *Server) handleListEvidence(w http.ResponseWriter, r *http.Request) {
	answerID(s, w, r, func(ctx context.Context, u *quarterhour.User, id int64) (evidenceList, error) {
		files, err := s.app.EvidenceFiles(ctx, u, id)
		out := evidenceList{Evidence: make([]evidenceJSON, len(files))}
		for i, f := range files {
			out.Evidence[i] = toEvidenceJSON(f)
		}
		return out, err
	})
}

// handleDownloadEvidence sends an evidence file as an attachment. It is
// never rendered inline: the stored type was sniffed on upload, and nosniff
// plus a sandbox keep browsers to it.
func (s *Server) handleDownloadEvidence(w http.ResponseWriter, r *http.Request) {
	serveID(s, w, r, s.app.EvidenceFile, func(_ int64, ev quarterhour.Evidence) { sendEvidence(w, r, ev) })
}

// handleDeleteEvidence removes an evidence file and its references
// (app.DeleteEvidence) and answers with the evaluation rescored.
func (s *Server) handleDeleteEvidence(w http.ResponseWriter, r *http.Request) {
	answerID(s, w, r, s.app.DeleteEvidence)
}

func sendEvidence(w http.ResponseWriter, r *http.Request, ev quarterhour.Evidence) {
	h := w.Header()
	h.Set("Content-Type", ev.ContentType)
	h.Set("Content-Length", strconv.FormatInt(int64(len(ev.Data)), 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ev.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+ev.SHA256+`"`)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, bytes.NewReader(ev.Data))
	}
}

var pEvidenceID = param{name: "id", in: "path", typ: "integer", required: true, desc: "evidence file id"}

// evidenceOperations documents the evidence routes.
var evidenceOperations = []operation{
	{method: "POST", path: "/api/v1/evaluations/{id}/evidence", summary: "Attach an evidence file (multipart: file, optional indicator and note; PDF, JPEG or PNG by content, at most 5 MB: 413 when larger, 415 for other types) to a draft or returned evaluation of the caller's district (admin: any); at most 20 files (400) and 50 MB (413) per evaluation. The stored name loses control and bidirectional characters and takes the extension of the type the content reads as. With an indicator it is referenced in the submitted evidence and the evaluation rescored, all in one transaction: a failed upload keeps nothing", tag: "evaluation", bodyMedia: map[string]string{"multipart/form-data": "EvidenceUpload"}, ok: 201, result: "EvidenceUploaded", write: true, params: []param{pEvalID}},
	{method: "GET", path: "/api/v1/evaluations/{id}/evidence", summary: "The evaluation's evidence files (without their content)", tag: "evaluation", ok: 200, result: "EvidenceList", write: true, params: []param{pEvalID}},
	{method: "DELETE", path: "/api/v1/evidence/{id}", summary: "Remove an evidence file from a draft or returned evaluation (409 otherwise) of the caller's district (admin: any; 403 for reviewers), with every reference to it in the submitted evidence; answers with the evaluation rescored", tag: "evaluation", ok: 200, result: "Evaluation", write: true, params: []param{pEvidenceID}},
	{method: "GET", path: "/api/v1/evidence/{id}", summary: "Download an evidence file as an attachment; 404 for a district user when it belongs to another district's evaluation", tag: "evaluation", ok: 200, write: true, params: []param{pEvidenceID}},
}

// withEvidenceSchemas adds the schemas of the evidence routes to s.
func withEvidenceSchemas(s map[string]any) map[string]any {
	file := obj(map[string]any{
		"id":            map[string]any{"type": "integer"},
		"evaluation_id": map[string]any{"type": "integer"},
		"indicator":     map[string]any{"type": "string", "description": "indicator id, e.g. E2"},
		"name":          map[string]any{"type": "string"},
		"content_type":  map[string]any{"type": "string", "enum": []string{"application/pdf", "image/jpeg", "image/png"}},
		"size":          map[string]any{"type": "integer"},
		"sha256":        map[string]any{"type": "string"},
		"note":          map[string]any{"type": "string"},
		"uploaded_by":   map[string]any{"type": "string"},
		"created_at":    map[string]any{"type": "string", "format": "date-time"},
		"url":           map[string]any{"type": "string"},
	})
	s["EvidenceFile"] = file
	s["EvidenceList"] = obj(map[string]any{"evidence": map[string]any{"type": "array", "items": ref("EvidenceFile")}})
	s["EvidenceUploaded"] = obj(map[string]any{"evidence": ref("EvidenceFile"), "evaluation": ref("Evaluation")})
	s["EvidenceUpload"] = obj(map[string]any{
		"file":      map[string]any{"type": "string", "format": "binary"},
		"indicator": map[string]any{"type": "string"},
		"note":      map[string]any{"type": "string"},
	})
	return s
}

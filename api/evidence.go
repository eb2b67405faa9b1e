package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
)

// MaxEvidenceBytes is the largest evidence file accepted; larger ones get 413.
const MaxEvidenceBytes = 5 << 20

// evidenceTypes are the file types accepted as evidence, as
// http.DetectContentType names them: documents and photos, nothing a
// browser would run.
var evidenceTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
}

// evidenceURL is where an evidence file is downloaded; it is also the file
// reference written into the evaluation's submitted evidence.
func evidenceURL(id int64) string { return fmt.Sprintf("/api/v1/evidence/%d", id) }

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

// evidenceForm is the multipart body of an upload.
type evidenceForm struct {
	name, indicator, note string
	data                  []byte
}

// handleUploadEvidence attaches a file to a draft or returned evaluation of
// the caller's district (admins: any) and references it in the submitted
// evidence, so an indicator requiring evidence can score.
func (s *Server) handleUploadEvidence(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	e, err := s.evaluationFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := canWrite(p, e.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := evidenceOpen(e); err != nil {
		s.writeError(w, r, err)
		return
	}
	form, err := readEvidenceForm(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctype := http.DetectContentType(form.data)
	ext, ok := evidenceTypes[ctype]
	if !ok {
		s.writeError(w, r, &Error{Code: quarterhour.EUnsupportedMedia, Field: "file",
			Message: fmt.Sprintf("the file reads as %s; evidence must be a PDF, JPEG or PNG", ctype)})
		return
	}
	sch, err := s.loadScheme(ctx, e.Scheme, "scheme")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if form.indicator != "" && !schemeHasIndicator(sch, form.indicator) {
		s.writeError(w, r, badRequest("indicator", "scheme %s has no indicator %q", sch.Code, form.indicator))
		return
	}
	sum := sha256.Sum256(form.data)
	ev := quarterhour.Evidence{EvaluationID: e.ID, Indicator: form.indicator, Name: evidenceName(form.name, ext),
		ContentType: ctype, Size: int64(len(form.data)), SHA256: hex.EncodeToString(sum[:]), Note: form.note,
		Data: form.data, UploadedBy: p.User.Username}
	if err := s.store.AddEvidence(ctx, &ev); err != nil {
		s.writeError(w, r, fmt.Errorf("add evidence to evaluation %d: %w", e.ID, err))
		return
	}
	e, err = s.referenceEvidence(ctx, p, e.ID, ev)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", evidenceURL(ev.ID))
	writeJSON(w, http.StatusCreated, evidenceUpload{Evidence: toEvidenceJSON(ev), Evaluation: e})
}

// evidenceOpen refuses evidence for an evaluation that is no longer the
// district's to change.
func evidenceOpen(e quarterhour.Evaluation) error {
	if e.Status != quarterhour.EvalDraft && e.Status != quarterhour.EvalReturned {
		return &Error{Code: quarterhour.EConflict, Field: "status",
			Message: fmt.Sprintf("evaluation %d is %s; evidence can be attached only to a draft or a returned evaluation", e.ID, e.Status)}
	}
	return nil
}

// referenceEvidence writes ev into the submitted evidence of evaluation id
// and rescores it on its metrics snapshot, retrying when another write
// moved the evaluation on meanwhile.
func (s *Server) referenceEvidence(ctx context.Context, p *principal, id int64, ev quarterhour.Evidence) (quarterhour.Evaluation, error) {
	for attempt := 0; ; attempt++ {
		e, err := s.store.GetEvaluation(ctx, id)
		if err != nil {
			return e, fmt.Errorf("get evaluation %d: %w", id, err)
		}
		if err := evidenceOpen(e); err != nil {
			return e, err
		}
		sub, m, err := decodeStored(e)
		if err != nil {
			return e, err
		}
		sch, err := s.loadScheme(ctx, e.Scheme, "scheme")
		if err != nil {
			return e, err
		}
		if _, err := s.score(ctx, &e, sch, m, withEvidenceRefs(sub, []quarterhour.Evidence{ev})); err != nil {
			return e, err
		}
		event := quarterhour.EvaluationEvent{Actor: p.User.Username, From: e.Status, To: e.Status,
			Comment: fmt.Sprintf("evidence attached: %s (%s)", ev.Name, evidenceURL(ev.ID))}
		err = s.store.UpdateEvaluation(ctx, &e, event)
		if err == nil {
			return e, nil
		}
		if !errors.Is(err, quarterhour.ErrConflict) || attempt == 2 {
			return e, fmt.Errorf("reference evidence %d in evaluation %d: %w", ev.ID, id, err)
		}
	}
}

// withEvidenceRefs returns sub with every file of files that names an
// indicator referenced in its evidence, once.
func withEvidenceRefs(sub scoring.Submitted, files []quarterhour.Evidence) scoring.Submitted {
	have := map[string]bool{}
	for _, e := range sub.Evidence {
		have[e.Indicator+" "+e.Ref] = true
	}
	out := sub
	out.Evidence = append([]scoring.Evidence(nil), sub.Evidence...)
	for _, f := range files {
		ref := evidenceURL(f.ID)
		if f.Indicator == "" || have[f.Indicator+" "+ref] {
			continue
		}
		have[f.Indicator+" "+ref] = true
		out.Evidence = append(out.Evidence, scoring.Evidence{Indicator: f.Indicator, Ref: ref, Note: f.Name})
	}
	return out
}

// storedEvidenceRefs adds the evaluation's uploaded files to sub, so
// replacing the submitted values never drops a reference to one.
func (s *Server) storedEvidenceRefs(ctx context.Context, e quarterhour.Evaluation, sub scoring.Submitted) (scoring.Submitted, error) {
	files, err := s.store.ListEvidence(ctx, e.ID)
	if err != nil {
		return sub, fmt.Errorf("list evidence of evaluation %d: %w", e.ID, err)
	}
	return withEvidenceRefs(sub, files), nil
}

func schemeHasIndicator(sch *scoring.Scheme, id string) bool {
	for _, ind := range sch.Indicators {
		if ind.ID == id {
			return true
		}
	}
	return false
}

// readEvidenceForm reads the parts "file" (required), "indicator" and
// "note" of a multipart body.
func readEvidenceForm(r *http.Request) (evidenceForm, error) {
	var f evidenceForm
	if r.ContentLength > MaxEvidenceBytes+64<<10 {
		return f, tooLargeEvidence()
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return f, badRequest("file", "send the file as multipart/form-data with a part named \"file\": %v", err)
	}
	gotFile := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, multipartError(err)
		}
		switch part.FormName() {
		case "file":
			f.name = part.FileName()
			if f.data, err = io.ReadAll(io.LimitReader(part, MaxEvidenceBytes+1)); err != nil {
				return f, multipartError(err)
			}
			if len(f.data) > MaxEvidenceBytes {
				return f, tooLargeEvidence()
			}
			gotFile = true
		case "indicator":
			if f.indicator, err = formValue(part, 32); err != nil {
				return f, err
			}
		case "note":
			if f.note, err = formValue(part, 1000); err != nil {
				return f, err
			}
		}
		part.Close()
	}
	if !gotFile || len(f.data) == 0 {
		return f, badRequest("file", "no file: send it in a multipart part named \"file\"")
	}
	return f, nil
}

func tooLargeEvidence() *Error {
	return &Error{Code: quarterhour.ETooLarge, Field: "file",
		Message: fmt.Sprintf("an evidence file may be at most %d MB", MaxEvidenceBytes>>20)}
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

// evidenceName keeps the base of an uploaded file name without control
// characters, at most 120 characters, or names the file after its type.
func evidenceName(name, ext string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if rs := []rune(name); len(rs) > 120 {
		name = string(rs[len(rs)-120:])
	}
	if name == "" || name == "." || name == "/" {
		return "evidence" + ext
	}
	return name
}

func toEvidenceJSON(ev quarterhour.Evidence) evidenceJSON {
	ev.Data = nil
	return evidenceJSON{Evidence: ev, URL: evidenceURL(ev.ID)}
}

// handleListEvidence lists an evaluation's evidence files to whoever may
// read the evaluation.
func (s *Server) handleListEvidence(w http.ResponseWriter, r *http.Request) {
	e, err := s.evaluationFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	files, err := s.store.ListEvidence(r.Context(), e.ID)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list evidence of evaluation %d: %w", e.ID, err))
		return
	}
	out := evidenceList{Evidence: make([]evidenceJSON, len(files))}
	for i, f := range files {
		out.Evidence[i] = toEvidenceJSON(f)
	}
	writeJSON(w, http.StatusOK, out)
}

// handleDownloadEvidence sends an evidence file as an attachment to whoever
// may read its evaluation. It is never rendered inline: the stored type was
// sniffed on upload, and nosniff plus a sandbox keep browsers to it.
func (s *Server) handleDownloadEvidence(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ev, err := s.store.GetEvidence(ctx, id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get evidence %d: %w", id, err))
		return
	}
	e, err := s.store.GetEvaluation(ctx, ev.EvaluationID)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get evaluation %d of evidence %d: %w", ev.EvaluationID, id, err))
		return
	}
	if err := canRead(p, e.District); err != nil {
		s.writeError(w, r, err)
		return
	}
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
	{method: "POST", path: "/api/v1/evaluations/{id}/evidence", summary: "Attach an evidence file (multipart: file, optional indicator and note; PDF, JPEG or PNG by content, at most 5 MB: 413 when larger, 415 for other types) to a draft or returned evaluation of the caller's district (admin: any); it is referenced in the submitted evidence and the evaluation rescored", tag: "evaluation", bodyMedia: map[string]string{"multipart/form-data": "EvidenceUpload"}, ok: 201, result: "EvidenceUploaded", write: true, params: []param{pEvalID}},
	{method: "GET", path: "/api/v1/evaluations/{id}/evidence", summary: "The evaluation's evidence files (without their content)", tag: "evaluation", ok: 200, result: "EvidenceList", write: true, params: []param{pEvalID}},
	{method: "GET", path: "/api/v1/evidence/{id}", summary: "Download an evidence file as an attachment", tag: "evaluation", ok: 200, write: true, params: []param{pEvidenceID}},
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

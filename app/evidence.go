package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
)

// Evidence is a file, not a sentence: an indicator that requires evidence
// scores only with a reference to a file uploaded to the same evaluation
// (EvidenceRef). Submitted values naming anything else — free text, a URL,
// another evaluation's file — are refused, and scoring counts only
// references that resolve to the evaluation's files, saying why any other
// earns nothing.
//
// An upload is stored, referenced and rescored in one store transaction, so
// a failed request leaves no file behind; a file is removed with its
// reference, again rescored in the same transaction.

// Limits on evidence files.
const (
	// MaxEvidenceBytes is the largest evidence file accepted.
	MaxEvidenceBytes = 5 << 20
	// MaxEvidenceFiles is the most files one evaluation may hold.
	MaxEvidenceFiles = 20
	// MaxEvidenceTotalBytes is the most evidence one evaluation may hold,
	// all files together.
	MaxEvidenceTotalBytes = 50 << 20
)

// evidenceTypes are the file types accepted as evidence, by the names
// content sniffing gives them, with the extension a stored file gets:
// documents and photos, nothing a browser would run.
var evidenceTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
}

// evidenceClosed is why a district may no longer attach evidence.
const evidenceClosed = "evidence can be attached only to a draft or a returned evaluation"

// evidenceFrozen is why a district may no longer remove evidence.
const evidenceFrozen = "evidence can be removed only from a draft or a returned evaluation"

// evidencePrefix starts every reference to an evidence file.
const evidencePrefix = "/api/v1/evidence/"

// EvidenceRef is the reference to evidence file id written into an
// evaluation's submitted evidence; it is also where the file is downloaded.
func EvidenceRef(id int64) string { return evidencePrefix + strconv.FormatInt(id, 10) }

// evidenceID reads the file id of a reference written by EvidenceRef; any
// other text is no reference.
func evidenceID(ref string) (int64, bool) {
	rest, ok := strings.CutPrefix(ref, evidencePrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 || EvidenceRef(id) != ref {
		return 0, false
	}
	return id, true
}

// EvidenceUpload is a file sent as evidence.
type EvidenceUpload struct {
	// Name is the file name as the client gave it.
	Name string
	// ContentType is what the content reads as when sniffed, never what the
	// client claims.
	ContentType string
	// Indicator, optional, is the scheme's indicator the file proves.
	Indicator string
	Note      string
	Data      []byte
}

// ErrEvidenceTooLarge refuses an evidence file over MaxEvidenceBytes.
var ErrEvidenceTooLarge = quarterhour.Errorf(quarterhour.ETooLarge, "file", "an evidence file may be at most %d MB", MaxEvidenceBytes>>20)

// AddEvidence attaches a file to a draft or returned evaluation of u's
// district (admins: any) and, when it names an indicator, references it in
// the submitted evidence so the indicator can score. It returns the stored
// file and the evaluation rescored with it. The evaluation may hold at most
// MaxEvidenceFiles files of MaxEvidenceTotalBytes together.
func (a *App) AddEvidence(ctx context.Context, u *quarterhour.User, evaluationID int64, up EvidenceUpload) (quarterhour.Evidence, quarterhour.Evaluation, error) {
	var ev quarterhour.Evidence
	e, err := a.Evaluation(ctx, u, evaluationID)
	if err != nil {
		return ev, e, err
	}
	if err := CanWrite(u, e.District); err != nil {
		return ev, e, err
	}
	if err := districtMayChange(e, evidenceClosed); err != nil {
		return ev, e, err
	}
	if len(up.Data) == 0 {
		return ev, e, quarterhour.Invalid("file", "the evidence file is empty")
	}
	if len(up.Data) > MaxEvidenceBytes {
		return ev, e, ErrEvidenceTooLarge
	}
	ext, ok := evidenceTypes[up.ContentType]
	if !ok {
		return ev, e, quarterhour.Errorf(quarterhour.EUnsupportedMedia, "file", "the file reads as %s; evidence must be a PDF, JPEG or PNG", up.ContentType)
	}
	sch, err := a.ParsedScheme(ctx, e.Scheme)
	if err != nil {
		return ev, e, err
	}
	if up.Indicator != "" && !schemeHasIndicator(sch, up.Indicator) {
		return ev, e, quarterhour.Invalid("indicator", "scheme %s has no indicator %q", sch.Code, up.Indicator)
	}
	sum := sha256.Sum256(up.Data)
	ev = quarterhour.Evidence{EvaluationID: e.ID, Indicator: up.Indicator, Name: evidenceName(up.Name, ext),
		ContentType: up.ContentType, Size: int64(len(up.Data)), SHA256: hex.EncodeToString(sum[:]), Note: up.Note,
		Data: up.Data, UploadedBy: u.Username}
	for attempt := 0; ; attempt++ {
		e, err = a.attachEvidence(ctx, u, e.ID, &ev)
		if !errors.Is(err, quarterhour.ErrConflict) || attempt == 2 {
			break
		}
	}
	ev.Data = nil
	if err != nil {
		return quarterhour.Evidence{}, e, err
	}
	return ev, e, nil
}

// attachEvidence stores ev with evaluation id referencing and scored with it
// on the metrics snapshot, in one transaction; ErrConflict when another write
// moved the evaluation on meanwhile, and then nothing is stored.
func (a *App) attachEvidence(ctx context.Context, u *quarterhour.User, id int64, ev *quarterhour.Evidence) (quarterhour.Evaluation, error) {
	e, err := a.store.GetEvaluation(ctx, id)
	if err != nil {
		return e, fmt.Errorf("get evaluation %d: %w", id, err)
	}
	if err := districtMayChange(e, evidenceClosed); err != nil {
		return e, err
	}
	files, err := a.store.ListEvidence(ctx, id)
	if err != nil {
		return e, fmt.Errorf("list evidence of evaluation %d: %w", id, err)
	}
	if err := a.evidenceRoom(e, files, ev.Size); err != nil {
		return e, err
	}
	sub, m, err := decodeStored(e)
	if err != nil {
		return e, err
	}
	sch, err := a.ParsedScheme(ctx, e.Scheme)
	if err != nil {
		return e, err
	}
	ectx, err := a.scoreContext(ctx, e, files)
	if err != nil {
		return e, err
	}
	next := e
	err = a.store.AttachEvidence(ctx, ev, func(fileID int64) (*quarterhour.Evaluation, quarterhour.EvaluationEvent, error) {
		stored := *ev
		stored.ID = fileID
		ectx.Files[EvidenceRef(fileID)] = true
		next = e
		if _, err := rescore(&next, sch, m, withEvidenceRefs(sub, []quarterhour.Evidence{stored}), ectx); err != nil {
			return nil, quarterhour.EvaluationEvent{}, err
		}
		return &next, quarterhour.EvaluationEvent{Actor: u.Username, From: e.Status, To: e.Status,
			Comment: fmt.Sprintf("evidence attached: %s (%s)", ev.Name, EvidenceRef(fileID))}, nil
	})
	if err != nil {
		return e, fmt.Errorf("attach evidence to evaluation %d: %w", id, err)
	}
	return next, nil
}

// evidenceRoom refuses a file of size bytes when e already holds as many
// files as allowed (EInvalid) or the file would take its evidence over the
// total allowed (ETooLarge).
func (a *App) evidenceRoom(e quarterhour.Evaluation, files []quarterhour.Evidence, size int64) error {
	if len(files) >= a.evidenceFiles {
		return quarterhour.Invalid("file", "evaluation %d already holds %d evidence files, the most allowed; remove one before adding another",
			e.ID, len(files))
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if total+size > a.evidenceBytes {
		return quarterhour.Errorf(quarterhour.ETooLarge, "file", "evaluation %d holds %s of evidence; with this file of %s it would exceed the %s allowed per evaluation",
			e.ID, megabytes(total), megabytes(size), megabytes(a.evidenceBytes))
	}
	return nil
}

// megabytes shows n bytes in MB to one decimal: "50 MB", "4.8 MB".
func megabytes(n int64) string {
	return strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0") + " MB"
}

// DeleteEvidence removes evidence file id from a draft or returned
// evaluation of u's district (admins: any) with every reference to it in the
// submitted evidence, and returns the evaluation rescored without it. The
// file of another district's evaluation is not found for a district user.
func (a *App) DeleteEvidence(ctx context.Context, u *quarterhour.User, id int64) (quarterhour.Evaluation, error) {
	file, err := a.EvidenceFile(ctx, u, id)
	if err != nil {
		return quarterhour.Evaluation{}, err
	}
	e, err := a.Evaluation(ctx, u, file.EvaluationID)
	if err != nil {
		return e, err
	}
	if err := CanWrite(u, e.District); err != nil {
		return e, err
	}
	for attempt := 0; ; attempt++ {
		e, err = a.removeEvidence(ctx, u, file)
		if !errors.Is(err, quarterhour.ErrConflict) || attempt == 2 {
			break
		}
	}
	if errors.Is(err, quarterhour.ErrNotFound) {
		return e, noEvidence(id)
	}
	return e, err
}

// removeEvidence deletes file and rescores its evaluation without it in one
// transaction; ErrConflict when another write moved the evaluation on
// meanwhile, and then nothing changes.
func (a *App) removeEvidence(ctx context.Context, u *quarterhour.User, file quarterhour.Evidence) (quarterhour.Evaluation, error) {
	e, err := a.store.GetEvaluation(ctx, file.EvaluationID)
	if err != nil {
		return e, fmt.Errorf("get evaluation %d: %w", file.EvaluationID, err)
	}
	if err := districtMayChange(e, evidenceFrozen); err != nil {
		return e, err
	}
	files, err := a.store.ListEvidence(ctx, e.ID)
	if err != nil {
		return e, fmt.Errorf("list evidence of evaluation %d: %w", e.ID, err)
	}
	kept := make([]quarterhour.Evidence, 0, len(files))
	for _, f := range files {
		if f.ID != file.ID {
			kept = append(kept, f)
		}
	}
	sub, m, err := decodeStored(e)
	if err != nil {
		return e, err
	}
	ref := EvidenceRef(file.ID)
	var refs []scoring.Evidence
	for _, ev := range sub.Evidence {
		if ev.Ref != ref {
			refs = append(refs, ev)
		}
	}
	sub.Evidence = refs
	sch, err := a.ParsedScheme(ctx, e.Scheme)
	if err != nil {
		return e, err
	}
	if _, err := a.score(ctx, &e, sch, m, sub, kept); err != nil {
		return e, err
	}
	event := quarterhour.EvaluationEvent{Actor: u.Username, From: e.Status, To: e.Status,
		Comment: fmt.Sprintf("evidence removed: %s (%s)", file.Name, ref)}
	if err := a.store.DeleteEvidence(ctx, file.ID, &e, event); err != nil {
		return e, fmt.Errorf("remove evidence %d from evaluation %d: %w", file.ID, e.ID, err)
	}
	return e, nil
}

// EvidenceFiles lists the evidence files of evaluation id, without their
// content, if u may read the evaluation.
func (a *App) EvidenceFiles(ctx context.Context, u *quarterhour.User, evaluationID int64) ([]quarterhour.Evidence, error) {
	e, err := a.Evaluation(ctx, u, evaluationID)
	if err != nil {
		return nil, err
	}
	files, err := a.store.ListEvidence(ctx, e.ID)
	if err != nil {
		return nil, fmt.Errorf("list evidence of evaluation %d: %w", e.ID, err)
	}
	return files, nil
}

// EvidenceFile returns evidence file id with its content if u may read its
// evaluation; a file of another district's evaluation is not found for a
// district user, as one that does not exist.
func (a *App) EvidenceFile(ctx context.Context, u *quarterhour.User, id int64) (quarterhour.Evidence, error) {
	if u == nil {
		return quarterhour.Evidence{}, errLoginRequired
	}
	ev, err := a.store.GetEvidence(ctx, id)
	if errors.Is(err, quarterhour.ErrNotFound) {
		return ev, noEvidence(id)
	}
	if err != nil {
		return ev, fmt.Errorf("get evidence %d: %w", id, err)
	}
	if _, err := a.Evaluation(ctx, u, ev.EvaluationID); err != nil {
		if quarterhour.ErrorCode(err) == quarterhour.ENotFound {
			return quarterhour.Evidence{}, noEvidence(id)
		}
		return quarterhour.Evidence{}, fmt.Errorf("evidence %d: %w", id, err)
	}
	return ev, nil
}

// noEvidence answers for an evidence file that does not exist or that the
// user may not know of.
func noEvidence(id int64) error {
	return quarterhour.Errorf(quarterhour.ENotFound, "", "no evidence file %d", id)
}

// checkEvidenceRefs refuses submitted evidence that does not name a file of
// the evaluation (files; none for an evaluation not yet created) for an
// indicator of the scheme, naming the entry: evidence[i].indicator or
// evidence[i].ref.
func checkEvidenceRefs(sub scoring.Submitted, sch *scoring.Scheme, files []quarterhour.Evidence, created bool) error {
	ours := map[int64]bool{}
	for _, f := range files {
		ours[f.ID] = true
	}
	for i, ev := range sub.Evidence {
		if !schemeHasIndicator(sch, ev.Indicator) {
			return quarterhour.Invalid(fmt.Sprintf("evidence[%d].indicator", i), "scheme %s has no indicator %q", sch.Code, ev.Indicator)
		}
		field := fmt.Sprintf("evidence[%d].ref", i)
		id, ok := evidenceID(ev.Ref)
		switch {
		case !ok:
			return quarterhour.Invalid(field, "%q is not an uploaded file: evidence is a file uploaded to the evaluation "+
				"(POST /api/v1/evaluations/{id}/evidence), referenced as %s{file id}", ev.Ref, evidencePrefix)
		case !created:
			return quarterhour.Invalid(field, "%s is not a file of this evaluation: a new evaluation has none yet; "+
				"create it, then upload the evidence to it", ev.Ref)
		case !ours[id]:
			return quarterhour.Invalid(field, "%s is not a file of this evaluation; upload the evidence to it", ev.Ref)
		}
	}
	return nil
}

// fileRefs is the set of references to files.
func fileRefs(files []quarterhour.Evidence) map[string]bool {
	refs := make(map[string]bool, len(files))
	for _, f := range files {
		refs[EvidenceRef(f.ID)] = true
	}
	return refs
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
		ref := EvidenceRef(f.ID)
		if f.Indicator == "" || have[f.Indicator+" "+ref] {
			continue
		}
		have[f.Indicator+" "+ref] = true
		out.Evidence = append(out.Evidence, scoring.Evidence{Indicator: f.Indicator, Ref: ref, Note: f.Name})
	}
	return out
}

// maxEvidenceName is the longest stored file name, in characters.
const maxEvidenceName = 120

// evidenceName is the name an uploaded file is stored and offered under:
// the base of the name the client gave, without bytes that are not UTF-8
// and without control, format and bidirectional characters (U+202E would show "report‮fdp.exe" as
// "reportexe.pdf"), with its trailing extensions replaced by ext, the one of
// the type the content reads as: "report.pdf.exe" holding a PNG becomes
// "report.png". At most maxEvidenceName characters; "evidence"+ext when
// nothing is left.
func evidenceName(name, ext string) string {
	name = path.Base(strings.ReplaceAll(strings.ToValidUTF8(name, ""), "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	stem := strings.TrimSpace(name)
	for {
		i := strings.LastIndexByte(stem, '.')
		if i < 0 || !isExtension(stem[i+1:]) {
			break
		}
		stem = stem[:i]
	}
	stem = strings.TrimRight(strings.TrimSpace(stem), ". ")
	if rs := []rune(stem); len(rs) > maxEvidenceName-len(ext) {
		stem = strings.TrimSpace(string(rs[:maxEvidenceName-len(ext)]))
	}
	if stem == "" || stem == "/" {
		stem = "evidence"
	}
	return stem + ext
}

// isExtension reports whether s looks like a file name extension: 1 to 5
// ASCII letters and digits, at least one a letter ("pdf", "mp4"; not "2"
// as in "v1.2").
func isExtension(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	letter := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		case r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return letter
}

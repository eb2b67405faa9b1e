package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
)

// MaxEvidenceBytes is the largest evidence file accepted.
const MaxEvidenceBytes = 5 << 20

// evidenceTypes are the file types accepted as evidence, by the names
// content sniffing gives them: documents and photos, nothing a browser would
// run.
var evidenceTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
}

// evidenceClosed is why a district may no longer attach evidence.
const evidenceClosed = "evidence can be attached only to a draft or a returned evaluation"

// EvidenceRef is the reference to evidence file id written into an
// evaluation's submitted evidence; it is also where the file is downloaded.
func EvidenceRef(id int64) string { return fmt.Sprintf("/api/v1/evidence/%d", id) }

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
// district (admins: any) and references it in the submitted evidence, so an
// indicator requiring evidence can score. It returns the stored file and
// the evaluation rescored with it.
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
	if err := a.store.AddEvidence(ctx, &ev); err != nil {
		return ev, e, fmt.Errorf("add evidence to evaluation %d: %w", e.ID, err)
	}
	e, err = a.referenceEvidence(ctx, u, e.ID, ev)
	ev.Data = nil
	return ev, e, err
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

// referenceEvidence writes ev into the submitted evidence of evaluation id
// and rescores it on its metrics snapshot, retrying when another write
// moved the evaluation on meanwhile.
func (a *App) referenceEvidence(ctx context.Context, u *quarterhour.User, id int64, ev quarterhour.Evidence) (quarterhour.Evaluation, error) {
	for attempt := 0; ; attempt++ {
		e, err := a.store.GetEvaluation(ctx, id)
		if err != nil {
			return e, fmt.Errorf("get evaluation %d: %w", id, err)
		}
		if err := districtMayChange(e, evidenceClosed); err != nil {
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
		if _, err := a.score(ctx, &e, sch, m, withEvidenceRefs(sub, []quarterhour.Evidence{ev})); err != nil {
			return e, err
		}
		event := quarterhour.EvaluationEvent{Actor: u.Username, From: e.Status, To: e.Status,
			Comment: fmt.Sprintf("evidence attached: %s (%s)", ev.Name, EvidenceRef(ev.ID))}
		err = a.store.UpdateEvaluation(ctx, &e, event)
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
		ref := EvidenceRef(f.ID)
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
func (a *App) storedEvidenceRefs(ctx context.Context, e quarterhour.Evaluation, sub scoring.Submitted) (scoring.Submitted, error) {
	files, err := a.store.ListEvidence(ctx, e.ID)
	if err != nil {
		return sub, fmt.Errorf("list evidence of evaluation %d: %w", e.ID, err)
	}
	return withEvidenceRefs(sub, files), nil
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

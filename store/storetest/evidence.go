package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

func testEvidence(t *testing.T, s store.Store) {
	circleA, circleB := evalFixture(t, s)
	a, b := draft(circleA, 2023), draft(circleB, 2023)
	must(t, s.CreateEvaluation(ctx(t), &a, quarterhour.EvaluationEvent{Actor: "rencheng", To: quarterhour.EvalDraft}), "create a")
	must(t, s.CreateEvaluation(ctx(t), &b, quarterhour.EvaluationEvent{Actor: "rencheng", To: quarterhour.EvalDraft}), "create b")

	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 0xff, 'x'}, 1000)...)
	survey := quarterhour.Evidence{EvaluationID: a.ID, Indicator: "E1", Name: "满意度调查报告.pdf", ContentType: "application/pdf",
		Size: int64(len(pdf)), SHA256: "ab12", Note: "400 份问卷", Data: pdf, UploadedBy: "rencheng"}
	must(t, s.AddEvidence(ctx(t), &survey), "add survey")
	if survey.ID == 0 || survey.CreatedAt.IsZero() {
		t.Fatalf("AddEvidence left ID %d, CreatedAt %v", survey.ID, survey.CreatedAt)
	}
	photo := quarterhour.Evidence{EvaluationID: a.ID, Name: "公示栏.png", ContentType: "image/png", Size: 3, SHA256: "cd34",
		Data: []byte{1, 2, 3}, UploadedBy: "admin"}
	must(t, s.AddEvidence(ctx(t), &photo), "add photo")
	other := quarterhour.Evidence{EvaluationID: b.ID, Name: "台账.pdf", ContentType: "application/pdf", Size: 1, SHA256: "ef", Data: []byte{9}}
	must(t, s.AddEvidence(ctx(t), &other), "add to b")

	list, err := s.ListEvidence(ctx(t), a.ID)
	must(t, err, "list evidence")
	if len(list) != 2 || list[0].ID != survey.ID || list[1].ID != photo.ID {
		t.Fatalf("ListEvidence(a) = %+v, want the survey then the photo", list)
	}
	got := list[0]
	if got.EvaluationID != a.ID || got.Indicator != "E1" || got.Name != survey.Name || got.ContentType != "application/pdf" ||
		got.Size != int64(len(pdf)) || got.SHA256 != "ab12" || got.Note != "400 份问卷" || got.UploadedBy != "rencheng" ||
		!sameTime(got.CreatedAt, survey.CreatedAt) {
		t.Errorf("listed %+v, want the survey as added %+v", got, survey)
	}
	if got.Data != nil {
		t.Errorf("list carries %d bytes of data; lists leave it out", len(got.Data))
	}

	full, err := s.GetEvidence(ctx(t), survey.ID)
	must(t, err, "get evidence")
	if !bytes.Equal(full.Data, pdf) || full.Name != survey.Name || full.EvaluationID != a.ID {
		t.Errorf("GetEvidence = %q (%d bytes), want the %d bytes added", full.Name, len(full.Data), len(pdf))
	}
	if _, err := s.GetEvidence(ctx(t), other.ID+1000); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Errorf("GetEvidence(unknown) = %v, want ErrNotFound", err)
	}
	none, err := s.ListEvidence(ctx(t), b.ID+1000)
	must(t, err, "list evidence of an unknown evaluation")
	if len(none) != 0 {
		t.Errorf("unknown evaluation lists %d files", len(none))
	}
	orphan := quarterhour.Evidence{EvaluationID: b.ID + 1000, Name: "x.pdf", ContentType: "application/pdf", Data: []byte{1}}
	if err := s.AddEvidence(ctx(t), &orphan); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Errorf("AddEvidence to an unknown evaluation = %v, want ErrNotFound", err)
	}
}

// fileRef is how an evaluation refers to evidence file id.
func fileRef(id int64) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"evidence": [{"indicator": "E1", "ref": "/api/v1/evidence/%d"}]}`, id))
}

func testEvidenceAttachAndDelete(t *testing.T, s store.Store) {
	circleA, circleB := evalFixture(t, s)
	a, b := draft(circleA, 2023), draft(circleB, 2023)
	must(t, s.CreateEvaluation(ctx(t), &a, quarterhour.EvaluationEvent{Actor: "rencheng", To: quarterhour.EvalDraft}), "create a")
	must(t, s.CreateEvaluation(ctx(t), &b, quarterhour.EvaluationEvent{Actor: "rencheng", To: quarterhour.EvalDraft}), "create b")
	file := func(e quarterhour.Evaluation, name string) quarterhour.Evidence {
		return quarterhour.Evidence{EvaluationID: e.ID, Indicator: "E1", Name: name, ContentType: "application/pdf",
			Size: 9, SHA256: "ab", Data: []byte("%PDF-1.4\n"), UploadedBy: "rencheng"}
	}
	// referenceIn returns a reference that writes the new file into e.
	referenceIn := func(e quarterhour.Evaluation) (store.EvidenceReference, *quarterhour.Evaluation) {
		out := e
		return func(id int64) (*quarterhour.Evaluation, quarterhour.EvaluationEvent, error) {
			out.Submitted = fileRef(id)
			return &out, quarterhour.EvaluationEvent{Actor: "rencheng", From: e.Status, To: e.Status, Comment: fmt.Sprintf("attached %d", id)}, nil
		}, &out
	}
	count := func(e quarterhour.Evaluation) int {
		t.Helper()
		list, err := s.ListEvidence(ctx(t), e.ID)
		must(t, err, "list evidence")
		return len(list)
	}

	survey := file(a, "survey.pdf")
	ref, written := referenceIn(a)
	must(t, s.AttachEvidence(ctx(t), &survey, ref), "attach")
	if survey.ID == 0 || survey.CreatedAt.IsZero() || written.Version != a.Version+1 || written.UpdatedAt.IsZero() {
		t.Fatalf("after attach: file %+v, evaluation version %d (was %d)", survey, written.Version, a.Version)
	}
	got, err := s.GetEvaluation(ctx(t), a.ID)
	must(t, err, "get a")
	if got.Version != written.Version || !jsonEqual(t, got.Submitted, fileRef(survey.ID)) {
		t.Errorf("stored evaluation v%d %s, want v%d referencing file %d", got.Version, got.Submitted, written.Version, survey.ID)
	}
	a = got

	// Whatever fails after the file is inserted leaves no file behind.
	refused := errors.New("rescoring failed")
	broken := file(a, "broken.pdf")
	err = s.AttachEvidence(ctx(t), &broken, func(int64) (*quarterhour.Evaluation, quarterhour.EvaluationEvent, error) {
		return nil, quarterhour.EvaluationEvent{}, refused
	})
	wantErr(t, err, refused, "attach with a failing reference")
	staleFile := file(a, "stale.pdf")
	stale := a
	stale.Version--
	ref, _ = referenceIn(stale)
	wantErr(t, s.AttachEvidence(ctx(t), &staleFile, ref), quarterhour.ErrConflict, "attach to a stale evaluation")
	crossed := file(a, "crossed.pdf")
	ref, _ = referenceIn(b)
	if err := s.AttachEvidence(ctx(t), &crossed, ref); err == nil {
		t.Error("a file of evaluation a written into evaluation b")
	}
	orphan := file(a, "orphan.pdf")
	orphan.EvaluationID = b.ID + 1000
	ref, _ = referenceIn(quarterhour.Evaluation{ID: orphan.EvaluationID})
	wantErr(t, s.AttachEvidence(ctx(t), &orphan, ref), quarterhour.ErrNotFound, "attach to an unknown evaluation")
	if n := count(a); n != 1 {
		t.Errorf("evaluation a holds %d files after the failed attachments, want 1", n)
	}
	if got, _ := s.GetEvaluation(ctx(t), a.ID); got.Version != a.Version {
		t.Errorf("evaluation a at version %d after the failed attachments, want %d", got.Version, a.Version)
	}
	if got, _ := s.GetEvaluation(ctx(t), b.ID); got.Version != b.Version {
		t.Errorf("evaluation b at version %d after the crossed attachment, want %d", got.Version, b.Version)
	}
	if evs, err := s.ListEvaluationEvents(ctx(t), a.ID); err != nil || len(evs) != 2 || evs[1].Comment != fmt.Sprintf("attached %d", survey.ID) {
		t.Errorf("events of a %+v %v, want created and one attachment", evs, err)
	}

	// Deleting: only a file of the evaluation, only at its version.
	other := file(b, "other.pdf")
	ref, _ = referenceIn(b)
	must(t, s.AttachEvidence(ctx(t), &other, ref), "attach to b")
	removed := a
	removed.Submitted = json.RawMessage(`{}`)
	event := quarterhour.EvaluationEvent{Actor: "rencheng", From: a.Status, To: a.Status, Comment: "removed"}
	wantErr(t, s.DeleteEvidence(ctx(t), other.ID, &removed, event), quarterhour.ErrNotFound, "delete another evaluation's file")
	stale = removed
	stale.Version--
	wantErr(t, s.DeleteEvidence(ctx(t), survey.ID, &stale, event), quarterhour.ErrConflict, "delete with a stale evaluation")
	if count(a) != 1 || count(b) != 1 {
		t.Fatalf("refused deletions removed files: a %d, b %d", count(a), count(b))
	}
	must(t, s.DeleteEvidence(ctx(t), survey.ID, &removed, event), "delete")
	if removed.Version != a.Version+1 || count(a) != 0 {
		t.Errorf("after delete: version %d (want %d), %d files", removed.Version, a.Version+1, count(a))
	}
	_, err = s.GetEvidence(ctx(t), survey.ID)
	wantErr(t, err, quarterhour.ErrNotFound, "get a deleted file")
	got, err = s.GetEvaluation(ctx(t), a.ID)
	must(t, err, "get a")
	if got.Version != removed.Version || !jsonEqual(t, got.Submitted, json.RawMessage(`{}`)) {
		t.Errorf("after delete: %+v", got)
	}
	wantErr(t, s.DeleteEvidence(ctx(t), survey.ID, &removed, event), quarterhour.ErrNotFound, "delete twice")
}

package storetest

import (
	"bytes"
	"errors"
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

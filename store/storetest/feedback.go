package storetest

import (
	"errors"
	"testing"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

func testFeedbackResolve(t *testing.T, s store.Store) {
	circle, _ := evalFixture(t, s)
	o := fixtureOutlet("便利店", "convenience_store", 116.58, 35.41)
	must(t, s.CreateOutlet(ctx(t), &o), "create outlet")
	complaint := quarterhour.Feedback{OutletID: o.ID, Complaint: true, Text: "不收现金"}
	praise := quarterhour.Feedback{CircleID: circle, Rating: 5, Text: "很方便"}
	must(t, s.CreateFeedback(ctx(t), &complaint), "create complaint")
	must(t, s.CreateFeedback(ctx(t), &praise), "create praise")

	got, err := s.GetFeedback(ctx(t), complaint.ID)
	must(t, err, "get complaint")
	if got.ID != complaint.ID || got.OutletID != o.ID || got.CircleID != 0 || !got.Complaint ||
		got.Text != "不收现金" || got.Status != quarterhour.FeedbackOpen || !got.CreatedAt.Equal(complaint.CreatedAt) {
		t.Errorf("GetFeedback = %+v, want the complaint as created (%+v)", got, complaint)
	}

	must(t, s.ResolveFeedback(ctx(t), complaint.ID), "resolve complaint")
	got, err = s.GetFeedback(ctx(t), complaint.ID)
	must(t, err, "get resolved complaint")
	if got.Status != quarterhour.FeedbackResolved {
		t.Errorf("status after resolve = %q, want %q", got.Status, quarterhour.FeedbackResolved)
	}
	other, err := s.GetFeedback(ctx(t), praise.ID)
	must(t, err, "get praise")
	if other.Status != quarterhour.FeedbackOpen {
		t.Errorf("resolving one feedback changed another to %q", other.Status)
	}
	if err := s.ResolveFeedback(ctx(t), complaint.ID); err != nil {
		t.Errorf("resolving twice: %v, want no error", err)
	}

	missing := praise.ID + 1000
	if _, err := s.GetFeedback(ctx(t), missing); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Errorf("GetFeedback(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.ResolveFeedback(ctx(t), missing); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Errorf("ResolveFeedback(unknown) = %v, want ErrNotFound", err)
	}
}

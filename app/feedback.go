package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/quarterhour/quarterhour"
)

// MaxFeedbackText is the longest feedback text accepted, in characters.
const MaxFeedbackText = 1000

// FeedbackPost is a resident's rating or complaint on an outlet or a circle.
type FeedbackPost struct {
	OutletID  int64  `json:"outlet_id"`
	CircleID  int64  `json:"circle_id"`
	Rating    int    `json:"rating"` // 1..5, 0 = none
	Complaint bool   `json:"complaint"`
	Text      string `json:"text"`
}

// PostFeedback records feedback from anyone, no login needed. It names an
// existing outlet or circle (or both), carries a rating of 1..5 or is a
// complaint, and a complaint says what is wrong.
func (a *App) PostFeedback(ctx context.Context, p FeedbackPost) (quarterhour.Feedback, error) {
	fb := quarterhour.Feedback{OutletID: p.OutletID, CircleID: p.CircleID, Rating: p.Rating, Complaint: p.Complaint,
		Text: strings.TrimSpace(p.Text), Status: quarterhour.FeedbackOpen}
	if err := a.checkFeedback(ctx, fb); err != nil {
		return fb, err
	}
	if err := a.store.CreateFeedback(ctx, &fb); err != nil {
		return fb, fmt.Errorf("create feedback: %w", err)
	}
	return fb, nil
}

func (a *App) checkFeedback(ctx context.Context, fb quarterhour.Feedback) error {
	switch n := utf8.RuneCountInString(fb.Text); {
	case fb.OutletID < 0 || fb.CircleID < 0:
		return quarterhour.Invalid("outlet_id", "ids are positive")
	case fb.OutletID == 0 && fb.CircleID == 0:
		return quarterhour.Invalid("outlet_id", "name the outlet_id or circle_id the feedback is about")
	case fb.Rating < 0 || fb.Rating > 5:
		return quarterhour.Invalid("rating", "rating must be 1 to 5, not %d", fb.Rating)
	case fb.Rating == 0 && !fb.Complaint:
		return quarterhour.Invalid("rating", "give a rating of 1 to 5 or mark the feedback as a complaint")
	case n > MaxFeedbackText:
		return quarterhour.Invalid("text", "text is %d characters long, at most %d are accepted", n, MaxFeedbackText)
	case fb.Complaint && fb.Text == "":
		return quarterhour.Invalid("text", "a complaint needs a text saying what is wrong")
	}
	if fb.OutletID != 0 {
		if _, err := a.store.GetOutlet(ctx, fb.OutletID); err != nil {
			return feedbackTargetError(err, "outlet_id", "outlet", fb.OutletID)
		}
	}
	if fb.CircleID != 0 {
		if _, err := a.store.GetCircle(ctx, fb.CircleID); err != nil {
			return feedbackTargetError(err, "circle_id", "circle", fb.CircleID)
		}
	}
	return nil
}

// feedbackTargetError reports an outlet or circle feedback names that cannot
// be read: unknown, or a failure.
func feedbackTargetError(err error, field, kind string, id int64) error {
	if errors.Is(err, quarterhour.ErrNotFound) {
		return quarterhour.Invalid(field, "no %s %d", kind, id)
	}
	return fmt.Errorf("feedback: get %s %d: %w", kind, id, err)
}

// Feedback lists feedback, oldest first, on circle circleID (0: on
// anything) with status (empty: any). Reviewers and admins see all of it,
// district users only that on their own circles and outlets.
func (a *App) Feedback(ctx context.Context, u *quarterhour.User, circleID int64, status string) ([]quarterhour.Feedback, error) {
	if u == nil {
		return nil, errLoginRequired
	}
	if status != "" && status != quarterhour.FeedbackOpen && status != quarterhour.FeedbackResolved {
		return nil, quarterhour.Invalid("status", "status must be %q or %q", quarterhour.FeedbackOpen, quarterhour.FeedbackResolved)
	}
	district := u.Role == quarterhour.RoleDistrict
	if circleID != 0 && district {
		c, err := a.store.GetCircle(ctx, circleID)
		if err != nil {
			return nil, fmt.Errorf("get circle %d: %w", circleID, err)
		}
		if c.District != u.District {
			return nil, quarterhour.Forbidden("circle_id", "circle %d is in district %s, not %s", circleID, c.District, u.District)
		}
		district = false // the whole circle's feedback is the district's
	}
	all, err := a.store.ListFeedback(ctx, circleID)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	owned := a.feedbackOwnedBy(ctx, u.District)
	out := []quarterhour.Feedback{}
	for _, fb := range all {
		if status != "" && fb.Status != status {
			continue
		}
		if district {
			ok, err := owned(fb)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, fb)
	}
	return out, nil
}

// ResolveFeedback marks feedback id resolved: the district of its circle or
// outlet handles it; admins may resolve any.
func (a *App) ResolveFeedback(ctx context.Context, u *quarterhour.User, id int64) (quarterhour.Feedback, error) {
	if err := CanWrite(u, ""); err != nil {
		return quarterhour.Feedback{}, err
	}
	fb, err := a.store.GetFeedback(ctx, id)
	if err != nil {
		return fb, fmt.Errorf("get feedback %d: %w", id, err)
	}
	if u.Role == quarterhour.RoleDistrict {
		ok, err := a.feedbackOwnedBy(ctx, u.District)(fb)
		if err != nil {
			return fb, err
		}
		if !ok {
			return fb, quarterhour.Forbidden("", "feedback %d is not on a circle or outlet of district %s", id, u.District)
		}
	}
	if err := a.store.ResolveFeedback(ctx, id); err != nil {
		return fb, fmt.Errorf("resolve feedback %d: %w", id, err)
	}
	fb.Status = quarterhour.FeedbackResolved
	a.log.InfoContext(ctx, "feedback resolved", "id", id, "user", u.Username)
	return fb, nil
}

// feedbackOwnedBy returns a test of whether feedback concerns a circle or
// an outlet of district; it remembers the outlets and circles it looked up.
func (a *App) feedbackOwnedBy(ctx context.Context, district string) func(quarterhour.Feedback) (bool, error) {
	districts := map[string]string{} // "circle 12", "outlet 34" -> district
	lookup := func(kind string, id int64, get func() (string, error)) (string, error) {
		key := fmt.Sprintf("%s %d", kind, id)
		if d, ok := districts[key]; ok || id == 0 {
			return d, nil
		}
		d, err := get()
		if errors.Is(err, quarterhour.ErrNotFound) {
			d, err = "", nil
		}
		if err != nil {
			return "", fmt.Errorf("%s %d: %w", kind, id, err)
		}
		districts[key] = d
		return d, nil
	}
	return func(fb quarterhour.Feedback) (bool, error) {
		cd, err := lookup("circle", fb.CircleID, func() (string, error) {
			c, err := a.store.GetCircle(ctx, fb.CircleID)
			return c.District, err
		})
		if err != nil {
			return false, fmt.Errorf("feedback %d: %w", fb.ID, err)
		}
		od, err := lookup("outlet", fb.OutletID, func() (string, error) {
			o, err := a.store.GetOutlet(ctx, fb.OutletID)
			return o.District, err
		})
		if err != nil {
			return false, fmt.Errorf("feedback %d: %w", fb.ID, err)
		}
		return cd == district || od == district, nil
	}
}

// circleComplaints counts the complaints residents posted about circle id
// in year (in China) and how many of them are resolved. They are part of the
// circle's metrics: the complaint resolution rate counts them with the
// complaints the district received through its own channels.
func (a *App) circleComplaints(ctx context.Context, id int64, year int) (received, resolved int, err error) {
	all, err := a.store.ListFeedback(ctx, id)
	if err != nil {
		return 0, 0, fmt.Errorf("feedback on circle %d: %w", id, err)
	}
	for _, fb := range all {
		if !fb.Complaint || fb.CircleID != id || fb.CreatedAt.In(chinaTime).Year() != year {
			continue
		}
		received++
		if fb.Status == quarterhour.FeedbackResolved {
			resolved++
		}
	}
	return received, resolved, nil
}

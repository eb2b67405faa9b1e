package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quarterhour/quarterhour"
)

// MaxFeedbackText is the longest feedback text accepted, in characters.
const MaxFeedbackText = 1000

// feedbackRequest is the body of POST /api/v1/feedback: a resident's rating
// or complaint on an outlet or a circle. No login is needed.
type feedbackRequest struct {
	OutletID  int64  `json:"outlet_id"`
	CircleID  int64  `json:"circle_id"`
	Rating    int    `json:"rating"` // 1..5, 0 = none
	Complaint bool   `json:"complaint"`
	Text      string `json:"text"`
}

// feedbackList is the body of GET /api/v1/feedback.
type feedbackList struct {
	Feedback []quarterhour.Feedback `json:"feedback"`
}

func (s *Server) handleCreateFeedback(w http.ResponseWriter, r *http.Request) {
	if s.feedbackLimiter != nil {
		if wait, ok := s.feedbackLimiter.allow(clientIP(r), time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
			s.writeError(w, r, &Error{Code: quarterhour.ETooManyRequests, Message: "too much feedback from this address; wait a minute"})
			return
		}
	}
	var req feedbackRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	fb, err := s.validateFeedback(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.CreateFeedback(r.Context(), &fb); err != nil {
		s.writeError(w, r, fmt.Errorf("create feedback: %w", err))
		return
	}
	writeJSON(w, http.StatusCreated, fb)
}

// validateFeedback checks a feedback request: it names an existing outlet
// or circle (or both), carries a rating of 1..5 or is a complaint, and a
// complaint says what is wrong.
func (s *Server) validateFeedback(ctx context.Context, req feedbackRequest) (quarterhour.Feedback, error) {
	fb := quarterhour.Feedback{OutletID: req.OutletID, CircleID: req.CircleID, Rating: req.Rating, Complaint: req.Complaint,
		Text: strings.TrimSpace(req.Text), Status: quarterhour.FeedbackOpen}
	if fb.OutletID < 0 || fb.CircleID < 0 {
		return fb, badRequest("outlet_id", "ids are positive")
	}
	if fb.OutletID == 0 && fb.CircleID == 0 {
		return fb, badRequest("outlet_id", "name the outlet_id or circle_id the feedback is about")
	}
	if fb.Rating < 0 || fb.Rating > 5 {
		return fb, badRequest("rating", "rating must be 1 to 5, not %d", fb.Rating)
	}
	if fb.Rating == 0 && !fb.Complaint {
		return fb, badRequest("rating", "give a rating of 1 to 5 or mark the feedback as a complaint")
	}
	if n := utf8.RuneCountInString(fb.Text); n > MaxFeedbackText {
		return fb, badRequest("text", "text is %d characters long, at most %d are accepted", n, MaxFeedbackText)
	}
	if fb.Complaint && fb.Text == "" {
		return fb, badRequest("text", "a complaint needs a text saying what is wrong")
	}
	if fb.OutletID != 0 {
		if _, err := s.store.GetOutlet(ctx, fb.OutletID); err != nil {
			if isNotFound(err) {
				return fb, badRequest("outlet_id", "no outlet %d", fb.OutletID)
			}
			return fb, fmt.Errorf("feedback: get outlet %d: %w", fb.OutletID, err)
		}
	}
	if fb.CircleID != 0 {
		if _, err := s.store.GetCircle(ctx, fb.CircleID); err != nil {
			if isNotFound(err) {
				return fb, badRequest("circle_id", "no circle %d", fb.CircleID)
			}
			return fb, fmt.Errorf("feedback: get circle %d: %w", fb.CircleID, err)
		}
	}
	return fb, nil
}

// handleListFeedback lists feedback, oldest first: reviewers and admins see
// all of it (or one circle's with ?circle_id=), district users that on
// their own circles and outlets. ?status= keeps open or resolved feedback.
func (s *Server) handleListFeedback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	circleID, err := queryInt(r, "circle_id", 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := r.URL.Query().Get("status")
	if status != "" && status != quarterhour.FeedbackOpen && status != quarterhour.FeedbackResolved {
		s.writeError(w, r, badRequest("status", "status must be %q or %q", quarterhour.FeedbackOpen, quarterhour.FeedbackResolved))
		return
	}
	if circleID != 0 && p.User.Role == quarterhour.RoleDistrict {
		c, err := s.store.GetCircle(ctx, int64(circleID))
		if err != nil {
			s.writeError(w, r, fmt.Errorf("get circle %d: %w", circleID, err))
			return
		}
		if c.District != p.User.District {
			s.writeError(w, r, forbidden("circle_id", "circle %d is in district %s, not %s", circleID, c.District, p.User.District))
			return
		}
	}
	all, err := s.store.ListFeedback(ctx, int64(circleID))
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list feedback: %w", err))
		return
	}
	owner := func(quarterhour.Feedback) (bool, error) { return true, nil }
	if p.User.Role == quarterhour.RoleDistrict && circleID == 0 {
		owner = s.feedbackOwnedBy(ctx, p.User.District)
	}
	out := []quarterhour.Feedback{}
	for _, fb := range all {
		if status != "" && fb.Status != status {
			continue
		}
		ok, err := owner(fb)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if ok {
			out = append(out, fb)
		}
	}
	writeJSON(w, http.StatusOK, feedbackList{Feedback: out})
}

// feedbackOwnedBy returns a test of whether feedback concerns a circle or
// an outlet of district; it remembers the outlets and circles it looked up.
func (s *Server) feedbackOwnedBy(ctx context.Context, district string) func(quarterhour.Feedback) (bool, error) {
	districts := map[string]string{} // "c12" / "o34" -> district
	lookup := func(key string, id int64, get func() (string, error)) (string, error) {
		if id == 0 {
			return "", nil
		}
		if d, ok := districts[key]; ok {
			return d, nil
		}
		d, err := get()
		if isNotFound(err) {
			d, err = "", nil
		}
		if err != nil {
			return "", err
		}
		districts[key] = d
		return d, nil
	}
	return func(fb quarterhour.Feedback) (bool, error) {
		cd, err := lookup(fmt.Sprintf("c%d", fb.CircleID), fb.CircleID, func() (string, error) {
			c, err := s.store.GetCircle(ctx, fb.CircleID)
			return c.District, err
		})
		if err != nil {
			return false, fmt.Errorf("feedback %d: circle %d: %w", fb.ID, fb.CircleID, err)
		}
		od, err := lookup(fmt.Sprintf("o%d", fb.OutletID), fb.OutletID, func() (string, error) {
			o, err := s.store.GetOutlet(ctx, fb.OutletID)
			return o.District, err
		})
		if err != nil {
			return false, fmt.Errorf("feedback %d: outlet %d: %w", fb.ID, fb.OutletID, err)
		}
		return cd == district || od == district, nil
	}
}

// handleResolveFeedback marks feedback resolved: the district of its
// circle or outlet handles it; admins may resolve any.
func (s *Server) handleResolveFeedback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if err := canWrite(p, ""); err != nil {
		s.writeError(w, r, err)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	fb, err := s.store.GetFeedback(ctx, id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get feedback %d: %w", id, err))
		return
	}
	if p.User.Role == quarterhour.RoleDistrict {
		ok, err := s.feedbackOwnedBy(ctx, p.User.District)(fb)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !ok {
			s.writeError(w, r, forbidden("", "feedback %d is not on a circle or outlet of district %s", id, p.User.District))
			return
		}
	}
	if err := s.store.ResolveFeedback(ctx, id); err != nil {
		s.writeError(w, r, fmt.Errorf("resolve feedback %d: %w", id, err))
		return
	}
	fb.Status = quarterhour.FeedbackResolved
	s.log.InfoContext(ctx, "feedback resolved", "id", id, "user", p.User.Username)
	writeJSON(w, http.StatusOK, fb)
}

// feedbackOperations documents the feedback routes.
var feedbackOperations = []operation{
	{method: "POST", path: "/api/v1/feedback", tag: "feedback", body: "FeedbackRequest", ok: 201, result: "Feedback",
		summary: "Rate or complain about an outlet or circle; no login needed, limited per client address (429 when exceeded)"},
	{method: "GET", path: "/api/v1/feedback", tag: "feedback", ok: 200, result: "FeedbackList", write: true,
		summary: "Feedback, oldest first: all for reviewers and admins, a district's own circles and outlets for district users",
		params: []param{
			{name: "circle_id", in: "query", typ: "integer", desc: "only feedback on this circle"},
			{name: "status", in: "query", typ: "string", desc: "open | resolved"},
		}},
	{method: "POST", path: "/api/v1/feedback/{id}/resolve", tag: "feedback", ok: 200, result: "Feedback", write: true,
		summary: "Mark feedback resolved (district of its circle or outlet, or admin)", params: []param{pID}},
}

// withFeedbackSchemas adds the schemas of the feedback routes to s.
func withFeedbackSchemas(s map[string]any) map[string]any {
	rating := map[string]any{"type": "integer", "minimum": 0, "maximum": 5, "description": "1..5, 0 = none (complaints only)"}
	text := map[string]any{"type": "string", "maxLength": MaxFeedbackText}
	s["FeedbackRequest"] = obj(map[string]any{
		"outlet_id": tInt, "circle_id": tInt, "rating": rating, "complaint": tBool, "text": text,
	})
	s["Feedback"] = obj(map[string]any{
		"id": tInt, "outlet_id": tInt, "circle_id": tInt, "rating": rating, "complaint": tBool, "text": text,
		"status":     map[string]any{"type": "string", "enum": []string{quarterhour.FeedbackOpen, quarterhour.FeedbackResolved}},
		"created_at": tTime,
	})
	s["FeedbackList"] = obj(map[string]any{"feedback": map[string]any{"type": "array", "items": ref("Feedback")}}, "feedback")
	return s
}

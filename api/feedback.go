package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
)

// feedbackList is the body of GET /api/v1/feedback.
type feedbackList struct {
	Feedback []quarterhour.Feedback `json:"feedback"`
}

// handleCreateFeedback records a resident's feedback; no login is needed,
// so posts are limited per client address.
func (s *Server) handleCreateFeedback(w http.ResponseWriter, r *http.Request) {
	if s.overLimit(w, r, s.feedbackLimiter, s.clientIP(r), "too much feedback from this address; wait a minute") {
		return
	}
	var post app.FeedbackPost
	if err := decodeJSON(r, &post); err != nil {
		s.writeError(w, r, err)
		return
	}
	fb, err := s.app.PostFeedback(r.Context(), post)
	s.answer(w, r, http.StatusCreated, fb, err)
}

// handleListFeedback lists feedback (app.Feedback), ?circle_id= and
// ?status= narrowing it.
func (s *Server) handleListFeedback(w http.ResponseWriter, r *http.Request) {
	circleID, err := queryInt(r, "circle_id", 0)
	var out feedbackList
	if err == nil {
		out.Feedback, err = s.app.Feedback(r.Context(), caller(r), int64(circleID), r.URL.Query().Get("status"))
	}
	s.answer(w, r, http.StatusOK, out, err)
}

// overLimit answers 429, saying when to retry, if l allows key (a client
// address or an account) no more requests for now; msg says what is
// limited. A nil l allows all.
func (s *Server) overLimit(w http.ResponseWriter, r *http.Request, l *rateLimiter, key, msg string) bool {
	if l == nil {
		return false
	}
	wait, ok := l.allow(key, time.Now())
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		s.writeError(w, r, &Error{Code: quarterhour.ETooManyRequests, Message: msg})
	}
	return !ok
}

func (s *Server) handleResolveFeedback(w http.ResponseWriter, r *http.Request) {
	answerID(s, w, r, s.app.ResolveFeedback)
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
	text := map[string]any{"type": "string", "maxLength": app.MaxFeedbackText}
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

package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/store"
)

// The evaluation workflow's routes; the rules live in app (app/evaluations.go).

// caller is the user making the request, nil when anonymous.
func caller(r *http.Request) *quarterhour.User { return principalFrom(r.Context()).user() }

// answer writes v as JSON with status, or err.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// serveID calls fn for the caller and the route's {id} and hands what it
// returns to write, or answers its error.
func serveID[T any](s *Server, w http.ResponseWriter, r *http.Request, fn func(context.Context, *quarterhour.User, int64) (T, error), write func(id int64, v T)) {
	id, err := pathID(r)
	if err == nil {
		var v T
		if v, err = fn(r.Context(), caller(r), id); err == nil {
			write(id, v)
			return
		}
	}
	s.writeError(w, r, err)
}

// answerID answers a request on a route with an {id}: what fn returns for
// the caller and that id, as JSON with 200, or its error.
func answerID[T any](s *Server, w http.ResponseWriter, r *http.Request, fn func(context.Context, *quarterhour.User, int64) (T, error)) {
	serveID(s, w, r, fn, func(_ int64, v T) { writeJSON(w, http.StatusOK, v) })
}

// answerBodyID is answerID for a route that takes a JSON body of type B.
func answerBodyID[B, T any](s *Server, w http.ResponseWriter, r *http.Request, fn func(context.Context, *quarterhour.User, int64, B) (T, error)) {
	var body B
	if err := decodeJSON(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	answerID(s, w, r, func(ctx context.Context, u *quarterhour.User, id int64) (T, error) { return fn(ctx, u, id, body) })
}

func (s *Server) handleCreateEvaluation(w http.ResponseWriter, r *http.Request) {
	var d app.EvaluationDraft
	if err := decodeJSON(r, &d); err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.app.CreateEvaluation(r.Context(), caller(r), d)
	if err == nil {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/evaluations/%d", e.ID))
	}
	s.answer(w, r, http.StatusCreated, e, err)
}

func (s *Server) handleUpdateEvaluation(w http.ResponseWriter, r *http.Request) {
	answerBodyID(s, w, r, s.app.UpdateEvaluation)
}

func (s *Server) handleTransitionEvaluation(w http.ResponseWriter, r *http.Request) {
	answerBodyID(s, w, r, func(ctx context.Context, u *quarterhour.User, id int64, mv app.EvaluationMove) (quarterhour.Evaluation, error) {
		return s.app.MoveEvaluation(ctx, u, id, chi.URLParam(r, "action"), mv)
	})
}

func (s *Server) handleGetEvaluation(w http.ResponseWriter, r *http.Request) {
	answerID(s, w, r, s.app.Evaluation)
}

func (s *Server) handleListEvaluationEvents(w http.ResponseWriter, r *http.Request) {
	answerID(s, w, r, s.app.EvaluationEvents)
}

// handleEvaluationChanges lists what changed in the evaluation's circle
// after its submission (app.ChangesSinceSubmission).
func (s *Server) handleEvaluationChanges(w http.ResponseWriter, r *http.Request) {
	answerID(s, w, r, s.app.ChangesSinceSubmission)
}

func (s *Server) handleListEvaluations(w http.ResponseWriter, r *http.Request) {
	f, err := evaluationFilter(r)
	var es []quarterhour.Evaluation
	if err == nil {
		es, err = s.app.Evaluations(r.Context(), caller(r), f)
	}
	s.answer(w, r, http.StatusOK, es, err)
}

// evaluationFilter reads ?status=&district=&circle_id=&scheme=&year=.
func evaluationFilter(r *http.Request) (store.EvaluationFilter, error) {
	q := r.URL.Query()
	f := store.EvaluationFilter{Status: q.Get("status"), Scheme: q.Get("scheme")}
	var err error
	if f.District, err = queryDistrict(r); err != nil {
		return f, err
	}
	if raw := q.Get("circle_id"); raw != "" {
		if f.CircleID, err = strconv.ParseInt(raw, 10, 64); err != nil || f.CircleID <= 0 {
			return f, badRequest("circle_id", "%q is not a circle id", raw)
		}
	}
	f.Year, err = queryYear(r)
	return f, err
}

// queryYear reads ?year=, 0 when absent.
func queryYear(r *http.Request) (int, error) {
	raw := r.URL.Query().Get("year")
	if raw == "" {
		return 0, nil
	}
	year, err := strconv.Atoi(raw)
	if err != nil {
		return 0, badRequest("year", "%q is not a year", raw)
	}
	return year, nil
}

// handlePreviewEvaluation scores a circle live (app.Preview) under
// ?scheme= for ?year=.
func (s *Server) handlePreviewEvaluation(w http.ResponseWriter, r *http.Request) {
	answerID(s, w, r, func(ctx context.Context, u *quarterhour.User, id int64) (scoring.Result, error) {
		year, err := queryYear(r)
		if err != nil {
			return scoring.Result{}, err
		}
		return s.app.Preview(ctx, u, id, r.URL.Query().Get("scheme"), year)
	})
}

var pEvalID = param{name: "id", in: "path", typ: "integer", required: true, desc: "evaluation id"}

// evaluationOperations documents the scheme, evaluation, progress and report
// routes.
var evaluationOperations = []operation{
	{method: "GET", path: "/api/v1/schemes", summary: "Indicator schemes, latest version of each, with the reconstructed flag and notice", tag: "evaluation", ok: 200, result: "SchemeList"},
	{method: "GET", path: "/api/v1/schemes/{code}", summary: "One scheme with its full document", tag: "evaluation", ok: 200, result: "Scheme", params: []param{
		{name: "code", in: "path", typ: "string", required: true, desc: "scheme code, e.g. jining-2023"},
	}},
	{method: "POST", path: "/api/v1/schemes", summary: "Load a scheme document (YAML or JSON) after validation (admin); refused with the reason", tag: "evaluation", body: "SchemeDocument", ok: 201, result: "Scheme", write: true},
	{method: "GET", path: "/api/v1/circles/{id}/evaluation", summary: "Live scoring of a circle: metrics now, submitted values of its evaluation if any; district users only for their own district", tag: "evaluation", ok: 200, result: "EvaluationResult", write: true, params: []param{
		pID,
		{name: "scheme", in: "query", typ: "string", desc: "scheme code, default jining-2023"},
		{name: "year", in: "query", typ: "integer", desc: "evaluation year, default the scheme's first"},
	}},
	{method: "GET", path: "/api/v1/evaluations", summary: "Evaluations; district users see only their district", tag: "evaluation", ok: 200, result: "EvaluationList", write: true, params: []param{
		pDistrict,
		{name: "status", in: "query", typ: "string", desc: "draft | submitted | returned | approved | certified"},
		{name: "circle_id", in: "query", typ: "integer"},
		{name: "scheme", in: "query", typ: "string"},
		{name: "year", in: "query", typ: "integer"},
	}},
	{method: "POST", path: "/api/v1/evaluations", summary: "Create a draft evaluation of a circle of the caller's district, scored on live metrics", tag: "evaluation", body: "EvaluationCreate", ok: 201, result: "Evaluation", write: true},
	{method: "GET", path: "/api/v1/evaluations/{id}", summary: "One evaluation with its metrics snapshot and result; 404 for a district user when it belongs to another district, as for one that does not exist", tag: "evaluation", ok: 200, result: "Evaluation", write: true, params: []param{pEvalID}},
	{method: "PUT", path: "/api/v1/evaluations/{id}", summary: "Change the submitted values of a draft or returned evaluation (rescored); 409 once submitted", tag: "evaluation", body: "EvaluationUpdate", ok: 200, result: "Evaluation", write: true, params: []param{pEvalID}},
	{method: "POST", path: "/api/v1/evaluations/{id}/{action}", summary: "Move an evaluation: submit (district), return, approve, certify (reviewer; certify sets award_yuan within the cap, once per circle, and is refused with 403 to whoever created, submitted or approved the evaluation); 409 when not allowed or stale", tag: "evaluation", body: "Transition", ok: 200, result: "Evaluation", write: true, params: []param{
		pEvalID, {name: "action", in: "path", typ: "string", required: true, desc: "submit | return | approve | certify"},
	}},
	{method: "GET", path: "/api/v1/evaluations/{id}/events", summary: "The evaluation's audit trail", tag: "evaluation", ok: 200, result: "EvaluationEvents", write: true, params: []param{pEvalID}},
	{method: "GET", path: "/api/v1/evaluations/{id}/changes", summary: "What changed in the evaluation's circle after its latest submission: served communities (changed or not, with what looks implausible in their figures) and outlets near the centres written since, with their walk now; reviewers and admins any, a district its own", tag: "evaluation", ok: 200, result: "EvaluationChanges", write: true, params: []param{pEvalID}},
	{method: "GET", path: "/api/v1/evaluations/{id}/report.xlsx", summary: "The evaluation as an Excel workbook (indicators, gates, tier, award, events)", tag: "evaluation", ok: 200, write: true, params: []param{pEvalID}},
	{method: "GET", path: "/api/v1/progress", summary: "Circles built and certified high-quality and awards committed per year and district, against the targets and the yearly award budget", tag: "evaluation", ok: 200, result: "Progress", write: true},
	{method: "GET", path: "/api/v1/reports/progress.xlsx", summary: "Progress as an Excel workbook: a 全市 sheet and one per district", tag: "evaluation", ok: 200, write: true},
}

// withEvaluationSchemas adds the schemas of the evaluation routes to s.
func withEvaluationSchemas(s map[string]any) map[string]any {
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	free := map[string]any{"type": "object", "additionalProperties": true}
	submitted := obj(map[string]any{
		"satisfaction_rate": tNum, "survey_sample_size": tInt, "management_system": tBool, "complaint_channel": tBool,
		"complaints_received": map[string]any{"type": "integer", "description": "complaints received in the year through the district's own channels; those residents posted on the platform are counted apart (metrics platform_complaints_received and platform_complaints_resolved) and join these in the complaint resolution rate"},
		"complaints_resolved": map[string]any{"type": "integer", "description": "of those, resolved"},
		"evidence": arr(obj(map[string]any{
			"indicator": map[string]any{"type": "string", "description": "an indicator of the scheme, e.g. E1"},
			"ref": map[string]any{"type": "string", "pattern": "^/api/v1/evidence/[1-9][0-9]*$",
				"description": "a file uploaded to this evaluation, as /api/v1/evidence/{file id}; anything else is refused (400, field evidence[i].ref)"},
			"note": tString,
		}, "indicator", "ref")),
	})
	summary := obj(map[string]any{"code": tString, "version": tInt, "name": tString, "name_en": tString, "years": tInts,
		"reconstructed": tBool, "notice": tString, "total_points": tNum, "tiers": tStrings})
	progressYear := obj(map[string]any{"year": tInt, "circles_built": tInt, "circles_built_to_date": tInt,
		"high_quality_certified": tInt, "high_quality_certified_to_date": tInt,
		"target_circles": tInt, "target_high_quality": tInt, "target_circles_to_date": tInt, "target_high_quality_to_date": tInt,
		"award_committed_yuan": tInt, "award_committed_yuan_to_date": tInt,
		"award_budget_yuan": tInt, "award_budget_yuan_to_date": tInt})
	progressDistrict := obj(map[string]any{"district": tString, "name": tString, "years": arr(progressYear)})
	evaluation := obj(map[string]any{
		"id": tInt, "circle_id": tInt, "district": tString, "scheme": tString, "year": tInt,
		"status":    map[string]any{"type": "string", "enum": app.EvaluationStatuses},
		"submitted": submitted, "metrics": free, "result": ref("EvaluationResult"),
		"total": tNum, "tier": tString, "award_yuan": tInt, "version": tInt, "created_by": tString,
		"created_at": tTime, "updated_at": tTime, "certified_at": tTime,
		"approved_by":  map[string]any{"type": "string", "description": "the reviewer who approved it"},
		"certified_by": map[string]any{"type": "string", "description": "the reviewer who certified it; never whoever created, submitted or approved it"},
	})
	maps.Copy(s, map[string]any{
		"SchemeList":     arr(summary),
		"Scheme":         obj(map[string]any{"code": tString, "version": tInt, "name": tString, "years": tInts, "reconstructed": tBool, "document": free, "created_at": tTime}),
		"SchemeDocument": map[string]any{"type": "object", "description": "a scheme document as in seeds/schemes/*.yaml, sent as YAML or JSON"},
		"EvaluationResult": obj(map[string]any{
			"scheme": tString, "scheme_version": tInt, "reconstructed": tBool, "notice": tString, "year": tInt,
			"total": tNum, "max_total": tNum, "tier": tString, "tier_name": tString, "tier_reason": tString,
			"indicators": arr(obj(map[string]any{"id": tString, "name": tString, "group": tString, "value": tNum, "unit": tString,
				"points": tNum, "max_points": tNum, "rule": tString, "explanation": tString, "missing": tStrings, "basis": tString})),
			"gates": arr(obj(map[string]any{"tier": tString, "condition": tString, "held": tBool, "message": tString})),
			"award": obj(map[string]any{"eligible": tBool, "cap_yuan": tInt, "reason": tString}),
		}, "scheme", "year", "total", "tier", "indicators", "gates", "award"),
		"Evaluation":       evaluation,
		"EvaluationList":   arr(evaluation),
		"EvaluationCreate": obj(map[string]any{"circle_id": tInt, "scheme": tString, "year": tInt, "submitted": submitted}, "circle_id", "scheme", "year"),
		"EvaluationUpdate": obj(map[string]any{"version": tInt, "submitted": submitted}, "version", "submitted"),
		"Transition":       obj(map[string]any{"version": tInt, "comment": tString, "award_yuan": tInt}, "version"),
		"EvaluationEvents": arr(obj(map[string]any{"id": tInt, "evaluation_id": tInt, "actor": tString, "at": tTime, "from": tString, "to": tString, "comment": tString})),
		"EvaluationChanges": obj(map[string]any{
			"evaluation_id": tInt, "circle_id": tInt,
			"submitted_at": map[string]any{"type": "string", "format": "date-time", "nullable": true, "description": "the latest submission; null when never submitted"},
			"walk_m":       tNum,
			"communities": arr(obj(map[string]any{"id": tInt, "name": tString, "updated_at": tTime,
				"changed":     map[string]any{"type": "boolean", "description": "written after the submission"},
				"implausible": tStrings})),
			"outlets": arr(obj(map[string]any{"id": tInt, "name": tString, "category": tString, "status": tString, "updated_at": tTime,
				"walk_m": map[string]any{"type": "number", "nullable": true, "description": "walk from the nearest centre now; null when not within the budget"}})),
		}),
		"Progress": obj(map[string]any{"years": tInts, "city": progressDistrict, "districts": arr(progressDistrict)}),
	})
	return s
}

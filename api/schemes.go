package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/store"
)

// maxSchemeBytes bounds a scheme document loaded at run time.
const maxSchemeBytes = 1 << 20

// schemeSummary is one entry of GET /api/v1/schemes.
type schemeSummary struct {
	Code          string   `json:"code"`
	Version       int      `json:"version"`
	Name          string   `json:"name"`
	NameEN        string   `json:"name_en"`
	Years         []int    `json:"years"`
	Reconstructed bool     `json:"reconstructed"`
	Notice        string   `json:"notice,omitempty"`
	TotalPoints   float64  `json:"total_points"`
	Tiers         []string `json:"tiers"`
}

func summarize(row quarterhour.Scheme) (schemeSummary, error) {
	sch, err := scoring.ParseScheme(row.Document)
	if err != nil {
		return schemeSummary{}, fmt.Errorf("parse stored scheme %s v%d: %w", row.Code, row.Version, err)
	}
	sum := schemeSummary{Code: row.Code, Version: row.Version, Name: sch.Name.ZH, NameEN: sch.Name.EN,
		Years: sch.Years, Reconstructed: sch.Reconstructed, Notice: sch.Notice, TotalPoints: sch.TotalPoints}
	for _, t := range sch.Tiers {
		sum.Tiers = append(sum.Tiers, t.Code)
	}
	return sum, nil
}

func (s *Server) handleListSchemes(w http.ResponseWriter, r *http.Request) {
	rows, err := s.store.ListSchemes(r.Context())
	if err != nil {
		s.writeError(w, r, fmt.Errorf("list schemes: %w", err))
		return
	}
	out := make([]schemeSummary, 0, len(rows))
	for _, row := range rows {
		sum, err := summarize(row)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out = append(out, sum)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleGetScheme(w http.ResponseWriter, r *http.Request) {
	code := chi.URLParam(r, "code")
	row, err := s.store.GetScheme(r.Context(), code)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get scheme %s: %w", code, err))
		return
	}
	writeJSON(w, http.StatusOK, row)
}

// handleLoadScheme loads a scheme document (YAML, or JSON, which is YAML)
// at run time. It is refused with the reason unless it parses and
// validates against the inputs scoring knows; an unchanged document keeps
// its version, a changed one gets the next.
func (s *Server) handleLoadScheme(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	if p.User.Role != quarterhour.RoleAdmin {
		s.writeError(w, r, forbidden("", "only an admin may load a scheme; %s is %s", p.User.Username, p.User.Role))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSchemeBytes+1))
	if err != nil {
		s.writeError(w, r, jsonError(err))
		return
	}
	if len(body) > maxSchemeBytes {
		s.writeError(w, r, &Error{Code: quarterhour.ETooLarge, Message: fmt.Sprintf("a scheme document is at most %d bytes", maxSchemeBytes)})
		return
	}
	sch, err := scoring.ParseScheme(body)
	if err != nil {
		s.writeError(w, r, badRequest("", "scheme refused: %v", err))
		return
	}
	if err := sch.Validate(scoring.DefaultInputs()); err != nil {
		s.writeError(w, r, badRequest("", "scheme refused: %v", err))
		return
	}
	doc, err := json.Marshal(sch)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("encode scheme %s: %w", sch.Code, err))
		return
	}
	row := quarterhour.Scheme{Code: sch.Code, Version: sch.Version, Name: sch.Name.ZH, Years: sch.Years,
		Reconstructed: sch.Reconstructed, Document: doc}
	if err := s.store.UpsertScheme(ctx, &row); err != nil {
		s.writeError(w, r, fmt.Errorf("store scheme %s: %w", sch.Code, err))
		return
	}
	s.log.InfoContext(ctx, "scheme loaded", "code", row.Code, "version", row.Version, "by", p.User.Username)
	w.Header().Set("Location", "/api/v1/schemes/"+row.Code)
	writeJSON(w, http.StatusCreated, row)
}

// handlePreviewEvaluation scores a circle live: metrics computed now, the
// submitted values of the circle's evaluation under the scheme for that
// year (or its latest one under the scheme) if any. Those values may be a
// draft, so the preview is read like the evaluation itself: a login, and
// district users only for circles of their own district.
func (s *Server) handlePreviewEvaluation(w http.ResponseWriter, r *http.Request) {
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
	c, err := s.store.GetCircle(ctx, id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("get circle %d: %w", id, err))
		return
	}
	if err := canRead(p, c.District); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	code := q.Get("scheme")
	if code == "" {
		code = DefaultScheme
	}
	year := 0
	if raw := q.Get("year"); raw != "" {
		if year, err = strconv.Atoi(raw); err != nil {
			s.writeError(w, r, badRequest("year", "%q is not a year", raw))
			return
		}
	}
	res, err := s.Preview(ctx, id, code, year)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// DefaultScheme is the scheme a preview uses when none is named.
const DefaultScheme = "jining-2023"

// Preview returns the live scoring of circle id under scheme code for year
// (0: the scheme's first year), with the submitted values of the circle's
// matching evaluation, else its latest under the scheme, else none.
func (s *Server) Preview(ctx context.Context, id int64, code string, year int) (scoring.Result, error) {
	c, err := s.store.GetCircle(ctx, id)
	if err != nil {
		return scoring.Result{}, fmt.Errorf("get circle %d: %w", id, err)
	}
	sch, err := s.loadScheme(ctx, code, "scheme")
	if err != nil {
		return scoring.Result{}, err
	}
	if year == 0 && len(sch.Years) > 0 {
		year = sch.Years[0]
	}
	if err := checkYear(sch, year); err != nil {
		return scoring.Result{}, err
	}
	es, err := s.store.ListEvaluations(ctx, store.EvaluationFilter{CircleID: id, Scheme: sch.Code})
	if err != nil {
		return scoring.Result{}, fmt.Errorf("evaluations of circle %d: %w", id, err)
	}
	e := quarterhour.Evaluation{CircleID: id, Year: year}
	if latest, ok := latestEvaluation(es, year); ok {
		e.Submitted = latest.Submitted
	}
	sub, _, err := decodeStored(e)
	if err != nil {
		return scoring.Result{}, err
	}
	m, err := s.liveMetrics(ctx, c, sch)
	if err != nil {
		return scoring.Result{}, err
	}
	return s.score(ctx, &e, sch, m, sub)
}

// latestEvaluation picks the evaluation of year, else the most recently
// updated one.
func latestEvaluation(es []quarterhour.Evaluation, year int) (quarterhour.Evaluation, bool) {
	var best quarterhour.Evaluation
	found := false
	for _, e := range es {
		switch {
		case !found:
		case (e.Year == year) != (best.Year == year):
			if e.Year != year {
				continue
			}
		case !e.UpdatedAt.After(best.UpdatedAt):
			continue
		}
		best, found = e, true
	}
	return best, found
}

package api

import (
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/quarterhour/quarterhour/app"
)

func (s *Server) handleListSchemes(w http.ResponseWriter, r *http.Request) {
	list, err := s.app.Schemes(r.Context())
	s.answer(w, r, http.StatusOK, list, err)
}

func (s *Server) handleGetScheme(w http.ResponseWriter, r *http.Request) {
	row, err := s.app.Scheme(r.Context(), chi.URLParam(r, "code"))
	s.answer(w, r, http.StatusOK, row, err)
}

// handleLoadScheme loads a scheme document, YAML or JSON, sent as the body.
func (s *Server) handleLoadScheme(w http.ResponseWriter, r *http.Request) {
	doc, err := io.ReadAll(io.LimitReader(r.Body, app.MaxSchemeBytes+1))
	if err != nil {
		s.writeError(w, r, jsonError(err))
		return
	}
	row, err := s.app.LoadScheme(r.Context(), caller(r), doc)
	if err == nil {
		w.Header().Set("Location", "/api/v1/schemes/"+row.Code)
	}
	s.answer(w, r, http.StatusCreated, row, err)
}

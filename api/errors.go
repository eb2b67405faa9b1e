package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/quarterhour/quarterhour"
)

// Error is an API error: the HTTP status, a message for people and, for bad
// input, the request field at fault. It is written as
// {"error": "...", "field": "..."}.
type Error struct {
	Status  int
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func badRequest(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Field: field, Message: fmt.Sprintf(format, args...)}
}

func forbidden(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusForbidden, Field: field, Message: fmt.Sprintf(format, args...)}
}

var errUnauthenticated = &Error{Status: http.StatusUnauthorized, Message: "login required"}

// writeError maps err to a status and writes it as JSON. Store errors map to
// 404 (ErrNotFound) and 409 (ErrConflict); an oversized body to 413; anything
// unknown is logged and reported as 500 without its details.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var apiErr *Error
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &apiErr):
	case errors.As(err, &tooBig):
		apiErr = &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)}
	case errors.Is(err, quarterhour.ErrNotFound):
		apiErr = &Error{Status: http.StatusNotFound, Message: "not found"}
	case errors.Is(err, quarterhour.ErrConflict):
		apiErr = &Error{Status: http.StatusConflict, Field: "version", Message: "the record was changed by someone else; reload it and apply your change again"}
	default:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		apiErr = &Error{Status: http.StatusInternalServerError, Message: "internal error"}
	}
	if apiErr.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="quarterhour"`)
	}
	writeJSON(w, apiErr.Status, errorBody{Error: apiErr.Message, Field: apiErr.Field})
}

func isNotFound(err error) bool { return errors.Is(err, quarterhour.ErrNotFound) }

package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/quarterhour/quarterhour"
)

// Error is the application's error as the API writes it:
// {"error": "...", "field": "...", "code": "..."}.
type Error = quarterhour.Error

// errorBody is the JSON shape of every error response: the message in the
// request's language (i18n.go), the field at fault, the stable code and,
// when the message could not be translated, the original as detail.
type errorBody struct {
	Error  string `json:"error"`
	Field  string `json:"field,omitempty"`
	Code   string `json:"code,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// statusOf maps an error code to its HTTP status.
var statusOf = map[string]int{
	quarterhour.EInvalid:          http.StatusBadRequest,
	quarterhour.EUnauthenticated:  http.StatusUnauthorized,
	quarterhour.EForbidden:        http.StatusForbidden,
	quarterhour.ENotFound:         http.StatusNotFound,
	quarterhour.EMethod:           http.StatusMethodNotAllowed,
	quarterhour.EConflict:         http.StatusConflict,
	quarterhour.ETooLarge:         http.StatusRequestEntityTooLarge,
	quarterhour.EUnsupportedMedia: http.StatusUnsupportedMediaType,
	quarterhour.EUnprocessable:    http.StatusUnprocessableEntity,
	quarterhour.ETooManyRequests:  http.StatusTooManyRequests,
	quarterhour.EUnavailable:      http.StatusServiceUnavailable,
	quarterhour.EInternal:         http.StatusInternalServerError,
}

// httpStatus is the HTTP status for an error code; 500 for unknown codes.
func httpStatus(code string) int {
	if st, ok := statusOf[code]; ok {
		return st
	}
	return http.StatusInternalServerError
}

func badRequest(field, format string, args ...any) *Error {
	return quarterhour.Invalid(field, format, args...)
}

func forbidden(field, format string, args ...any) *Error {
	return quarterhour.Forbidden(field, format, args...)
}

var errUnauthenticated = &Error{Code: quarterhour.EUnauthenticated, Message: "login required"}

// writeError maps err to a status and writes it as JSON, worded in the
// request's language (Accept-Language; Chinese by default). Store errors map
// to 404 (ErrNotFound) and 409 (ErrConflict); an oversized body to 413;
// anything unknown is logged and reported as 500 without its details.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var apiErr *Error
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &apiErr):
	case errors.As(err, &tooBig):
		apiErr = &Error{Code: quarterhour.ETooLarge, Message: fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)}
	case errors.Is(err, quarterhour.ErrNotFound):
		apiErr = &Error{Code: quarterhour.ENotFound, Message: "not found"}
	case errors.Is(err, quarterhour.ErrConflict):
		apiErr = &Error{Code: quarterhour.EConflict, Field: "version", Message: "the record was changed by someone else; reload it and apply your change again"}
	case s.storeUnreachable(err):
		apiErr = errStoreUnavailable
	default:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.metrics.failures.Inc()
		apiErr = &Error{Code: quarterhour.EInternal, Message: "internal error"}
	}
	status := httpStatus(apiErr.Code)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="quarterhour"`)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	lang := requestLang(r)
	msg := localize(apiErr, lang)
	w.Header().Set("Content-Language", lang)
	w.Header().Add("Vary", "Accept-Language")
	writeJSON(w, status, errorBody{Error: msg.Message, Field: apiErr.Field, Code: apiErr.Code, Detail: msg.Detail})
}

func isNotFound(err error) bool { return errors.Is(err, quarterhour.ErrNotFound) }

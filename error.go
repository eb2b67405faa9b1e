package quarterhour

import (
	"errors"
	"fmt"
)

// Errors every Store returns; the application and the API map them to their
// own answers.
var (
	// ErrNotFound: no row with that key.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the row changed since it was read (stale version), or a
	// uniqueness rule was broken (for example a second award for a circle).
	ErrConflict = errors.New("conflict")
	// ErrUnavailable: the database cannot be reached just now; try again.
	ErrUnavailable = errors.New("store unavailable")
)

// Error codes: what went wrong, stable across releases and languages, so a
// client can act on the code and a transport (HTTP) can map it to a status.
const (
	EInvalid          = "invalid"           // the input breaks a rule; Field names it
	EUnauthenticated  = "unauthenticated"   // a login is needed
	EForbidden        = "forbidden"         // the caller may not do this
	ENotFound         = "not_found"         // no such thing (or not visible to the caller)
	EConflict         = "conflict"          // changed by someone else, or a uniqueness rule
	EUnprocessable    = "unprocessable"     // well-formed but cannot be processed as it stands
	ETooLarge         = "too_large"         // the input is larger than allowed
	EUnsupportedMedia = "unsupported_media" // the input's type is not one we read
	ETooManyRequests  = "too_many_requests" // slow down
	EUnavailable      = "unavailable"       // a dependency is not ready; try again later
	EMethod           = "method_not_allowed"
	EInternal         = "internal"
)

// Error is an error the application reports to its user: a Code, a message
// for people and, for bad input, the Field at fault.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with code, field and a formatted message.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EInvalid error naming field.
func Invalid(field, format string, args ...any) *Error {
	return Errorf(EInvalid, field, format, args...)
}

// Forbidden returns an EForbidden error.
func Forbidden(field, format string, args ...any) *Error {
	return Errorf(EForbidden, field, format, args...)
}

// ErrorCode returns the code of err: that of an *Error in its chain,
// ENotFound, EConflict or EUnavailable for the store sentinels, EInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, ErrNotFound):
		return ENotFound
	case errors.Is(err, ErrConflict):
		return EConflict
	case errors.Is(err, ErrUnavailable):
		return EUnavailable
	}
	return EInternal
}

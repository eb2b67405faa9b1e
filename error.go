package quarterhour

import "errors"

// Errors every Store returns so callers can map them to HTTP statuses.
var (
	// ErrNotFound: no row with that key.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the row changed since it was read (stale version), or a
	// uniqueness rule was broken (for example a second award for a circle).
	ErrConflict = errors.New("conflict")
)

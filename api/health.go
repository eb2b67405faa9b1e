package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/quarterhour/quarterhour"
)

// healthResponse is the body of GET /healthz.
type healthResponse struct {
	Status        string `json:"status"`
	Store         string `json:"store"`
	SchemaVersion int64  `json:"schema_version,omitempty"`
	Error         string `json:"error,omitempty"`
	// Access tells whether the walking-access index is loaded: "ready" or
	// "loading". It is kept in memory and goes on answering isochrone,
	// nearby and coverage queries while the store is unreachable.
	Access string `json:"access,omitempty"`
}

// healthTimeout bounds the store round trips of GET /healthz.
const healthTimeout = 3 * time.Second

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	resp := healthResponse{Status: "ok", Store: s.store.Kind()}
	if s.app != nil {
		resp.Access = "loading"
		if s.app.Access().Ready() {
			resp.Access = "ready"
		}
	}
	err := s.store.Ping(ctx)
	if err == nil {
		resp.SchemaVersion, err = s.store.SchemaVersion(ctx)
	}
	if err != nil {
		s.log.WarnContext(ctx, "health check failed", "err", err)
		reason := "store unreachable"
		if why, ok := s.unreachable(err); ok && why != "" {
			reason += ": " + why
		}
		resp.Status, resp.SchemaVersion, resp.Error = "unavailable", 0, reason
		w.Header().Set("Retry-After", retryAfterSeconds)
		writeJSON(w, http.StatusServiceUnavailable, resp)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// unreachableReporter is implemented by stores that tell a failure to reach
// their database from other errors (the PostgreSQL store does).
type unreachableReporter interface {
	// Unreachable reports whether err means the database could not be
	// reached and, if so, why in a few words fit for a client.
	Unreachable(err error) (reason string, ok bool)
}

// retryAfterSeconds is the Retry-After of a 503: a store outage is usually
// either over within seconds or long, and a client retrying every few
// seconds finds out which without loading the server.
const retryAfterSeconds = "2"

// unreachable reports whether err means the store could not be reached, and
// why.
func (s *Server) unreachable(err error) (string, bool) {
	if c, ok := s.store.(unreachableReporter); ok {
		if why, ok := c.Unreachable(err); ok {
			return why, true
		}
	}
	if errors.Is(err, quarterhour.ErrUnavailable) {
		return "", true
	}
	return "", false
}

// errStoreUnavailable is the answer to a request that failed because the
// store could not be reached; the client may try again shortly.
var errStoreUnavailable = &Error{Code: quarterhour.EUnavailable, Message: "the database cannot be reached just now; try again shortly"}

// storeUnreachable reports whether err means the store could not be
// reached.
func (s *Server) storeUnreachable(err error) bool {
	_, ok := s.unreachable(err)
	return ok
}

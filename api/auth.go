package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "qh_session"

// CSRFHeader carries the session's CSRF token on unsafe requests that
// authenticate with the session cookie.
const CSRFHeader = "X-CSRF-Token"

// principal is who makes a request; nil in the context means anonymous.
type principal struct {
	User      quarterhour.User
	Session   quarterhour.Session
	ViaCookie bool
}

type principalKey struct{}

func principalFrom(ctx context.Context) *principal {
	p, _ := ctx.Value(principalKey{}).(*principal)
	return p
}

// authenticate resolves a bearer token or session cookie to a user. A bad
// bearer token is rejected outright; a stale cookie counts as anonymous.
// Unsafe requests authenticated by cookie must carry the CSRF header.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, token, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				s.writeError(w, r, &Error{Code: quarterhour.EUnauthenticated, Field: "Authorization", Message: "want Authorization: Bearer <token>"})
				return
			}
			p, err := s.lookupSession(ctx, strings.TrimSpace(token))
			if err != nil {
				if errors.Is(err, quarterhour.ErrNotFound) {
					err = &Error{Code: quarterhour.EUnauthenticated, Field: "Authorization", Message: "token is invalid or expired"}
				}
				s.writeError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, principalKey{}, p)))
			return
		}
		c, err := r.Cookie(SessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		p, err := s.lookupSession(ctx, c.Value)
		if errors.Is(err, quarterhour.ErrNotFound) {
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		p.ViaCookie = true
		if !safeMethod(r.Method) && !strings.HasSuffix(r.URL.Path, "/auth/login") {
			got := r.Header.Get(CSRFHeader)
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(p.Session.CSRFToken)) != 1 {
				s.writeError(w, r, forbidden(CSRFHeader, "missing or wrong CSRF token; send the csrf_token from login in the %s header", CSRFHeader))
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, principalKey{}, p)))
	})
}

func (s *Server) lookupSession(ctx context.Context, token string) (*principal, error) {
	sess, u, err := s.app.Session(ctx, token)
	if err != nil {
		return nil, err
	}
	return &principal{User: u, Session: sess}, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// loginRequest is the body of POST /api/v1/auth/login.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginResponse is returned by a successful login.
type loginResponse struct {
	Token     string           `json:"token"`
	CSRFToken string           `json:"csrf_token"`
	ExpiresAt time.Time        `json:"expires_at"`
	User      quarterhour.User `json:"user"`
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if s.overLimit(w, r, s.limiter, s.clientIP(r), "too many login attempts; wait a minute") {
		return
	}
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	account := strings.ToLower(strings.TrimSpace(req.Username))
	if account != "" && s.overLimit(w, r, s.accounts, account, "too many login attempts for this account; wait a few minutes") {
		s.log.WarnContext(r.Context(), "login throttled for account", "user", account, "client", s.clientIP(r))
		return
	}
	token, sess, u, err := s.app.Login(r.Context(), req.Username, req.Password, s.sessionTTL)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		Expires:  sess.ExpiresAt,
		MaxAge:   int(s.sessionTTL.Seconds()),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
	s.log.InfoContext(ctx, "login", "user", u.Username, "role", u.Role)
	writeJSON(w, http.StatusOK, loginResponse{Token: token, CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt, User: u})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if p := principalFrom(r.Context()); p != nil {
		if err := s.app.Logout(r.Context(), p.Session.TokenHash); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
}

// meResponse is the body of GET /api/v1/me; CSRFToken is set for cookie
// sessions so a reloaded page can keep writing.
type meResponse struct {
	User      quarterhour.User `json:"user"`
	CSRFToken string           `json:"csrf_token,omitempty"`
	ExpiresAt time.Time        `json:"expires_at"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	resp := meResponse{User: p.User, ExpiresAt: p.Session.ExpiresAt}
	if p.ViaCookie {
		resp.CSRFToken = p.Session.CSRFToken
	}
	writeJSON(w, http.StatusOK, resp)
}

// user is the acting user of p, nil when anonymous.
func (p *principal) user() *quarterhour.User {
	if p == nil {
		return nil
	}
	return &p.User
}

// canWrite checks that the caller may change data of district (app.CanWrite).
func canWrite(p *principal, district string) error { return app.CanWrite(p.user(), district) }

// rateLimiter allows n events per window per key (fixed windows).
type rateLimiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	seen   map[string]rateWindow
}

type rateWindow struct {
	start time.Time
	count int
}

func newRateLimiter(n int, window time.Duration) *rateLimiter {
	return &rateLimiter{n: n, window: window, seen: make(map[string]rateWindow)}
}

// allow records an event for key at now and reports whether it is within
// the limit, or how long to wait when not.
func (l *rateLimiter) allow(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) > 10000 {
		for k, w := range l.seen {
			if now.Sub(w.start) >= l.window {
				delete(l.seen, k)
			}
		}
	}
	w := l.seen[key]
	if now.Sub(w.start) >= l.window {
		w = rateWindow{start: now}
	}
	w.count++
	l.seen[key] = w
	if w.count > l.n {
		return w.start.Add(l.window).Sub(now), false
	}
	return 0, true
}

// clientIP is the client's address: the peer, or, when the peer is a
// trusted proxy, the nearest address in X-Forwarded-For that is not one.
func (s *Server) clientIP(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	ip := peer.Addr().Unmap()
	if !s.trusted(ip) {
		return ip.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if hop = hop.Unmap(); !s.trusted(hop) {
			return hop.String()
		}
		ip = hop
	}
	return ip.String()
}

// trusted reports whether ip is one of the trusted proxies.
func (s *Server) trusted(ip netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

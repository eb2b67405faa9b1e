package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/quarterhour/quarterhour"
	"golang.org/x/crypto/argon2"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "qh_session"

// CSRFHeader carries the session's CSRF token on unsafe requests that
// authenticate with the session cookie.
const CSRFHeader = "X-CSRF-Token"

// argon2id parameters (RFC 9106 / OWASP: m=19 MiB, t=2, p=1).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// HashPassword hashes password with argon2id and returns the PHC string
// "$argon2id$v=19$m=...,t=...,p=...$salt$hash".
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC string hash made by
// HashPassword; it fails for hashes it cannot parse.
func VerifyPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errors.New("verify password: not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("verify password: unsupported argon2 version %q", parts[2])
	}
	var memory, iterations uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &iterations, &threads); err != nil {
		return false, fmt.Errorf("verify password: parameters %q: %w", parts[3], err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("verify password: salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, fmt.Errorf("verify password: key: %v", err)
	}
	got := argon2.IDKey([]byte(password), salt, iterations, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when the username is unknown, so a wrong
// username takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("no such user")
	if err != nil {
		panic(err)
	}
	return h
})

// randomToken returns 32 random bytes, URL-safe base64.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// TokenHash is what the store keeps of a session token: hex SHA-256.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

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
				s.writeError(w, r, &Error{Status: http.StatusUnauthorized, Field: "Authorization", Message: "want Authorization: Bearer <token>"})
				return
			}
			p, err := s.lookupSession(ctx, strings.TrimSpace(token))
			if err != nil {
				if errors.Is(err, quarterhour.ErrNotFound) {
					err = &Error{Status: http.StatusUnauthorized, Field: "Authorization", Message: "token is invalid or expired"}
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
	sess, err := s.store.GetSession(ctx, TokenHash(token))
	if err != nil {
		if errors.Is(err, quarterhour.ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("look up session: %w", err)
	}
	if !sess.ExpiresAt.IsZero() && time.Now().After(sess.ExpiresAt) {
		return nil, quarterhour.ErrNotFound
	}
	u, err := s.store.GetUser(ctx, sess.UserID)
	if err != nil {
		if errors.Is(err, quarterhour.ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("look up session user %d: %w", sess.UserID, err)
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
	if s.limiter != nil {
		if wait, ok := s.limiter.allow(clientIP(r), time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
			s.writeError(w, r, &Error{Status: http.StatusTooManyRequests, Message: "too many login attempts; wait a minute"})
			return
		}
	}
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Username == "" {
		s.writeError(w, r, badRequest("username", "username is required"))
		return
	}
	if req.Password == "" {
		s.writeError(w, r, badRequest("password", "password is required"))
		return
	}
	ctx := r.Context()
	wrong := &Error{Status: http.StatusUnauthorized, Message: "wrong username or password"}
	u, err := s.store.GetUserByName(ctx, req.Username)
	if errors.Is(err, quarterhour.ErrNotFound) {
		_, _ = VerifyPassword(dummyHash(), req.Password)
		s.writeError(w, r, wrong)
		return
	}
	if err != nil {
		s.writeError(w, r, fmt.Errorf("login %q: %w", req.Username, err))
		return
	}
	ok, err := VerifyPassword(u.PasswordHash, req.Password)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("login %q: %w", req.Username, err))
		return
	}
	if !ok {
		s.writeError(w, r, wrong)
		return
	}
	token, err := randomToken()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	csrf, err := randomToken()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := time.Now().UTC()
	sess := quarterhour.Session{TokenHash: TokenHash(token), UserID: u.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(s.sessionTTL)}
	if err := s.store.CreateSession(ctx, &sess); err != nil {
		s.writeError(w, r, fmt.Errorf("login %q: create session: %w", u.Username, err))
		return
	}
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
	writeJSON(w, http.StatusOK, loginResponse{Token: token, CSRFToken: csrf, ExpiresAt: sess.ExpiresAt, User: u})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if p := principalFrom(r.Context()); p != nil {
		if err := s.store.DeleteSession(r.Context(), p.Session.TokenHash); err != nil && !errors.Is(err, quarterhour.ErrNotFound) {
			s.writeError(w, r, fmt.Errorf("logout: %w", err))
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

// canWrite checks that the caller may change data of district (a 6-digit
// county code; "" when the caller's own district should apply). Anonymous
// callers get 401; reviewers and district users outside their district 403.
func canWrite(p *principal, district string) error {
	if p == nil {
		return errUnauthenticated
	}
	switch p.User.Role {
	case quarterhour.RoleAdmin:
		return nil
	case quarterhour.RoleDistrict:
		if district != "" && district != p.User.District {
			return forbidden("district", "user %s may only change data of district %s, not %s", p.User.Username, p.User.District, district)
		}
		return nil
	default:
		return forbidden("", "role %s may not change data", p.User.Role)
	}
}

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

// clientIP is the peer address; proxies' headers are not trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

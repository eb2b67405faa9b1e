package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/quarterhour/quarterhour/app"
)

func TestHashPassword_IsArgon2idPHCAndVerifies(t *testing.T) {
	h, err := app.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=") {
		t.Errorf("hash %q is not an argon2id PHC string", h)
	}
	h2, _ := app.HashPassword("correct horse")
	if h == h2 {
		t.Error("two hashes of one password are equal; the salt is not random")
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsf": false, "": false} {
		ok, err := app.VerifyPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("app.VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	if _, err := app.VerifyPassword("$2a$10$notargon", "x"); err == nil {
		t.Error("VerifyPassword accepted a non-argon2id hash")
	}
}

// browser is a client with a cookie jar, as a web page would be.
type browser struct {
	f      *fixture
	client *http.Client
	csrf   string
}

func newBrowser(t *testing.T, f *fixture, user string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{f: f, client: &http.Client{Jar: jar}}
	resp := b.send(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": user, "password": testPassword}, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var lr loginResponse
	if err := json.NewDecoder(resp.Body).Decode(&lr); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax", cookie)
	}
	if lr.Token == "" || lr.CSRFToken == "" || lr.User.Username != user {
		t.Fatalf("login response %+v lacks token, csrf_token or user", lr)
	}
	b.csrf = lr.CSRFToken
	return b
}

func (b *browser) send(t *testing.T, method, path string, body any, csrf string) *http.Response {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, b.f.srv.URL+path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if csrf != "" {
		req.Header.Set(CSRFHeader, csrf)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestAuth_CookieSessionWritesNeedTheCSRFToken(t *testing.T) {
	f := sqliteAPI(t)
	b := newBrowser(t, f, "rencheng")
	body := outletBody(countyPoint(t, f.st, "370811"), nil)

	resp := b.send(t, http.MethodPost, "/api/v1/outlets", body, "")
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cookie write without CSRF header: %d, want 403", resp.StatusCode)
	}
	resp = b.send(t, http.MethodPost, "/api/v1/outlets", body, "wrong-token")
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cookie write with a wrong CSRF token: %d, want 403", resp.StatusCode)
	}
	resp = b.send(t, http.MethodPost, "/api/v1/outlets", body, b.csrf)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("cookie write with the CSRF token: %d, want 201", resp.StatusCode)
	}
	// Reads need no token, and /me hands it back to a reloaded page.
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/me", nil)
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var me meResponse
	json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || me.User.Username != "rencheng" || me.CSRFToken != b.csrf {
		t.Errorf("/me = %d %+v", resp.StatusCode, me)
	}
}

func TestAuth_BearerTokenNeedsNoCSRF(t *testing.T) {
	f := sqliteAPI(t)
	f.do(t, http.MethodPost, "/api/v1/outlets", "rencheng", outletBody(countyPoint(t, f.st, "370811"), nil), http.StatusCreated, nil)
	var me meResponse
	f.do(t, http.MethodGet, "/api/v1/me", "yanzhou", nil, http.StatusOK, &me)
	if me.User.Role != "district" || me.User.District != "370812" || me.CSRFToken != "" {
		t.Errorf("/me by bearer = %+v", me)
	}
}

func TestAuth_BadCredentialsAndTokensAre401(t *testing.T) {
	f := sqliteAPI(t)
	f.wantError(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong"}, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "wrong"}, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": "admin"}, http.StatusBadRequest, "password")
	f.wantError(t, http.MethodGet, "/api/v1/me", "", nil, http.StatusUnauthorized, "")

	status, _, err := f.rawWithHeader(http.MethodGet, "/api/v1/outlets?limit=1", "Authorization", "Bearer not-a-token")
	if err != nil || status != http.StatusUnauthorized {
		t.Errorf("unknown bearer token: %d %v, want 401", status, err)
	}
	status, _, err = f.rawWithHeader(http.MethodGet, "/api/v1/outlets?limit=1", "Authorization", "Basic YWRtaW46eA==")
	if err != nil || status != http.StatusUnauthorized {
		t.Errorf("basic auth: %d %v, want 401", status, err)
	}
}

func TestAuth_LogoutEndsTheSession(t *testing.T) {
	f := sqliteAPI(t)
	var lr loginResponse
	f.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": "reviewer", "password": testPassword}, http.StatusOK, &lr)
	if !lr.ExpiresAt.After(time.Now()) {
		t.Errorf("session expires at %v, in the past", lr.ExpiresAt)
	}
	f.tokens["reviewer-logout"] = lr.Token
	f.do(t, http.MethodGet, "/api/v1/me", "reviewer-logout", nil, http.StatusOK, nil)
	f.do(t, http.MethodPost, "/api/v1/auth/logout", "reviewer-logout", nil, http.StatusNoContent, nil)
	f.wantError(t, http.MethodGet, "/api/v1/me", "reviewer-logout", nil, http.StatusUnauthorized, "Authorization")
}

func TestAuth_LoginIsRateLimitedPerIP(t *testing.T) {
	f := sqliteAPI(t)
	a, err := New(Config{Store: f.st, Logger: f.api.log, LoginAttemptsPerMinute: 3})
	if err != nil {
		t.Fatal(err)
	}
	g := &fixture{srv: httptest.NewServer(a), st: f.st}
	defer g.srv.Close()
	body := map[string]string{"username": "admin", "password": "wrong"}
	for i := 0; i < 3; i++ {
		g.wantError(t, http.MethodPost, "/api/v1/auth/login", "", body, http.StatusUnauthorized, "")
	}
	g.wantError(t, http.MethodPost, "/api/v1/auth/login", "", body, http.StatusTooManyRequests, "")
}

func TestRateLimiter_OpensAgainAfterTheWindow(t *testing.T) {
	l := newRateLimiter(2, time.Minute)
	t0 := time.Date(2023, 3, 9, 8, 0, 0, 0, time.UTC)
	for i, want := range []bool{true, true, false} {
		if _, ok := l.allow("1.2.3.4", t0.Add(time.Duration(i)*time.Second)); ok != want {
			t.Errorf("attempt %d allowed = %v, want %v", i+1, ok, want)
		}
	}
	if _, ok := l.allow("5.6.7.8", t0); !ok {
		t.Error("another IP was limited")
	}
	if _, ok := l.allow("1.2.3.4", t0.Add(61*time.Second)); !ok {
		t.Error("still limited after the window")
	}
}

func TestAuth_LoginIsRateLimitedPerAccountFromAnyAddress(t *testing.T) {
	f := sqliteAPI(t)
	a, err := New(Config{Store: f.st, Logger: f.api.log, LoginAttemptsPerMinute: -1, LoginAttemptsPerAccount: 3,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	login := func(from, user string) int {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(`{"username":"`+user+`","password":"wrong password"}`))
		r.RemoteAddr = "127.0.0.1:40000"
		r.Header.Set("X-Forwarded-For", from)
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, r)
		return rec.Code
	}
	for i, from := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
		if got := login(from, "admin"); got != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, got)
		}
	}
	if got := login("203.0.113.4", "ADMIN"); got != http.StatusTooManyRequests {
		t.Errorf("a fourth guess at the account from a fourth address: %d, want 429", got)
	}
	if got := login("203.0.113.4", "reviewer"); got != http.StatusUnauthorized {
		t.Errorf("another account from the same address: %d, want 401", got)
	}
}

func TestClientIP_HonoursXForwardedForOnlyFromTrustedProxies(t *testing.T) {
	s := &Server{proxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	cases := []struct{ peer, xff, want string }{
		{"198.51.100.7:5000", "203.0.113.9", "198.51.100.7"},     // not a proxy: header ignored
		{"10.1.2.3:5000", "203.0.113.9", "203.0.113.9"},          // trusted proxy
		{"10.1.2.3:5000", "1.1.1.1, 203.0.113.9", "203.0.113.9"}, // the nearest untrusted hop, not a spoofed first one
		{"10.1.2.3:5000", "203.0.113.9, 10.9.9.9", "203.0.113.9"},
		{"10.1.2.3:5000", "", "10.1.2.3"},
		{"[::1]:5000", "2001:db8::5", "2001:db8::5"},
		{"10.1.2.3:5000", "garbage", "10.1.2.3"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.clientIP(r); got != c.want {
			t.Errorf("peer %s X-Forwarded-For %q: client %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
}

package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
)

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

// Login checks username and password and opens a session lasting ttl. It
// returns the session's secret token (only its hash is stored) and the
// session with its CSRF token. A wrong username takes as long as a wrong
// password, and both give the same EUnauthenticated error.
func (a *App) Login(ctx context.Context, username, password string, ttl time.Duration) (string, quarterhour.Session, quarterhour.User, error) {
	var none quarterhour.Session
	if username == "" {
		return "", none, quarterhour.User{}, quarterhour.Invalid("username", "username is required")
	}
	if password == "" {
		return "", none, quarterhour.User{}, quarterhour.Invalid("password", "password is required")
	}
	wrong := quarterhour.Errorf(quarterhour.EUnauthenticated, "", "wrong username or password")
	u, err := a.store.GetUserByName(ctx, username)
	if errors.Is(err, quarterhour.ErrNotFound) {
		_, _ = VerifyPassword(dummyHash(), password)
		return "", none, quarterhour.User{}, wrong
	}
	if err != nil {
		return "", none, quarterhour.User{}, fmt.Errorf("login %q: %w", username, err)
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return "", none, quarterhour.User{}, fmt.Errorf("login %q: %w", username, err)
	}
	if !ok {
		return "", none, quarterhour.User{}, wrong
	}
	token, err := randomToken()
	if err != nil {
		return "", none, quarterhour.User{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", none, quarterhour.User{}, err
	}
	now := time.Now().UTC()
	sess := quarterhour.Session{TokenHash: TokenHash(token), UserID: u.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := a.store.CreateSession(ctx, &sess); err != nil {
		return "", none, quarterhour.User{}, fmt.Errorf("login %q: create session: %w", u.Username, err)
	}
	return token, sess, u, nil
}

// Session returns the live session of a token and its user;
// quarterhour.ErrNotFound when the token is unknown or expired.
func (a *App) Session(ctx context.Context, token string) (quarterhour.Session, quarterhour.User, error) {
	sess, err := a.store.GetSession(ctx, TokenHash(token))
	if err != nil {
		if errors.Is(err, quarterhour.ErrNotFound) {
			return sess, quarterhour.User{}, err
		}
		return sess, quarterhour.User{}, fmt.Errorf("look up session: %w", err)
	}
	if !sess.ExpiresAt.IsZero() && time.Now().After(sess.ExpiresAt) {
		return sess, quarterhour.User{}, quarterhour.ErrNotFound
	}
	u, err := a.store.GetUser(ctx, sess.UserID)
	if err != nil {
		if errors.Is(err, quarterhour.ErrNotFound) {
			return sess, u, err
		}
		return sess, u, fmt.Errorf("look up session user %d: %w", sess.UserID, err)
	}
	return sess, u, nil
}

// Logout ends the session with the given token hash; an unknown one is not
// an error.
func (a *App) Logout(ctx context.Context, tokenHash string) error {
	if err := a.store.DeleteSession(ctx, tokenHash); err != nil && !errors.Is(err, quarterhour.ErrNotFound) {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

var (
	roles        = []string{quarterhour.RoleAdmin, quarterhour.RoleReviewer, quarterhour.RoleDistrict}
	usernameRule = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$`)
	countyRule   = regexp.MustCompile(`^[0-9]{6}$`)
)

// CheckUser validates the fields of a new user that need no database; the
// error's Field names the field at fault.
func CheckUser(u quarterhour.User) error {
	if !usernameRule.MatchString(u.Username) {
		return quarterhour.Invalid("username", "%q: want 2-64 letters, digits, '.', '_' or '-'", u.Username)
	}
	if !slices.Contains(roles, u.Role) {
		return quarterhour.Invalid("role", "%q: want one of %s", u.Role, strings.Join(roles, ", "))
	}
	switch {
	case u.Role == quarterhour.RoleDistrict && u.District == "":
		return quarterhour.Invalid("district", "is required for role district")
	case u.Role != quarterhour.RoleDistrict && u.District != "":
		return quarterhour.Invalid("district", "applies only to role district, not %s", u.Role)
	case u.District != "" && !countyRule.MatchString(u.District):
		return quarterhour.Invalid("district", "%q: want a 6-digit county code such as 370811", u.District)
	}
	return nil
}

// MinPasswordLength is the shortest password a user may have.
const MinPasswordLength = 12

// AddUser checks u and its password (at least MinPasswordLength
// characters), checks its district against the stored regions, hashes the
// password and creates the user.
func (a *App) AddUser(ctx context.Context, u quarterhour.User, password string) (quarterhour.User, error) {
	if n := len([]rune(password)); n < MinPasswordLength {
		return u, quarterhour.Invalid("password", "is %d characters; at least %d are required", n, MinPasswordLength)
	}
	return a.createUser(ctx, u, password)
}

// createUser is AddUser without the password rule.
func (a *App) createUser(ctx context.Context, u quarterhour.User, password string) (quarterhour.User, error) {
	if err := CheckUser(u); err != nil {
		return u, err
	}
	if u.District != "" {
		r, err := a.store.GetRegion(ctx, u.District+"000000")
		if errors.Is(err, quarterhour.ErrNotFound) || (err == nil && r.Level != quarterhour.LevelCounty) {
			return u, quarterhour.Invalid("district", "district %s is not a county-level unit in the database (seed it first)", u.District)
		}
		if err != nil {
			return u, fmt.Errorf("look up district %s: %w", u.District, err)
		}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return u, err
	}
	u.PasswordHash = hash
	u.CreatedAt = time.Now().UTC()
	if err := a.store.CreateUser(ctx, &u); err != nil {
		if errors.Is(err, quarterhour.ErrConflict) {
			return u, quarterhour.Errorf(quarterhour.EConflict, "username", "user %s already exists", u.Username)
		}
		return u, fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return u, nil
}

// DemoPassword is the password of every demo user; demo users exist only on
// a database seeded with the demo.
const DemoPassword = "demo"

// DemoUsers are the logins of the demo, one of each role.
var DemoUsers = []quarterhour.User{
	{Username: "demo-admin", Role: quarterhour.RoleAdmin},
	{Username: "demo-reviewer", Role: quarterhour.RoleReviewer},
	{Username: "demo-rencheng", Role: quarterhour.RoleDistrict, District: "370811"},
	{Username: "demo-yanzhou", Role: quarterhour.RoleDistrict, District: "370812"},
}

// EnsureDemoUsers creates the demo users that do not exist yet, but only on
// a database seeded with the demo (it holds outlets of the demo generator):
// on a real city's database the well-known demo password must never open
// it. It reports whether the database is a demo one.
func (a *App) EnsureDemoUsers(ctx context.Context) (bool, error) {
	n, err := a.store.CountOutlets(ctx, store.OutletFilter{Source: seeds.DemoSource})
	if err != nil {
		return false, fmt.Errorf("check for demo data: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	for _, u := range DemoUsers {
		_, err := a.store.GetUserByName(ctx, u.Username)
		switch {
		case err == nil:
		case errors.Is(err, quarterhour.ErrNotFound):
			if _, err := a.createUser(ctx, u, DemoPassword); err != nil {
				return true, fmt.Errorf("demo user %s: %w", u.Username, err)
			}
		default:
			return true, fmt.Errorf("look up demo user %s: %w", u.Username, err)
		}
	}
	return true, nil
}

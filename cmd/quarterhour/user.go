package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/api"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/open"
)

func runUser(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(e.stderr, "usage: quarterhour user add --username U --role admin|reviewer|district [--district CODE] [--password P] [--db URL]")
		return errUsage
	}
	fs := newFlagSet("user add", e)
	db := dbFlag(fs, e)
	username := fs.String("username", "", "login name (required)")
	role := fs.String("role", "", "admin, reviewer or district (required)")
	district := fs.String("district", "", "6-digit county code; required for and only for role district")
	password := fs.String("password", "", "password; a random one is generated and printed when empty")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	u := quarterhour.User{Username: strings.TrimSpace(*username), Role: *role, District: *district}
	if err := checkUser(u); err != nil {
		fmt.Fprintf(e.stderr, "quarterhour user add: %v\n", err)
		return errUsage
	}
	pw := *password
	generated := pw == ""
	if generated {
		var err error
		if pw, err = randomPassword(); err != nil {
			return err
		}
	}
	st, err := open.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := addUser(ctx, st, u, pw); err != nil {
		return err
	}
	if generated {
		fmt.Fprintf(e.stdout, "created user %s (%s); password: %s\n", u.Username, u.Role, pw)
	} else {
		fmt.Fprintf(e.stdout, "created user %s (%s)\n", u.Username, u.Role)
	}
	return nil
}

var (
	roles        = []string{quarterhour.RoleAdmin, quarterhour.RoleReviewer, quarterhour.RoleDistrict}
	usernameRule = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$`)
	countyRule   = regexp.MustCompile(`^[0-9]{6}$`)
)

// checkUser validates the fields of a new user that need no database.
func checkUser(u quarterhour.User) error {
	if !usernameRule.MatchString(u.Username) {
		return fmt.Errorf("--username %q: want 2-64 letters, digits, '.', '_' or '-'", u.Username)
	}
	if !slices.Contains(roles, u.Role) {
		return fmt.Errorf("--role %q: want one of %s", u.Role, strings.Join(roles, ", "))
	}
	switch {
	case u.Role == quarterhour.RoleDistrict && u.District == "":
		return errors.New("--district is required for role district")
	case u.Role != quarterhour.RoleDistrict && u.District != "":
		return fmt.Errorf("--district applies only to role district, not %s", u.Role)
	case u.District != "" && !countyRule.MatchString(u.District):
		return fmt.Errorf("--district %q: want a 6-digit county code such as 370811", u.District)
	}
	return nil
}

// addUser checks the district against the store's regions, hashes the
// password and creates the user.
func addUser(ctx context.Context, st store.Store, u quarterhour.User, password string) error {
	if u.District != "" {
		r, err := st.GetRegion(ctx, u.District+"000000")
		if errors.Is(err, quarterhour.ErrNotFound) || (err == nil && r.Level != quarterhour.LevelCounty) {
			return fmt.Errorf("district %s is not a county-level unit in the database (seed it first)", u.District)
		}
		if err != nil {
			return fmt.Errorf("look up district %s: %w", u.District, err)
		}
	}
	hash, err := api.HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	u.CreatedAt = time.Now().UTC()
	if err := st.CreateUser(ctx, &u); err != nil {
		if errors.Is(err, quarterhour.ErrConflict) {
			return fmt.Errorf("user %s already exists", u.Username)
		}
		return fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return nil
}

// randomPassword returns 16 random bytes as URL-safe base64.
func randomPassword() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// demoUsers are created by serve --demo, all with password "demo".
var demoUsers = []quarterhour.User{
	{Username: "demo-admin", Role: quarterhour.RoleAdmin},
	{Username: "demo-reviewer", Role: quarterhour.RoleReviewer},
	{Username: "demo-rencheng", Role: quarterhour.RoleDistrict, District: "370811"},
	{Username: "demo-yanzhou", Role: quarterhour.RoleDistrict, District: "370812"},
}

// ensureDemoUsers creates the demo users that do not exist yet and logs
// that they exist.
func ensureDemoUsers(ctx context.Context, st store.Store, log *slog.Logger) error {
	for _, u := range demoUsers {
		_, err := st.GetUserByName(ctx, u.Username)
		switch {
		case err == nil:
		case errors.Is(err, quarterhour.ErrNotFound):
			if err := addUser(ctx, st, u, "demo"); err != nil {
				return fmt.Errorf("demo user: %w", err)
			}
		default:
			return fmt.Errorf("look up demo user %s: %w", u.Username, err)
		}
		log.Info("demo user ready (password \"demo\")", "username", u.Username, "role", u.Role, "district", u.District)
	}
	return nil
}

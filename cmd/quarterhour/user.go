package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
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
	if err := app.CheckUser(u); err != nil {
		fmt.Fprintf(e.stderr, "quarterhour user add: %v\n", flagError(err))
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

// flagError words an application error about a field as a flag error.
func flagError(err error) error {
	var qe *quarterhour.Error
	if errors.As(err, &qe) && qe.Field != "" {
		return fmt.Errorf("--%s %s", qe.Field, qe.Message)
	}
	return err
}

// addUser creates u with password through the application.
func addUser(ctx context.Context, st store.Store, u quarterhour.User, password string) error {
	a, err := app.New(app.Config{Store: st})
	if err != nil {
		return err
	}
	_, err = a.AddUser(ctx, u, password)
	return flagError(err)
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

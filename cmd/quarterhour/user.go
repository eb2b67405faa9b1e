package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/open"
)

func runUser(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(e.stderr, "usage: quarterhour user add --username U --role admin|reviewer|district [--district CODE] [--password-stdin] [--db URL]")
		return errUsage
	}
	fs := newFlagSet("user add", e)
	db := dbFlag(fs, e)
	username := fs.String("username", "", "login name (required)")
	role := fs.String("role", "", "admin, reviewer or district (required)")
	district := fs.String("district", "", "6-digit county code; required for and only for role district")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	password := fs.String("password", "", "refused: a password on the command line leaks into shell history and process lists")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *password != "" {
		fmt.Fprintln(e.stderr, "quarterhour user add: --password is refused: a password on the command line leaks into shell history and process lists; pipe it to --password-stdin, set QUARTERHOUR_PASSWORD, or type it at the prompt")
		return errUsage
	}
	u := quarterhour.User{Username: strings.TrimSpace(*username), Role: *role, District: *district}
	if err := app.CheckUser(u); err != nil {
		fmt.Fprintf(e.stderr, "quarterhour user add: %v\n", flagError(err))
		return errUsage
	}
	pw, generated, err := newPassword(e, *fromStdin)
	if err != nil {
		return err
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

// newPassword is the new user's password: the first line of standard input
// with --password-stdin, else QUARTERHOUR_PASSWORD, else typed twice at a
// terminal prompt without echo, else a random one (generated is true).
func newPassword(e *env, fromStdin bool) (pw string, generated bool, err error) {
	switch {
	case fromStdin:
		if e.stdin == nil {
			return "", false, errors.New("--password-stdin: no standard input")
		}
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, fmt.Errorf("read the password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	case e.getenv("QUARTERHOUR_PASSWORD") != "":
		return e.getenv("QUARTERHOUR_PASSWORD"), false, nil
	case e.terminal != nil:
		first, err := e.terminal("password: ")
		if err != nil {
			return "", false, err
		}
		again, err := e.terminal("password again: ")
		if err != nil {
			return "", false, err
		}
		if first != again {
			return "", false, errors.New("the two passwords differ")
		}
		return first, false, nil
	}
	pw, err = randomPassword()
	return pw, true, err
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

// ensureDemoUsers creates the demo users on a demo database (see
// app.EnsureDemoUsers) and says what it did.
func ensureDemoUsers(ctx context.Context, st store.Store, log *slog.Logger) error {
	a, err := app.New(app.Config{Store: st, Logger: log})
	if err != nil {
		return err
	}
	demo, err := a.EnsureDemoUsers(ctx)
	if err != nil {
		return err
	}
	if !demo {
		log.Warn("--demo ignored: this database was not seeded with the demo, so no demo users are created; serving without them")
		return nil
	}
	for _, u := range app.DemoUsers {
		log.Info("demo user ready (password \"demo\")", "username", u.Username, "role", u.Role, "district", u.District)
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/store/open"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

func testEnv(vars map[string]string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &env{
		stdout: &out,
		stderr: &errOut,
		log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		getenv: func(k string) string { return vars[k] },
	}, &out, &errOut
}

func TestRun_UnknownCommandPrintsUsage(t *testing.T) {
	e, _, errOut := testEnv(nil)
	if err := run(context.Background(), []string{"fly"}, e); !errors.Is(err, errUsage) {
		t.Errorf("err = %v, want usage error", err)
	}
	for _, c := range commands {
		if !strings.Contains(errOut.String(), c.name) {
			t.Errorf("usage does not list %s", c.name)
		}
	}
}

func TestVersion_PrintsTheVersion(t *testing.T) {
	e, out, _ := testEnv(nil)
	if err := run(context.Background(), []string{"version"}, e); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "quarterhour dev") {
		t.Errorf("version output %q", out.String())
	}
}

func TestUserAdd_ValidatesRoleAndDistrict(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "qh.db")
	e, _, _ := testEnv(nil)
	if err := run(context.Background(), []string{"seed", "--db", db}, e); err != nil {
		t.Fatalf("seed: %v", err)
	}
	for _, args := range [][]string{
		{"--username", "x1", "--role", "mayor"},
		{"--username", "x2", "--role", "district"},
		{"--username", "x3", "--role", "admin", "--district", "370811"},
		{"--username", "x4", "--role", "district", "--district", "37081"},
		{"--username", "a", "--role", "admin"},
	} {
		e, _, _ := testEnv(nil)
		if err := run(context.Background(), append([]string{"user", "add", "--db", db}, args...), e); !errors.Is(err, errUsage) {
			t.Errorf("user add %v: err = %v, want a usage error", args, err)
		}
	}
	e, _, _ = testEnv(nil)
	err := run(context.Background(), []string{"user", "add", "--db", db, "--username", "x5", "--role", "district", "--district", "370899"}, e)
	if err == nil || !strings.Contains(err.Error(), "370899") {
		t.Errorf("unknown district: err = %v", err)
	}
}

func TestUserAdd_GeneratesAPasswordAndRefusesDuplicates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qh.db")
	vars := map[string]string{"QUARTERHOUR_DB": "sqlite:" + path}
	e, out, _ := testEnv(vars)
	if err := run(context.Background(), []string{"seed"}, e); err != nil {
		t.Fatalf("seed: %v", err)
	}
	args := []string{"user", "add", "--username", "planner", "--role", "district", "--district", "370811"}
	if err := run(context.Background(), args, e); err != nil {
		t.Fatalf("user add: %v", err)
	}
	_, pw, ok := strings.Cut(strings.TrimSpace(out.String()), "password: ")
	if !ok || len(pw) < 16 {
		t.Fatalf("output %q prints no generated password", out.String())
	}
	if err := run(context.Background(), args, e); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second user add: err = %v, want already exists", err)
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.GetUserByName(context.Background(), "planner")
	if err != nil || u.District != "370811" || u.Role != "district" {
		t.Errorf("stored user %+v, %v", u, err)
	}
}

func TestServe_DemoAnswersHealthAndShutsDownOnCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db := "sqlite:" + filepath.Join(t.TempDir(), "data", "qh.db")
	ctx, cancel := context.WithCancel(context.Background())
	e, _, _ := testEnv(nil)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--demo", "--addr", addr, "--db", db}, e) }()

	var health map[string]any
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(fmt.Sprintf("http://%s/healthz", addr))
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not come up")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if health["status"] != "ok" || health["store"] != "sqlite" {
		t.Errorf("healthz = %v", health)
	}
	login := strings.NewReader(`{"username":"demo-yanzhou","password":"demo"}`)
	resp, err := http.Post(fmt.Sprintf("http://%s/api/v1/auth/login", addr), "application/json", login)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("demo user login: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after cancel", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

func TestServeDemo_NoDemoUsersOnADatabaseNotSeededAsTheDemo(t *testing.T) {
	ctx := context.Background()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, log: slog.New(slog.NewTextHandler(&errOut, nil)), getenv: func(string) string { return "" }}
	db := "sqlite:" + filepath.Join(t.TempDir(), "real.db")
	if err := run(ctx, []string{"seed", "--db", db}, e); err != nil {
		t.Fatal(err)
	}
	st, err := open.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := ensureDemoUsers(ctx, st, e.log); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetUserByName(ctx, "demo-admin"); !errors.Is(err, quarterhour.ErrNotFound) {
		t.Fatalf("demo-admin on a database seeded without the demo: err = %v, want not found", err)
	}
	if !strings.Contains(errOut.String(), "not seeded with the demo") {
		t.Errorf("the log does not say why there are no demo users: %s", errOut.String())
	}
	demoDB := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	if err := run(ctx, []string{"seed", "--demo", "--db", demoDB}, e); err != nil {
		t.Fatal(err)
	}
	ds, err := open.Open(ctx, demoDB)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if err := ensureDemoUsers(ctx, ds, e.log); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.GetUserByName(ctx, "demo-admin"); err != nil {
		t.Fatalf("demo-admin on the demo database: %v", err)
	}
}

func TestUserAdd_PasswordNeverOnTheCommandLineAndAtLeast12(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qh.db")
	vars := map[string]string{"QUARTERHOUR_DB": "sqlite:" + path}
	e, out, errOut := testEnv(vars)
	if err := run(context.Background(), []string{"seed"}, e); err != nil {
		t.Fatalf("seed: %v", err)
	}
	err := run(context.Background(), []string{"user", "add", "--username", "a1", "--role", "admin", "--password", "correct horse battery"}, e)
	if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "shell history") {
		t.Fatalf("--password: err %v, stderr %q; want refused saying why", err, errOut.String())
	}
	e.stdin = strings.NewReader("short\n")
	err = run(context.Background(), []string{"user", "add", "--username", "a2", "--role", "admin", "--password-stdin"}, e)
	if err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Fatalf("a 5-character password: %v, want refused", err)
	}
	e.stdin = strings.NewReader("correct horse battery\n")
	if err := run(context.Background(), []string{"user", "add", "--username", "a3", "--role", "admin", "--password-stdin"}, e); err != nil {
		t.Fatalf("--password-stdin: %v", err)
	}
	if strings.Contains(out.String(), "correct horse") {
		t.Errorf("the password was echoed: %q", out.String())
	}
	vars["QUARTERHOUR_PASSWORD"] = "another long passphrase"
	e.stdin = nil
	if err := run(context.Background(), []string{"user", "add", "--username", "a4", "--role", "reviewer"}, e); err != nil {
		t.Fatalf("QUARTERHOUR_PASSWORD: %v", err)
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for user, pw := range map[string]string{"a3": "correct horse battery", "a4": "another long passphrase"} {
		u, err := st.GetUserByName(context.Background(), user)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := app.VerifyPassword(u.PasswordHash, pw); !ok {
			t.Errorf("%s: the stored hash does not match the password given", user)
		}
	}
}

func TestSecureCookie_DefaultsToSecureExceptOnLoopback(t *testing.T) {
	for _, c := range []struct {
		mode, addr string
		want       bool
	}{
		{"auto", "127.0.0.1:8080", false}, {"auto", "localhost:8080", false}, {"auto", "[::1]:8080", false},
		{"auto", "0.0.0.0:8080", true}, {"auto", ":8080", true}, {"auto", "192.0.2.10:443", true},
		{"always", "127.0.0.1:8080", true}, {"never", "0.0.0.0:80", false},
	} {
		if got, err := secureCookie(c.mode, c.addr); err != nil || got != c.want {
			t.Errorf("secureCookie(%s, %s) = %v, %v; want %v", c.mode, c.addr, got, err, c.want)
		}
	}
	if _, err := secureCookie("sometimes", ":80"); err == nil {
		t.Error("an unknown mode was accepted")
	}
}

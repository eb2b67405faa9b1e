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
	if err := demoUsersIfDemo(ctx, st, e.log); err != nil {
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
	if err := demoUsersIfDemo(ctx, ds, e.log); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.GetUserByName(ctx, "demo-admin"); err != nil {
		t.Fatalf("demo-admin on the demo database: %v", err)
	}
}

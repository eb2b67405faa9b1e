package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The server tests run against; they fail, not skip, when it is unreachable.
func serverURL() string {
	if u := os.Getenv("QUARTERHOUR_TEST_PG"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// withDatabase returns the server URL pointing at database name.
func withDatabase(server, name string) (string, error) {
	if !strings.Contains(server, "://") {
		return server + " dbname=" + name, nil
	}
	u, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", server, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + hex.EncodeToString(b)
}

func adminExec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, serverURL())
	if err != nil {
		return fmt.Errorf("connect to %s (set QUARTERHOUR_TEST_PG, or run .ci/testenv.sh): %w", serverURL(), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// A migrated template database, created once per test binary, makes each
// fresh database a cheap copy instead of a new PostGIS install.
var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

func migratedTemplate(ctx context.Context) (string, error) {
	templateOnce.Do(func() {
		name := randomName("qh_test_tpl_")
		if templateErr = adminExec(ctx, "CREATE DATABASE "+name); templateErr != nil {
			return
		}
		templateName = name
		u, err := withDatabase(serverURL(), name)
		if err != nil {
			templateErr = err
			return
		}
		s, err := Open(ctx, u)
		if err != nil {
			templateErr = err
			return
		}
		templateErr = s.Close()
	})
	return templateName, templateErr
}

func TestMain(m *testing.M) {
	code := m.Run()
	if templateName != "" {
		if err := adminExec(context.Background(), "DROP DATABASE IF EXISTS "+templateName+" WITH (FORCE)"); err != nil {
			fmt.Fprintln(os.Stderr, "drop template database:", err)
		}
	}
	os.Exit(code)
}

// openFresh opens the store on a new empty database qh_test_<random>,
// dropped when the test ends.
func openFresh(t testing.TB) *Store {
	t.Helper()
	ctx := context.Background()
	tpl, err := migratedTemplate(ctx)
	if err != nil {
		t.Fatalf("template database: %v", err)
	}
	name := randomName("qh_test_")
	if err := adminExec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tpl); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := adminExec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	u, err := withDatabase(serverURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, u)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

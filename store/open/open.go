// Package open picks and opens a store back end from a data source name.
package open

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/postgres"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// Open opens the store named by dsn and applies its migrations.
//
// "sqlite:/path/file.db" or a bare file path opens the embedded SQLite store,
// creating the parent directory when missing; "postgres://..." or
// "postgresql://..." opens PostgreSQL. Anything else is an error.
func Open(ctx context.Context, dsn string) (store.Store, error) {
	kind, target, err := Parse(dsn)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "postgres":
		s, err := postgres.Open(ctx, target)
		if err != nil {
			return nil, fmt.Errorf("open postgres store: %w", err)
		}
		return s, nil
	default:
		if dir := filepath.Dir(target); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("open sqlite store: create directory %s: %w", dir, err)
			}
		}
		s, err := sqlite.Open(ctx, target)
		if err != nil {
			return nil, fmt.Errorf("open sqlite store %s: %w", target, err)
		}
		return s, nil
	}
}

// Parse splits dsn into the back end kind ("sqlite" or "postgres") and what
// that back end opens: a file path for sqlite, the URL itself for postgres.
func Parse(dsn string) (kind, target string, err error) {
	dsn = strings.TrimSpace(dsn)
	switch {
	case dsn == "":
		return "", "", fmt.Errorf("empty database address: want sqlite:/path/file.db or postgres://...")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return "postgres", dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", fmt.Errorf("database address %q names no file", dsn)
		}
		return "sqlite", path, nil
	case strings.Contains(dsn, "://"):
		scheme, _, _ := strings.Cut(dsn, "://")
		return "", "", fmt.Errorf("unsupported database scheme %q: want sqlite:/path/file.db or postgres://...", scheme)
	default:
		return "sqlite", dsn, nil
	}
}

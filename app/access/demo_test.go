package access

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// demoIndex is an index over a SQLite store seeded with the Jining reference
// data and the demo, shared by the tests that only read.
var demoIndex = sync.OnceValues(func() (*Index, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "qh-access-demo-")
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "qh.db"))
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	b, err := seeds.Reference()
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	d, err := seeds.Demo(20230309)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	b.Communities, b.Outlets, b.Networks, b.Circles = d.Communities, d.Outlets, d.Networks, d.Circles
	if _, err := st.Seed(ctx, b); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	e := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := e.Reload(ctx); err != nil {
		return nil, err
	}
	return e, nil
})

func demoEngine(t *testing.T) (*Index, store.Store) {
	t.Helper()
	e, err := demoIndex()
	if err != nil {
		t.Fatalf("demo index: %v", err)
	}
	return e, e.st
}

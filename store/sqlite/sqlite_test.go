package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
	"github.com/quarterhour/quarterhour/store/storetest"
)

func openTemp(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "quarterhour.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestStore_Contract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

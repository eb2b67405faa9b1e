package open

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestParse_PicksBackEndByScheme(t *testing.T) {
	tests := []struct {
		dsn, kind, target string
	}{
		{"sqlite:/tmp/qh/a.db", "sqlite", "/tmp/qh/a.db"},
		{"sqlite:./data/quarterhour.db", "sqlite", "./data/quarterhour.db"},
		{"sqlite:///tmp/a.db", "sqlite", "/tmp/a.db"},
		{"data/qh.db", "sqlite", "data/qh.db"},
		{"postgres://postgres@127.0.0.1:5432/qh", "postgres", "postgres://postgres@127.0.0.1:5432/qh"},
		{"postgresql://u@h/db?sslmode=disable", "postgres", "postgresql://u@h/db?sslmode=disable"},
	}
	for _, tt := range tests {
		kind, target, err := Parse(tt.dsn)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.dsn, err)
			continue
		}
		if kind != tt.kind || target != tt.target {
			t.Errorf("Parse(%q) = %q, %q; want %q, %q", tt.dsn, kind, target, tt.kind, tt.target)
		}
	}
}

func TestParse_RejectsUnknownSchemeAndEmpty(t *testing.T) {
	for _, dsn := range []string{"", "  ", "mysql://root@localhost/qh", "sqlite:"} {
		if _, _, err := Parse(dsn); err == nil {
			t.Errorf("Parse(%q): want an error", dsn)
		}
	}
}

func TestOpen_SQLiteCreatesParentDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "qh.db")
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if s.Kind() != "sqlite" {
		t.Errorf("Kind() = %q, want sqlite", s.Kind())
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not created: %v", err)
	}
}

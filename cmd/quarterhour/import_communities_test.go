package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportOSMCommunities_EstimatesPortoAndReimportsWithoutCopies(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "qh.db")
	pbf := filepath.Join("..", "..", "testdata", "osm", "porto.osm.pbf")
	e, out, _ := testEnv(nil)
	if err := run(context.Background(), []string{"import", "osm-communities", pbf, "--district", "PT1312", "--db", db}, e); err != nil {
		t.Fatalf("import: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "199 residential areas read, 86 kept") || !strings.Contains(s, "86 inserted, 0 updated, 0 unchanged") ||
		!strings.Contains(s, "at 40 m² per person") {
		t.Errorf("first import printed:\n%s", s)
	}
	e, out, _ = testEnv(nil)
	if err := run(context.Background(), []string{"import", "osm-communities", "--db", db, "--district", "PT1312", pbf}, e); err != nil {
		t.Fatalf("re-import: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "0 inserted, 0 updated, 86 unchanged") {
		t.Errorf("re-import printed:\n%s", s)
	}
	e, out, _ = testEnv(nil)
	if err := run(context.Background(), []string{"import", "osm-communities", pbf, "--district", "PT1312", "--m2-per-person", "30", "--db", db}, e); err != nil {
		t.Fatalf("import at 30 m² per person: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "0 inserted, 86 updated, 0 unchanged") {
		t.Errorf("re-import with another floor area per person printed:\n%s", s)
	}
}

func TestImportOSMCommunities_RequiresADistrict(t *testing.T) {
	for _, d := range []string{"", "porto", "1312", "pt1312"} {
		e, _, errOut := testEnv(nil)
		err := run(context.Background(), []string{"import", "osm-communities", "x.osm.pbf", "--district", d}, e)
		if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "PT1312") {
			t.Errorf("--district %q: err = %v, stderr %q; want a usage error naming the label form", d, err, errOut.String())
		}
	}
}

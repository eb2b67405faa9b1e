package app

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour"
)

// shippedScheme returns the jining-2023 document with edits applied to its
// text.
func shippedScheme(t *testing.T, edits ...string) []byte {
	t.Helper()
	doc, err := os.ReadFile("../seeds/schemes/jining-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("the shipped scheme holds no %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	return []byte(s)
}

func TestLoadScheme_AwardCapAboveTheCeilingIsRefused(t *testing.T) {
	a := referenceApp(t)
	ctx := context.Background()
	_, err := a.LoadScheme(ctx, wfAdmin, shippedScheme(t, "version: 1", "version: 7", "cap_yuan: 300000", "cap_yuan: 3000000"))
	var qe *quarterhour.Error
	if !errors.As(err, &qe) || qe.Code != quarterhour.EInvalid || qe.Field != "award.cap_yuan" || !strings.Contains(qe.Message, "300000") {
		t.Fatalf("a ¥3,000,000 cap: %v, want refused naming award.cap_yuan and the ¥300000 ceiling", err)
	}
	if _, err := a.LoadScheme(ctx, wfAdmin, shippedScheme(t, "version: 1", "version: 7", "cap_yuan: 300000", "cap_yuan: 200000")); err != nil {
		t.Fatalf("a cap below the ceiling: %v", err)
	}
	strict, err := New(Config{Store: a.raw, AwardCeilingYuan: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := strict.LoadScheme(ctx, wfAdmin, shippedScheme(t, "version: 1", "version: 8")); !errors.As(err, &qe) || qe.Field != "award.cap_yuan" {
		t.Fatalf("the shipped ¥300,000 cap under a ¥100,000 ceiling: %v, want refused", err)
	}
}

func TestLoadScheme_AVersionIsNeverChangedInPlaceAndRecordsWhoLoadedIt(t *testing.T) {
	a := referenceApp(t)
	ctx := context.Background()
	v5 := shippedScheme(t, "version: 1", "version: 5")
	row, err := a.LoadScheme(ctx, wfAdmin, v5)
	if err != nil {
		t.Fatal(err)
	}
	if row.Version != 5 || row.CreatedBy != "admin" {
		t.Fatalf("loaded version %d by %q, want 5 by admin", row.Version, row.CreatedBy)
	}
	if again, err := a.LoadScheme(ctx, wfAdmin, v5); err != nil || again.Version != 5 {
		t.Fatalf("the same document again: version %d, %v; want version 5 unchanged", again.Version, err)
	}
	_, err = a.LoadScheme(ctx, wfAdmin, shippedScheme(t, "version: 1", "version: 5", "cap_yuan: 300000", "cap_yuan: 250000"))
	var qe *quarterhour.Error
	if !errors.As(err, &qe) || qe.Code != quarterhour.EConflict {
		t.Fatalf("another document as version 5: %v, want a conflict", err)
	}
	got, err := a.Scheme(ctx, "jining-2023")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 5 || !strings.Contains(string(got.Document), `"cap_yuan":300000`) {
		t.Errorf("after the refused change the stored scheme is v%d %s", got.Version, got.Document)
	}
	if _, err := a.LoadScheme(ctx, wfRencheng, shippedScheme(t, "version: 1", "version: 6")); !errors.As(err, &qe) || qe.Code != quarterhour.EForbidden {
		t.Errorf("a district user loading a scheme: %v, want forbidden", err)
	}
}

package scoring

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckAward_RefusesWithTheReason(t *testing.T) {
	rule := AwardRule{Tier: "high_quality", Years: []int{2023}, CapYuan: 300000, OncePerCircle: true}
	cases := []struct {
		name    string
		tier    string
		year    int
		amount  int64
		awarded bool
		reason  string
	}{
		{"at the cap", "high_quality", 2023, 300000, false, ""},
		{"nothing granted", "basic", 2024, 0, true, ""},
		{"above the cap", "high_quality", 2023, 300001, false, "above the cap of ¥300000"},
		{"wrong tier", "basic", 2023, 100000, false, `tier "basic" does not earn the award`},
		{"wrong year", "high_quality", 2024, 100000, false, "2024 is not an award year"},
		{"second award", "high_quality", 2023, 100000, true, "already been awarded"},
		{"negative amount", "high_quality", 2023, -1, false, "negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Without must_be_certified_in_year the certification may come later.
			err := CheckAward(rule, AwardClaim{Tier: c.tier, Year: c.year, CertifiedYear: 2025, Amount: c.amount, AlreadyAwarded: c.awarded})
			if c.reason == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrAwardRefused) || !strings.Contains(err.Error(), c.reason) {
				t.Errorf("err = %v, want ErrAwardRefused naming %q", err, c.reason)
			}
		})
	}
}

func TestCheckAward_MustBeCertifiedInTheAwardYear(t *testing.T) {
	rule := AwardRule{Tier: "high_quality", Years: []int{2023}, CapYuan: 300000, OncePerCircle: true, MustBeCertifiedInYear: true}
	claim := AwardClaim{Tier: "high_quality", Year: 2023, CertifiedYear: 2023, Amount: 300000}
	if err := CheckAward(rule, claim); err != nil {
		t.Errorf("certified in 2023: %v", err)
	}
	for _, certified := range []int{2024, 0} {
		claim.CertifiedYear = certified
		err := CheckAward(rule, claim)
		if !errors.Is(err, ErrAwardRefused) || !strings.Contains(err.Error(), "certified in an award year (2023)") {
			t.Errorf("certified in %d: %v, want refused for the certification year", certified, err)
		}
	}
	claim.Amount = 0
	if err := CheckAward(rule, claim); err != nil {
		t.Errorf("certified late without an award: %v", err)
	}
}

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
			err := CheckAward(rule, c.tier, c.year, c.amount, c.awarded)
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

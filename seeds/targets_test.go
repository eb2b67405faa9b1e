package seeds

import "testing"

// The default 2023 award budget is the 2023 high-quality targets of the
// districts times the jining-2023 award cap, and no other year has one.
func TestTargets_AwardBudgetDefaultsToHighQualityTargetsTimesTheCap(t *testing.T) {
	ts, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	ss, err := ParsedSchemes()
	if err != nil {
		t.Fatal(err)
	}
	var capYuan int64
	for _, s := range ss {
		if s.Code == "jining-2023" && s.Award != nil {
			capYuan = s.Award.CapYuan
		}
	}
	if capYuan != 300_000 {
		t.Fatalf("jining-2023 award cap %d, want 300000", capYuan)
	}
	hq2023 := 0
	var budget2023 int64
	for _, tg := range ts {
		switch {
		case tg.District != "370800" && tg.Year == 2023 && !tg.Cumulative:
			hq2023 += tg.HighQuality
			if tg.AwardBudgetYuan != 0 {
				t.Errorf("district row %s 2023 sets a budget of %d; budgets are the city's", tg.District, tg.AwardBudgetYuan)
			}
		case tg.District == "370800" && tg.Year == 2023 && !tg.Cumulative:
			budget2023 = tg.AwardBudgetYuan
		case tg.AwardBudgetYuan != 0:
			t.Errorf("%d %s sets a budget of %d; the award is for 2023 only", tg.Year, tg.District, tg.AwardBudgetYuan)
		}
	}
	if hq2023 == 0 || budget2023 != int64(hq2023)*capYuan {
		t.Errorf("2023 budget %d, want %d high-quality targets x %d", budget2023, hq2023, capYuan)
	}
}

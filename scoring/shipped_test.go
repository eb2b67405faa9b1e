package scoring_test

import (
	"encoding/json"
	"testing"

	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
)

func TestSchemes_ShipJiningAndMofcomValidated(t *testing.T) {
	got, err := seeds.Schemes()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]store.Scheme{}
	for _, s := range got {
		byCode[s.Code] = s
	}
	for _, code := range []string{"jining-2023", "mofcom-2023"} {
		s, ok := byCode[code]
		if !ok {
			t.Fatalf("scheme %s not shipped", code)
		}
		if !s.Reconstructed || s.Name == "" || len(s.Years) == 0 || s.Version < 1 {
			t.Errorf("scheme %s: %+v", code, s)
		}
		var doc scoring.Scheme
		if err := json.Unmarshal(s.Document, &doc); err != nil {
			t.Fatalf("scheme %s document: %v", code, err)
		}
		if err := doc.Validate(scoring.DefaultInputs()); err != nil {
			t.Errorf("scheme %s document does not validate after a JSON round trip: %v", code, err)
		}
	}
}

func TestSchemes_JiningAwardFollowsThePlan(t *testing.T) {
	parsed, err := seeds.ParsedSchemes()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range parsed {
		if s.Code != "jining-2023" {
			continue
		}
		a := s.Award
		if a == nil || a.Tier != "high_quality" || a.CapYuan != 300000 || !a.OncePerCircle ||
			len(a.Years) != 1 || a.Years[0] != 2023 {
			t.Errorf("award %+v, want high_quality, 2023, ¥300,000, once per circle (plan §五(二))", a)
		}
		if len(s.BasicTypes) != 12 || len(s.QualityTypes) != 7 || s.TotalPoints != 100 {
			t.Errorf("basic %d, quality %d, total %v; want the plan's 12 and 7, 100 points",
				len(s.BasicTypes), len(s.QualityTypes), s.TotalPoints)
		}
		return
	}
	t.Fatal("jining-2023 not shipped")
}

// The scheme category codes must exist in the taxonomy, or a metric could
// never find them.
func TestSchemes_UseTaxonomyCategories(t *testing.T) {
	parsed, err := seeds.ParsedSchemes()
	if err != nil {
		t.Fatal(err)
	}
	cats, err := seeds.Categories()
	if err != nil {
		t.Fatal(err)
	}
	tierOf := map[string]string{}
	for _, c := range cats {
		tierOf[c.Code] = c.Tier
	}
	for _, s := range parsed {
		check := func(list []scoring.TypeRef, tier string) {
			for _, ty := range list {
				if tierOf[ty.Code] != tier {
					t.Errorf("%s: %s is %q in the taxonomy, scheme lists it as %s", s.Code, ty.Code, tierOf[ty.Code], tier)
				}
			}
		}
		check(s.BasicTypes, store.TierBasic)
		check(s.QualityTypes, store.TierQuality)
		check(s.PublicTypes, store.TierPublic)
		for _, set := range s.DoorstepSets {
			for _, code := range set {
				if _, ok := tierOf[code]; !ok {
					t.Errorf("%s: doorstep category %s not in the taxonomy", s.Code, code)
				}
			}
		}
	}
}

// scoring mirrors the store's status and service strings because it may not
// import store; they must not drift apart.
func TestSchemes_ScoringStringsMatchStore(t *testing.T) {
	pairs := [][2]string{
		{scoring.StatusDraft, store.EvalDraft}, {scoring.StatusSubmitted, store.EvalSubmitted},
		{scoring.StatusReturned, store.EvalReturned}, {scoring.StatusApproved, store.EvalApproved},
		{scoring.StatusCertified, store.EvalCertified},
		{scoring.ServiceBillPayment, store.ServiceBillPayment}, {scoring.ServicePayAgency, store.ServicePayAgency},
		{scoring.ServiceHomeVisit, store.ServiceHomeVisit}, {scoring.ServiceOnlineOrder, store.ServiceOnlineOrder},
		{scoring.ServiceDelivery, store.ServiceDelivery}, {scoring.ServiceSmartLocker, store.ServiceSmartLocker},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("scoring %q != store %q", p[0], p[1])
		}
	}
}

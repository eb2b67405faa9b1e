package scoring_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
)

// shipped parses and validates every scheme file under seeds/schemes.
func shipped(t *testing.T) map[string]*scoring.Scheme {
	t.Helper()
	files, err := filepath.Glob("../seeds/schemes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scheme files: %v", err)
	}
	out := map[string]*scoring.Scheme{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := scoring.ParseScheme(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := s.Validate(scoring.DefaultInputs()); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[s.Code] = s
	}
	return out
}

func TestShippedSchemes_ValidateAndSurviveAJSONRoundTrip(t *testing.T) {
	schemes := shipped(t)
	for _, code := range []string{"jining-2023", "mofcom-2023"} {
		s, ok := schemes[code]
		if !ok {
			t.Fatalf("scheme %s not shipped", code)
		}
		if !s.Reconstructed || s.Notice == "" {
			t.Errorf("%s: reconstructed scheme without its notice", code)
		}
		doc, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back scoring.Scheme
		if err := json.Unmarshal(doc, &back); err != nil {
			t.Fatal(err)
		}
		if err := back.Validate(scoring.DefaultInputs()); err != nil {
			t.Errorf("%s: stored document does not validate: %v", code, err)
		}
	}
}

func TestShippedSchemes_JiningFollowsThePlan(t *testing.T) {
	s := shipped(t)["jining-2023"]
	a := s.Award
	if a == nil || a.Tier != "high_quality" || a.CapYuan != 300000 || !a.OncePerCircle ||
		len(a.Years) != 1 || a.Years[0] != 2023 || !a.MustBeCertifiedInYear {
		t.Errorf("award %+v, want high_quality, certified in 2023, ¥300,000, once per circle (plan §五(二))", a)
	}
	if len(s.BasicTypes) != 12 || len(s.QualityTypes) != 7 || s.TotalPoints != 100 {
		t.Errorf("basic %d, quality %d, total %v; want the plan's 12 and 7, 100 points",
			len(s.BasicTypes), len(s.QualityTypes), s.TotalPoints)
	}
	if got := s.Walking.BudgetMetres(); got != 1000 {
		t.Errorf("walking budget %v m, want 1,000 m (GB 50180-2018 upper bound)", got)
	}
}

// The scheme category codes must exist in the taxonomy with the same tier,
// or no outlet could ever count for them.
func TestShippedSchemes_UseTaxonomyCategories(t *testing.T) {
	b, err := os.ReadFile("../seeds/categories.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tax struct {
		Categories []struct{ Code, Tier string } `yaml:"categories"`
	}
	if err := yaml.Unmarshal(b, &tax); err != nil {
		t.Fatal(err)
	}
	tierOf := map[string]string{}
	for _, c := range tax.Categories {
		tierOf[c.Code] = c.Tier
	}
	for _, s := range shipped(t) {
		check := func(list []scoring.TypeRef, tier string) {
			for _, ty := range list {
				if tierOf[ty.Code] != tier {
					t.Errorf("%s: %s is %q in the taxonomy, the scheme lists it as %s", s.Code, ty.Code, tierOf[ty.Code], tier)
				}
			}
		}
		check(s.BasicTypes, quarterhour.TierBasic)
		check(s.QualityTypes, quarterhour.TierQuality)
		check(s.PublicTypes, quarterhour.TierPublic)
		for _, set := range s.DoorstepSets {
			for _, code := range set {
				if tierOf[code] == "" {
					t.Errorf("%s: doorstep category %s is not in the taxonomy", s.Code, code)
				}
			}
		}
		for metric, codes := range s.PresenceMetrics {
			for _, code := range codes {
				if tierOf[code] == "" {
					t.Errorf("%s: %s counts category %s, which is not in the taxonomy", s.Code, metric, code)
				}
			}
		}
	}
}

// scoring mirrors the domain's service strings because it may not
// import store; they must not drift apart.
func TestScoringStrings_MatchStore(t *testing.T) {
	pairs := [][2]string{
		{scoring.ServiceBillPayment, quarterhour.ServiceBillPayment}, {scoring.ServicePayAgency, quarterhour.ServicePayAgency},
		{scoring.ServiceHomeVisit, quarterhour.ServiceHomeVisit}, {scoring.ServiceOnlineOrder, quarterhour.ServiceOnlineOrder},
		{scoring.ServiceDelivery, quarterhour.ServiceDelivery}, {scoring.ServiceSmartLocker, quarterhour.ServiceSmartLocker},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("scoring %q != store %q", p[0], p[1])
		}
	}
}

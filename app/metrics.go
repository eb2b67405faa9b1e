package app

import (
	"context"
	"fmt"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/store"
)

// maxDoorstepQueries bounds the coverage queries one doorstep computation
// may run; inclusion-exclusion over alternative categories grows as the
// product of 2^len(set)-1 over the sets.
const maxDoorstepQueries = 64

// CircleMetrics computes every metric the scheme s can ask for of circle c:
// the outlet metrics (types present, chain rate, payment, services, presence)
// over the open outlets within the scheme's walking budget of the circle's
// centres; population coverage (B1) of the served communities from the
// centres; basic-needs coverage (B2) and doorstep coverage (A3) from the
// residents' cells; and the community metrics (C1, C2) from the communities'
// recorded areas.
func (a *App) CircleMetrics(ctx context.Context, c quarterhour.Circle, s *scoring.Scheme) (scoring.Metrics, error) {
	budget := s.Walking.BudgetMetres()
	hits, err := a.access.OutletsWithin(ctx, c.Centers, budget)
	if err != nil {
		return scoring.Metrics{}, fmt.Errorf("circle %d metrics: %w", c.ID, err)
	}
	comms, err := a.store.ListCommunities(ctx, store.CommunityFilter{IDs: c.CommunityIDs})
	if err != nil {
		return scoring.Metrics{}, fmt.Errorf("circle %d metrics: communities: %w", c.ID, err)
	}
	if len(c.CommunityIDs) == 0 {
		comms = nil
	}
	residents := 0
	facts := make([]scoring.CommunityFacts, len(comms))
	for i, cm := range comms {
		residents += cm.Population
		facts[i] = scoring.CommunityFacts{Population: cm.Population, Households: cm.Households,
			BuildingAreaM2: cm.BuildingAreaM2, CommercialAreaM2: cm.CommercialAreaM2,
			ServiceFacilityAreaM2: cm.ServiceFacilityAreaM2, IsNew: cm.IsNew}
	}
	m := s.OutletMetrics(outletFacts(hits, a.publicCategories()), residents)
	m.Merge(s.CommunityMetrics(facts))

	ids := make([]int64, len(comms))
	for i, cm := range comms {
		ids[i] = cm.ID
	}
	cov, err := a.PopulationCoverage(ctx, c, budget, ids)
	if err != nil {
		return scoring.Metrics{}, fmt.Errorf("circle %d metrics: %w", c.ID, err)
	}
	m.Set(scoring.MetricPopulationCoverage, cov)

	basic := make([][]string, len(s.BasicTypes))
	for i, t := range s.BasicTypes {
		basic[i] = []string{t.Code}
	}
	needs, err := a.SetsCoverage(ctx, ids, basic, budget)
	if err != nil {
		return scoring.Metrics{}, fmt.Errorf("circle %d metrics: basic needs: %w", c.ID, err)
	}
	m.Set(scoring.MetricBasicNeedsCoverage, needs)

	door, err := a.SetsCoverage(ctx, ids, s.DoorstepSets, s.Walking.DoorstepMetres())
	if err != nil {
		return scoring.Metrics{}, fmt.Errorf("circle %d metrics: doorstep: %w", c.ID, err)
	}
	m.Set(scoring.MetricDoorstepBasicsShare, door)
	return m, nil
}

// PopulationCoverage is the share of the residents of the communities ids
// living within budgetM metres on foot of any of c's centres; 0 when they
// have no residents.
func (a *App) PopulationCoverage(ctx context.Context, c quarterhour.Circle, budgetM float64, ids []int64) (float64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	cc, err := a.access.CoverageFrom(ctx, c.Centers, budgetM, ids)
	if err != nil {
		return 0, fmt.Errorf("population coverage: %w", err)
	}
	covered, pop := 0, 0
	for _, x := range cc {
		covered += x.Covered
		pop += x.Population
	}
	return share(covered, pop), nil
}

// SetsCoverage is the share of the residents of the communities ids who
// reach, within budgetM metres on foot, an open outlet of at least one
// category of every set. Alternatives within a set ("wet market or fresh
// grocer") are combined exactly by inclusion-exclusion over NeedsCoverage,
// which counts residents reaching every category of a list. No sets is fully
// met; no residents gives 0.
func (a *App) SetsCoverage(ctx context.Context, ids []int64, sets [][]string, budgetM float64) (float64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if len(sets) == 0 {
		return 1, nil
	}
	terms, err := inclusionExclusion(sets)
	if err != nil {
		return 0, err
	}
	covered, pop := 0, 0
	for i, t := range terms {
		cc, err := a.access.NeedsCoverage(ctx, ids, t.cats, budgetM)
		if err != nil {
			return 0, fmt.Errorf("sets coverage: %w", err)
		}
		for _, x := range cc {
			covered += t.sign * x.Covered
			if i == 0 {
				pop += x.Population
			}
		}
	}
	return share(covered, pop), nil
}

// ieTerm is one term of an inclusion-exclusion sum: the residents reaching
// every category of cats, counted with sign.
type ieTerm struct {
	cats []string
	sign int
}

// inclusionExclusion expands "one of every set" into signed "all of" terms:
// for sets A1..An, |∩ ∪Ai| is the sum over non-empty subsets Si of each Ai
// of (-1)^Σ(|Si|-1) times |all of ∪Si|.
func inclusionExclusion(sets [][]string) ([]ieTerm, error) {
	n := 1
	for i, set := range sets {
		if len(set) == 0 {
			return nil, fmt.Errorf("doorstep set %d is empty", i)
		}
		if len(set) > 6 {
			return nil, fmt.Errorf("doorstep set %d has %d alternatives; at most 6 are supported", i, len(set))
		}
		n *= 1<<len(set) - 1
		if n > maxDoorstepQueries {
			return nil, fmt.Errorf("doorstep sets need more than %d coverage queries", maxDoorstepQueries)
		}
	}
	terms := []ieTerm{{sign: 1}}
	for _, set := range sets {
		var next []ieTerm
		for _, t := range terms {
			for mask := 1; mask < 1<<len(set); mask++ {
				nt := ieTerm{cats: append([]string(nil), t.cats...), sign: t.sign}
				picked := 0
				for j, c := range set {
					if mask&(1<<j) != 0 {
						nt.cats = append(nt.cats, c)
						picked++
					}
				}
				if picked%2 == 0 {
					nt.sign = -nt.sign
				}
				next = append(next, nt)
			}
		}
		terms = next
	}
	return terms, nil
}

// publicCategories is the set of public-facility category codes.
func (a *App) publicCategories() map[string]bool {
	out := map[string]bool{}
	for _, c := range a.access.Categories() {
		if c.Tier == quarterhour.TierPublic {
			out[c.Code] = true
		}
	}
	return out
}

// outletFacts turns reached outlets into scoring's view of them.
func outletFacts(hits []access.OutletHit, public map[string]bool) []scoring.OutletFacts {
	out := make([]scoring.OutletFacts, len(hits))
	for i, h := range hits {
		o := h.Outlet
		out[i] = scoring.OutletFacts{Category: o.Category, Public: public[o.Category], IsChain: o.IsChain,
			AcceptsCash: o.AcceptsCash, AcceptsCard: o.AcceptsCard, LowMargin: o.LowMargin, Services: o.Services}
	}
	return out
}

func share(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

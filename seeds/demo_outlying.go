package seeds

import (
	"math"
	"math/rand/v2"
	"sort"
)

// maxCircleCommunities is the most communities one demo circle serves.
const maxCircleCommunities = 4

// addOutlying lets circle c also serve a community outside its tile, so that
// only part of its residents live within the walk of its centres, as when a
// community's far end lies beyond the walk or it sits across the river away
// from a bridge. Excellent circles keep theirs within the walk. A basic
// circle's extra community lies within FarWalkMinM on foot (at the median
// resident) and is sized so that a share drawn from [BasicCoverageMin,
// BasicCoverageMax] of all its residents is within WalkM; a short circle's
// lies FarWalkMinM-FarWalkMaxM away when far is set, with the share drawn
// from [FarCoverageMin, FarCoverageMax], and like a basic circle's otherwise.
// Where no free plot near a basic circle fits, one up to FarWalkMaxM away
// may serve.
// c.dist must hold the walk from c's centres.
func (d *demo) addOutlying(a *demoArea, c *demoCircle, p DemoParams, rng *rand.Rand, far bool) error {
	if c.profile == profileExcellent || len(c.communities) >= maxCircleCommunities {
		return nil
	}
	far = far && c.profile == profileShort
	lo, hi := p.BasicCoverageMin, p.BasicCoverageMax
	if far {
		lo, hi = p.FarCoverageMin, p.FarCoverageMax
	}
	target := uniform(rng, lo, hi)
	served, covered := 0.0, 0.0
	for i, ci := range c.communities {
		pop := float64(d.bundle.Communities[ci].Population)
		share, _ := a.reachOf(c.plots[i], c.dist, p)
		served += pop
		covered += pop * share
	}
	// Candidates rank 0 when their population hits the target and, for a
	// basic circle, most of them live within FarWalkMinM; 1 when only the
	// population does; 2 otherwise. The best rank wins, at random among
	// ranks 0 and 1, by the closest coverage in rank 2.
	type candidate struct {
		pl   plot
		pop  int
		rank int
		miss float64 // |coverage with pop - target|
	}
	var best []candidate
	for _, pl := range a.freePlots() {
		share, median := a.reachOf(pl, c.dist, p)
		if math.IsInf(median, 1) || share > target-0.05 || median > p.FarWalkMaxM || (far && median < p.FarWalkMinM) {
			continue
		}
		need := (covered - target*served) / (target - share)
		pop := int(math.Round(math.Max(float64(p.PopulationMin), math.Min(need, float64(a.maxPopulation(pl, p))))))
		got := (covered + float64(pop)*share) / (served + float64(pop))
		cd := candidate{pl: pl, pop: pop, rank: 2, miss: math.Abs(got - target)}
		if pop == int(math.Round(need)) {
			cd.rank = 1
			if far || median <= p.FarWalkMinM {
				cd.rank = 0
			}
		}
		switch {
		case len(best) == 0 || cd.rank < best[0].rank || (cd.rank == 2 && cd.miss < best[0].miss):
			best = []candidate{cd}
		case cd.rank == best[0].rank && cd.rank < 2:
			best = append(best, cd)
		}
	}
	if len(best) == 0 {
		return nil
	}
	pick := best[rng.IntN(len(best))]
	return d.addCommunity(a, c, p, rng, pick.pl, pick.pop)
}

// freePlots lists the area's plots without a community: blocks, and both
// banks of the river block row, from the south-west.
func (a *demoArea) freePlots() []plot {
	var out []plot
	for by := 0; by < a.BlocksY; by++ {
		for bx := 0; bx < a.BlocksX; bx++ {
			kinds := []plotKind{plotBlock}
			if by == a.RiverRow {
				kinds = []plotKind{plotSouthBank, plotNorthBank}
			}
			for _, k := range kinds {
				if pl := (plot{bx, by, k}); !a.used[pl] {
					out = append(out, pl)
				}
			}
		}
	}
	return out
}

// maxPopulation caps a plot's residents at PopulationMax per block of land.
func (a *demoArea) maxPopulation(pl plot, p DemoParams) int {
	x0, y0, x1, y1 := pl.rect(a, p)
	bx0, by0, bx1, by1 := plot{}.rect(a, p)
	return max(p.PopulationMin, int(float64(p.PopulationMax)*(x1-x0)*(y1-y0)/((bx1-bx0)*(by1-by0))))
}

// reachOf samples plot pl every half lattice step and returns the share of
// the samples within WalkM of the sources of dist and the median walk.
func (a *demoArea) reachOf(pl plot, dist []float64, p DemoParams) (share, median float64) {
	x0, y0, x1, y1 := pl.rect(a, p)
	h := p.LatticeM / 2
	var walks []float64
	for y := y0 + h/2; y < y1; y += h {
		for x := x0 + h/2; x < x1; x += h {
			walks = append(walks, a.net.walkTo(dist, x, y))
		}
	}
	in := 0
	for _, w := range walks {
		if w <= p.WalkM {
			in++
		}
	}
	sort.Float64s(walks)
	return float64(in) / float64(len(walks)), walks[len(walks)/2]
}

// walkTo estimates the walk to grid point (x, y) given the walk dist to
// every node: via the best node of the surrounding lattice cells, then
// straight. The river row has no nodes, so no estimate crosses the river.
func (n *areaNetwork) walkTo(dist []float64, x, y float64) float64 {
	i0, j0 := int(math.Floor(x/n.step)), int(math.Floor(y/n.step))
	best := math.Inf(1)
	for i := i0 - 1; i <= i0+2; i++ {
		for j := j0 - 1; j <= j0+2; j++ {
			k, ok := n.index[[2]int{i, j}]
			if !ok {
				continue
			}
			nx, ny := n.xy(k)
			best = math.Min(best, dist[k]+math.Hypot(x-nx, y-ny))
		}
	}
	return best
}

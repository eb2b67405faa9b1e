package seeds

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/store"
)

// tile is a group of one or two rows of two blocks that one circle serves.
type tile struct {
	blocks [][2]int // (bx, by)
	center [2]int   // lattice point at the middle of the tile
}

// tiles lists an area's circle tiles in Profiles order: 2x2 tiles south of
// the river (a lone last row becomes 2x1 tiles), then 2x1 tiles row by row
// north of it.
func (a *demoArea) tiles() []tile {
	var out []tile
	for by := 0; by < a.RiverRow; by += 2 {
		rows := 2
		if by+1 >= a.RiverRow {
			rows = 1
		}
		for bx := 0; bx < a.BlocksX; bx += 2 {
			t := tile{center: [2]int{8*bx + 8, 8*by + 4*rows}}
			for dy := 0; dy < rows; dy++ {
				t.blocks = append(t.blocks, [2]int{bx, by + dy}, [2]int{bx + 1, by + dy})
			}
			out = append(out, t)
		}
	}
	for by := a.RiverRow + 1; by < a.BlocksY; by++ {
		for bx := 0; bx < a.BlocksX; bx += 2 {
			out = append(out, tile{
				blocks: [][2]int{{bx, by}, {bx + 1, by}},
				center: [2]int{8*bx + 8, 8*by + 4},
			})
		}
	}
	return out
}

// profiles returns the area's tile profiles without separators.
func (a *demoArea) profiles() string { return strings.ReplaceAll(a.Profiles, "/", "") }

// communityNames returns the community-level rows of each of the area's
// towns: urban 居委会 (NBS codes 001-199) and other 社区 rows first, then
// 村委会, each group in code order.
func communityNames(towns []string, regions []store.Region) [][]store.Region {
	out := make([][]store.Region, len(towns))
	for pass := 0; pass < 2; pass++ {
		for _, r := range regions {
			if r.Level != store.LevelCommunity {
				continue
			}
			urban := r.Code[9:] < "200" || strings.Contains(r.Name, "社区")
			if urban != (pass == 0) {
				continue
			}
			for t, town := range towns {
				if strings.HasPrefix(r.Code, town) {
					out[t] = append(out[t], r)
				}
			}
		}
	}
	return out
}

// addCommunities turns some land blocks of each tile into communities (at
// least one per tile, always the first block of an excellent tile) and records them per
// tile for the circles.
func (d *demo) addCommunities(a *demoArea, p DemoParams, rng *rand.Rand, regions []store.Region) error {
	names := communityNames(a.Towns, regions)
	tiles := a.tiles()
	prof := a.profiles()
	if len(prof) != len(tiles) {
		return fmt.Errorf("demo area %s: %d profiles for %d tiles", a.Zone, len(prof), len(tiles))
	}
	next := 0
	take := func() (store.Region, bool) {
		for tries := 0; tries < len(names); tries++ {
			t := next % len(names)
			next++
			if len(names[t]) > 0 {
				r := names[t][0]
				names[t] = names[t][1:]
				return r, true
			}
		}
		return store.Region{}, false
	}
	for ti, t := range tiles {
		c := &demoCircle{profile: prof[ti], tile: t}
		chosen := make([]bool, len(t.blocks))
		any := false
		for b := range t.blocks {
			chosen[b] = (b == 0 && prof[ti] == profileExcellent) || rng.Float64() < p.CommunityShare
			any = any || chosen[b]
		}
		if !any {
			chosen[rng.IntN(len(chosen))] = true
		}
		for b, blk := range t.blocks {
			if !chosen[b] {
				continue
			}
			reg, ok := take()
			if !ok {
				return fmt.Errorf("demo area %s: towns %v have too few 社区 for its communities", a.Zone, a.Towns)
			}
			c.communities = append(c.communities, len(d.bundle.Communities))
			d.bundle.Communities = append(d.bundle.Communities, newCommunity(a, p, rng, blk, reg))
		}
		a.circles = append(a.circles, c)
	}
	return nil
}

// newCommunity fills block blk with a community named after reg.
func newCommunity(a *demoArea, p DemoParams, rng *rand.Rand, blk [2]int, reg store.Region) store.Community {
	const inset = 12.0 // metres between the street centre line and the community fence
	block := 8 * p.LatticeM
	x0, y0 := float64(blk[0])*block+inset, float64(blk[1])*block+inset
	x1, y1 := x0+block-2*inset, y0+block-2*inset
	ring := orb.Ring{
		a.frame.point(x0, y0), a.frame.point(x1, y0), a.frame.point(x1, y1),
		a.frame.point(x0, y1), a.frame.point(x0, y0),
	}
	pop := p.PopulationMin + rng.IntN(p.PopulationMax-p.PopulationMin+1)
	households := int(math.Round(float64(pop) / p.PersonsPerHousehold))
	building := math.Round(float64(pop) * uniform(rng, p.BuildingM2PerPersonMin, p.BuildingM2PerPersonMax))
	isNew := rng.Float64() < p.NewShare
	var ratio float64
	switch {
	case isNew && rng.IntN(2) == 0:
		ratio = uniform(rng, 0.10, 0.14) // meets the 10% rule for new communities
	case isNew:
		ratio = uniform(rng, 0.05, 0.095)
	default:
		ratio = uniform(rng, 0.03, 0.09)
	}
	service := math.Round(float64(households) / 100 *
		uniform(rng, p.ServiceM2Per100HouseholdsMin, p.ServiceM2Per100HouseholdsMax))
	return store.Community{
		RegionCode:            reg.Code,
		District:              a.District,
		Name:                  communityName(reg.Name),
		Polygon:               orb.MultiPolygon{{ring}},
		Population:            pop,
		Households:            households,
		BuildingAreaM2:        building,
		CommercialAreaM2:      math.Round(building * ratio),
		ServiceFacilityAreaM2: service,
		IsNew:                 isNew,
		Synthetic:             true,
	}
}

func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + rng.Float64()*(hi-lo) }

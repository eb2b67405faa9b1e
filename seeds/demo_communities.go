package seeds

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
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
func communityNames(towns []string, regions []quarterhour.Region) [][]quarterhour.Region {
	out := make([][]quarterhour.Region, len(towns))
	for pass := 0; pass < 2; pass++ {
		for _, r := range regions {
			if r.Level != quarterhour.LevelCommunity {
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
func (d *demo) addCommunities(a *demoArea, p DemoParams, rng *rand.Rand, regions []quarterhour.Region) error {
	a.names = communityNames(a.Towns, regions)
	a.used = map[plot]bool{}
	tiles := a.tiles()
	prof := a.profiles()
	if len(prof) != len(tiles) {
		return fmt.Errorf("demo area %s: %d profiles for %d tiles", a.Zone, len(prof), len(tiles))
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
			pop := p.PopulationMin + rng.IntN(p.PopulationMax-p.PopulationMin+1)
			if err := d.addCommunity(a, c, p, rng, plot{blk[0], blk[1], plotBlock}, pop); err != nil {
				return err
			}
		}
		a.circles = append(a.circles, c)
	}
	return nil
}

// addCommunity creates a community of pop residents on plot pl, named after
// the next free 社区 of the area's towns, and lets circle c serve it.
func (d *demo) addCommunity(a *demoArea, c *demoCircle, p DemoParams, rng *rand.Rand, pl plot, pop int) error {
	reg, ok := a.takeName()
	if !ok {
		return fmt.Errorf("demo area %s: towns %v have too few 社区 for its communities", a.Zone, a.Towns)
	}
	a.used[pl] = true
	c.plots = append(c.plots, pl)
	c.communities = append(c.communities, len(d.bundle.Communities))
	d.bundle.Communities = append(d.bundle.Communities, newCommunity(a, p, rng, pl, reg, pop))
	return nil
}

// takeName returns the next unused 社区 row, taking the towns in turn.
func (a *demoArea) takeName() (quarterhour.Region, bool) {
	for tries := 0; tries < len(a.names); tries++ {
		t := a.nextName % len(a.names)
		a.nextName++
		if len(a.names[t]) > 0 {
			r := a.names[t][0]
			a.names[t] = a.names[t][1:]
			return r, true
		}
	}
	return quarterhour.Region{}, false
}

// plotKind is the part of a block a community fills.
type plotKind int

const (
	plotBlock     plotKind = iota // the whole block
	plotSouthBank                 // river block row: between the main road and the south promenade
	plotNorthBank                 // river block row: between the north promenade and the main road
)

// plot is a piece of land a community can fill: a block (bx, by) or one
// bank of the river block row.
type plot struct {
	bx, by int
	kind   plotKind
}

// rect returns the plot's fence in grid metres: inset from the centre lines
// of the streets (or promenades) around it.
func (pl plot) rect(a *demoArea, p DemoParams) (x0, y0, x1, y1 float64) {
	const inset = 12.0 // metres between the street centre line and the community fence
	x0, x1 = float64(8*pl.bx)*p.LatticeM+inset, float64(8*pl.bx+8)*p.LatticeM-inset
	lo, hi := 8*pl.by, 8*pl.by+8
	switch pl.kind {
	case plotSouthBank:
		hi = 8*a.RiverRow + 3
	case plotNorthBank:
		lo = 8*a.RiverRow + 5
	}
	return x0, float64(lo)*p.LatticeM + inset, x1, float64(hi)*p.LatticeM - inset
}

// newCommunity fills plot pl with a community of pop residents named after reg.
func newCommunity(a *demoArea, p DemoParams, rng *rand.Rand, pl plot, reg quarterhour.Region, pop int) quarterhour.Community {
	x0, y0, x1, y1 := pl.rect(a, p)
	ring := orb.Ring{
		a.frame.point(x0, y0), a.frame.point(x1, y0), a.frame.point(x1, y1),
		a.frame.point(x0, y1), a.frame.point(x0, y0),
	}
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
	return quarterhour.Community{
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

package seeds

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/quarterhour/quarterhour"
)

// Circle profiles of the demo. They steer where outlets go, so that an
// evaluation finds every tier in every pilot area.
const (
	profileExcellent = 'E' // every basic, most quality and all public types near the centre
	profileBasic     = 'B' // every basic type, few quality types
	profileShort     = 'S' // several basic types missing within a long walk
)

// demoCircle is a circle being generated.
type demoCircle struct {
	profile     byte
	tile        tile
	communities []int  // indexes into Bundle.Communities
	plots       []plot // the land of each community
	centers     []int  // node indexes in the area network
	dist        []float64
	// missing are the categories kept out of reach of the centres: the gap
	// types of a short circle, the absent quality types of a basic one.
	missing map[string]bool
	radius  float64
}

// addCircles creates one circle per tile of the area. Basic and short
// circles also serve a community outside their tile (see addOutlying); every
// other short circle serves a far one.
func (d *demo) addCircles(a *demoArea, p DemoParams, rng *rand.Rand) error {
	shortN := 0
	for _, c := range a.circles {
		layout, offsets := circleLayout(c.profile, c.tile, rng)
		for _, off := range offsets {
			ij := [2]int{c.tile.center[0] + off[0], c.tile.center[1] + off[1]}
			k, ok := a.net.index[ij]
			if !ok {
				return fmt.Errorf("demo area %s: circle centre %v is not a network node", a.Zone, ij)
			}
			c.centers = append(c.centers, k)
		}
		c.dist = a.net.walk(c.centers)
		if err := d.addOutlying(a, c, p, rng, c.profile == profileShort && shortN%2 == 0); err != nil {
			return err
		}
		if c.profile == profileShort {
			shortN++
		}
		status, planned, completed := circleStatus(c.profile, rng)
		first := d.bundle.Communities[c.communities[0]]
		circle := quarterhour.Circle{
			Name:          strings.TrimSuffix(first.Name, "社区") + "一刻钟便民生活圈",
			District:      a.District,
			PilotZone:     a.Zone,
			Layout:        layout,
			Status:        status,
			PlannedYear:   planned,
			CompletedYear: completed,
			Synthetic:     true,
		}
		for _, k := range c.centers {
			circle.Centers = append(circle.Centers, a.net.nodes[k].Point)
		}
		for _, ci := range c.communities {
			circle.CommunityIDs = append(circle.CommunityIDs, int64(ci))
		}
		d.bundle.Circles = append(d.bundle.Circles, circle)
		d.profiles = append(d.profiles, c.profile)
	}
	return nil
}

// circleLayout picks a layout and its centre offsets (lattice steps from the
// tile centre): 集聚式 one anchor, 街区式 two along the central main road,
// 分散式 two on local streets apart.
func circleLayout(profile byte, t tile, rng *rand.Rand) (string, [][2]int) {
	alongRoad := [][2]int{{0, -2}, {0, 2}}
	if len(t.blocks) == 4 {
		alongRoad = [][2]int{{-2, 0}, {2, 0}}
	}
	scattered := [][2]int{{-4, 0}, {4, 0}}
	r := rng.Float64()
	switch profile {
	case profileExcellent:
		if r < 0.7 {
			return quarterhour.LayoutCluster, [][2]int{{0, 0}}
		}
		return quarterhour.LayoutBlock, alongRoad
	case profileBasic:
		if r < 0.5 {
			return quarterhour.LayoutBlock, alongRoad
		}
		return quarterhour.LayoutCluster, [][2]int{{0, 0}}
	default:
		if r < 0.6 {
			return quarterhour.LayoutScattered, scattered
		}
		return quarterhour.LayoutBlock, alongRoad
	}
}

// circleStatus: excellent circles are built, basic ones built or building,
// short ones planned or building.
func circleStatus(profile byte, rng *rand.Rand) (status string, planned, completed int) {
	switch profile {
	case profileExcellent:
		planned = 2023 + rng.IntN(2)
		return quarterhour.CircleCompleted, planned, planned + rng.IntN(2)
	case profileBasic:
		planned = 2023 + rng.IntN(3)
		if planned < 2025 && rng.IntN(2) == 0 {
			return quarterhour.CircleCompleted, planned, planned + 1
		}
		return quarterhour.CircleBuilding, planned, 0
	default:
		planned = 2024 + rng.IntN(2)
		if rng.IntN(3) == 0 {
			return quarterhour.CircleBuilding, planned, 0
		}
		return quarterhour.CirclePlanned, planned, 0
	}
}

package seeds

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
)

// Highway values of the demo network.
const (
	hwPrimary     = "primary"
	hwSecondary   = "secondary"
	hwResidential = "residential"
	hwFootway     = "footway"
	hwBridge      = "bridge"
)

// areaNetwork is one area's street lattice. Lattice point (i, j) lies
// i*LatticeM east and j*LatticeM north of the south-west corner; every
// edge joins two neighbouring lattice points except bridges, which span the
// river, so edges are split at every junction by construction.
type areaNetwork struct {
	nx, ny int // lattice points run 0..nx, 0..ny
	step   float64
	river  int // lattice row of the river's centre line

	nodes []quarterhour.WalkNode
	edges []quarterhour.WalkEdge
	index map[[2]int]int // lattice point -> index in nodes
	ij    [][2]int       // index in nodes -> lattice point
	adj   [][]halfEdge   // index in nodes -> incident edges
}

type halfEdge struct {
	to   int     // node index
	edge int     // index in edges
	m    float64 // length
}

// buildAreaNetwork lays out the lattice: main roads every 8 steps, local
// streets every 2, footpaths on some odd lines inside 125 m cells, riverside
// promenades on both banks and bridges on every BridgeEveryMain-th main road
// plus one footbridge.
func buildAreaNetwork(a *demoArea, p DemoParams, rng *rand.Rand) *areaNetwork {
	n := &areaNetwork{
		nx: a.BlocksX * 8, ny: a.BlocksY * 8, step: p.LatticeM,
		river: a.RiverRow*8 + 4, index: map[[2]int]int{},
	}
	cellsX, cellsY := n.nx/2, n.ny/2
	footEW := make([]bool, cellsX*cellsY)
	footNS := make([]bool, cellsX*cellsY)
	for c := range footEW {
		footEW[c] = rng.Float64() < p.FootpathShare
		footNS[c] = rng.Float64() < p.FootpathShare
	}
	inRiver := func(j0, j1 int) bool { return j1 > n.river-1 && j0 < n.river+1 }

	// East-west edges, row by row.
	for j := 0; j <= n.ny; j++ {
		for i := 0; i < n.nx; i++ {
			var hw string
			switch {
			case j == n.river:
				continue
			case j == n.river-1 || j == n.river+1:
				hw = hwFootway
			case j%2 == 0:
				hw = roadClass(j)
			case footEW[(j/2)*cellsX+i/2]:
				hw = hwFootway
			default:
				continue
			}
			n.addEdge(a, [2]int{i, j}, [2]int{i + 1, j}, hw)
		}
	}
	// North-south edges, column by column.
	footbridge := 2 * (1 + rng.IntN(n.nx/2-1))
	for footbridge%8 == 0 {
		footbridge = 2 * (1 + rng.IntN(n.nx/2-1))
	}
	for i := 0; i <= n.nx; i++ {
		for j := 0; j < n.ny; j++ {
			var hw string
			switch {
			case inRiver(j, j+1):
				continue
			case i%2 == 0:
				hw = roadClass(i)
			case footNS[(j/2)*cellsX+i/2]:
				hw = hwFootway
			default:
				continue
			}
			n.addEdge(a, [2]int{i, j}, [2]int{i, j + 1}, hw)
		}
		if (i%8 == 0 && (i/8)%p.BridgeEveryMain == 0) || i == footbridge {
			n.addEdge(a, [2]int{i, n.river - 1}, [2]int{i, n.river + 1}, hwBridge)
		}
	}
	return n
}

// roadClass names a street on lattice line k: primary every 1,000 m,
// secondary on the other main roads, residential otherwise.
func roadClass(k int) string {
	switch {
	case k%16 == 0:
		return hwPrimary
	case k%8 == 0:
		return hwSecondary
	default:
		return hwResidential
	}
}

func (n *areaNetwork) node(a *demoArea, ij [2]int) int {
	if k, ok := n.index[ij]; ok {
		return k
	}
	k := len(n.nodes)
	n.index[ij] = k
	n.ij = append(n.ij, ij)
	n.adj = append(n.adj, nil)
	n.nodes = append(n.nodes, quarterhour.WalkNode{
		ID:    int64(a.index+1)*1_000_000 + int64(k) + 1,
		Point: a.frame.point(float64(ij[0])*n.step, float64(ij[1])*n.step),
	})
	return k
}

func (n *areaNetwork) addEdge(a *demoArea, from, to [2]int, hw string) {
	u, v := n.node(a, from), n.node(a, to)
	geom := orb.LineString{n.nodes[u].Point, n.nodes[v].Point}
	m := orbgeo.Distance(geom[0], geom[1])
	k := len(n.edges)
	n.edges = append(n.edges, quarterhour.WalkEdge{
		ID:     int64(a.index+1)*1_000_000 + int64(k) + 1,
		Source: n.nodes[u].ID, Target: n.nodes[v].ID,
		Cost: m, ReverseCost: m, LengthM: m,
		Geom: geom, Highway: hw,
	})
	n.adj[u] = append(n.adj[u], halfEdge{to: v, edge: k, m: m})
	n.adj[v] = append(n.adj[v], halfEdge{to: u, edge: k, m: m})
}

// xy returns the grid metres of node k.
func (n *areaNetwork) xy(k int) (float64, float64) {
	return float64(n.ij[k][0]) * n.step, float64(n.ij[k][1]) * n.step
}

// walk returns the walking distance from the nearest of sources to every
// node (+Inf when unreachable).
func (n *areaNetwork) walk(sources []int) []float64 {
	return geo.NewDijkstra(len(n.nodes), n.neighbours).Distances(sources, math.Inf(1))
}

// neighbours lists the edges of node u, as geo.Neighbours.
func (n *areaNetwork) neighbours(u int, visit func(v int, w float64)) {
	for _, h := range n.adj[u] {
		visit(h.to, h.m)
	}
}

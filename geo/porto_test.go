package geo_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
)

// portoPBF is the Porto city-centre extract (testdata/osm/SOURCE.md).
const portoPBF = "../testdata/osm/porto.osm.pbf"

var portoOnce struct {
	sync.Once
	g   *geo.Graph
	err error
}

// portoGraph builds the walking graph of Porto once per test binary.
func portoGraph(tb testing.TB) *geo.Graph {
	tb.Helper()
	portoOnce.Do(func() {
		f, err := os.Open(portoPBF)
		if err != nil {
			portoOnce.err = err
			return
		}
		defer f.Close()
		net, _, err := osmnet.Read(context.Background(), f, osmnet.PBF, osmnet.Options{})
		if err != nil {
			portoOnce.err = err
			return
		}
		portoOnce.g, portoOnce.err = geo.NewGraph(net.GeoNodes(), net.GeoEdges())
	})
	if portoOnce.err != nil {
		tb.Fatalf("porto graph: %v", portoOnce.err)
	}
	return portoOnce.g
}

// portoNodeSnap places an origin exactly on dense node v: at the end of one
// of its edges, with no walk to the network.
func portoNodeSnap(tb testing.TB, g *geo.Graph, v int32) geo.Snap {
	tb.Helper()
	s, err := g.Snap(g.NodePoint(v), 0)
	if err != nil {
		tb.Fatalf("snap node %d: %v", g.NodeID(v), err)
	}
	return s
}

func TestPorto_RoutingUnder64BytesPerEdge(t *testing.T) {
	g := portoGraph(t)
	perEdge := float64(g.RoutingBytes()) / float64(g.EdgeCount())
	t.Logf("porto: %d nodes, %d edges, %.1f routing bytes/edge", g.NodeCount(), g.EdgeCount(), perEdge)
	if perEdge >= 64 {
		t.Errorf("routing arrays take %.1f bytes per edge, want < 64", perEdge)
	}
}

// TestPorto_NearestDistancesEqualsMinOfSingleSearches checks that one
// multi-source search gives, at every node, exactly the minimum over
// separate single-source searches from each source.
func TestPorto_NearestDistancesEqualsMinOfSingleSearches(t *testing.T) {
	const budget = 1000
	g := portoGraph(t)
	rng := rand.New(rand.NewPCG(15, 1000))
	sources := make([]geo.Snap, 50)
	for i := range sources {
		sources[i] = portoNodeSnap(t, g, int32(rng.IntN(g.NodeCount())))
	}
	want := make([]float32, g.NodeCount())
	for i := range want {
		want[i] = float32(math.Inf(1))
	}
	for _, s := range sources {
		for _, n := range g.Reach(s, budget).Nodes {
			want[n.Node] = min(want[n.Node], float32(n.DistM))
		}
	}
	got := g.NearestDistances(sources, budget)
	reached, wrong := 0, 0
	for v := range want {
		if !math.IsInf(float64(want[v]), 1) {
			reached++
		}
		if got[v] != want[v] {
			if wrong < 10 {
				t.Errorf("node %d: multi-source %v m, min of single searches %v m", g.NodeID(int32(v)), got[v], want[v])
			}
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d nodes differ", wrong, len(want))
	}
	if reached < g.NodeCount()/10 {
		t.Errorf("only %d of %d nodes within %d m of 50 sources; the test would prove little", reached, g.NodeCount(), budget)
	}
	t.Logf("%d of %d nodes within %d m of the 50 sources", reached, g.NodeCount(), budget)
}

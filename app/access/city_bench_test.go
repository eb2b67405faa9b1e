package access

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// The city benchmarks run the engine at the scale of a large city: a
// street network of about 1,000,000 edges over 700,000 nodes (a jittered
// 840 by 840 grid of 50 m blocks, 42 km a side, with 29% of its streets
// left out), 30,000 open outlets spread over the 27 categories and
// 2,000,000 residents in 1,296 square communities. Outlets and communities
// live in a SQLite store; the network is handed to the engine in memory,
// as writing a million edges through SQLite would only slow the set-up.
const (
	citySide        = 840
	citySpacingM    = 50
	cityDropShare   = 0.29
	cityOutlets     = 30_000
	cityCommSide    = 36
	cityResidents   = 2_000_000
	cityOutletsSeed = 2024
)

var cityOrigin = orb.Point{116.45, 35.25}

// cityOffset returns the point dx metres east and dy metres north of the
// city's south-west corner.
func cityOffset(dx, dy float64) orb.Point {
	ky := geo.EarthRadiusM * math.Pi / 180
	kx := ky * math.Cos(cityOrigin.Lat()*math.Pi/180)
	return orb.Point{cityOrigin.Lon() + dx/kx, cityOrigin.Lat() + dy/ky}
}

// cityNetwork is the benchmark city's street network.
func cityNetwork() quarterhour.Network {
	rng := rand.New(rand.NewPCG(1, 11))
	jit := func() float64 { return (rng.Float64()*2 - 1) * citySpacingM / 5 }
	n := quarterhour.Network{Area: "city", Synthetic: true, Nodes: make([]quarterhour.WalkNode, 0, citySide*citySide)}
	for r := range citySide {
		for c := range citySide {
			n.Nodes = append(n.Nodes, quarterhour.WalkNode{ID: int64(r*citySide + c + 1),
				Point: cityOffset(float64(c)*citySpacingM+jit(), float64(r)*citySpacingM+jit())})
		}
	}
	street := func(s, t int64) {
		a, b := n.Nodes[s-1].Point, n.Nodes[t-1].Point
		ky := geo.EarthRadiusM * math.Pi / 180
		mid := orb.Point{(a[0]+b[0])/2 + jit()/4/ky, (a[1]+b[1])/2 + jit()/4/ky}
		ls := orb.LineString{a, mid, b}
		l := geo.LineLengthM(ls)
		n.Edges = append(n.Edges, quarterhour.WalkEdge{ID: int64(len(n.Edges) + 1), Source: s, Target: t,
			Cost: l, ReverseCost: l, LengthM: l, Geom: ls, Highway: "residential"})
	}
	for r := range citySide {
		for c := range citySide {
			id := int64(r*citySide + c + 1)
			if c+1 < citySide && rng.Float64() >= cityDropShare {
				street(id, id+1)
			}
			if r+1 < citySide && rng.Float64() >= cityDropShare {
				street(id, id+int64(citySide))
			}
		}
	}
	return n
}

// cityPoint is a random point of the city.
func cityPoint(rng *rand.Rand) orb.Point {
	side := float64((citySide - 1) * citySpacingM)
	return cityOffset(rng.Float64()*side, rng.Float64()*side)
}

// cityStore is a store whose walking network is the benchmark city's.
type cityStore struct{ store.Store }

func (cityStore) LoadNetworks(context.Context) ([]quarterhour.Network, error) {
	return []quarterhour.Network{cityNetwork()}, nil
}

func cityOutlet(rng *rand.Rand, category string, n int) quarterhour.Outlet {
	p := cityPoint(rng)
	o := quarterhour.Outlet{Name: fmt.Sprintf("%s %d", category, n), Category: category, Point: p,
		Status: quarterhour.OutletOpen, Services: []string{}, Source: "demo", SourceRef: fmt.Sprintf("city:%d", n),
		Synthetic: true}
	if c, err := geo.CellOf(p, geo.DefaultRes); err == nil {
		o.H3 = c.String()
	}
	return o
}

// cityCommunities tile the city with squares, their residents adding up to
// cityResidents.
func cityCommunities(rng *rand.Rand) []quarterhour.Community {
	side := float64((citySide - 1) * citySpacingM)
	step := side / cityCommSide
	weights := make([]float64, cityCommSide*cityCommSide)
	var total float64
	for i := range weights {
		weights[i] = 0.5 + rng.Float64()
		total += weights[i]
	}
	var out []quarterhour.Community
	left := cityResidents
	for r := range cityCommSide {
		for c := range cityCommSide {
			x0, y0 := float64(c)*step, float64(r)*step
			ring := orb.Ring{cityOffset(x0, y0), cityOffset(x0+step, y0), cityOffset(x0+step, y0+step), cityOffset(x0, y0+step), cityOffset(x0, y0)}
			pop := int(cityResidents * weights[r*cityCommSide+c] / total)
			if r == cityCommSide-1 && c == cityCommSide-1 {
				pop = left
			}
			left -= pop
			out = append(out, quarterhour.Community{Name: fmt.Sprintf("社区 %d-%d", r, c), District: "370811",
				Polygon: orb.MultiPolygon{{ring}}, Population: pop, Households: pop / 3, Synthetic: true,
				Source: "demo", SourceRef: fmt.Sprintf("city:%d:%d", r, c)})
		}
	}
	return out
}

type cityFixture struct {
	e    *Index
	st   store.Store
	cats []string
	rng  *rand.Rand
	n    int // outlets created so far
}

var cityOnce = sync.OnceValues(func() (*cityFixture, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "qh-access-city-")
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "qh.db"))
	if err != nil {
		return nil, err
	}
	b, err := seeds.Reference()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cityOutletsSeed, 1))
	cats := make([]string, len(b.Categories))
	for i, c := range b.Categories {
		cats[i] = c.Code
	}
	for i := range cityOutlets {
		b.Outlets = append(b.Outlets, cityOutlet(rng, cats[i%len(cats)], i))
	}
	b.Communities = cityCommunities(rng)
	if _, err := st.Seed(ctx, b); err != nil {
		return nil, err
	}
	e := New(cityStore{st}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := e.Reload(ctx); err != nil {
		return nil, err
	}
	return &cityFixture{e: e, st: st, cats: cats, rng: rng, n: cityOutlets}, nil
})

func cityEngine(b *testing.B) *cityFixture {
	b.Helper()
	f, err := cityOnce()
	if err != nil {
		b.Fatalf("city engine: %v", err)
	}
	return f
}

// BenchmarkCityOutletUpdate opens one outlet through the store and
// refreshes the engine until the surfaces of its category are current
// (surface), and its gap grid too when one was built (gaps).
// refresh-ms is the time of RefreshOutlets alone, without the store's
// write.
func BenchmarkCityOutletUpdate(b *testing.B) {
	ctx := context.Background()
	f := cityEngine(b)
	walk := geo.DefaultWalk.Metres()
	run := func(b *testing.B, gaps bool) {
		if gaps {
			for _, c := range f.cats {
				if _, err := f.e.GapGrid(c); err != nil {
					b.Fatal(err)
				}
			}
		}
		var refresh time.Duration
		var ids []int64
		for i := 0; b.Loop(); i++ {
			cat := f.cats[i%len(f.cats)]
			f.n++
			o := cityOutlet(f.rng, cat, f.n)
			if err := f.st.CreateOutlet(ctx, &o); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, o.ID)
			start := time.Now()
			if err := f.e.RefreshOutlets(ctx, o.ID); err != nil {
				b.Fatal(err)
			}
			s := f.e.snap.Load()
			if _, err := s.surface(cat, walk); err != nil {
				b.Fatal(err)
			}
			if gaps {
				if _, err := f.e.GapGrid(cat); err != nil {
					b.Fatal(err)
				}
			}
			refresh += time.Since(start)
		}
		b.ReportMetric(float64(refresh.Microseconds())/1000/float64(b.N), "refresh-ms/op")
		b.StopTimer()
		for _, id := range ids {
			o, err := f.st.GetOutlet(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			if err := f.st.DeleteOutlet(ctx, id, o.Version); err != nil {
				b.Fatal(err)
			}
		}
		if err := f.e.RefreshOutlets(ctx, ids...); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("surface", func(b *testing.B) { run(b, false) })
	b.Run("gaps", func(b *testing.B) { run(b, true) })
}

// coldGapSnapshot is s with none of the caches a gap grid reads built: as
// right after a load, but with the surfaces kept.
func coldGapSnapshot(s *snapshot) *snapshot {
	return &snapshot{netGen: s.netGen, areas: s.areas, placed: s.placed, outlets: s.outlets,
		byCategory: s.byCategory, categories: s.categories, catOrder: s.catOrder,
		communities: s.communities, commOrder: s.commOrder, stats: s.stats,
		comm:     &commCache{cells: map[int64][]geo.CellShare{}},
		gap:      &gapBaseCache{},
		surfaces: s.surfaces}
}

// BenchmarkCityGapGrid builds the gap grid of one category over the whole
// city and reads its cells at the opening zoom (10), the surfaces being
// built. cold starts from nothing else: it spreads the residents over
// their cells, lists the cells and places their centres on the network,
// which a load now does beforehand; warm is a grid after a load, the
// first request's cost.
func BenchmarkCityGapGrid(b *testing.B) {
	f := cityEngine(b)
	s := f.e.snap.Load()
	cat := f.cats[0]
	sf, err := s.surface(cat, geo.DefaultWalk.Metres())
	if err != nil {
		b.Fatal(err)
	}
	res := GapResForZoom(10)
	var cells int
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			g, err := coldGapSnapshot(s).buildGapGrid(cat, sf)
			if err != nil {
				b.Fatal(err)
			}
			cells = len(g.Cells(res, g.Bound))
		}
		b.ReportMetric(float64(cells), "cells")
	})
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			g, err := s.buildGapGrid(cat, sf)
			if err != nil {
				b.Fatal(err)
			}
			cells = len(g.Cells(res, g.Bound))
		}
		b.ReportMetric(float64(cells), "cells")
	})
}

// BenchmarkCitySurfacesAll builds the surfaces of every category within the
// default walk, as a load does.
func BenchmarkCitySurfacesAll(b *testing.B) {
	f := cityEngine(b)
	s := f.e.snap.Load()
	for b.Loop() {
		fresh := coldGapSnapshot(s)
		fresh.surfaces = map[surfaceKey]*surfaceEntry{}
		fresh.warmSurfaces(geo.DefaultWalk.Metres())
	}
	b.ReportMetric(float64(len(s.catOrder)), "categories")
}

// BenchmarkCityLoaded reloads the city, then builds the gap grid of every
// category, and reports the memory the process holds with all of it
// loaded: heap-MB is the live heap after a collection, graph-MB,
// surfaces-MB and gap-grids-MB parts of it, rss-MB the resident set and
// rss-settled-MB the resident set once the freed memory is returned. The
// process also holds the benchmark's SQLite store of the outlets and
// communities.
func BenchmarkCityLoaded(b *testing.B) {
	ctx := context.Background()
	f := cityEngine(b)
	for b.Loop() {
		if err := f.e.Reload(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	heap := func() float64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc) / (1 << 20)
	}
	loaded := heap()
	start := time.Now()
	for _, c := range f.cats {
		if _, err := f.e.GapGrid(c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "all-gap-grids-ms")
	all := heap()
	s := f.e.snap.Load()
	var graph, surfaces int
	for _, a := range s.areas {
		graph += a.g.RoutingBytes() + a.g.GeometryBytes() + a.g.IsochroneCellBytes()
	}
	for _, ent := range s.surfaces {
		for _, sf := range ent.s.Load().byArea {
			surfaces += sf.Bytes()
		}
	}
	b.ReportMetric(float64(graph)/(1<<20), "graph-MB")
	b.ReportMetric(float64(surfaces)/(1<<20), "surfaces-MB")
	b.ReportMetric(all-loaded, "gap-grids-MB")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(all, "heap-MB")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
	if rss := residentMB(); rss > 0 {
		b.ReportMetric(rss, "rss-MB")
		// What the process holds once the memory freed by the load, the
		// reload and the builds goes back to the system, as it does in
		// time, or at once under GOMEMLIMIT.
		debug.FreeOSMemory()
		b.ReportMetric(residentMB(), "rss-settled-MB")
	}
}

// residentMB reads the process's resident set from /proc; 0 where there is
// none.
func residentMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}

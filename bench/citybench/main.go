// Command citybench measures QuarterHour on the city-sized data set that
// bench/citygen writes (bench/city.sh runs both): the cold engine load and
// its memory, every category's access surface, one category's exact surface
// against pgRouting, the city's gap layer served as tiles, an outlet added
// through the API until its category's surface is current, and 15-minute
// isochrones against pgr_drivingDistance. It logs the details on standard
// error and ends with one summary line on standard output:
//
//	city-scale: edges=E load_s=L bytes_per_edge=B surfaces_ms=S surface_ratio=SR gaps_city_ms=G outlet_update_ms=U iso_ratio_bbox=R
//
// The exit status is 1 when pgRouting and the engine disagree (surface
// costs, isochrone node sets), 2 on any other failure.
//
//	CITYBENCH_PASSWORD=... go run ./bench/citybench -db postgres://postgres@127.0.0.1:5432/qh_city \
//	    -api http://127.0.0.1:PORT -user citybench -server-pid PID
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/quarterhour/quarterhour/bench/internal/nodecmp"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store/open"
)

// errMismatch marks a disagreement with pgRouting; the details were logged.
var errMismatch = errors.New("the engine and pgRouting disagree")

type config struct {
	db        string
	api       string
	area      string
	category  string
	user      string
	password  string
	serverPID int
	origins   int
	full      int
	updates   int
	seed      uint64
	tolM      float64
	runs      int
}

// logger writes timestamped log lines.
type logger struct {
	w     io.Writer
	start time.Time
}

func (l *logger) printf(format string, args ...any) {
	fmt.Fprintf(l.w, "[%6.1fs] %s\n", time.Since(l.start).Seconds(), fmt.Sprintf(format, args...))
}

func main() {
	var c config
	flag.StringVar(&c.db, "db", "postgres://postgres@127.0.0.1:5432/qh_city", "the city database (walk tables, pgRouting)")
	flag.StringVar(&c.api, "api", "", "base URL of `quarterhour serve` on the same database (required)")
	flag.StringVar(&c.area, "area", "city", "network area")
	flag.StringVar(&c.category, "category", "", "category of the surface comparison, gap layer and outlet updates; empty: the one with most outlets")
	flag.StringVar(&c.user, "user", "citybench", "admin user for the outlet updates; password from CITYBENCH_PASSWORD")
	flag.IntVar(&c.serverPID, "server-pid", 0, "process ID of the server, to report its memory")
	flag.IntVar(&c.origins, "n", 50, "isochrone origins")
	flag.IntVar(&c.full, "full", 5, "origins also run by pgRouting on the whole table")
	flag.IntVar(&c.updates, "updates", 5, "outlets added through the API")
	flag.Uint64Var(&c.seed, "seed", 1, "seed for origins and spots")
	flag.Float64Var(&c.tolM, "tol", 0.5, "largest allowed distance difference, metres")
	flag.IntVar(&c.runs, "runs", 3, "runs of the all-surfaces build (median)")
	flag.Parse()
	c.password = os.Getenv("CITYBENCH_PASSWORD")
	if flag.NArg() > 0 || c.api == "" || c.password == "" || c.origins < 1 || c.updates < 1 || c.runs < 1 {
		fmt.Fprintln(os.Stderr, "citybench: -api and CITYBENCH_PASSWORD are required")
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	line, err := run(ctx, c, &logger{w: os.Stderr, start: time.Now()})
	stop()
	switch {
	case errors.Is(err, errMismatch):
		fmt.Fprintln(os.Stderr, "citybench:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "citybench:", err)
		os.Exit(2)
	}
	fmt.Println(line)
}

func run(ctx context.Context, c config, log *logger) (string, error) {
	serverMem := func(when string) {
		if c.serverPID <= 0 {
			return
		}
		m, err := readProcMem(strconv.Itoa(c.serverPID))
		if err != nil {
			log.printf("server memory %s: %v", when, err)
			return
		}
		log.printf("server memory %s: %s", when, m)
	}
	serverMem("after its load")

	st, err := open.Open(ctx, c.db)
	if err != nil {
		return "", err
	}
	defer st.Close()
	conn, err := pgx.Connect(ctx, c.db)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	var pgrVersion string
	if err := conn.QueryRow(ctx, `SELECT pgr_version()`).Scan(&pgrVersion); err != nil {
		return "", fmt.Errorf("pgRouting: %w", err)
	}
	log.printf("pgRouting %s; GOMAXPROCS %d; %s", pgrVersion, runtime.GOMAXPROCS(0), loadAvg())

	// 1. Cold load in this process.
	ld, err := measureLoad(ctx, st, c.area, log)
	if err != nil {
		return "", err
	}
	runtime.GC()

	// 2. Surfaces on a graph built as the engine builds it.
	cg, err := loadCityGraph(ctx, st, c.area)
	if err != nil {
		return "", err
	}
	log.printf("the parts of a load: store.LoadNetworks %.1f s, geo.NewGraph %.1f s (read and built again for the surface runs)", cg.readSec, cg.buildSec)
	surfacesMS := measureSurfaces(cg, c.runs, log)
	if c.category == "" {
		c.category = cg.busiest()
	}
	sr, err := measureSurfaceRatio(ctx, conn, cg, c.area, c.category, c.tolM, log)
	if err != nil {
		return "", err
	}
	var mismatch error
	if sr.mismatch > 0 {
		mismatch = fmt.Errorf("%w: surface of %s differs at %d nodes", errMismatch, c.category, sr.mismatch)
	}

	// 3. The gap layer, cold on the server.
	cl := newClient(c.api, 2)
	gp, err := measureGaps(ctx, cl, c.category, cg.commBox, log)
	if err != nil {
		return "", err
	}
	serverMem("after the gap layer")

	// 4. Outlets added through the API, at nodes the category's surface
	// does not reach, far apart.
	if err := cl.login(ctx, c.user, c.password); err != nil {
		return "", err
	}
	const farM = 450 // the spots' walk to the category before
	spots := cg.underServed(c.category, 20*c.updates, farM, 1200, c.seed)
	upd, err := measureOutletUpdates(ctx, cl, c.category, spots, c.updates, farM, log)
	if err != nil {
		return "", err
	}
	log.printf("outlet added through the API until the %s surface is current: median %.0f ms of %d %v",
		c.category, nodecmp.Median(upd), len(upd), roundAll(upd))
	serverMem("after the outlet updates")

	// 5. Isochrones.
	origins := cg.origins(c.origins, c.seed)
	ir, err := measureIsochrones(ctx, newClient(c.api, 1), conn, c.area, origins, c.full, c.tolM, c.serverPID, log)
	if err != nil {
		return "", err
	}
	if ir.mismatched > 0 {
		mismatch = errors.Join(mismatch, fmt.Errorf("%w: isochrone node sets differ from %d of %d origins", errMismatch, ir.mismatched, len(origins)))
	}
	serverMem("at the end")

	log.printf("done; %s", loadAvg())
	targets(log, ld, surfacesMS, sr, gp, nodecmp.Median(upd), ir, c.serverPID)
	if mismatch != nil {
		return "", mismatch
	}
	return fmt.Sprintf("city-scale: edges=%d load_s=%.1f bytes_per_edge=%.1f surfaces_ms=%.0f surface_ratio=%.0f gaps_city_ms=%.0f outlet_update_ms=%.0f iso_ratio_bbox=%.1f",
		ld.stats.Edges, ld.seconds, ld.bytesPerEdge, surfacesMS, sr.ratio, gp.wallMS, nodecmp.Median(upd), ir.ratio), nil
}

// spot is where an outlet is added: the centre of a res-10 cell, so that
// the cell's walk (GET /api/v1/access) is the walk to the new outlet once
// it counts: there and back over the snap leg.
type spot struct {
	p    orb.Point
	legM float64
}

// underServed picks up to k res-10 cell centres near nodes of the largest
// component inside the communities' box whose walk to category's outlets
// is over minM (unreached first, then the farthest), at most 40 m from the
// network and at least apartM from each other, in a seeded order.
func (cg *cityGraph) underServed(category string, k int, minM, apartM float64, seed uint64) []spot {
	budget := geo.DefaultWalk.Metres()
	sf := cg.g.Surface(cg.outlets[category], budget, geo.DefaultMaxSnapM)
	var cand []int32
	for v := range int32(cg.g.NodeCount()) {
		if cg.g.Component(v) == cg.largest && sf.NodeDistance(v) > minM && cg.commBox.Contains(cg.g.NodePoint(v)) {
			cand = append(cand, v)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	rng.Shuffle(len(cand), func(i, j int) { cand[i], cand[j] = cand[j], cand[i] })
	slices.SortStableFunc(cand, func(a, b int32) int { return cmp.Compare(sf.NodeDistance(b), sf.NodeDistance(a)) })
	var out []spot
	for _, v := range cand {
		cell, err := geo.CellOf(cg.g.NodePoint(v), geo.DefaultRes)
		if err != nil {
			continue
		}
		ll, err := h3.CellToLatLng(cell)
		if err != nil {
			continue
		}
		p := orb.Point{ll.Lng, ll.Lat}
		sn, err := cg.g.Snap(p, geo.DefaultMaxSnapM)
		if err != nil || sn.DistanceM > 40 {
			continue
		}
		if d, ok := sf.DistanceAt(p); ok && d <= minM {
			continue
		}
		if slices.ContainsFunc(out, func(q spot) bool { return geo.DistanceM(p, q.p) < apartM }) {
			continue
		}
		if out = append(out, spot{p: p, legM: sn.DistanceM}); len(out) == k {
			break
		}
	}
	return out
}

// targets logs each figure against the target for this machine.
func targets(log *logger, ld *loadResult, surfacesMS float64, sr *surfaceResult, gp *gapResult, updMS float64, ir *isoResult, serverPID int) {
	check := func(name string, ok bool, got, want string) {
		mark := "met"
		if !ok {
			mark = "MISSED"
		}
		log.printf("target %-18s %-7s %s (target %s)", name, mark, got, want)
	}
	check("load", ld.seconds <= 20, fmt.Sprintf("%.1f s", ld.seconds), "<= 20 s")
	check("bytes/edge", ld.bytesPerEdge <= 64, fmt.Sprintf("%.1f", ld.bytesPerEdge), "<= 64")
	check("all surfaces", surfacesMS <= 5000, fmt.Sprintf("%.0f ms", surfacesMS), "<= 5,000 ms")
	check("surface ratio", sr.ratio >= 100, fmt.Sprintf("%.0fx", sr.ratio), ">= 100x")
	check("city gap layer", gp.wallMS <= 1000, fmt.Sprintf("%.0f ms", gp.wallMS), "<= 1,000 ms")
	check("outlet update", updMS <= 50, fmt.Sprintf("%.0f ms", updMS), "<= 50 ms")
	check("isochrone ratio", ir.ratio >= 5, fmt.Sprintf("%.1fx", ir.ratio), ">= 5x")
	if serverPID > 0 {
		if m, err := readProcMem(strconv.Itoa(serverPID)); err == nil {
			check("server memory", m.HWM <= 1536<<20, fmt.Sprintf("peak RSS %s", mib(m.HWM)), "<= 1.5 GB")
		}
	}
}

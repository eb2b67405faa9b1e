// Command pgrcompare checks QuarterHour's 15-minute walking isochrones
// against pgRouting's pgr_drivingDistance on the same walk_edges table and
// compares their latency.
//
// It picks origins among the nodes of the largest connected component (fixed
// seed), asks our isochrone endpoint for the reached nodes of each (origin at
// the node's own coordinates, detail=nodes) and runs pgr_drivingDistance from
// the same node with the same budget, undirected. Node sets must be identical
// and distances agree within the tolerance; the exit status is 1 on any
// mismatch.
//
// Without -api the isochrone side runs in process on a geo.Graph built from
// the same tables, which checks the engine without the HTTP layer.
//
//	go run ./bench/pgrcompare -db postgres://postgres@127.0.0.1:5432/qh_bench -api http://127.0.0.1:8080 -n 50 -seed 1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quarterhour/quarterhour/geo"
)

// errMismatch marks a comparison that found differences; they were printed.
var errMismatch = errors.New("isochrones differ from pgRouting")

type config struct {
	db   string
	api  string
	area string
	n    int
	seed uint64
	walk geo.Walk
	tolM float64
}

func main() {
	var c config
	flag.StringVar(&c.db, "db", "postgres://postgres@127.0.0.1:5432/qh_bench", "PostgreSQL database holding walk_nodes/walk_edges and pgRouting")
	flag.StringVar(&c.api, "api", "", "base URL of a running quarterhour server; empty runs the engine in process")
	flag.StringVar(&c.area, "area", "", "network area to use; empty means the only network in the database")
	flag.IntVar(&c.n, "n", 50, "number of origins")
	flag.Uint64Var(&c.seed, "seed", 1, "seed for choosing origins")
	flag.Float64Var(&c.walk.Minutes, "minutes", geo.DefaultWalk.Minutes, "walking time")
	flag.Float64Var(&c.walk.SpeedKmh, "speed", geo.DefaultWalk.SpeedKmh, "walking speed, km/h")
	flag.Float64Var(&c.tolM, "tol", 0.5, "largest allowed distance difference, metres")
	flag.Parse()
	if err := c.walk.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, "pgrcompare:", err)
		os.Exit(2)
	}
	if flag.NArg() > 0 || c.n < 1 || !(c.tolM >= 0) {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, c, os.Stdout)
	stop()
	switch {
	case errors.Is(err, errMismatch):
		fmt.Fprintln(os.Stderr, "pgrcompare:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "pgrcompare:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, c config, out io.Writer) error {
	conn, err := pgx.Connect(ctx, c.db)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	if c.area, err = pickArea(ctx, conn, c.area); err != nil {
		return err
	}
	net, err := readNetwork(ctx, conn, c.area)
	if err != nil {
		return err
	}
	origins := net.origins(c.n, c.seed)
	budget := c.walk.Metres()
	fmt.Fprintf(out, "area %q: %d nodes, %d edges, largest component %d nodes; %d origins (seed %d), budget %.0f m\n",
		c.area, len(net.nodes), net.edges, net.largest, len(origins), c.seed, budget)

	var ours isochroneSource
	if c.api != "" {
		ours = newAPISource(c.api, c.walk)
	} else {
		if ours, err = newEngineSource(ctx, c.db, c.area, budget); err != nil {
			return err
		}
	}
	pgr := newPgrSource(conn, c.area, budget)

	start := time.Now()
	res, err := compare(ctx, origins, ours, pgr, c.tolM, out)
	if err != nil {
		return err
	}
	res.print(out, ours.name())
	fmt.Fprintf(out, "took %s\n", time.Since(start).Round(time.Millisecond))
	if res.mismatched > 0 {
		return fmt.Errorf("%w on %d of %d origins", errMismatch, res.mismatched, len(origins))
	}
	return nil
}

// Command citygen builds a city-sized data set for bench/city.sh: the real
// Porto street network (testdata/osm/porto.osm.pbf, ODbL) read by the
// project's own OSM importer, tiled Cols x Rows times side by side, joined
// at the seams and placed at Jining, with residents in communities over
// the tiles and outlets of every category on its streets. It writes all of
// it through the store (ReplaceNetwork, UpsertCommunities,
// UpsertOutletsBySource) into a database that `quarterhour seed` prepared.
//
//	go run ./bench/citygen -db postgres://postgres@127.0.0.1:5432/qh_city -tiles 9x9
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm/osmpbf"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/store/open"
)

type config struct {
	db        string
	pbf       string
	area      string
	cols      int
	rows      int
	gapM      float64
	seamStepM float64
	seamDepth float64
	centre    orb.Point
	perTile   int
	residents int
	outlets   int
	seed      uint64
	clip      string
	overhangM float64
}

func main() {
	var c config
	var tiles string
	flag.StringVar(&c.db, "db", "postgres://postgres@127.0.0.1:5432/qh_city", "database (seeded with `quarterhour seed`)")
	flag.StringVar(&c.pbf, "pbf", "testdata/osm/porto.osm.pbf", "OSM extract tiled into the city")
	flag.StringVar(&c.area, "area", "city", "network area name")
	flag.StringVar(&tiles, "tiles", "10x9", "tiles, COLSxROWS")
	flag.StringVar(&c.clip, "clip", "header", "tile extent: header (the PBF header's bounding box), none (every edge), or minLon,minLat,maxLon,maxLat")
	flag.Float64Var(&c.overhangM, "overhang", 25, "how far an edge kept by -clip may reach beyond the extent, metres")
	flag.Float64Var(&c.gapM, "gap", 60, "clear space between tile extents, metres (more than twice -overhang keeps tiles apart)")
	flag.Float64Var(&c.seamStepM, "seam-step", 100, "one connector per this many metres of seam")
	flag.Float64Var(&c.seamDepth, "seam-depth", 250, "farthest a node may lie from its tile's edge to take a connector, metres")
	flag.Float64Var(&c.centre[0], "lon", 116.59, "longitude of the city centre")
	flag.Float64Var(&c.centre[1], "lat", 35.41, "latitude of the city centre")
	flag.IntVar(&c.perTile, "communities", 4, "communities per tile side (N x N per tile)")
	flag.IntVar(&c.residents, "residents", 2_000_000, "residents in all communities")
	flag.IntVar(&c.outlets, "outlets", 30_000, "outlets over all categories")
	flag.Uint64Var(&c.seed, "seed", 1, "random seed")
	flag.Parse()
	var err error
	if c.cols, c.rows, err = parseTiles(tiles); err != nil || flag.NArg() > 0 || c.perTile < 1 || c.residents < 1 || c.outlets < 1 {
		if err != nil {
			fmt.Fprintln(os.Stderr, "citygen:", err)
		}
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err = run(ctx, c, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "citygen:", err)
		os.Exit(1)
	}
}

func parseTiles(s string) (cols, rows int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		cols, err = strconv.Atoi(a)
		if err == nil {
			rows, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || cols < 1 || rows < 1 {
		return 0, 0, fmt.Errorf("-tiles %q: want COLSxROWS such as 10x9", s)
	}
	return cols, rows, nil
}

func run(ctx context.Context, c config, log io.Writer) error {
	step := func(what string, start time.Time) {
		fmt.Fprintf(log, "citygen: %-44s %6.1f s\n", what, time.Since(start).Seconds())
	}
	st, err := open.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := app.New(app.Config{Store: st})
	if err != nil {
		return err
	}
	cats, err := st.ListCategories(ctx)
	if err != nil {
		return fmt.Errorf("categories: %w", err)
	}
	if len(cats) == 0 {
		return errors.New("the database holds no categories: run `quarterhour seed --db URL` first")
	}

	t := time.Now()
	data, err := os.ReadFile(c.pbf)
	if err != nil {
		return err
	}
	base, sum, err := osmnet.Read(ctx, bytes.NewReader(data), osmnet.Detect, osmnet.Options{})
	if err != nil {
		return fmt.Errorf("read %s: %w", c.pbf, err)
	}
	step(fmt.Sprintf("read %s: %d nodes, %d edges", c.pbf, sum.Nodes, sum.Edges), t)
	if c.clip != "none" {
		ext, err := extent(ctx, c.clip, data)
		if err != nil {
			return err
		}
		if base, err = clip(base, ext, c.overhangM); err != nil {
			return err
		}
		fmt.Fprintf(log, "citygen: clipped to %.7f,%.7f,%.7f,%.7f (+%.0f m): %d nodes, %d edges\n",
			ext.Min.Lon(), ext.Min.Lat(), ext.Max.Lon(), ext.Max.Lat(), c.overhangM, len(base.Nodes), len(base.Edges))
	}

	t = time.Now()
	city, err := stitch(base, c.area, layout{Cols: c.cols, Rows: c.rows, GapM: c.gapM, SeamStepM: c.seamStepM,
		SeamDepthM: c.seamDepth, Centre: c.centre})
	if err != nil {
		return err
	}
	b := city.Bound
	step(fmt.Sprintf("stitched %dx%d tiles: %d nodes, %d edges (%d seams)", c.cols, c.rows,
		len(city.Net.Nodes), len(city.Net.Edges), city.Seams), t)
	fmt.Fprintf(log, "citygen: city bound %.5f,%.5f,%.5f,%.5f\n", b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat())

	rng := rand.New(rand.NewPCG(c.seed, 0x636974792d67656e))
	t = time.Now()
	comms, err := communities(ctx, a, city, c.perTile, c.residents, rng)
	if err != nil {
		return err
	}
	outs, err := outlets(ctx, a, city, cats, c.outlets, rng)
	if err != nil {
		return err
	}
	step(fmt.Sprintf("placed %d communities, %d outlets", len(comms), len(outs)), t)

	t = time.Now()
	imp := &quarterhour.Import{Kind: "network", File: fmt.Sprintf("%s tiled %dx%d (citygen)", baseName(c.pbf), c.cols, c.rows),
		CRS: "EPSG:4326", RowsOK: len(city.Net.Edges), CreatedBy: "citygen"}
	if err := st.ReplaceNetwork(ctx, &city.Net, imp); err != nil {
		return err
	}
	step(fmt.Sprintf("stored network %q", c.area), t)

	t = time.Now()
	cs, err := st.UpsertCommunities(ctx, comms, &quarterhour.Import{Kind: "communities", File: "citygen", CRS: "EPSG:4326",
		RowsOK: len(comms), CreatedBy: "citygen"})
	if err != nil {
		return err
	}
	ostats, err := st.UpsertOutletsBySource(ctx, outs, &quarterhour.Import{Kind: "outlets", File: "citygen", CRS: "EPSG:4326",
		RowsOK: len(outs), CreatedBy: "citygen"})
	if err != nil {
		return err
	}
	step(fmt.Sprintf("stored communities (%d new, %d updated), outlets (%d new, %d updated)",
		cs.Inserted, cs.Updated, ostats.Inserted, ostats.Updated), t)

	people := 0
	for _, cm := range comms {
		people += cm.Population
	}
	byCat := map[string]int{}
	for _, o := range outs {
		byCat[o.Category]++
	}
	var parts []string
	for _, ct := range cats {
		parts = append(parts, fmt.Sprintf("%s %d", ct.Code, byCat[ct.Code]))
	}
	fmt.Fprintf(log, "citygen: %d residents in %d communities; %d outlets in %d categories: %s\n",
		people, len(comms), len(outs), len(byCat), strings.Join(parts, ", "))
	fmt.Printf("edges=%d nodes=%d seams=%d communities=%d residents=%d outlets=%d\n",
		len(city.Net.Edges), len(city.Net.Nodes), city.Seams, len(comms), people, len(outs))
	return nil
}

// extent reads the -clip flag: the PBF header's bounding box, or four
// numbers.
func extent(ctx context.Context, spec string, pbf []byte) (orb.Bound, error) {
	if spec != "header" {
		var v [4]float64
		parts := strings.Split(spec, ",")
		if len(parts) != 4 {
			return orb.Bound{}, fmt.Errorf("-clip %q: want header, none or minLon,minLat,maxLon,maxLat", spec)
		}
		for i, p := range parts {
			x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return orb.Bound{}, fmt.Errorf("-clip %q: %w", spec, err)
			}
			v[i] = x
		}
		return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
	}
	sc := osmpbf.New(ctx, bytes.NewReader(pbf), 1)
	defer sc.Close()
	h, err := sc.Header()
	if err != nil {
		return orb.Bound{}, fmt.Errorf("-clip header: %w", err)
	}
	if h.Bounds == nil {
		return orb.Bound{}, errors.New("-clip header: the extract's header has no bounding box; give one")
	}
	return orb.Bound{Min: orb.Point{h.Bounds.MinLon, h.Bounds.MinLat}, Max: orb.Point{h.Bounds.MaxLon, h.Bounds.MaxLat}}, nil
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/app/ingest"
	"github.com/quarterhour/quarterhour/geo/linenet"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/vector"
	"github.com/quarterhour/quarterhour/store/open"
)

// A running server loads its engine on start; after an import restart it or
// call POST /api/v1/admin/reload as an admin.
const reloadHint = "a running server picks this up after a restart or POST /api/v1/admin/reload (admin)"

func runImport(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: quarterhour import network FILE.osm.pbf|FILE.osm|FILE.geojson|FILE.zip [--area NAME] [--crs C] [--walkable RULES|@FILE] [--db URL]")
		fmt.Fprintln(e.stderr, "       quarterhour import osm-outlets FILE.osm.pbf|FILE.osm [--db URL]")
		fmt.Fprintln(e.stderr, "       quarterhour import outlets FILE.csv|.xlsx|.geojson|.zip --source NAME [--crs C] [--sheet NAME] [--dry-run] [--db URL]")
		fmt.Fprintln(e.stderr, "       quarterhour import communities FILE.geojson|.zip --source NAME [--crs C] [--district CODE] [--dry-run] [--db URL]")
		fmt.Fprintln(e.stderr, "       quarterhour import osm-communities FILE.osm.pbf --district CODE|LABEL [--m2-per-person 40] [--db URL]")
		return errUsage
	}
	switch args[0] {
	case "network":
		return runImportNetwork(ctx, args[1:], e)
	case "osm-outlets":
		return runImportOSMOutlets(ctx, args[1:], e)
	case "outlets":
		return runImportOutlets(ctx, args[1:], e)
	case "communities":
		return runImportCommunities(ctx, args[1:], e)
	case "osm-communities":
		return runImportOSMCommunities(ctx, args[1:], e)
	}
	fmt.Fprintf(e.stderr, "quarterhour import: unknown kind %q (network, osm-outlets, outlets, communities, osm-communities)\n", args[0])
	return errUsage
}

// cliUser is who the import commands act as: an admin, recorded as "cli".
var cliUser = quarterhour.User{Username: "cli", Role: quarterhour.RoleAdmin}

// importRegister opens the store at db and runs one register import of r as
// cliUser; an error in the file or the request is reported by its message.
func importRegister(ctx context.Context, e *env, db string, r io.Reader, file, what string,
	run func(*app.App, context.Context, *quarterhour.User, io.Reader, app.RegisterImport) (*app.ImportReport, error),
	req app.RegisterImport) (*app.ImportReport, error) {
	st, err := open.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	a, err := app.New(app.Config{Store: st, Logger: e.log})
	if err != nil {
		return nil, err
	}
	u := cliUser
	rep, err := run(a, ctx, &u, r, req)
	var qe *quarterhour.Error
	if errors.As(err, &qe) {
		return nil, fmt.Errorf("%s %s: %s", what, file, qe.Message)
	}
	return rep, err
}

// parseWithFile parses flags placed before or after the one FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintf(fs.Output(), "%s: want exactly one FILE, got %d\n", fs.Name(), len(files))
		fs.Usage()
		return "", errUsage
	}
	return files[0], nil
}

// progressPrinter reports osmnet stages on w at most every half second.
func progressPrinter(w io.Writer) func(stage string, done, total int) {
	var last time.Time
	return func(stage string, done, total int) {
		if time.Since(last) < 500*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		if total > 0 {
			fmt.Fprintf(w, "\r%-10s %5.1f%%", stage, 100*float64(done)/float64(total))
		} else {
			fmt.Fprintf(w, "\r%-10s %d", stage, done)
		}
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}

// runImportNetwork imports a walking network from an OSM extract (PBF or
// XML) or from line features (GeoJSON, zipped Shapefile), replacing the
// area's stored network.
func runImportNetwork(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("import network", e)
	area := fs.String("area", "", "network area name (default: the file's base name)")
	crsName := fs.String("crs", "", "line files: coordinate system (wgs84, gcj02, cgcs2000, EPSG:4548 ...); required unless the file declares it")
	walkable := fs.String("walkable", "", "line files: which lines are walkable, e.g. 'highway!=motorway,trunk' or '道路等级!=高速公路' "+
		"(rules separated by ';'), or @FILE with one rule a line; default: OSM's highway rules when there is a highway column, else every line")
	encoding := fs.String("encoding", "", "line Shapefiles: text encoding of the attributes (UTF-8, GBK ...), overriding the .cpg")
	layer := fs.String("layer", "", "line Shapefiles: the layer to read from a zip holding several")
	db := dbFlag(fs, e)
	file, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if *area == "" {
		*area = baseName(file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("import network: %w", err)
	}
	lineFormat, isLines := networkLineFormat(file, data)
	if !isLines && (*crsName != "" || *walkable != "" || *encoding != "" || *layer != "") {
		fmt.Fprintln(fs.Output(), "quarterhour import network: --crs, --walkable, --encoding and --layer apply to line files (.geojson, .zip); an OSM extract is WGS-84 and uses OSM's walkable rules")
		return errUsage
	}
	var opt ingest.LinesOptions
	if isLines {
		opt = ingest.LinesOptions{Format: lineFormat, Encoding: *encoding, Layer: *layer}
		if *crsName != "" {
			if opt.CRS, err = proj.Parse(*crsName); err != nil {
				return fmt.Errorf("import network: --crs: %w", err)
			}
		}
		if *walkable != "" {
			text := *walkable
			if path, ok := strings.CutPrefix(text, "@"); ok {
				b, err := os.ReadFile(path)
				if err != nil {
					return fmt.Errorf("import network: --walkable: %w", err)
				}
				text = string(b)
			}
			if opt.Rules, err = linenet.ParseRules(text); err != nil {
				return fmt.Errorf("import network: --walkable: %w", err)
			}
		}
	}
	st, err := open.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if isLines {
		res, err := ingest.ImportLines(ctx, st, bytes.NewReader(data), *area, filepath.Base(file), opt)
		if err != nil {
			return fmt.Errorf("%w (the stored network of %q is unchanged)", err, *area)
		}
		printLinesImport(e, file, res, time.Since(start))
		return nil
	}
	res, err := ingest.ImportNetwork(ctx, st, bytes.NewReader(data), osmnet.FormatFromName(file), *area, filepath.Base(file), progressPrinter(e.stderr))
	if err != nil {
		return fmt.Errorf("%w (the stored network of %q is unchanged)", err, *area)
	}
	s := res.Summary
	fmt.Fprintf(e.stdout, "network %q from %s in %s\n", res.Area, file, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "  ways read %d, walkable %d, kept %d; pedestrian areas %d (linked %d)\n",
		s.WaysRead, s.WaysWalkable, s.WaysKept, s.PedestrianAreas, s.AreasLinked)
	fmt.Fprintf(e.stdout, "  edges %d, nodes %d, length %.1f km (+%.1f km across areas)\n", s.Edges, s.Nodes, s.LengthKm, s.AreaLengthKm)
	fmt.Fprintf(e.stdout, "  components %d, largest component share %.1f%% (kept; dropped %d nodes, %d edges)\n",
		s.Components, 100*s.LargestShare, s.DroppedNodes, s.DroppedEdges)
	fmt.Fprintln(e.stdout, reloadHint)
	return nil
}

// networkLineFormat tells a file of line features from an OSM extract: by
// its extension (.geojson, .json, .zip; .pbf, .osm, .xml), else by its
// first bytes (a zip, a JSON object).
func networkLineFormat(file string, data []byte) (vector.Format, bool) {
	n := strings.ToLower(file)
	switch {
	case strings.HasSuffix(n, ".pbf"), strings.HasSuffix(n, ".osm"), strings.HasSuffix(n, ".xml"):
		return "", false
	case strings.HasSuffix(n, ".geojson"), strings.HasSuffix(n, ".json"):
		return vector.GeoJSON, true
	case strings.HasSuffix(n, ".zip"), bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return vector.Shapefile, true
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return vector.GeoJSON, true
	}
	return "", false
}

// printLinesImport prints what a line import read, kept and left out.
func printLinesImport(e *env, file string, res ingest.LinesImport, took time.Duration) {
	s := res.Summary
	from := res.CRS.String()
	if res.CRSFrom != "declared" {
		from += " from " + res.CRSFrom
	}
	fmt.Fprintf(e.stdout, "network %q from %s (%s) in %s\n", res.Area, file, from, took.Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "  walkable rules: %s\n", s.Rules)
	fmt.Fprintf(e.stdout, "  features %d: walkable lines %d, left out by the rules %d, not lines %d, without geometry %d, of zero length %d\n",
		s.Features, s.Walkable, s.NotWalkable, s.NotLines, s.NoGeometry, s.ZeroLength)
	fmt.Fprintf(e.stdout, "  edges %d, nodes %d, length %.1f km; %d repeated vertices merged, %d duplicate edges dropped\n",
		s.Edges, s.Nodes, s.LengthKm, s.MergedVertices, s.DuplicateEdges)
	fmt.Fprintf(e.stdout, "  components %d, largest component share %.1f%% (kept; dropped %d nodes, %d edges, %.1f km)\n",
		s.Components, 100*s.LargestShare, s.DroppedNodes, s.DroppedEdges, s.DroppedLengthKm)
	if len(s.Skipped) > 0 {
		rows := [][]string{{"ROW", "LEFT OUT BECAUSE"}}
		for _, k := range s.Skipped {
			rows = append(rows, []string{strconv.Itoa(k.Row), k.Reason})
		}
		writeAligned(e.stdout, rows)
		if s.SkippedTruncated {
			fmt.Fprintf(e.stdout, "  (only the first %d listed)\n", linenet.MaxSkips)
		}
	}
	fmt.Fprintln(e.stdout, reloadHint)
}

func runImportOSMOutlets(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("import osm-outlets", e)
	db := dbFlag(fs, e)
	file, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import osm-outlets: %w", err)
	}
	defer f.Close()
	st, err := open.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := ingest.ImportOSMOutlets(ctx, st, f, osmnet.FormatFromName(file), filepath.Base(file))
	if err != nil {
		return err
	}
	rejected := 0
	for _, n := range res.Rejected {
		rejected += n
	}
	fmt.Fprintf(e.stdout, "outlets from %s: %d tagged objects, %d accepted, %d rejected\n", file, res.Extract.Objects, res.Accepted, rejected)
	fmt.Fprintf(e.stdout, "  stored: %d inserted, %d updated, %d unchanged\n", res.Stats.Inserted, res.Stats.Updated, res.Stats.Unchanged)
	for _, k := range sortedKeys(res.ByCategory) {
		fmt.Fprintf(e.stdout, "  %-26s %d\n", k, res.ByCategory[k])
	}
	for _, k := range sortedKeys(res.Rejected) {
		fmt.Fprintf(e.stdout, "  rejected, %s: %d\n", k, res.Rejected[k])
	}
	fmt.Fprintln(e.stdout, reloadHint)
	return nil
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// baseName is the file name without directory and network file
// extensions.
func baseName(file string) string {
	b := filepath.Base(file)
	for _, ext := range []string{".zip", ".geojson", ".json", ".pbf", ".osm", ".xml"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

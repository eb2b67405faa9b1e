package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo/proj"
)

// registerFlags are the flags of the register import commands.
type registerFlags struct {
	crs, source, format, sheet, encoding *string
	dryRun                               *bool
}

func addRegisterFlags(fs *flag.FlagSet, sources string) registerFlags {
	return registerFlags{
		crs: fs.String("crs", "", "coordinate system of the file: wgs84, gcj02 (Amap, Tencent), bd09 (Baidu), cgcs2000 or EPSG:NNNN "+
			"(e.g. EPSG:4548, CGCS2000 Gauss-Kruger CM 117°E); required unless the file declares it (.prj, GeoJSON crs)"),
		source:   fs.String("source", "", "register source ("+sources+"); with each record's ref it keys the records; required"),
		format:   fs.String("format", "", "csv, xlsx, geojson or shapefile (a .zip); default: told from the file"),
		sheet:    fs.String("sheet", "", "XLSX worksheet to read (default: the first)"),
		encoding: fs.String("encoding", "", "text encoding of a Shapefile's attributes (UTF-8, GBK ...), overriding its .cpg"),
		dryRun:   fs.Bool("dry-run", false, "check every record and report what would change, writing nothing"),
	}
}

// request makes the import request for file, or says what is wrong with
// the flags.
func (f registerFlags) request(file string) (app.RegisterImport, error) {
	req := app.RegisterImport{Source: *f.source, File: filepath.Base(file), DryRun: *f.dryRun, Sheet: *f.sheet, Encoding: *f.encoding}
	var err error
	if *f.crs != "" {
		if req.CRS, err = proj.Parse(*f.crs); err != nil {
			return req, fmt.Errorf("--crs: %w", err)
		}
	}
	if *f.format != "" {
		if req.Format, err = app.ParseRegisterFormat(*f.format); err != nil {
			return req, fmt.Errorf("--format: %w", err)
		}
	}
	return req, nil
}

// crsNote says which CRS the coordinates were read in and where it came
// from.
func crsNote(rep *app.ImportReport) string {
	if rep.CRSFrom == "" || rep.CRSFrom == "declared" {
		return rep.CRS
	}
	return rep.CRS + " from " + rep.CRSFrom
}

// runImportOutlets imports an outlet register (CSV, XLSX, GeoJSON points or
// a zipped Shapefile) through the same checks as POST
// /api/v1/imports/outlets, as an admin would, and prints the report.
func runImportOutlets(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("import outlets", e)
	rf := addRegisterFlags(fs, "amap, csv, osm, manual")
	db := dbFlag(fs, e)
	file, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if *rf.source == "" {
		fmt.Fprintln(fs.Output(), "quarterhour import outlets: --source is required")
		fs.Usage()
		return errUsage
	}
	req, err := rf.request(file)
	if err != nil {
		return fmt.Errorf("import outlets: %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import outlets: %w", err)
	}
	defer f.Close()
	rep, err := importRegister(ctx, e, *db, f, file, "import outlets", (*app.App).ImportOutlets, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "outlets from %s (%s, %s, source %s): %d rows ok, %d rejected\n",
		file, rep.Format, crsNote(rep), req.Source, rep.RowsOK, rep.RowsRejected)
	printImportOutcome(e, rep)
	return nil
}

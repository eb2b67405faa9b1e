package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo/proj"
)

// runImportOutlets imports an outlet register CSV through the same checks
// as POST /api/v1/imports/outlets, as an admin would, and prints the report.
func runImportOutlets(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("import outlets", e)
	crsName := fs.String("crs", "", "coordinate system of the file: wgs84, gcj02 (Amap, Tencent) or bd09 (Baidu); required")
	source := fs.String("source", "", "register source (amap, csv, osm, manual); with each row's ref it keys the outlets; required")
	dryRun := fs.Bool("dry-run", false, "check every row and report what would change, writing nothing")
	db := dbFlag(fs, e)
	file, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if *crsName == "" || *source == "" {
		fmt.Fprintln(fs.Output(), "quarterhour import outlets: --crs and --source are required; the coordinate system is never guessed")
		fs.Usage()
		return errUsage
	}
	crs, err := proj.Parse(*crsName)
	if err != nil {
		return fmt.Errorf("import outlets: --crs: %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import outlets: %w", err)
	}
	defer f.Close()
	rep, err := importRegister(ctx, e, *db, f, file, "import outlets", (*app.App).ImportOutlets,
		app.RegisterImport{CRS: crs, Source: *source, File: filepath.Base(file), DryRun: *dryRun})
	if err != nil {
		return err
	}
	printImportReport(e, file, *source, rep)
	return nil
}

// printImportReport prints the counts, then the outcome.
func printImportReport(e *env, file string, source string, rep *app.ImportReport) {
	fmt.Fprintf(e.stdout, "outlets from %s (%s, source %s): %d rows ok, %d rejected\n", file, rep.CRS, source, rep.RowsOK, rep.RowsRejected)
	printImportOutcome(e, rep)
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/app/ingest"
	"github.com/quarterhour/quarterhour/geo/osmcommunity"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/store/open"
)

// runImportCommunities imports a community register (GeoJSON or a zipped
// Shapefile of polygons) through the same checks as POST
// /api/v1/imports/communities and prints the report. With --district it
// acts as that district's user would: features of other districts are
// rejected.
func runImportCommunities(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("import communities", e)
	rf := addRegisterFlags(fs, "register, manual, osm, demo")
	district := fs.String("district", "", "admit only communities of this 6-digit county code")
	db := dbFlag(fs, e)
	file, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if *rf.source == "" {
		fmt.Fprintln(fs.Output(), "quarterhour import communities: --source is required")
		fs.Usage()
		return errUsage
	}
	req, err := rf.request(file)
	if err != nil {
		return fmt.Errorf("import communities: %w", err)
	}
	req.District = *district
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import communities: %w", err)
	}
	defer f.Close()
	rep, err := importRegister(ctx, e, *db, f, file, "import communities", (*app.App).ImportCommunities, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "communities from %s (%s, %s, source %s): %d features ok, %d rejected\n",
		file, rep.Format, crsNote(rep), req.Source, rep.RowsOK, rep.RowsRejected)
	printImportOutcome(e, rep)
	return nil
}

// runImportOSMCommunities derives communities from the residential areas of
// an OSM extract, with population estimated from building floor area, for
// cities without a community register. --district names the district they
// belong to: a 6-digit NBS county code in China, elsewhere a label made of
// the ISO country code and the municipal code (PT1312 is Porto, INE code
// 1312); GET /api/v1/gaps?district=PT1312 then lists them.
func runImportOSMCommunities(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("import osm-communities", e)
	district := fs.String("district", "", "district of the communities: a 6-digit county code, or a label such as PT1312 outside China; required")
	p := osmcommunity.DefaultParams()
	fs.Float64Var(&p.M2PerPerson, "m2-per-person", p.M2PerPerson, "residential floor area per resident in m² (an assumption; use census figures where known)")
	fs.Float64Var(&p.PersonsPerHousehold, "persons-per-household", p.PersonsPerHousehold, "residents per household")
	fs.Float64Var(&p.MinAreaM2, "min-area", p.MinAreaM2, "smallest residential area kept, m²")
	db := dbFlag(fs, e)
	file, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if !app.ValidDistrict(*district) {
		fmt.Fprintf(fs.Output(), "quarterhour import osm-communities: --district %q is neither a 6-digit county code nor a label such as PT1312\n", *district)
		fs.Usage()
		return errUsage
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import osm-communities: %w", err)
	}
	defer f.Close()
	st, err := open.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := ingest.ImportOSMCommunities(ctx, st, f, osmnet.FormatFromName(file), *district, filepath.Base(file), p)
	if err != nil {
		return err
	}
	s := res.Summary
	fmt.Fprintf(e.stdout, "communities of %s from %s: %d residential areas read, %d kept; %d below %.0f m², %d without residential floor area, %d invalid\n",
		*district, file, s.AreasRead, s.AreasKept, s.SkippedSmall, p.MinAreaM2, s.SkippedNoFloorArea, s.SkippedInvalid)
	fmt.Fprintf(e.stdout, "  buildings %d (%d not residential), %d counted: %.0f m² of floor area\n",
		s.Buildings, s.NonResidential, s.BuildingsCounted, s.FloorAreaM2)
	fmt.Fprintf(e.stdout, "  estimated population %d at %.0f m² per person (an assumption; replace with census figures)\n", s.Population, p.M2PerPerson)
	fmt.Fprintf(e.stdout, "  stored: %d inserted, %d updated, %d unchanged\n", res.Stats.Inserted, res.Stats.Updated, res.Stats.Unchanged)
	fmt.Fprintln(e.stdout, reloadHint)
	return nil
}

// printImportOutcome prints what an import did or would do, its warnings
// and its rejected rows as a table.
func printImportOutcome(e *env, rep *app.ImportReport) {
	if rep.DryRun {
		fmt.Fprintf(e.stdout, "  dry run, nothing written: would insert %d, update %d, leave %d unchanged\n",
			rep.Inserted, rep.Updated, rep.Unchanged)
	} else {
		fmt.Fprintf(e.stdout, "  import %d: %d inserted, %d updated, %d unchanged\n", rep.ImportID, rep.Inserted, rep.Updated, rep.Unchanged)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(e.stdout, "  warning: %s\n", w)
	}
	if len(rep.Rejections) > 0 {
		rows := [][]string{{"ROW", "FIELD", "REASON"}}
		for _, r := range rep.Rejections {
			rows = append(rows, []string{strconv.Itoa(r.Row), r.Field, r.Reason})
		}
		writeAligned(e.stdout, rows)
	}
	if !rep.DryRun && rep.RowsOK > 0 {
		fmt.Fprintln(e.stdout, reloadHint)
	}
}

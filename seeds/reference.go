// Package seeds holds QuarterHour's reference data for Jining (NBS admin
// codes, county boundaries, population), the category taxonomy, the yearly
// targets, and a deterministic generator of synthetic demo data.
//
// All data files are embedded, so a binary needs nothing on disk.
package seeds

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

//go:embed jining/admin/jining_admin_nbs2023.csv jining/admin/jining_pilot_areas_admin.csv
//go:embed jining/boundaries/jining_counties_wgs84.geojson jining/boundaries/jining_city_outline_wgs84.geojson
//go:embed jining/population/jining_population.csv
//go:embed categories.yaml targets.yaml
var files embed.FS

// CityCode is the 6-digit NBS code of Jining (济宁市).
const CityCode = "370800"

// Reference returns the real reference data: all 5,098 Jining regions with
// boundaries and population where known, the category taxonomy and the
// targets. It holds no synthetic rows.
func Reference() (*store.Bundle, error) {
	regions, err := Regions()
	if err != nil {
		return nil, err
	}
	cats, err := Categories()
	if err != nil {
		return nil, err
	}
	targets, err := Targets()
	if err != nil {
		return nil, err
	}
	return &store.Bundle{Regions: regions, Categories: cats, Targets: targets}, nil
}

// Regions returns the NBS 2023 hierarchy of Jining in file order (city,
// counties, towns, communities). NBS "village" rows get LevelCommunity.
func Regions() ([]quarterhour.Region, error) {
	rows, err := readCSV("jining/admin/jining_admin_nbs2023.csv")
	if err != nil {
		return nil, err
	}
	bounds, err := Boundaries()
	if err != nil {
		return nil, err
	}
	pop, err := population2023()
	if err != nil {
		return nil, err
	}
	col := columns(rows[0])
	out := make([]quarterhour.Region, 0, len(rows)-1)
	for i, r := range rows[1:] {
		level, ok := map[string]string{
			"city": quarterhour.LevelCity, "county": quarterhour.LevelCounty,
			"town": quarterhour.LevelTown, "village": quarterhour.LevelCommunity,
		}[r[col["level"]]]
		if !ok {
			return nil, fmt.Errorf("admin csv row %d: unknown level %q", i+2, r[col["level"]])
		}
		reg := quarterhour.Region{
			Code:   r[col["code12"]],
			Name:   r[col["name"]],
			Level:  level,
			Parent: r[col["parent_code12"]],
			County: r[col["county_code"]],
		}
		if level == quarterhour.LevelCity {
			reg.County = ""
		}
		short := r[col["code"]]
		if level == quarterhour.LevelCity {
			short = CityCode
		}
		if level == quarterhour.LevelCity || level == quarterhour.LevelCounty {
			reg.Boundary = bounds[short]
			if p, ok := pop[short]; ok {
				reg.Population, reg.PopulationYear, reg.PopulationSource = p.value, p.year, p.source
			}
		}
		out = append(out, reg)
	}
	return out, nil
}

// Boundaries returns the WGS-84 boundaries of the city (key "370800") and of
// the 11 counties that have one, keyed by 6-digit code. 济宁高新区 370871 has
// none (see jining/boundaries/SOURCE.md).
func Boundaries() (map[string]orb.MultiPolygon, error) {
	out := map[string]orb.MultiPolygon{}
	for _, name := range []string{"jining_counties_wgs84.geojson", "jining_city_outline_wgs84.geojson"} {
		data, err := files.ReadFile("jining/boundaries/" + name)
		if err != nil {
			return nil, fmt.Errorf("read boundaries: %w", err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(data)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		for _, f := range fc.Features {
			code := fmt.Sprint(f.Properties["adcode"])
			switch g := f.Geometry.(type) {
			case orb.MultiPolygon:
				out[code] = g
			case orb.Polygon:
				out[code] = orb.MultiPolygon{g}
			default:
				return nil, fmt.Errorf("%s: %s is a %s, want a polygon", name, code, f.Geometry.GeoJSONType())
			}
		}
	}
	return out, nil
}

type populationFigure struct {
	value  int64
	year   int
	source string
}

// population2023 returns the 2023 year-end resident population by 6-digit
// code. NBS 370811 excludes 济宁高新区 (370871) but includes the 太白湖新区
// towns, so it is 任城区直管区 plus 太白湖新区 (see population/SOURCE.md).
func population2023() (map[string]populationFigure, error) {
	rows, err := readCSV("jining/population/jining_population.csv")
	if err != nil {
		return nil, err
	}
	col := columns(rows[0])
	const indicator = "resident_population_yearend_sample_survey"
	byName := map[string]int64{}
	out := map[string]populationFigure{}
	for i, r := range rows[1:] {
		if r[col["indicator"]] != indicator || r[col["year"]] != "2023" {
			continue
		}
		v, err := strconv.ParseInt(r[col["value_persons"]], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("population csv row %d: %w", i+2, err)
		}
		name, code, level := r[col["name"]], r[col["code"]], r[col["level"]]
		byName[name] = v
		if level == "city" || level == "county" {
			out[code] = populationFigure{v, 2023, r[col["source_id"]]}
		}
		if code == "370871" {
			out[code] = populationFigure{v, 2023, r[col["source_id"]]}
		}
	}
	direct, okD := byName["任城区直管区"]
	taibai, okT := byName["太白湖新区"]
	if !okD || !okT {
		return nil, fmt.Errorf("population csv: 任城区直管区 or 太白湖新区 missing")
	}
	out["370811"] = populationFigure{direct + taibai, 2023, "S4 (任城区直管区+太白湖新区)"}
	return out, nil
}

// PilotTowns returns the 9-digit town codes of each pilot area, keyed by the
// pilot zone name (任城区, 兖州区, 济宁高新区, 太白湖新区), from the pilot CSV.
// The 太白湖新区 composition is unverified.
func PilotTowns() (map[string][]string, error) {
	rows, err := readCSV("jining/admin/jining_pilot_areas_admin.csv")
	if err != nil {
		return nil, err
	}
	col := columns(rows[0])
	out := map[string][]string{}
	for _, r := range rows[1:] {
		if r[col["level"]] != "town" {
			continue
		}
		zone := strings.TrimSuffix(r[col["pilot_zone"]], "(unverified)")
		out[zone] = append(out[zone], r[col["code"]])
	}
	for _, codes := range out {
		sort.Strings(codes)
	}
	return out, nil
}

func readCSV(name string) ([][]string, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no data rows", name)
	}
	return rows, nil
}

func columns(header []string) map[string]int {
	m := make(map[string]int, len(header))
	for i, h := range header {
		m[h] = i
	}
	return m
}

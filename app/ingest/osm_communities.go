package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo/osmcommunity"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/store"
)

// ImportKindOSMCommunities is the Import.Kind of an OSM community import.
const ImportKindOSMCommunities = "osm-communities"

// CommunityImport reports an OSM community import.
type CommunityImport struct {
	Summary osmcommunity.Summary
	Stats   store.UpsertStats
}

// ImportOSMCommunities derives communities from the residential areas of an
// OSM extract (see package osmcommunity), all in district, and upserts them
// by (source "osm", "way/123") in one transaction with the import record,
// so a re-import updates them instead of adding copies. Their population is
// flagged as estimated. A file that cannot be read, or that holds no
// residential area with buildings, leaves the store untouched.
func ImportOSMCommunities(ctx context.Context, st store.Store, r io.Reader, format osmnet.Format, district, file string,
	p osmcommunity.Params) (CommunityImport, error) {
	var res CommunityImport
	if strings.TrimSpace(district) == "" {
		return res, fmt.Errorf("import osm communities: a district is required")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return res, fmt.Errorf("import osm communities %s: read: %w", file, err)
	}
	areas, sum, err := osmcommunity.Extract(ctx, data, format, p)
	res.Summary = sum
	if err != nil {
		return res, fmt.Errorf("import osm communities %s: %w", file, err)
	}
	if len(areas) == 0 {
		return res, fmt.Errorf("import osm communities %s: no residential area with residential buildings (%d areas read, %d below %.0f m², %d without residential floor area, %d invalid)",
			file, sum.AreasRead, sum.SkippedSmall, p.MinAreaM2, sum.SkippedNoFloorArea, sum.SkippedInvalid)
	}
	cs := make([]quarterhour.Community, len(areas))
	for i, a := range areas {
		name := a.Name
		if name == "" {
			name = a.Ref
		}
		cs[i] = quarterhour.Community{District: district, Name: name, Polygon: a.Polygon, Population: a.Population,
			Households: a.Households, BuildingAreaM2: a.FloorAreaM2, PopulationEstimated: true,
			Source: "osm", SourceRef: a.Ref, OriginalCRS: "wgs84"}
	}
	type skip struct {
		Reason string `json:"reason"`
		Count  int    `json:"count"`
	}
	skipped := []skip{}
	for _, k := range []skip{{"below the minimum area", sum.SkippedSmall},
		{"no residential floor area", sum.SkippedNoFloorArea}, {"invalid polygon", sum.SkippedInvalid}} {
		if k.Count > 0 {
			skipped = append(skipped, k)
		}
	}
	rej, err := json.Marshal(skipped)
	if err != nil {
		return res, fmt.Errorf("import osm communities: %w", err)
	}
	imp := &quarterhour.Import{Kind: ImportKindOSMCommunities, File: file, CRS: "EPSG:4326", RowsOK: len(cs),
		RowsRejected: sum.SkippedSmall + sum.SkippedNoFloorArea + sum.SkippedInvalid, Rejections: rej}
	if res.Stats, err = st.UpsertCommunities(ctx, cs, imp); err != nil {
		return res, fmt.Errorf("import osm communities %s: store: %w", file, err)
	}
	return res, nil
}

package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo/linenet"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/vector"
	"github.com/quarterhour/quarterhour/store"
)

// LinesOptions describe a file of line features to import as a walking
// network.
type LinesOptions struct {
	// Format is vector.GeoJSON or vector.Shapefile (zipped).
	Format vector.Format
	// CRS is the CRS the user declares: required unless the file declares
	// its own (a .prj, a GeoJSON crs member), which it must agree with.
	CRS proj.CRS
	// Encoding and Layer are passed to the Shapefile reader: the
	// attribute text's encoding, and the layer of a zip holding several.
	Encoding, Layer string
	// Rules decide which lines are walkable; the zero value means the OSM
	// highway rules when there is a highway column, else every line.
	Rules linenet.Rules
}

// LinesImport reports a walking network imported from line features.
type LinesImport struct {
	Area string
	// CRS is the CRS the coordinates were read in, CRSFrom where it came
	// from (the file's .prj or crs member, or "declared").
	CRS     proj.CRS
	CRSFrom string
	Summary linenet.Summary
}

// ImportLines reads a file of line features, road and path centre lines as
// a municipal Shapefile or a GeoJSON export holds them, converts them to
// WGS-84, builds the walking network of area from them (linenet.Build:
// nodes where lines share a vertex, the walkable rules, haversine lengths,
// the largest connected component) and replaces that area's stored network
// in one transaction, recording the lines left out with the batch. Any
// fault in the file (unreadable, no CRS, coordinates that do not fit it,
// no walkable line) is an error before the store is touched, so the
// previous network stays.
func ImportLines(ctx context.Context, st store.Store, r io.Reader, area, file string, opt LinesOptions) (LinesImport, error) {
	res := LinesImport{Area: area}
	if strings.TrimSpace(area) == "" {
		return res, fmt.Errorf("import network: empty area name")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return res, fmt.Errorf("import network %s: read: %w", file, err)
	}
	l, err := vector.Read(data, opt.Format, vector.Options{CRS: opt.CRS, Encoding: opt.Encoding, Layer: opt.Layer})
	if err != nil {
		return res, fmt.Errorf("import network %s: %w", file, FileError(err))
	}
	bound, hasBound := l.Bound()
	crs, err := proj.Settle(l.CRS, l.CRSFrom, opt.CRS, bound, hasBound)
	if err != nil {
		return res, quarterhour.Invalid("crs", "import network %s: %v", file, err)
	}
	res.CRS, res.CRSFrom = crs, "declared"
	if !l.CRS.IsZero() {
		res.CRSFrom = l.CRSFrom
	}
	if hasBound {
		if err := crs.CheckExtent(bound); err != nil {
			return res, quarterhour.Invalid("crs", "import network %s: the coordinates do not fit %s: %v", file, crs, err)
		}
	}
	lines := make([]linenet.Line, len(l.Features))
	for i, f := range l.Features {
		lines[i] = linenet.Line{Row: f.Row, Props: f.Props}
		switch g := f.Geometry.(type) {
		case orb.LineString, orb.MultiLineString:
			w, err := toWGS84(g, crs)
			if err != nil {
				return res, quarterhour.Invalid("file", "import network %s: feature %d: %v", file, f.Row, err)
			}
			lines[i].Geometry = w
		default:
			lines[i].Geometry = g // counted and left out as not a line
		}
	}
	net, sum, err := linenet.Build(lines, linenet.Options{Rules: opt.Rules})
	res.Summary = sum
	if err != nil {
		return res, quarterhour.Invalid("file", "import network %s: %v", file, err)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	n := quarterhour.Network{Area: area, Nodes: make([]quarterhour.WalkNode, len(net.Nodes)), Edges: make([]quarterhour.WalkEdge, len(net.Edges))}
	for i, v := range net.Nodes {
		n.Nodes[i] = quarterhour.WalkNode{ID: v.ID, Point: v.Point}
	}
	for i, e := range net.Edges {
		n.Edges[i] = quarterhour.WalkEdge{ID: e.ID, Source: e.Source, Target: e.Target, Cost: e.LengthM, ReverseCost: e.LengthM,
			LengthM: e.LengthM, Geom: e.Geom, OSMWayID: e.WayID, Highway: e.Class}
	}
	skipped := sum.Skipped
	if skipped == nil {
		skipped = []linenet.Skip{}
	}
	rej, err := json.Marshal(skipped)
	if err != nil {
		return res, fmt.Errorf("import network %s: %w", file, err)
	}
	imp := &quarterhour.Import{Kind: "network-" + string(opt.Format), File: file, CRS: crs.Code(),
		RowsOK: sum.Walkable, RowsRejected: sum.NoGeometry + sum.NotLines, Rejections: rej}
	if err := st.ReplaceNetwork(ctx, &n, imp); err != nil {
		return res, fmt.Errorf("import network %s: store: %w", file, err)
	}
	return res, nil
}

// toWGS84 converts a line geometry from crs to WGS-84.
func toWGS84(g orb.Geometry, crs proj.CRS) (orb.Geometry, error) {
	conv := func(ls orb.LineString) (orb.LineString, error) {
		out := make(orb.LineString, len(ls))
		for i, p := range ls {
			w, err := crs.ToWGS84(p)
			if err != nil {
				return nil, err
			}
			out[i] = w
		}
		return out, nil
	}
	switch g := g.(type) {
	case orb.LineString:
		return conv(g)
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			c, err := conv(ls)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return g, nil
}

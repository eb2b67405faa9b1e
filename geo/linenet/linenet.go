// Package linenet builds a walking network from line features, the road
// and path centre lines of a municipal Shapefile or a GeoJSON export, given
// in WGS-84 longitude/latitude.
//
// Vertices are compared after rounding to a grid (1e-7°, about 1 cm, by
// default), so lines drawn to the same point meet there. A vertex becomes a
// node where a line ends or where two lines (or one line twice) pass
// through it; lines that cross without a shared vertex, such as a bridge
// over a road, stay unconnected, as they do in OpenStreetMap. Lines are cut
// into edges at nodes, edge lengths are haversine lengths along the line,
// and only the largest connected component (most nodes, then longest) is
// kept unless asked otherwise.
// Which lines are walkable is set by Rules.
package linenet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo"
)

// DefaultSnapDeg is the default grid, in degrees, that vertices are rounded
// to before they are compared: 1e-7° is about 1 cm, the precision of
// OpenStreetMap coordinates.
const DefaultSnapDeg = 1e-7

// ErrNoWalkableLines is returned when no walkable line with two distinct
// vertices is found.
var ErrNoWalkableLines = errors.New("no walkable lines")

// Line is one line feature.
type Line struct {
	// Row is the feature's number in its file, for reports.
	Row int
	// Geometry is a LineString or MultiLineString in WGS-84
	// longitude/latitude; other geometries are counted and skipped.
	Geometry orb.Geometry
	// Props are the feature's attributes.
	Props map[string]any
}

// Node is a vertex of the network: the routing core's node, so the
// network's nodes go to geo.NewGraph as they are.
type Node = geo.NetNode

// Edge is an undirected edge: Geom runs from Source to Target.
type Edge struct {
	ID      int64
	Source  int64
	Target  int64
	LengthM float64
	Geom    orb.LineString
	// Row is the line feature the edge comes from.
	Row int
	// WayID is the OSM way ID when the lines carry one in an osm_id
	// column, else 0.
	WayID int64
	// Class is the value of the line's road class column: the first column
	// a rule names, else highway, fclass, 道路等级, 等级 ... when there is one.
	Class string
}

// Network is a walking network: Nodes numbered 1..n in order of longitude
// then latitude, Edges numbered 1..n in the order of the lines.
type Network struct {
	Nodes []Node
	Edges []Edge
}

// GeoNodes returns the nodes as geo.NetNode: the network's own.
func (n *Network) GeoNodes() []geo.NetNode { return n.Nodes }

// GeoEdges returns the edges as geo.NetEdge.
func (n *Network) GeoEdges() []geo.NetEdge {
	out := make([]geo.NetEdge, len(n.Edges))
	for i, e := range n.Edges {
		out[i] = geo.NetEdge{ID: e.ID, Source: e.Source, Target: e.Target, LengthM: e.LengthM, Geom: e.Geom, OSMWayID: e.WayID, Highway: e.Class}
	}
	return out
}

// Options tune Build.
type Options struct {
	// Rules decide which lines are walkable; the zero value means
	// DefaultRules for the columns the lines have.
	Rules Rules
	// SnapDeg is the grid vertices are rounded to; 0 means
	// DefaultSnapDeg.
	SnapDeg float64
	// KeepAllComponents keeps every connected component instead of only
	// the largest.
	KeepAllComponents bool
}

// Skip is a line feature left out, with the reason.
type Skip struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

// MaxSkips bounds the skipped features Summary lists one by one; the counts
// cover all.
const MaxSkips = 100

// Summary reports what Build read and kept.
type Summary struct {
	Rules            string  // the rules applied
	Features         int     // features read
	NoGeometry       int     // features without a geometry
	NotLines         int     // features whose geometry is not a line
	NotWalkable      int     // line features the rules leave out
	Walkable         int     // walkable line features
	ZeroLength       int     // walkable lines (or parts) with fewer than two distinct vertices
	MergedVertices   int     // consecutive vertices falling on one grid point, merged
	DuplicateEdges   int     // edges repeating another edge's vertices, dropped
	Edges            int     // output edges
	Nodes            int     // output nodes
	LengthKm         float64 // output length
	Components       int     // connected components before filtering
	LargestShare     float64 // share of nodes in the largest component
	DroppedNodes     int     // nodes outside the kept component(s)
	DroppedEdges     int     // edges outside the kept component(s)
	DroppedLengthKm  float64 // length of the dropped edges
	Skipped          []Skip  // the first MaxSkips features left out, with why
	SkippedTruncated bool    // more were left out than Skipped lists
}

func (s *Summary) skip(row int, format string, args ...any) {
	if len(s.Skipped) >= MaxSkips {
		s.SkippedTruncated = true
		return
	}
	s.Skipped = append(s.Skipped, Skip{Row: row, Reason: fmt.Sprintf(format, args...)})
}

type key struct{ x, y int64 }

type run struct {
	row   int
	keys  []key
	wayID int64
	class string
}

type piece struct {
	run  *run
	keys []key
}

// Build makes a walking network of lines. It fails when a rule names a
// column no line has, or when no walkable line is left.
func Build(lines []Line, opt Options) (*Network, Summary, error) {
	snap := opt.SnapDeg
	if snap <= 0 {
		snap = DefaultSnapDeg
	}
	sum := Summary{Features: len(lines)}
	props := make([]map[string]string, len(lines))
	have := map[string]bool{}
	var columns []string
	for i, l := range lines {
		props[i] = lowerProps(l.Props)
		for k := range l.Props {
			if lk := strings.ToLower(strings.TrimSpace(k)); !have[lk] {
				have[lk] = true
				columns = append(columns, k)
			}
		}
	}
	sort.Strings(columns)
	rules := opt.Rules
	if rules.IsZero() {
		rules = DefaultRules(columns)
	}
	for _, c := range rules.columns() {
		if !have[strings.ToLower(c)] {
			return nil, sum, fmt.Errorf("walkable rule on column %q: the lines have no such column (they have %s)", c, orNone(columns))
		}
	}
	sum.Rules = rules.String()
	class := rules.classColumn(have)

	point := map[key]orb.Point{} // the first coordinates seen on each grid point
	var runs []*run
	for i, l := range lines {
		var parts []orb.LineString
		switch g := l.Geometry.(type) {
		case nil:
			sum.NoGeometry++
			sum.skip(l.Row, "no geometry")
			continue
		case orb.LineString:
			parts = []orb.LineString{g}
		case orb.MultiLineString:
			parts = g
		default:
			sum.NotLines++
			sum.skip(l.Row, "a %s is not a line", g.GeoJSONType())
			continue
		}
		if !rules.walkable(props[i]) {
			sum.NotWalkable++
			continue
		}
		if bad := badVertex(parts); bad != "" {
			sum.NotLines++
			sum.skip(l.Row, "%s", bad)
			continue
		}
		sum.Walkable++
		wayID, _ := strconv.ParseInt(props[i]["osm_id"], 10, 64)
		added := false
		for _, ls := range parts {
			r := &run{row: l.Row, wayID: wayID, class: props[i][class]}
			for _, p := range ls {
				k := key{int64(math.Round(p[0] / snap)), int64(math.Round(p[1] / snap))}
				if n := len(r.keys); n > 0 && r.keys[n-1] == k {
					sum.MergedVertices++
					continue
				}
				if _, ok := point[k]; !ok {
					point[k] = p
				}
				r.keys = append(r.keys, k)
			}
			if len(r.keys) < 2 {
				sum.ZeroLength++
				continue
			}
			runs = append(runs, r)
			added = true
		}
		if !added {
			sum.skip(l.Row, "the line has no length: its vertices fall on one point")
		}
	}
	if len(runs) == 0 {
		return nil, sum, fmt.Errorf("%w: %d features, %d not lines, %d without geometry, %d left out by the rules (%s), %d of zero length",
			ErrNoWalkableLines, sum.Features, sum.NotLines, sum.NoGeometry, sum.NotWalkable, sum.Rules, sum.ZeroLength)
	}

	// A vertex is a node where a run ends or where vertices are used twice.
	uses := map[key]int{}
	node := map[key]bool{}
	for _, r := range runs {
		for _, k := range r.keys {
			uses[k]++
		}
		node[r.keys[0]], node[r.keys[len(r.keys)-1]] = true, true
	}
	for k, n := range uses {
		if n >= 2 {
			node[k] = true
		}
	}
	var pieces []piece
	seen := map[string]bool{}
	emit := func(r *run, ks []key) {
		id := edgeKey(ks)
		if seen[id] {
			sum.DuplicateEdges++
			return
		}
		seen[id] = true
		pieces = append(pieces, piece{run: r, keys: ks})
	}
	for _, r := range runs {
		start := 0
		for i := 1; i < len(r.keys); i++ {
			if !node[r.keys[i]] {
				continue
			}
			ks := r.keys[start : i+1]
			if ks[0] == ks[len(ks)-1] {
				// A loop: cut it at its middle vertex so that
				// every edge joins two nodes.
				mid := len(ks) / 2
				node[ks[mid]] = true
				emit(r, ks[:mid+1])
				emit(r, ks[mid:])
			} else {
				emit(r, ks)
			}
			start = i
		}
	}
	return assemble(pieces, point, opt.KeepAllComponents, &sum), sum, nil
}

// assemble keeps the largest component (or all), the one with the most
// nodes and, of equals, the longest, and numbers nodes and edges.
func assemble(pieces []piece, point map[key]orb.Point, keepAll bool, sum *Summary) *Network {
	index := map[key]int{}
	var keys []key
	idx := func(k key) int {
		if i, ok := index[k]; ok {
			return i
		}
		index[k] = len(keys)
		keys = append(keys, k)
		return len(keys) - 1
	}
	parent := []int{}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, p := range pieces {
		a, b := idx(p.keys[0]), idx(p.keys[len(p.keys)-1])
		for len(parent) < len(keys) {
			parent = append(parent, len(parent))
		}
		if ra, rb := find(a), find(b); ra != rb {
			parent[ra] = rb
		}
	}
	size := map[int]int{}
	for i := range keys {
		size[find(i)]++
	}
	// Of components with as many nodes, the longest is the largest.
	lengths := make([]float64, len(pieces))
	length := map[int]float64{}
	for i, p := range pieces {
		geom := make(orb.LineString, len(p.keys))
		for j, k := range p.keys {
			geom[j] = point[k]
		}
		lengths[i] = geo.LineLengthM(geom)
		length[find(index[p.keys[0]])] += lengths[i]
	}
	largest, best := -1, 0
	for root, n := range size {
		if largest < 0 || n > best || n == best && (length[root] > length[largest] || length[root] == length[largest] && less(keys[root], keys[largest])) {
			largest, best = root, n
		}
	}
	sum.Components = len(size)
	if len(keys) > 0 {
		sum.LargestShare = float64(best) / float64(len(keys))
	}
	keep := func(i int) bool { return keepAll || find(i) == largest }

	var kept []key
	for i, k := range keys {
		if keep(i) {
			kept = append(kept, k)
		} else {
			sum.DroppedNodes++
		}
	}
	sort.Slice(kept, func(i, j int) bool { return less(kept[i], kept[j]) })
	net := &Network{Nodes: make([]Node, len(kept))}
	id := make(map[key]int64, len(kept))
	for i, k := range kept {
		id[k] = int64(i + 1)
		net.Nodes[i] = Node{ID: int64(i + 1), Point: point[k]}
	}
	for i, p := range pieces {
		geom := make(orb.LineString, len(p.keys))
		for j, k := range p.keys {
			geom[j] = point[k]
		}
		length := lengths[i]
		if !keep(index[p.keys[0]]) {
			sum.DroppedEdges++
			sum.DroppedLengthKm += length / 1000
			continue
		}
		net.Edges = append(net.Edges, Edge{
			ID: int64(len(net.Edges) + 1), Source: id[p.keys[0]], Target: id[p.keys[len(p.keys)-1]],
			LengthM: length, Geom: geom, Row: p.run.row, WayID: p.run.wayID, Class: p.run.class,
		})
		sum.LengthKm += length / 1000
	}
	sum.Nodes, sum.Edges = len(net.Nodes), len(net.Edges)
	return net
}

func less(a, b key) bool { return a.x < b.x || a.x == b.x && a.y < b.y }

// edgeKey identifies an edge by its vertices, the same in either
// direction.
func edgeKey(ks []key) string {
	rev := false
	for i, j := 0, len(ks)-1; i < j; i, j = i+1, j-1 {
		if ks[i] != ks[j] {
			rev = less(ks[j], ks[i])
			break
		}
	}
	b := make([]byte, 0, 16*len(ks))
	for i := range ks {
		k := ks[i]
		if rev {
			k = ks[len(ks)-1-i]
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(k.x))
		b = binary.LittleEndian.AppendUint64(b, uint64(k.y))
	}
	return string(b)
}

// badVertex says why a line's vertices are not longitude/latitude, "" when
// they all are.
func badVertex(parts []orb.LineString) string {
	for _, ls := range parts {
		for _, p := range ls {
			if err := geo.ValidateLonLat(p); err != nil {
				return fmt.Sprintf("vertex %v,%v is not WGS-84 longitude/latitude: %v", p[0], p[1], err)
			}
		}
	}
	return ""
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	if len(names) > 12 {
		return strings.Join(names[:12], ", ") + fmt.Sprintf(" and %d more", len(names)-12)
	}
	return strings.Join(names, ", ")
}

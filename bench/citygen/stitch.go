package main

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
)

// layout says how the base network is tiled into a city.
type layout struct {
	Cols, Rows int
	GapM       float64   // clear space between neighbouring tiles
	SeamStepM  float64   // one connector per this much of a seam
	SeamDepthM float64   // farthest a node may lie from its tile's edge to take a connector
	Centre     orb.Point // where the centre of the city lies (lon/lat)
}

// city is the stitched network and where its tiles lie.
type city struct {
	Net   quarterhour.Network
	Tiles []tile // row by row from the south-west
	Seams int    // connector edges added between tiles
	Bound orb.Bound
}

// tile is one copy of the base network.
type tile struct {
	Row, Col int
	Bound    orb.Bound // of the copy's geometry, lon/lat
	Nodes    []int     // indexes into city.Net.Nodes, in base order
}

// frame converts between lon/lat and metres east and north of an origin
// (equirectangular); within a city of tens of kilometres it keeps shapes
// and lengths to well under one percent.
type frame struct {
	lon0, lat0 float64
	kx, ky     float64 // metres per degree
}

func newFrame(lon0, lat0 float64) frame {
	ky := geo.EarthRadiusM * math.Pi / 180
	return frame{lon0: lon0, lat0: lat0, kx: ky * math.Cos(lat0*math.Pi/180), ky: ky}
}

func (f frame) xy(p orb.Point) (x, y float64) {
	return (p.Lon() - f.lon0) * f.kx, (p.Lat() - f.lat0) * f.ky
}

func (f frame) point(x, y float64) orb.Point {
	return orb.Point{f.lon0 + x/f.kx, f.lat0 + y/f.ky}
}

// idStride returns the power of ten above n, so that tile t's IDs are
// (t+1)*stride + local and stay readable.
func idStride(n int64) int64 {
	s := int64(10)
	for s <= n {
		s *= 10
	}
	return s
}

// stitch tiles base Cols x Rows times, each copy shifted by whole tile
// widths (the base's extent plus GapM) in metres so that the city is
// centred on l.Centre, renumbers nodes (tile*stride + position in base) and
// edges (tile*stride + base edge ID), recomputes every length from the
// shifted geometry, and joins neighbouring tiles at their seams: along each
// seam, every SeamStepM the node nearest the seam on one side is joined to
// the node nearest the seam on the other by a straight footway.
func stitch(base *osmnet.Network, area string, l layout) (*city, error) {
	if l.Cols < 1 || l.Rows < 1 {
		return nil, fmt.Errorf("stitch: %dx%d tiles", l.Cols, l.Rows)
	}
	if len(base.Nodes) == 0 || len(base.Edges) == 0 {
		return nil, fmt.Errorf("stitch: empty base network")
	}
	if !(l.SeamStepM > 0) || !(l.SeamDepthM > 0) || l.GapM < 0 {
		return nil, fmt.Errorf("stitch: invalid seam step %v m, depth %v m or gap %v m", l.SeamStepM, l.SeamDepthM, l.GapM)
	}
	// The base in metres around its own centre.
	bb := orb.Bound{Min: base.Nodes[0].Point, Max: base.Nodes[0].Point}
	for _, n := range base.Nodes {
		bb = bb.Extend(n.Point)
	}
	for _, e := range base.Edges {
		for _, p := range e.Geom {
			bb = bb.Extend(p)
		}
	}
	src := newFrame(bb.Center().Lon(), bb.Center().Lat())
	minX, minY := src.xy(bb.Min)
	maxX, maxY := src.xy(bb.Max)
	w, h := maxX-minX+l.GapM, maxY-minY+l.GapM
	dst := newFrame(l.Centre.Lon(), l.Centre.Lat())
	totalW, totalH := float64(l.Cols)*w-l.GapM, float64(l.Rows)*h-l.GapM

	index := make(map[int64]int, len(base.Nodes)) // base node ID -> position
	nx := make([]float64, len(base.Nodes))
	ny := make([]float64, len(base.Nodes))
	for i, n := range base.Nodes {
		if _, dup := index[n.ID]; dup {
			return nil, fmt.Errorf("stitch: duplicate base node %d", n.ID)
		}
		index[n.ID] = i
		nx[i], ny[i] = src.xy(n.Point)
	}
	var maxEdge int64
	for _, e := range base.Edges {
		if e.ID <= 0 {
			return nil, fmt.Errorf("stitch: base edge ID %d is not positive", e.ID)
		}
		maxEdge = max(maxEdge, e.ID)
	}
	stride := idStride(max(int64(len(base.Nodes)), maxEdge))
	tiles := l.Cols * l.Rows
	if float64(tiles+2)*float64(stride) > math.MaxInt64/2 {
		return nil, fmt.Errorf("stitch: %d tiles overflow the ID space", tiles)
	}

	c := &city{Net: quarterhour.Network{Area: area, Synthetic: true,
		Nodes: make([]quarterhour.WalkNode, 0, tiles*len(base.Nodes)),
		Edges: make([]quarterhour.WalkEdge, 0, tiles*len(base.Edges)+tiles*64)}}
	for r := range l.Rows {
		for col := range l.Cols {
			t := r*l.Cols + col
			ox := -totalW/2 + float64(col)*w - minX
			oy := -totalH/2 + float64(r)*h - minY
			at := func(p orb.Point) orb.Point {
				x, y := src.xy(p)
				return dst.point(x+ox, y+oy)
			}
			tl := tile{Row: r, Col: col, Bound: orb.Bound{Min: dst.point(minX+ox, minY+oy), Max: dst.point(maxX+ox, maxY+oy)},
				Nodes: make([]int, len(base.Nodes))}
			idBase := int64(t+1) * stride
			for i, n := range base.Nodes {
				tl.Nodes[i] = len(c.Net.Nodes)
				c.Net.Nodes = append(c.Net.Nodes, quarterhour.WalkNode{ID: idBase + int64(i) + 1, Point: at(n.Point)})
			}
			for _, e := range base.Edges {
				s, ok1 := index[e.Source]
				d, ok2 := index[e.Target]
				if !ok1 || !ok2 {
					return nil, fmt.Errorf("stitch: base edge %d names a node the base lacks", e.ID)
				}
				g := make(orb.LineString, len(e.Geom))
				for k, p := range e.Geom {
					g[k] = at(p)
				}
				if len(g) < 2 {
					g = orb.LineString{at(base.Nodes[s].Point), at(base.Nodes[d].Point)}
				}
				m := geo.LineLengthM(g)
				c.Net.Edges = append(c.Net.Edges, quarterhour.WalkEdge{ID: idBase + e.ID,
					Source: idBase + int64(s) + 1, Target: idBase + int64(d) + 1,
					Cost: m, ReverseCost: m, LengthM: m, Geom: g, OSMWayID: e.OSMWayID, Highway: e.Highway})
			}
			c.Tiles = append(c.Tiles, tl)
		}
	}

	// Seams. The pairing is the same for every seam, as every tile is the
	// same copy: per band of the seam, the base node nearest each side.
	east := seamEnds(ny, minY, l.SeamStepM, func(i int) float64 { return maxX - nx[i] }, l.SeamDepthM)
	west := seamEnds(ny, minY, l.SeamStepM, func(i int) float64 { return nx[i] - minX }, l.SeamDepthM)
	north := seamEnds(nx, minX, l.SeamStepM, func(i int) float64 { return maxY - ny[i] }, l.SeamDepthM)
	south := seamEnds(nx, minX, l.SeamStepM, func(i int) float64 { return ny[i] - minY }, l.SeamDepthM)
	seamID := int64(tiles+1) * stride
	join := func(a, b *tile, from, to map[int]int) {
		for _, band := range slices.Sorted(maps.Keys(from)) {
			i := from[band]
			j, ok := to[band]
			if !ok {
				continue
			}
			na, nb := c.Net.Nodes[a.Nodes[i]], c.Net.Nodes[b.Nodes[j]]
			m := geo.DistanceM(na.Point, nb.Point)
			seamID++
			c.Net.Edges = append(c.Net.Edges, quarterhour.WalkEdge{ID: seamID, Source: na.ID, Target: nb.ID,
				Cost: m, ReverseCost: m, LengthM: m, Geom: orb.LineString{na.Point, nb.Point}, Highway: "footway"})
			c.Seams++
		}
	}
	for r := range l.Rows {
		for col := range l.Cols {
			t := &c.Tiles[r*l.Cols+col]
			if col+1 < l.Cols {
				join(t, &c.Tiles[r*l.Cols+col+1], east, west)
			}
			if r+1 < l.Rows {
				join(t, &c.Tiles[(r+1)*l.Cols+col], north, south)
			}
		}
	}
	if int64(c.Seams) >= stride {
		return nil, fmt.Errorf("stitch: %d seam edges overflow their ID block", c.Seams)
	}
	c.Bound = orb.Bound{Min: c.Tiles[0].Bound.Min, Max: c.Tiles[len(c.Tiles)-1].Bound.Max}
	return c, nil
}

// seamEnds picks, per band of width step along a seam, the base node
// nearest the seam within depth: along holds each node's coordinate along
// the seam (from lo), depthOf its distance from the seam. The result maps
// band to node position; bands without a node within depth are absent.
func seamEnds(along []float64, lo, step float64, depthOf func(int) float64, depth float64) map[int]int {
	best := map[int]int{}
	bestD := map[int]float64{}
	for i := range along {
		d := depthOf(i)
		if d > depth {
			continue
		}
		band := int(math.Floor((along[i] - lo) / step))
		if old, ok := bestD[band]; !ok || d < old || (d == old && i < best[band]) {
			best[band], bestD[band] = i, d
		}
	}
	return best
}

// clip keeps the edges of n lying within b, grown by overhangM metres on
// every side, and of them the largest connected component (lowest node ID
// on a tie), so that tiles of b's size do not overlap. Edge IDs are kept;
// nodes stay sorted as they were.
func clip(n *osmnet.Network, b orb.Bound, overhangM float64) (*osmnet.Network, error) {
	f := newFrame(b.Center().Lon(), b.Center().Lat())
	g := orb.Bound{Min: orb.Point{b.Min.Lon() - overhangM/f.kx, b.Min.Lat() - overhangM/f.ky},
		Max: orb.Point{b.Max.Lon() + overhangM/f.kx, b.Max.Lat() + overhangM/f.ky}}
	parent := map[int64]int64{}
	var find func(int64) int64
	find = func(v int64) int64 {
		p, ok := parent[v]
		if !ok || p == v {
			return v
		}
		r := find(p)
		parent[v] = r
		return r
	}
	pos := make(map[int64]orb.Point, len(n.Nodes))
	for _, v := range n.Nodes {
		pos[v.ID] = v.Point
	}
	inside := func(e osmnet.Edge) bool {
		if !b.Contains(pos[e.Source]) || !b.Contains(pos[e.Target]) {
			return false
		}
		for _, p := range e.Geom {
			if !g.Contains(p) {
				return false
			}
		}
		return true
	}
	var kept []osmnet.Edge
	used := map[int64]bool{}
	for _, e := range n.Edges {
		if inside(e) {
			kept = append(kept, e)
			used[e.Source], used[e.Target] = true, true
			if rs, rt := find(e.Source), find(e.Target); rs != rt {
				parent[max(rs, rt)] = min(rs, rt)
			}
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("clip: no edge lies within %v", b)
	}
	size := map[int64]int{}
	for _, v := range n.Nodes {
		if used[v.ID] {
			size[find(v.ID)]++
		}
	}
	var root int64
	best := 0
	for r, k := range size {
		if k > best || (k == best && r < root) {
			root, best = r, k
		}
	}
	out := &osmnet.Network{}
	for _, v := range n.Nodes {
		if used[v.ID] && find(v.ID) == root {
			out.Nodes = append(out.Nodes, v)
		}
	}
	for _, e := range kept {
		if find(e.Source) == root {
			out.Edges = append(out.Edges, e)
		}
	}
	return out, nil
}

package osmnet

import (
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/geo"
)

// Pedestrian areas (squares, plazas) are surfaces: one may walk straight
// across them. They are linked with a visibility graph: the points are the
// entrances (ring nodes shared with walkable ways, and dead ends of walkable
// ways lying inside the area) plus the reflex corners of the area, and every
// pair of points that see each other inside the area is joined by a straight
// edge. Shortest paths inside a polygon bend only at reflex corners, so the
// graph gives true walking distances across concave squares and around holes.
// Large areas fall back to entrances only, and very busy ones to each
// entrance's nearest visible neighbours, to bound the edge count. The links
// are then thinned to a greedy spanner: shortest first, a link is kept only
// if the kept ones do not already join its ends within 5% of its length. If
// entrances still cannot all reach each other (the ring is too irregular for
// straight links), the ring pieces between points are added as edges.
const (
	// maxAreaPoints bounds the visibility graph of one area (all pairs).
	maxAreaPoints = 80
	// areaNeighbours is the number of nearest visible entrances linked when
	// an area has more than maxAreaPoints entrances.
	areaNeighbours = 10
	// areaStretch is the largest detour the pruned links may add to a
	// straight crossing: a link is left out when the links already kept
	// join its ends within areaStretch times its length.
	areaStretch = 1.05
)

// area is a pedestrian surface made of closed rings of node IDs. outer
// rings are oriented counter-clockwise and inner ones clockwise after
// orient, so the walkable side is on the left.
type area struct {
	wayID, relID int64
	highway      string
	rings        [][]int64
	inner        []bool
}

// areas collects the pedestrian areas whose rings have all coordinates.
func (b *builder) areas() []*area {
	var out []*area
	for _, w := range b.areaWays {
		out = append(out, &area{wayID: w.id, highway: w.highway, rings: [][]int64{w.nodes}, inner: []bool{false}})
	}
	for _, r := range b.areaRels {
		a := &area{relID: r.id, highway: r.highway}
		for _, ring := range AssembleRings(r.outer, b.ringWays) {
			a.rings, a.inner = append(a.rings, ring), append(a.inner, false)
		}
		for _, ring := range AssembleRings(r.inner, b.ringWays) {
			a.rings, a.inner = append(a.rings, ring), append(a.inner, true)
		}
		if len(a.rings) > 0 {
			out = append(out, a)
		}
	}
	var ok []*area
	for _, a := range out {
		if a.orient(b.coords) {
			ok = append(ok, a)
		}
	}
	return ok
}

// AssembleRings joins the ways wayIDs (node lists in ways) end to end into
// closed rings of node IDs, as multipolygon relations need; pieces that
// do not close are dropped.
func AssembleRings(wayIDs []int64, ways map[int64][]int64) [][]int64 {
	var pending [][]int64
	for _, id := range wayIDs {
		if nodes := ways[id]; len(nodes) >= 2 {
			pending = append(pending, nodes)
		}
	}
	var rings [][]int64
	for len(pending) > 0 {
		cur := append([]int64(nil), pending[0]...)
		pending = pending[1:]
		for cur[0] != cur[len(cur)-1] {
			last, found := cur[len(cur)-1], false
			for i, p := range pending {
				switch last {
				case p[0]:
					cur = append(cur, p[1:]...)
				case p[len(p)-1]:
					for j := len(p) - 2; j >= 0; j-- {
						cur = append(cur, p[j])
					}
				default:
					continue
				}
				pending = append(pending[:i], pending[i+1:]...)
				found = true
				break
			}
			if !found {
				break
			}
		}
		if cur[0] == cur[len(cur)-1] && len(cur) >= 4 {
			rings = append(rings, cur)
		}
	}
	return rings
}

// orient checks coordinates and orients rings; false if a ring is unusable.
func (a *area) orient(coords map[int64]orb.Point) bool {
	for i, ring := range a.rings {
		var s float64
		for j := 0; j+1 < len(ring); j++ {
			p, okp := coords[ring[j]]
			q, okq := coords[ring[j+1]]
			if !okp || !okq {
				return false
			}
			s += p[0]*q[1] - q[0]*p[1]
		}
		if s == 0 {
			return false
		}
		if (s < 0) != a.inner[i] {
			for l, r := 0, len(ring)-1; l < r; l, r = l+1, r-1 {
				ring[l], ring[r] = ring[r], ring[l]
			}
		}
	}
	return true
}

// contains reports whether p is inside the area (even-odd over all rings).
func (a *area) contains(p orb.Point, coords map[int64]orb.Point) bool {
	in := false
	for _, ring := range a.rings {
		for j := 0; j+1 < len(ring); j++ {
			u, v := coords[ring[j]], coords[ring[j+1]]
			if (u[1] > p[1]) != (v[1] > p[1]) && p[0] < (v[0]-u[0])*(p[1]-u[1])/(v[1]-u[1])+u[0] {
				in = !in
			}
		}
	}
	return in
}

func (a *area) bound(coords map[int64]orb.Point) orb.Bound {
	bd := orb.Bound{Min: coords[a.rings[0][0]], Max: coords[a.rings[0][0]]}
	for _, ring := range a.rings {
		for _, id := range ring {
			bd = bd.Extend(coords[id])
		}
	}
	return bd
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

// properlyCross reports whether segments pq and uv cross at a point
// interior to both.
func properlyCross(p, q, u, v orb.Point) bool {
	d1, d2 := cross(u, v, p), cross(u, v, q)
	d3, d4 := cross(p, q, u), cross(p, q, v)
	return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
}

// onBoundary reports whether p lies on a ring segment (walking along the
// edge of a square is still on the square).
func (a *area) onBoundary(p orb.Point, coords map[int64]orb.Point) bool {
	for _, ring := range a.rings {
		for j := 0; j+1 < len(ring); j++ {
			u, v := coords[ring[j]], coords[ring[j+1]]
			if math.Abs(cross(u, v, p)) <= 1e-18 &&
				math.Min(u[0], v[0]) <= p[0] && p[0] <= math.Max(u[0], v[0]) &&
				math.Min(u[1], v[1]) <= p[1] && p[1] <= math.Max(u[1], v[1]) {
				return true
			}
		}
	}
	return false
}

// visible reports whether the straight segment pq stays inside the area.
func (a *area) visible(p, q orb.Point, coords map[int64]orb.Point) bool {
	for _, ring := range a.rings {
		for j := 0; j+1 < len(ring); j++ {
			if properlyCross(p, q, coords[ring[j]], coords[ring[j+1]]) {
				return false
			}
		}
	}
	mid := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
	return a.contains(mid, coords) || a.onBoundary(mid, coords)
}

// link returns the edges across area a. uses counts how many walkable way
// runs pass each node; deadEnds holds run ends used once, sorted by
// longitude, which may lie inside the area.
func (a *area) link(uses map[int64]int, coords map[int64]orb.Point, deadEnds []int64) []rawEdge {
	seen := map[int64]bool{}
	var entrances, corners []int64
	for _, ring := range a.rings {
		for _, id := range ring[:len(ring)-1] {
			if uses[id] > 0 && !seen[id] {
				seen[id] = true
				entrances = append(entrances, id)
			}
		}
	}
	bd := a.bound(coords)
	lo := sort.Search(len(deadEnds), func(i int) bool { return coords[deadEnds[i]][0] >= bd.Min[0] })
	for _, id := range deadEnds[lo:] {
		p := coords[id]
		if p[0] > bd.Max[0] {
			break
		}
		if !seen[id] && bd.Contains(p) && a.contains(p, coords) {
			seen[id] = true
			entrances = append(entrances, id)
		}
	}
	if len(entrances) < 2 {
		return nil
	}
	for _, ring := range a.rings {
		n := len(ring) - 1
		for j := 0; j < n; j++ {
			prev, cur, next := coords[ring[(j+n-1)%n]], coords[ring[j]], coords[ring[(j+1)%n]]
			if cross(prev, cur, next) < 0 && !seen[ring[j]] {
				seen[ring[j]] = true
				corners = append(corners, ring[j])
			}
		}
	}
	points := append(entrances, corners...)
	if len(points) > maxAreaPoints {
		points = entrances
	}
	sort.Slice(points, func(i, j int) bool { return points[i] < points[j] })

	var out []rawEdge
	pos := map[int64]int{}
	for i, id := range points {
		pos[id] = i
	}
	uf := newUnionFind(len(points))
	add := func(i, j int, geom orb.LineString) {
		s, t := points[i], points[j]
		if s > t {
			s, t = t, s
			geom = reversed(geom)
		}
		uf.union(i, j)
		out = append(out, rawEdge{
			key: edgeKey{area: true, osmID: a.wayID + a.relID, seq: kindSeq(a), src: s, dest: t},
			edge: Edge{
				Source: s, Target: t, LengthM: geo.LineLengthM(geom), Geom: geom,
				OSMWayID: a.wayID, OSMRelationID: a.relID, Highway: a.highway, Area: true,
			},
		})
	}
	var cands []areaPair
	if len(points) <= maxAreaPoints {
		for i := range points {
			for j := i + 1; j < len(points); j++ {
				p, q := coords[points[i]], coords[points[j]]
				if a.visible(p, q, coords) {
					cands = append(cands, areaPair{i, j, geo.DistanceM(p, q)})
				}
			}
		}
	} else {
		cands = a.nearestVisible(points, coords)
	}
	for _, c := range greedySpanner(len(points), cands) {
		add(c.i, c.j, orb.LineString{coords[points[c.i]], coords[points[c.j]]})
	}

	root := uf.find(pos[entrances[0]])
	connected := true
	for _, id := range entrances[1:] {
		if uf.find(pos[id]) != root {
			connected = false
			break
		}
	}
	if !connected {
		a.ringPieces(pos, coords, add)
	}
	return out
}

// ringPieces links consecutive linked points along each ring with the
// ring's own geometry, calling add for each piece.
func (a *area) ringPieces(pos map[int64]int, coords map[int64]orb.Point, add func(i, j int, geom orb.LineString)) {
	for _, ring := range a.rings {
		n := len(ring) - 1
		first := -1
		for j := 0; j < n; j++ {
			if _, ok := pos[ring[j]]; ok {
				first = j
				break
			}
		}
		if first < 0 {
			continue
		}
		geom := orb.LineString{coords[ring[first]]}
		from := first
		for k := 1; k <= n; k++ {
			j := (first + k) % n
			geom = append(geom, coords[ring[j]])
			if _, ok := pos[ring[j]]; ok {
				if ring[j] != ring[from] {
					add(pos[ring[from]], pos[ring[j]], geom)
				}
				geom = orb.LineString{coords[ring[j]]}
				from = j
			}
		}
	}
}

func kindSeq(a *area) int {
	if a.relID != 0 {
		return 1
	}
	return 0
}

func reversed(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[len(ls)-1-i] = p
	}
	return out
}

// areaPair is a candidate straight link between points i and j of an area.
type areaPair struct {
	i, j int
	d    float64
}

// nearestVisible returns, for each point, links to its areaNeighbours
// nearest visible points (each pair once).
func (a *area) nearestVisible(points []int64, coords map[int64]orb.Point) []areaPair {
	linked := map[[2]int]bool{}
	var out []areaPair
	for i := range points {
		p := coords[points[i]]
		others := make([]areaPair, 0, len(points)-1)
		for j := range points {
			if j != i {
				others = append(others, areaPair{i, j, geo.DistanceM(p, coords[points[j]])})
			}
		}
		sort.Slice(others, func(x, y int) bool { return others[x].d < others[y].d })
		found := 0
		for _, o := range others {
			if found == areaNeighbours {
				break
			}
			if !a.visible(p, coords[points[o.j]], coords) {
				continue
			}
			found++
			k := [2]int{min(o.i, o.j), max(o.i, o.j)}
			if !linked[k] {
				linked[k] = true
				out = append(out, areaPair{k[0], k[1], o.d})
			}
		}
	}
	return out
}

// greedySpanner keeps, shortest first, each candidate whose ends are not
// already joined by kept links within areaStretch times its length.
func greedySpanner(n int, cands []areaPair) []areaPair {
	sort.Slice(cands, func(x, y int) bool {
		if cands[x].d != cands[y].d {
			return cands[x].d < cands[y].d
		}
		if cands[x].i != cands[y].i {
			return cands[x].i < cands[y].i
		}
		return cands[x].j < cands[y].j
	})
	adj := make([][]areaPair, n)
	search := geo.NewDijkstra(n, func(u int, visit func(v int, w float64)) {
		for _, e := range adj[u] {
			visit(e.j, e.d)
		}
	})
	var kept []areaPair
	for _, c := range cands {
		if search.Distance(c.i, c.j, areaStretch*c.d) <= areaStretch*c.d {
			continue
		}
		kept = append(kept, c)
		adj[c.i] = append(adj[c.i], areaPair{c.i, c.j, c.d})
		adj[c.j] = append(adj[c.j], areaPair{c.j, c.i, c.d})
	}
	return kept
}

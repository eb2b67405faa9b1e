package access

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour/geo"
)

type surfaceKey struct {
	category string
	budgetM  float64
}

type surfaceEntry struct {
	once sync.Once
	s    atomic.Pointer[catSurface] // set once built
}

// builtEntry is an entry holding the surface sf, already built.
func builtEntry(sf *catSurface) *surfaceEntry {
	ent := &surfaceEntry{}
	ent.s.Store(sf)
	ent.once.Do(func() {})
	return ent
}

// catSurface is the accessibility surface of one category: one geo.Surface
// per network area, seeded from the open outlets placed on that area. It
// never changes once built: an outlet change derives a new one.
type catSurface struct {
	areas   []*areaNet
	budgetM float64
	byArea  map[*areaNet]*geo.Surface
}

// surface returns the category's surface at budgetM, built on first use.
func (s *snapshot) surface(category string, budgetM float64) (*catSurface, error) {
	if err := s.category(category); err != nil {
		return nil, err
	}
	k := surfaceKey{category, budgetM}
	s.mu.Lock()
	ent, ok := s.surfaces[k]
	if !ok {
		ent = &surfaceEntry{}
		s.surfaces[k] = ent
	}
	s.mu.Unlock()
	ent.once.Do(func() {
		ent.s.Store(s.buildSurface(category, budgetM))
	})
	return ent.s.Load(), nil
}

// buildSurface builds the surface of category's open outlets.
func (s *snapshot) buildSurface(category string, budgetM float64) *catSurface {
	cs := &catSurface{areas: s.areas, budgetM: budgetM, byArea: map[*areaNet]*geo.Surface{}}
	for _, a := range s.areas {
		cs.byArea[a] = a.g.Surface(s.areaSources(a, category), budgetM, geo.DefaultMaxSnapM)
	}
	return cs
}

// areaSources returns the positions of the open outlets of category placed
// on a, in placement order.
func (s *snapshot) areaSources(a *areaNet, category string) []orb.Point {
	var out []orb.Point
	for _, so := range s.placed[a].outlets {
		if so.outlet.Category == category {
			out = append(out, so.outlet.Point)
		}
	}
	return out
}

// sourceChange is how the sources of one category change on one area:
// points opened and closed (a move is both), with the edges they snap to.
type sourceChange struct {
	added, removed []orb.Point
	edges          []int32
}

func (c *sourceChange) empty() bool { return c == nil || len(c.added)+len(c.removed) == 0 }

// cancel drops the points both closed and opened, such as an outlet whose
// position stays while its name changes.
func (c *sourceChange) cancel() {
	for i := 0; i < len(c.added); i++ {
		for j, p := range c.removed {
			if p == c.added[i] {
				c.removed = append(c.removed[:j], c.removed[j+1:]...)
				c.added = append(c.added[:i], c.added[i+1:]...)
				i--
				break
			}
		}
	}
}

// catChange is how one category's sources change, per area.
type catChange map[*areaNet]*sourceChange

func (cc catChange) of(a *areaNet) *sourceChange {
	c := cc[a]
	if c == nil {
		c = &sourceChange{}
		cc[a] = c
	}
	return c
}

func (cc catChange) empty() bool {
	for _, c := range cc {
		if !c.empty() {
			return false
		}
	}
	return true
}

// incrementalShare is the largest share of a surface's sources that an
// update changes source by source; past it (and past a handful) the area's
// surface is built again from scratch, which then costs less.
const incrementalShare = 1.0 / 8

// useIncremental reports whether changing n of the live sources of a
// surface is cheaper done in place.
func useIncremental(n, live int) bool {
	return float64(n) <= math.Max(8, incrementalShare*float64(live))
}

// derive returns the surface after change, sources(a) giving the sources of
// area a afterwards. Areas the change leaves alone share their surface with
// cs; the others get a copy of theirs updated in place (geo.Surface.Update
// recomputes only what lies within the budget of a changed source), or,
// when the change is large against the area's sources, a new surface. The
// result is the one a build from scratch gives.
func (cs *catSurface) derive(change catChange, sources func(a *areaNet) []orb.Point) *catSurface {
	n := &catSurface{areas: cs.areas, budgetM: cs.budgetM, byArea: make(map[*areaNet]*geo.Surface, len(cs.byArea))}
	for a, sf := range cs.byArea {
		c := change[a]
		if c.empty() {
			n.byArea[a] = sf
			continue
		}
		if useIncremental(len(c.added)+len(c.removed), sf.SourceCount()) {
			cl := sf.Clone()
			if err := cl.Update(c.added, c.removed); err == nil {
				n.byArea[a] = cl
				surfaceCounts.updated.Add(1)
				continue
			}
			// A closed point that is not a source of the surface means the
			// surface and the placements disagree; a build puts it right.
		}
		n.byArea[a] = a.g.Surface(sources(a), cs.budgetM, geo.DefaultMaxSnapM)
		surfaceCounts.rebuilt.Add(1)
	}
	return n
}

// surfaceCounts counts the area surfaces derive updated in place and those
// it built again, for the tests.
var surfaceCounts struct{ updated, rebuilt atomic.Int64 }

// warmSurfaces builds the surfaces at budgetM of every category that has
// none yet, the categories of each area spread over GOMAXPROCS by
// geo.Graph.Surfaces, so that the first gaps or coverage request over all
// categories does not build them one by one.
func (s *snapshot) warmSurfaces(budgetM float64) {
	var cats []string
	s.mu.Lock()
	for _, c := range s.catOrder {
		if _, ok := s.surfaces[surfaceKey{c, budgetM}]; !ok {
			cats = append(cats, c)
		}
	}
	s.mu.Unlock()
	if len(cats) == 0 {
		return
	}
	built := make([]*catSurface, len(cats))
	index := make(map[string]int, len(cats))
	for i, c := range cats {
		built[i] = &catSurface{areas: s.areas, budgetM: budgetM, byArea: map[*areaNet]*geo.Surface{}}
		index[c] = i
	}
	for _, a := range s.areas {
		sets := make([][]orb.Point, len(cats))
		for _, so := range s.placed[a].outlets {
			if i, ok := index[so.outlet.Category]; ok {
				sets[i] = append(sets[i], so.outlet.Point)
			}
		}
		for i, sf := range a.g.Surfaces(sets, budgetM, geo.DefaultMaxSnapM) {
			built[i].byArea[a] = sf
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range cats {
		k := surfaceKey{c, budgetM}
		if _, ok := s.surfaces[k]; ok {
			continue // built meanwhile by a request
		}
		s.surfaces[k] = builtEntry(built[i])
	}
}

// distance returns the walk from p to the nearest source; ok is false when
// p is off network or nothing is within the budget.
func (cs *catSurface) distance(p orb.Point) (float64, bool) {
	a, sn, ok := snapLocal(cs.areas, p)
	if !ok {
		return math.Inf(1), false
	}
	return cs.byArea[a].DistanceAtSnap(sn)
}

// cellDistance is distance at the centre of cell c.
func (cs *catSurface) cellDistance(c h3.Cell) (float64, bool) {
	p, err := cellCentre(c)
	if err != nil {
		return math.Inf(1), false
	}
	return cs.distance(p)
}

func cellCentre(c h3.Cell) (orb.Point, error) {
	ll, err := h3.CellToLatLng(c)
	if err != nil {
		return orb.Point{}, fmt.Errorf("centre of cell %v: %w", c, err)
	}
	return orb.Point{ll.Lng, ll.Lat}, nil
}

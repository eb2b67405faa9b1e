package access

import (
	"fmt"
	"math"
	"sync"

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
	s    *catSurface
}

// catSurface is the accessibility surface of one category: one geo.Surface
// per network area, seeded from the open outlets placed on that area.
type catSurface struct {
	snap    *snapshot
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
		ent.s = s.buildSurface(category, budgetM, nil, nil)
	})
	return ent.s, nil
}

// buildSurface builds the surface of category's open outlets, leaving out
// the outlets in removed and adding the points in added.
func (s *snapshot) buildSurface(category string, budgetM float64, added []orb.Point, removed map[int64]bool) *catSurface {
	sources := s.surfaceSources(category, removed)
	for _, p := range added {
		if a, _, ok := s.snapLocal(p); ok {
			sources[a] = append(sources[a], p)
		}
	}
	cs := &catSurface{snap: s, budgetM: budgetM, byArea: map[*areaNet]*geo.Surface{}}
	for _, a := range s.areas {
		cs.byArea[a] = a.g.Surface(sources[a], budgetM, geo.DefaultMaxSnapM)
	}
	return cs
}

// surfaceSources returns the open outlets of category per network area,
// leaving out the outlets in removed.
func (s *snapshot) surfaceSources(category string, removed map[int64]bool) map[*areaNet][]orb.Point {
	sources := map[*areaNet][]orb.Point{}
	for _, a := range s.areas {
		for _, so := range s.placed[a].outlets {
			if so.outlet.Category == category && !removed[so.outlet.ID] {
				sources[a] = append(sources[a], so.outlet.Point)
			}
		}
	}
	return sources
}

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
		built[i] = &catSurface{snap: s, budgetM: budgetM, byArea: map[*areaNet]*geo.Surface{}}
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
		ent := &surfaceEntry{s: built[i]}
		ent.once.Do(func() {})
		s.surfaces[k] = ent
	}
}

// distance returns the walk from p to the nearest source; ok is false when
// p is off network or nothing is within the budget.
func (cs *catSurface) distance(p orb.Point) (float64, bool) {
	a, _, ok := cs.snap.snapLocal(p)
	if !ok {
		return math.Inf(1), false
	}
	return cs.byArea[a].DistanceAt(p)
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

package engine

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
	sources := map[*areaNet][]orb.Point{}
	for _, a := range s.areas {
		for _, so := range s.placed[a].outlets {
			if so.outlet.Category == category && !removed[so.outlet.ID] {
				sources[a] = append(sources[a], so.outlet.Point)
			}
		}
	}
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

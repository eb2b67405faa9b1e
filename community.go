package quarterhour

import (
	"reflect"

	"github.com/paulmach/orb"
)

// Community is a residential community (社区/小区).
type Community struct {
	ID                    int64            `json:"id"`
	RegionCode            string           `json:"region_code"` // 12-digit code of its 社区居委会 or town
	District              string           `json:"district"`    // 6-digit county code
	Name                  string           `json:"name"`
	Polygon               orb.MultiPolygon `json:"-"`
	Population            int              `json:"population"`
	Households            int              `json:"households"`
	BuildingAreaM2        float64          `json:"building_area_m2"`
	CommercialAreaM2      float64          `json:"commercial_area_m2"`       // commercial + comprehensive service floor area
	ServiceFacilityAreaM2 float64          `json:"service_facility_area_m2"` // community comprehensive service facilities
	IsNew                 bool             `json:"is_new"`
	Synthetic             bool             `json:"synthetic"`
	// PopulationEstimated marks a population (and households) estimated
	// from building footprints rather than counted by a census or register.
	PopulationEstimated bool   `json:"population_estimated"`
	Source              string `json:"source,omitempty"`     // manual | register | osm | demo
	SourceRef           string `json:"source_ref,omitempty"` // register 编号, OSM "way/123"
	OriginalCRS         string `json:"original_crs,omitempty"`
	Version             int    `json:"version"`
}

// SameValues reports whether storing b over c would change nothing: the
// fields compare equal apart from the store's bookkeeping (ID, Version).
func (c Community) SameValues(b Community) bool {
	a := c
	a.ID, a.Version = 0, 0
	b.ID, b.Version = 0, 0
	return reflect.DeepEqual(a, b)
}

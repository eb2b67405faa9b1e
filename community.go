package quarterhour

import (
	"fmt"
	"reflect"
	"time"

	"github.com/paulmach/orb"
)

// MaxCommunityPopulation is the most residents one community record may
// hold. GB 50180-2018 sizes a 15-minute life circle at 50,000–100,000
// residents; one community (社区/小区) inside it holding more than twice
// that is a typing error, not a place.
const MaxCommunityPopulation = 200000

// MinFloorAreaPerPersonM2 is the least building floor area per resident
// that is still plausible; below it the population or the building area is
// probably wrong and a reviewer should look (urban China averages about
// 40 m² of housing per person).
const MinFloorAreaPerPersonM2 = 10.0

// Implausible lists what looks wrong in c's figures without being
// impossible, for a reviewer to check; nil when nothing does.
func (c Community) Implausible() []string {
	var why []string
	if c.BuildingAreaM2 > 0 && c.Population > 0 && c.BuildingAreaM2/float64(c.Population) < MinFloorAreaPerPersonM2 {
		why = append(why, fmt.Sprintf("%d residents in %.0f m² of buildings is %.1f m² each, below the plausible %.0f m²",
			c.Population, c.BuildingAreaM2, c.BuildingAreaM2/float64(c.Population), MinFloorAreaPerPersonM2))
	}
	if c.Households > 0 && float64(c.Population)/float64(c.Households) > 8 {
		why = append(why, fmt.Sprintf("%.1f residents per household is more than plausible", float64(c.Population)/float64(c.Households)))
	}
	return why
}

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
	// UpdatedAt is when the record last changed, so a reviewer sees what
	// changed after an evaluation was submitted.
	UpdatedAt time.Time `json:"updated_at"`
}

// SameValues reports whether storing b over c would change nothing: the
// fields compare equal apart from the store's bookkeeping (ID, Version, UpdatedAt).
func (c Community) SameValues(b Community) bool {
	a := c
	a.ID, a.Version, a.UpdatedAt = 0, 0, time.Time{}
	b.ID, b.Version, b.UpdatedAt = 0, 0, time.Time{}
	return reflect.DeepEqual(a, b)
}

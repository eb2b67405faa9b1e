package quarterhour

import "github.com/paulmach/orb"

// Region levels.
const (
	LevelCity      = "city"
	LevelCounty    = "county"
	LevelTown      = "town"
	LevelCommunity = "community" // NBS "village" level: 社区居委会 / 村委会
)

// Region is one NBS administrative unit.
type Region struct {
	Code             string           `json:"code"` // 12 digits
	Name             string           `json:"name"`
	Level            string           `json:"level"`
	Parent           string           `json:"parent,omitempty"` // 12 digits
	County           string           `json:"county,omitempty"` // 6-digit county code, empty for the city
	Boundary         orb.MultiPolygon `json:"-"`                // nil when unknown
	Population       int64            `json:"population,omitempty"`
	PopulationYear   int              `json:"population_year,omitempty"`
	PopulationSource string           `json:"population_source,omitempty"`
}

// Category tiers.
const (
	TierBasic   = "basic"
	TierQuality = "quality"
	TierPublic  = "public"
)

// Category is one business or facility type of the taxonomy.
type Category struct {
	Code          string   `json:"code"`
	NameZH        string   `json:"name_zh"`
	NameEN        string   `json:"name_en"`
	Tier          string   `json:"tier"`     // basic | quality | public
	National      bool     `json:"national"` // added by national guidance, not in the Jining plan
	OSMTags       []string `json:"osm_tags"` // "shop=convenience", "amenity=pharmacy", "shop=*" not allowed
	AmapTypecodes []string `json:"amap_typecodes"`
	Sort          int      `json:"sort"`
}

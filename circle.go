package quarterhour

import (
	"time"

	"github.com/paulmach/orb"
)

// Circle layout types (STANDARDS.md).
const (
	LayoutCluster   = "cluster"   // 集聚式
	LayoutBlock     = "block"     // 街区式
	LayoutScattered = "scattered" // 分散式
)

// Circle statuses.
const (
	CirclePlanned   = "planned"
	CircleBuilding  = "building"
	CircleCompleted = "completed"
)

// CircleStatuses lists the circle statuses in their order.
var CircleStatuses = []string{CirclePlanned, CircleBuilding, CircleCompleted}

// Circle is a 15-minute convenient living circle.
type Circle struct {
	ID            int64       `json:"id"`
	Name          string      `json:"name"`
	District      string      `json:"district"`
	PilotZone     string      `json:"pilot_zone,omitempty"` // e.g. 太白湖新区, which has no NBS code
	Layout        string      `json:"layout"`
	Centers       []orb.Point `json:"-"` // commercial anchor(s), at least one
	CommunityIDs  []int64     `json:"community_ids"`
	Status        string      `json:"status"`
	PlannedYear   int         `json:"planned_year,omitempty"`
	CompletedYear int         `json:"completed_year,omitempty"`
	Synthetic     bool        `json:"synthetic"`
	Version       int         `json:"version"`
	UpdatedAt     time.Time   `json:"updated_at"`
}

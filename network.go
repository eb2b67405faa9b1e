package quarterhour

import "github.com/paulmach/orb"

// WalkNode is a vertex of the walking network (pgRouting "vertices").
type WalkNode struct {
	ID    int64     `json:"id"`
	Point orb.Point `json:"-"`
}

// WalkEdge is an undirected walkable edge; Cost and ReverseCost are metres.
type WalkEdge struct {
	ID          int64          `json:"id"`
	Source      int64          `json:"source"`
	Target      int64          `json:"target"`
	Cost        float64        `json:"cost"`
	ReverseCost float64        `json:"reverse_cost"`
	LengthM     float64        `json:"length_m"`
	Geom        orb.LineString `json:"-"`
	OSMWayID    int64          `json:"osm_way_id,omitempty"`
	Highway     string         `json:"highway,omitempty"`
}

// Network is one area's walking network, replaced as a whole on import.
type Network struct {
	Area      string // e.g. "jining-demo", "porto"
	Synthetic bool
	Nodes     []WalkNode
	Edges     []WalkEdge
}

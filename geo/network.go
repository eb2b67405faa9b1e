package geo

import "github.com/paulmach/orb"

// NetNode is a vertex of a walking network, identified by an external ID
// (OSM node ID, database ID) and located in WGS-84 lon/lat.
type NetNode struct {
	ID    int64
	Point orb.Point
}

// NetEdge is an undirected walkable edge between two NetNodes. Geom runs from
// the Source node to the Target node (lon/lat) and LengthM is its walking
// length in metres. OSMWayID and Highway are optional provenance carried
// through to storage; routing ignores them.
type NetEdge struct {
	ID       int64
	Source   int64
	Target   int64
	LengthM  float64
	Geom     orb.LineString
	OSMWayID int64
	Highway  string
}

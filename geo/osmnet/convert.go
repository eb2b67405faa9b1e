package osmnet

import "github.com/quarterhour/quarterhour/geo"

// GeoNodes returns the vertices as routing-core nodes: the network's own.
func (n *Network) GeoNodes() []geo.NetNode { return n.Nodes }

// GeoEdges returns the edges as routing-core edges. Area edges keep their
// highway value; their OSMWayID is 0 when the area is a multipolygon.
func (n *Network) GeoEdges() []geo.NetEdge {
	out := make([]geo.NetEdge, len(n.Edges))
	for i, e := range n.Edges {
		out[i] = geo.NetEdge{ID: e.ID, Source: e.Source, Target: e.Target, LengthM: e.LengthM,
			Geom: e.Geom, OSMWayID: e.OSMWayID, Highway: e.Highway}
	}
	return out
}

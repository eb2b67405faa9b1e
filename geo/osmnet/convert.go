package osmnet

import "github.com/quarterhour/quarterhour/geo"

// GeoNodes returns the vertices as routing-core nodes.
func (n *Network) GeoNodes() []geo.NetNode {
	out := make([]geo.NetNode, len(n.Nodes))
	for i, v := range n.Nodes {
		out[i] = geo.NetNode{ID: v.ID, Point: v.Point}
	}
	return out
}

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

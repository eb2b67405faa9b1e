package geo

import (
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// DefaultRes is the H3 resolution of outlet cells, isochrones and coverage
// (res 10: about 15,000 m² a cell, edge about 66 m).
const DefaultRes = 10

// CellOf returns the H3 cell at res that contains p (lon/lat).
func CellOf(p orb.Point, res int) (h3.Cell, error) {
	return h3.LatLngToCell(h3.NewLatLng(p.Lat(), p.Lon()), res)
}

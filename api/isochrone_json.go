package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour/geo"
)

// The isochrone body is written by hand: with detail=nodes it lists a few
// thousand nodes, and encoding/json's reflection over them cost more than
// the isochrone itself. The output is byte for byte what writeJSON gives
// for isochroneResponse (TestIsochroneJSONMatchesEncodingJSON).

// jsonBufs holds response buffers for reuse; buffers grown past
// maxPooledJSON are left to the collector.
var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooledJSON = 1 << 20

// writeIsochrone writes out with status 200, as writeJSON would.
func writeIsochrone(w http.ResponseWriter, out *isochroneBody) {
	bp := jsonBufs.Get().(*[]byte)
	b := append(appendIsochrone((*bp)[:0], out), '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	if cap(b) <= maxPooledJSON {
		*bp = b[:0]
		jsonBufs.Put(bp)
	}
}

// isochroneBody is what GET /isochrone answers, before encoding.
type isochroneBody struct {
	origin    orb.Point
	walk      walk
	iso       *geo.Isochrone
	computeMS float64
	nodes     bool // list the reached nodes
}

// appendIsochrone appends the JSON object of o (see isochroneResponse).
func appendIsochrone(b []byte, o *isochroneBody) []byte {
	iso := o.iso
	b = append(b, `{"origin":`...)
	b = appendLonLat(b, o.origin)
	b = append(b, `,"snap":{"distance_m":`...)
	b = appendJSONFloat(b, round1(iso.Snap.DistanceM))
	b = append(b, `,"edge":`...)
	b = strconv.AppendInt(b, iso.Snap.EdgeID, 10)
	b = append(b, `,"point":`...)
	b = appendLonLat(b, iso.Snap.Point)
	b = append(b, `},"walk":{"minutes":`...)
	b = appendJSONFloat(b, o.walk.Minutes)
	b = append(b, `,"speed_kmh":`...)
	b = appendJSONFloat(b, o.walk.SpeedKmh)
	b = append(b, `,"budget_m":`...)
	b = appendJSONFloat(b, o.walk.BudgetM)
	b = append(b, `},"budget_m":`...)
	b = appendJSONFloat(b, o.walk.BudgetM)
	b = append(b, `,"res":`...)
	b = strconv.AppendInt(b, int64(iso.Res), 10)
	b = append(b, `,"polygon":`...)
	b = appendMultiPolygon(b, iso.Polygon)
	b = append(b, `,"cells":`...)
	b = appendCells(b, iso.Cells)
	b = append(b, `,"area_m2":`...)
	b = appendJSONFloat(b, math.Round(iso.AreaM2))
	b = append(b, `,"compute_ms":`...)
	b = appendJSONFloat(b, o.computeMS)
	if o.nodes && len(iso.Nodes) > 0 {
		b = appendArray(b, iso.Nodes, `,"nodes":[`, "]", appendNode)
	}
	return append(b, '}')
}

func appendLonLat(b []byte, p orb.Point) []byte {
	b = append(b, `{"lon":`...)
	b = appendJSONFloat(b, p.Lon())
	b = append(b, `,"lat":`...)
	b = appendJSONFloat(b, p.Lat())
	return append(b, '}')
}

// appendArray appends open, the items of s written by item with commas
// between them, and close; a nil s is null.
func appendArray[T any](b []byte, s []T, open, close string, item func([]byte, T) []byte) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, open...)
	for i, x := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = item(b, x)
	}
	return append(b, close...)
}

// appendCells appends cells as a JSON array of their hexadecimal indexes.
func appendCells(b []byte, cells []h3.Cell) []byte {
	return appendArray(b, cells, "[", "]", func(b []byte, c h3.Cell) []byte {
		b = append(b, '"')
		b = strconv.AppendUint(b, uint64(c), 16)
		return append(b, '"')
	})
}

// appendMultiPolygon appends mp as a GeoJSON geometry; a nil mp is null.
func appendMultiPolygon(b []byte, mp orb.MultiPolygon) []byte {
	return appendArray(b, mp, `{"type":"MultiPolygon","coordinates":[`, "]}", appendPolygon)
}

func appendPolygon(b []byte, poly orb.Polygon) []byte {
	return appendArray(b, poly, "[", "]", appendRing)
}

func appendRing(b []byte, r orb.Ring) []byte { return appendArray(b, r, "[", "]", appendPosition) }

func appendPosition(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = appendJSONFloat(b, p[0])
	b = append(b, ',')
	b = appendJSONFloat(b, p[1])
	return append(b, ']')
}

func appendNode(b []byte, n geo.Reached) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, n.ID, 10)
	b = append(b, `,"dist_m":`...)
	b = appendMillis(b, n.DistM)
	return append(b, '}')
}

// appendMillis appends f rounded to three decimals (node distances to the
// millimetre), as encoding/json writes round3(f): the shortest decimal of
// the double nearest k/1000 is k/1000 itself.
func appendMillis(b []byte, f float64) []byte {
	k := math.Round(f * 1000)
	if math.IsNaN(k) || math.Abs(k) >= 1e15 {
		return appendJSONFloat(b, round3(f))
	}
	n := int64(k)
	if n < 0 {
		b = append(b, '-')
		n = -n
	} else if k == 0 && math.Signbit(k) {
		b = append(b, '-')
	}
	b = strconv.AppendInt(b, n/1000, 10)
	if frac := n % 1000; frac != 0 {
		digits := [4]byte{'.', byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
		end := 4
		for digits[end-1] == '0' {
			end--
		}
		b = append(b, digits[:end]...)
	}
	return b
}

// round3 rounds f to three decimals.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// appendJSONFloat formats f as encoding/json does; NaN and infinities,
// which encoding/json refuses, become null.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		if f == 0 && math.Signbit(f) {
			return append(b, "-0"...)
		}
		return strconv.AppendInt(b, int64(f), 10)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 -> e-9, as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// Package nodecmp compares two answers to "which network nodes lie within
// the budget of an origin, and how far": ours and pgRouting's. It is the one
// check bench/pgrcompare and bench/citybench both rest on, with the small
// statistics they report.
package nodecmp

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Diff is how two answers for one origin differ.
type Diff struct {
	OnlyOurs, OnlyPgr []Node
	FarApart          []Node  // distance differs by more than the tolerance
	MaxDiffM          float64 // over nodes both list
	OriginM           float64 // distance either side gives the origin itself
}

// Node is a node one or both sides list, with their distances A (ours) and
// B (pgRouting's).
type Node struct {
	ID      int64
	A, B    float64
	HasBoth bool
}

// OK reports whether the answers agree.
func (d *Diff) OK() bool {
	return len(d.OnlyOurs) == 0 && len(d.OnlyPgr) == 0 && len(d.FarApart) == 0 && d.OriginM == 0
}

// Compare compares two node->distance answers for the origin node origin.
// The origin may be listed by either side; when listed it must be at 0 m,
// and it is not required of both, since pgRouting always lists it and our
// search lists it as well only because the origin sits on the node. Each
// list is sorted by distance.
func Compare(origin int64, ours, pgr map[int64]float64, tolM float64) *Diff {
	d := &Diff{}
	for _, m := range []map[int64]float64{ours, pgr} {
		if v, ok := m[origin]; ok && v != 0 {
			d.OriginM = math.Max(d.OriginM, math.Abs(v))
		}
	}
	for id, a := range ours {
		if id == origin {
			continue
		}
		b, ok := pgr[id]
		if !ok {
			d.OnlyOurs = append(d.OnlyOurs, Node{ID: id, A: a})
			continue
		}
		dm := math.Abs(a - b)
		d.MaxDiffM = math.Max(d.MaxDiffM, dm)
		if dm > tolM {
			d.FarApart = append(d.FarApart, Node{ID: id, A: a, B: b, HasBoth: true})
		}
	}
	for id, b := range pgr {
		if _, ok := ours[id]; !ok && id != origin {
			d.OnlyPgr = append(d.OnlyPgr, Node{ID: id, B: b})
		}
	}
	for _, s := range [][]Node{d.OnlyOurs, d.OnlyPgr, d.FarApart} {
		slices.SortFunc(s, func(x, y Node) int { return cmp.Compare(math.Max(x.A, x.B), math.Max(y.A, y.B)) })
	}
	return d
}

// MS is d in milliseconds.
func MS(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// Median is the 0.5-quantile of xs.
func Median(xs []float64) float64 { return Quantile(xs, 0.5) }

// Quantile returns the q-quantile of xs with linear interpolation; NaN for
// none.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (pos-float64(lo))*(s[hi]-s[lo])
}

package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/store"
)

// source marks every generated community and outlet; their references
// start with refPrefix.
const (
	source    = "demo"
	refPrefix = "city/"
)

// outletWeights is how common each category's outlets are, relative to one
// another: convenience stores and eateries many, markets and public
// services few. A category missing here weighs 1.
var outletWeights = map[string]float64{
	"convenience_store": 16, "specialty_dining": 12, "breakfast": 9, "hair_beauty": 8,
	"parcel_point": 6, "fresh_grocer": 5, "pharmacy": 4, "repair": 4, "cafe": 4, "education": 4,
	"supermarket": 3, "wellness": 3, "laundry": 2.5, "photo_print": 2, "fitness": 2, "leisure": 2,
	"pet_service": 2, "housekeeping": 2, "health_station": 2, "recycling": 1.5, "childcare": 1.5,
	"bookstore": 1, "elderly_care": 1, "culture_station": 1, "elderly_daycare": 1,
	"community_service_centre": 1, "wet_market": 0.8,
}

// minPerCategory is the fewest outlets any category gets, unless there are
// too few outlets for it: then a share of half the average.
const minPerCategory = 50

// apportion splits total over weights by largest remainder, each share at
// least floor, so the shares add up to total exactly.
func apportion(weights []float64, total, floor int) ([]int, error) {
	if floor*len(weights) > total {
		return nil, fmt.Errorf("apportion: %d shares of at least %d exceed %d", len(weights), floor, total)
	}
	var sum float64
	for _, w := range weights {
		if !(w > 0) {
			return nil, fmt.Errorf("apportion: weight %v is not positive", w)
		}
		sum += w
	}
	rest := total - floor*len(weights)
	out := make([]int, len(weights))
	frac := make([]float64, len(weights))
	given := 0
	for i, w := range weights {
		x := float64(rest) * w / sum
		out[i] = floor + int(math.Floor(x))
		frac[i] = x - math.Floor(x)
		given += out[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return frac[order[a]] > frac[order[b]] })
	for k := 0; given < total; k++ {
		out[order[k%len(order)]]++
		given++
	}
	return out, nil
}

// communities covers every tile with cols x rows rectangular communities
// (a street's width apart) holding residents in all, more where the
// streets are denser. Rectangles without streets or outside every county
// are left empty. Each community gets a community-level region of its
// county, in turn.
func communities(ctx context.Context, a *app.App, c *city, per, residents int, rng *rand.Rand) ([]quarterhour.Community, error) {
	regions, err := a.Store().ListRegions(ctx, store.RegionFilter{Level: quarterhour.LevelCommunity})
	if err != nil {
		return nil, fmt.Errorf("communities: regions: %w", err)
	}
	byCounty := map[string][]quarterhour.Region{}
	for _, r := range regions {
		byCounty[r.County] = append(byCounty[r.County], r)
	}
	counties, err := a.Counties(ctx)
	if err != nil {
		return nil, fmt.Errorf("communities: %w", err)
	}
	next := map[string]int{}
	type plot struct {
		tile, k int
		b       orb.Bound
		weight  float64
	}
	var plots []plot
	const insetM = 10
	f := newFrame(c.Bound.Center().Lon(), c.Bound.Center().Lat())
	for t, tl := range c.Tiles {
		count := make([]int, per*per)
		dx := (tl.Bound.Max.Lon() - tl.Bound.Min.Lon()) / float64(per)
		dy := (tl.Bound.Max.Lat() - tl.Bound.Min.Lat()) / float64(per)
		for _, i := range tl.Nodes {
			p := c.Net.Nodes[i].Point
			cx := min(per-1, int((p.Lon()-tl.Bound.Min.Lon())/dx))
			cy := min(per-1, int((p.Lat()-tl.Bound.Min.Lat())/dy))
			count[cy*per+cx]++
		}
		for k := range per * per {
			cx, cy := k%per, k/per
			b := orb.Bound{
				Min: orb.Point{tl.Bound.Min.Lon() + float64(cx)*dx + insetM/f.kx, tl.Bound.Min.Lat() + float64(cy)*dy + insetM/f.ky},
				Max: orb.Point{tl.Bound.Min.Lon() + float64(cx+1)*dx - insetM/f.kx, tl.Bound.Min.Lat() + float64(cy+1)*dy - insetM/f.ky},
			}
			w := float64(count[k]+5) * (0.5 + rng.Float64())
			if count[k] < 3 || counties.Locate(b.Center()) == "" {
				continue
			}
			plots = append(plots, plot{tile: t, k: k, b: b, weight: w})
		}
	}
	if len(plots) == 0 {
		return nil, fmt.Errorf("communities: no rectangle with streets lies in a county")
	}
	weights := make([]float64, len(plots))
	for i, p := range plots {
		weights[i] = p.weight
	}
	pops, err := apportion(weights, residents, 1)
	if err != nil {
		return nil, fmt.Errorf("communities: %w", err)
	}
	out := make([]quarterhour.Community, 0, len(plots))
	for i, p := range plots {
		district := counties.Locate(p.b.Center())
		regs := byCounty[district]
		if len(regs) == 0 {
			return nil, fmt.Errorf("communities: county %s has no community-level region", district)
		}
		reg := regs[next[district]%len(regs)]
		next[district]++
		pop := pops[i]
		if pop > quarterhour.MaxCommunityPopulation {
			return nil, fmt.Errorf("communities: %d residents in one community exceed the maximum %d", pop, quarterhour.MaxCommunityPopulation)
		}
		b := p.b
		ring := orb.Ring{b.Min, {b.Max.Lon(), b.Min.Lat()}, b.Max, {b.Min.Lon(), b.Max.Lat()}, b.Min}
		building := math.Round(float64(pop) * (30 + 10*rng.Float64()))
		cm := quarterhour.Community{
			RegionCode:       reg.Code,
			District:         district,
			Name:             fmt.Sprintf("%s 城%02d-%02d", strings.TrimSpace(reg.Name), p.tile+1, p.k+1),
			Polygon:          orb.MultiPolygon{{ring}},
			Population:       pop,
			Households:       int(math.Round(float64(pop) / 2.7)),
			BuildingAreaM2:   building,
			CommercialAreaM2: math.Round(building * (0.03 + 0.06*rng.Float64())),
			Synthetic:        true,
			Source:           source,
			SourceRef:        fmt.Sprintf("%scommunity/%d/%d", refPrefix, p.tile+1, p.k+1),
			OriginalCRS:      "EPSG:4326",
		}
		if err := a.ValidateCommunity(ctx, &cm); err != nil {
			return nil, fmt.Errorf("community %s: %w", cm.SourceRef, err)
		}
		out = append(out, cm)
	}
	return out, nil
}

// outlets places n outlets over every category of cats in proportion to
// outletWeights, each at a random point of a random street edge (seams
// excluded), a few metres to its side. Points outside every county are
// drawn again.
func outlets(ctx context.Context, a *app.App, c *city, cats []quarterhour.Category, n int, rng *rand.Rand) ([]quarterhour.Outlet, error) {
	if len(cats) == 0 {
		return nil, fmt.Errorf("outlets: no categories in the store (seed it first)")
	}
	weights := make([]float64, len(cats))
	set := make(map[string]quarterhour.Category, len(cats))
	for i, ct := range cats {
		weights[i] = 1
		if w, ok := outletWeights[ct.Code]; ok {
			weights[i] = w
		}
		set[ct.Code] = ct
	}
	counts, err := apportion(weights, n, min(minPerCategory, n/(2*len(cats))))
	if err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	streets := len(c.Net.Edges) - c.Seams
	f := newFrame(c.Bound.Center().Lon(), c.Bound.Center().Lat())
	out := make([]quarterhour.Outlet, 0, n)
	for i, ct := range cats {
		for k := range counts[i] {
			var o quarterhour.Outlet
			for try := 0; ; try++ {
				if try == 100 {
					return nil, fmt.Errorf("outlets: no point inside a county after %d tries", try)
				}
				e := c.Net.Edges[rng.IntN(streets)]
				o = quarterhour.Outlet{
					Name:        fmt.Sprintf("%s 城%05d", ct.NameZH, k+1),
					Category:    ct.Code,
					Point:       alongside(f, e.Geom, rng.Float64(), (3+9*rng.Float64())*float64(1-2*rng.IntN(2))),
					AcceptsCash: true,
					AcceptsCard: rng.IntN(4) > 0,
					Status:      quarterhour.OutletOpen,
					Source:      source,
					SourceRef:   fmt.Sprintf("%soutlet/%s/%d", refPrefix, ct.Code, k+1),
					OriginalCRS: "EPSG:4326",
					Synthetic:   true,
					Services:    []string{},
				}
				err := a.CheckOutlet(ctx, &o, set)
				if err == nil {
					break
				}
				if qe, ok := err.(*quarterhour.Error); !ok || qe.Field != "geometry" {
					return nil, fmt.Errorf("outlet %s: %w", o.SourceRef, err)
				}
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// alongside returns the point at fraction t of line's length, moved side
// metres to its left (negative: right).
func alongside(f frame, line orb.LineString, t, side float64) orb.Point {
	total := geo.LineLengthM(line)
	want := t * total
	for i := 1; i < len(line); i++ {
		seg := geo.DistanceM(line[i-1], line[i])
		if want > seg && i < len(line)-1 {
			want -= seg
			continue
		}
		ax, ay := f.xy(line[i-1])
		bx, by := f.xy(line[i])
		u := 0.0
		if seg > 0 {
			u = math.Min(1, want/seg)
		}
		x, y := ax+u*(bx-ax), ay+u*(by-ay)
		if l := math.Hypot(bx-ax, by-ay); l > 0 {
			x, y = x-side*(by-ay)/l, y+side*(bx-ax)/l
		}
		return f.point(x, y)
	}
	return line[0]
}

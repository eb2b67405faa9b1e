package seeds

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
)

// outletKind is how the demo dresses an outlet of one category.
type outletKind struct {
	names      []string // generic name patterns, %s takes a shop word
	brands     []string // chain brands
	areaM2     [2]float64
	hours      []string // OSM opening_hours values
	services   []string // each offered with chance 0.45
	background float64  // weight when scattering outlets along all streets
}

// outletKinds holds every category of categories.yaml; checked by addOutlets.
var outletKinds = map[string]outletKind{
	"convenience_store": {names: []string{"%s便利店", "%s超市"}, brands: []string{"便利蜂", "美宜佳", "银座便利"},
		areaM2: [2]float64{50, 200}, hours: []string{"24/7", "Mo-Su 07:00-23:00", "Mo-Su 06:30-22:30"},
		services: []string{quarterhour.ServiceBillPayment, quarterhour.ServiceOnlineOrder, quarterhour.ServiceDelivery, quarterhour.ServiceSmartPayment}, background: 18},
	"supermarket": {names: []string{"%s超市", "%s购物广场"}, brands: []string{"统一银座", "利群", "华润万家"},
		areaM2: [2]float64{800, 6000}, hours: []string{"Mo-Su 08:00-21:30", "Mo-Su 08:30-22:00"},
		services: []string{quarterhour.ServiceOnlineOrder, quarterhour.ServiceDelivery, quarterhour.ServiceSmartPayment, quarterhour.ServicePayAgency}, background: 2},
	"wet_market": {names: []string{"%s农贸市场", "%s菜市场"},
		areaM2: [2]float64{1500, 6000}, hours: []string{"Mo-Su 05:30-18:00", "Mo-Su 05:00-12:00,15:00-19:00"}},
	"fresh_grocer": {names: []string{"%s生鲜", "%s果蔬生鲜"}, brands: []string{"家家悦生鲜", "地利生鲜"},
		areaM2: [2]float64{120, 600}, hours: []string{"Mo-Su 06:30-21:30"},
		services: []string{quarterhour.ServiceOnlineOrder, quarterhour.ServiceDelivery}, background: 1},
	"breakfast": {names: []string{"%s早餐", "%s包子铺", "%s煎饼"}, brands: []string{"巴比馒头"},
		areaM2: [2]float64{25, 120}, hours: []string{"Mo-Su 05:30-10:30", "Mo-Su 06:00-13:00"}, background: 12},
	"hair_beauty": {names: []string{"%s美发", "%s美容美发"},
		areaM2: [2]float64{30, 200}, hours: []string{"Mo-Su 09:00-21:00"},
		services: []string{quarterhour.ServiceHomeVisit}, background: 12},
	"laundry": {names: []string{"%s洗衣", "%s干洗店"}, brands: []string{"福奈特", "象王洗衣"},
		areaM2: [2]float64{30, 150}, hours: []string{"Mo-Su 08:00-20:00"},
		services: []string{quarterhour.ServiceHomeVisit, quarterhour.ServiceOnlineOrder}},
	"pharmacy": {names: []string{"%s大药房", "%s药店"}, brands: []string{"漱玉平民大药房", "老百姓大药房", "立健药店"},
		areaM2: [2]float64{60, 300}, hours: []string{"Mo-Su 08:00-22:00", "24/7"},
		services: []string{quarterhour.ServiceDelivery, quarterhour.ServiceOnlineOrder, quarterhour.ServiceSmartPayment}, background: 5},
	"photo_print": {names: []string{"%s图文快印", "%s照相馆"},
		areaM2: [2]float64{20, 120}, hours: []string{"Mo-Sa 08:30-19:00"}, background: 2},
	"housekeeping": {names: []string{"%s家政", "%s家政服务"},
		areaM2: [2]float64{20, 100}, hours: []string{"Mo-Su 08:00-18:00"},
		services: []string{quarterhour.ServiceHomeVisit, quarterhour.ServiceOnlineOrder}},
	"repair": {names: []string{"%s修鞋配钥匙", "%s家电维修", "%s手机维修"},
		areaM2: [2]float64{8, 60}, hours: []string{"Mo-Su 08:00-18:30"},
		services: []string{quarterhour.ServiceHomeVisit}, background: 3},
	"parcel_point": {names: []string{"%s快递驿站"}, brands: []string{"菜鸟驿站", "丰巢智能柜", "兔喜生活", "中国邮政"},
		areaM2: [2]float64{10, 80}, hours: []string{"Mo-Su 08:00-21:00", "24/7"},
		services: []string{quarterhour.ServiceSmartLocker, quarterhour.ServiceDelivery}, background: 6},
	"recycling": {names: []string{"%s再生资源回收点"},
		areaM2: [2]float64{20, 200}, hours: []string{"Mo-Su 08:00-17:00"}, services: []string{quarterhour.ServiceHomeVisit}},
	"specialty_dining": {names: []string{"%s甏肉干饭", "%s羊肉汤", "%s私房菜", "%s菜馆"},
		areaM2: [2]float64{60, 500}, hours: []string{"Mo-Su 10:30-14:00,17:00-21:30"},
		services: []string{quarterhour.ServiceOnlineOrder, quarterhour.ServiceDelivery}, background: 10},
	"fitness": {names: []string{"%s健身", "%s瑜伽馆"}, brands: []string{"乐刻运动"},
		areaM2: [2]float64{150, 1200}, hours: []string{"Mo-Su 06:00-22:00"}},
	"wellness": {names: []string{"%s推拿", "%s中医养生馆", "%s足道"},
		areaM2: [2]float64{60, 400}, hours: []string{"Mo-Su 10:00-23:00"}},
	"education": {names: []string{"%s教育", "%s书法培训", "%s艺术培训"},
		areaM2: [2]float64{80, 600}, hours: []string{"Mo-Fr 15:00-21:00; Sa,Su 08:30-20:00"}, background: 3},
	"leisure": {names: []string{"%sKTV", "%s影城", "%s桌游馆"},
		areaM2: [2]float64{100, 1500}, hours: []string{"Mo-Su 10:00-24:00"}},
	"elderly_care": {names: []string{"%s康养中心", "%s护理站"},
		areaM2: [2]float64{150, 1500}, hours: []string{"24/7"}, services: []string{quarterhour.ServiceHomeVisit}},
	"childcare": {names: []string{"%s托育中心", "%s托管班"},
		areaM2: [2]float64{80, 500}, hours: []string{"Mo-Fr 07:30-18:30"}},
	"cafe": {names: []string{"%s咖啡"}, brands: []string{"瑞幸咖啡", "库迪咖啡"},
		areaM2: [2]float64{20, 200}, hours: []string{"Mo-Su 08:00-21:00"},
		services: []string{quarterhour.ServiceOnlineOrder, quarterhour.ServiceDelivery}},
	"bookstore": {names: []string{"%s书店", "%s书屋"}, brands: []string{"新华书店"},
		areaM2: [2]float64{60, 800}, hours: []string{"Mo-Su 09:00-21:00"}},
	"pet_service": {names: []string{"%s宠物", "%s宠物医院"},
		areaM2: [2]float64{30, 300}, hours: []string{"Mo-Su 09:00-20:00"}},
	"culture_station": {names: []string{"%s文化活动站", "%s图书室"},
		areaM2: [2]float64{100, 600}, hours: []string{"Tu-Su 09:00-17:00"}},
	"health_station": {names: []string{"%s社区卫生服务站", "%s诊所"},
		areaM2: [2]float64{80, 400}, hours: []string{"Mo-Su 08:00-17:30"}, services: []string{quarterhour.ServiceHomeVisit}},
	"elderly_daycare": {names: []string{"%s日间照料中心", "%s养老服务中心"},
		areaM2: [2]float64{200, 800}, hours: []string{"Mo-Su 08:00-18:00"}, services: []string{quarterhour.ServiceHomeVisit}},
	"community_service_centre": {names: []string{"%s社区综合服务中心", "%s党群服务中心"},
		areaM2: [2]float64{300, 1200}, hours: []string{"Mo-Fr 08:30-17:30"},
		services: []string{quarterhour.ServiceBillPayment, quarterhour.ServicePayAgency}},
}

// shopWords fill generic outlet names.
var shopWords = []string{"惠民", "邻里", "家和", "百姓", "阳光", "康宁", "金桥", "运河", "太白", "老街",
	"和顺", "万家", "好运来", "诚信", "同心", "明德", "春晖", "鑫源", "福满多", "荷香", "济州", "鲁源"}

// shortGapPool: a short circle lacks laundry and wet market plus some of these.
var shortGapPool = []string{"fresh_grocer", "housekeeping", "recycling", "photo_print", "repair"}

// outletGen places outlets on the demo streets.
type outletGen struct {
	p       DemoParams
	rng     *rand.Rand
	d       *demo
	tiers   map[string]string
	byTier  map[string][]string // category codes per tier, in taxonomy order
	order   []string
	weights []float64
}

func (d *demo) addOutlets(p DemoParams, rng *rand.Rand, cats []quarterhour.Category) error {
	g := &outletGen{p: p, rng: rng, d: d, tiers: map[string]string{}, byTier: map[string][]string{}}
	for _, c := range cats {
		k, ok := outletKinds[c.Code]
		if !ok {
			return fmt.Errorf("demo outlets: no outlet kind for category %s", c.Code)
		}
		g.tiers[c.Code] = c.Tier
		g.byTier[c.Tier] = append(g.byTier[c.Tier], c.Code)
		if k.background > 0 {
			g.order = append(g.order, c.Code)
			g.weights = append(g.weights, k.background)
		}
	}
	for _, a := range d.areas {
		for _, c := range a.circles {
			g.setMissing(c)
		}
	}
	for _, a := range d.areas {
		for _, c := range a.circles {
			for _, code := range g.circleOutlets(c) {
				g.placeNear(a, c, code)
			}
		}
	}
	totalEdges := 0
	for _, a := range d.areas {
		totalEdges += len(a.net.edges)
	}
	for tries := 0; len(d.bundle.Outlets) < p.Outlets && tries < 20*p.Outlets; tries++ {
		code := g.order[pickWeighted(rng, g.weights)]
		e := rng.IntN(totalEdges)
		for _, a := range d.areas {
			if e < len(a.net.edges) {
				if g.usable(a, e, code) {
					g.place(a, e, code)
				}
				break
			}
			e -= len(a.net.edges)
		}
	}
	return nil
}

// setMissing decides which categories a circle keeps out of reach.
func (g *outletGen) setMissing(c *demoCircle) {
	c.missing = map[string]bool{}
	switch c.profile {
	case profileShort:
		c.radius = g.p.GapRadiusM
		c.missing["laundry"], c.missing["wet_market"] = true, true
		for _, i := range g.rng.Perm(len(shortGapPool))[:2+g.rng.IntN(3)] {
			c.missing[shortGapPool[i]] = true
		}
		for _, q := range g.byTier[quarterhour.TierQuality] {
			c.missing[q] = true
		}
		c.missing["culture_station"], c.missing["elderly_daycare"] = true, true
	case profileBasic:
		c.radius = g.p.QualityRadiusM
		quality := g.byTier[quarterhour.TierQuality]
		keep := 2 + g.rng.IntN(2)
		for n, i := range g.rng.Perm(len(quality)) {
			if n >= keep {
				c.missing[quality[i]] = true
			}
		}
	}
}

// circleOutlets lists the categories a circle brings near its centres.
func (g *outletGen) circleOutlets(c *demoCircle) []string {
	var out []string
	add := func(code string, n int) {
		for ; n > 0; n-- {
			out = append(out, code)
		}
	}
	for _, code := range g.byTier[quarterhour.TierBasic] {
		switch {
		case c.missing[code]:
		case c.profile == profileShort:
			if g.rng.Float64() < 0.7 {
				add(code, 1)
			}
		default:
			add(code, 1+g.rng.IntN(2))
		}
	}
	for _, code := range g.byTier[quarterhour.TierQuality] {
		switch {
		case c.missing[code]:
		case c.profile == profileExcellent:
			if g.rng.Float64() < 0.9 {
				add(code, 1+g.rng.IntN(2))
			}
		case c.profile == profileBasic:
			add(code, 1)
		}
	}
	for _, code := range g.byTier[quarterhour.TierPublic] {
		switch {
		case c.missing[code]:
		case c.profile == profileExcellent, code == "health_station", code == "community_service_centre":
			add(code, 1)
		}
	}
	return out
}

// placeNear puts one outlet of code on a street within PlaceRadiusM of the
// circle's centres (FallbackRadiusM if nothing fits), avoiding places where
// another circle keeps code away.
func (g *outletGen) placeNear(a *demoArea, c *demoCircle, code string) {
	for _, radius := range []float64{g.p.PlaceRadiusM, g.p.FallbackRadiusM} {
		var cands []int
		for e := range a.net.edges {
			u, v := g.ends(a, e)
			if c.dist[u] <= radius && c.dist[v] <= radius && g.usable(a, e, code) {
				cands = append(cands, e)
			}
		}
		if len(cands) > 0 {
			g.place(a, cands[g.rng.IntN(len(cands))], code)
			return
		}
	}
}

func (g *outletGen) ends(a *demoArea, e int) (int, int) {
	ed := a.net.edges[e]
	return int(ed.Source - a.net.nodes[0].ID), int(ed.Target - a.net.nodes[0].ID)
}

// usable: shops face streets (not footpaths or bridges), and no circle of
// the area keeps code away from either end of the edge.
func (g *outletGen) usable(a *demoArea, e int, code string) bool {
	switch a.net.edges[e].Highway {
	case hwPrimary, hwSecondary, hwResidential:
	default:
		return false
	}
	u, v := g.ends(a, e)
	for _, c := range a.circles {
		if c.missing[code] && (c.dist[u] < c.radius || c.dist[v] < c.radius) {
			return false
		}
	}
	return true
}

// place creates an outlet of code beside edge e: part-way along it and 6-15 m
// to one side.
func (g *outletGen) place(a *demoArea, e int, code string) {
	rng, p, k := g.rng, g.p, outletKinds[code]
	u, v := g.ends(a, e)
	x0, y0 := a.net.xy(u)
	x1, y1 := a.net.xy(v)
	t := uniform(rng, 0.15, 0.85)
	dx, dy := (x1-x0)/p.LatticeM, (y1-y0)/p.LatticeM
	off := uniform(rng, 6, 15)
	if rng.IntN(2) == 0 {
		off = -off
	}
	x, y := x0+t*(x1-x0)-dy*off, y0+t*(y1-y0)+dx*off
	pt := a.frame.point(x, y)

	a.outletN++
	o := quarterhour.Outlet{
		Category:    code,
		Point:       pt,
		District:    a.District,
		Address:     fmt.Sprintf("%s%s%d号", a.Zone, streetName(a.net, u, v), houseNumber(x, y, x0 == x1, off)),
		FloorAreaM2: math.Round(uniform(rng, k.areaM2[0], k.areaM2[1])),
		AcceptsCash: rng.Float64() < p.CashShare,
		AcceptsCard: rng.Float64() < p.CardShare,
		LowMargin:   g.tiers[code] == quarterhour.TierBasic && rng.Float64() < p.LowMarginShare,
		Services:    []string{},
		Status:      quarterhour.OutletOpen,
		OpenedOn:    fmt.Sprintf("%d-%02d-%02d", 2008+rng.IntN(17), 1+rng.IntN(12), 1+rng.IntN(28)),
		Source:      DemoSource,
		SourceRef:   fmt.Sprintf("demo:%s:%05d", a.Slug, a.outletN),
		OriginalCRS: "EPSG:4326",
		Synthetic:   true,
	}
	if cell, err := geo.CellOf(pt, geo.DefaultRes); err == nil {
		o.H3 = cell.String()
	}
	word := shopWords[rng.IntN(len(shopWords))]
	if len(k.brands) > 0 && rng.Float64() < p.ChainShare {
		o.Brand = k.brands[rng.IntN(len(k.brands))]
		o.IsChain = true
		o.Name = fmt.Sprintf("%s(%s店)", o.Brand, streetName(a.net, u, v))
	} else {
		o.Name = fmt.Sprintf(k.names[rng.IntN(len(k.names))], word)
	}
	o.OpeningHours = k.hours[rng.IntN(len(k.hours))]
	for _, s := range k.services {
		if rng.Float64() < 0.45 {
			o.Services = append(o.Services, s)
		}
	}
	if rng.Float64() < p.ClosedShare {
		o.Status = quarterhour.OutletClosed
		o.ClosedOn = fmt.Sprintf("%d-%02d-%02d", 2025, 1+rng.IntN(9), 1+rng.IntN(28))
	}
	g.d.bundle.Outlets = append(g.d.bundle.Outlets, o)
}

// streetName names the street of edge u-v on the grid: 经N路 run north-south,
// 纬N路 east-west, numbered from the south-west; local streets are 巷 of the
// main road south or west of them.
func streetName(n *areaNetwork, u, v int) string {
	a, b := n.ij[u], n.ij[v]
	if a[1] == b[1] {
		return lineName("纬", a[1])
	}
	return lineName("经", a[0])
}

// houseNumber numbers buildings every 10 m along the street, odd on one
// side and even on the other.
func houseNumber(x, y float64, northSouth bool, side float64) int {
	along := x
	if northSouth {
		along = y
	}
	n := 2 * (1 + int(along/10))
	if side < 0 {
		n--
	}
	return n
}

var numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func lineName(prefix string, k int) string {
	main := prefix + numerals[(k/8)%len(numerals)] + "路"
	if k%8 == 0 {
		return main
	}
	return fmt.Sprintf("%s%d巷", main, (k%8)/2)
}

// pickWeighted returns an index with probability proportional to its weight.
func pickWeighted(rng *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	r := rng.Float64() * total
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	return len(w) - 1
}

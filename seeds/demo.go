package seeds

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// DemoNetworkArea prefixes the Network.Area of the demo walking networks:
// one network per pilot area ("jining-demo-rencheng"), each connected, since
// the areas lie kilometres apart.
const DemoNetworkArea = "jining-demo"

// DemoSource is the source of every generated demo outlet; a database
// holding such outlets was seeded as the demo.
const DemoSource = "demo"

// DemoParams are the knobs of the demo generator. Distances are metres.
type DemoParams struct {
	// LatticeM is the spacing of the street lattice. Local streets run every
	// 2 steps (125 m), main roads every 8 (500 m, one block); odd lattice
	// lines carry footpaths inside blocks.
	LatticeM float64
	// BridgeEveryMain puts a bridge on every n-th main road (2: every 1,000 m);
	// each area also gets one footbridge on a local street.
	BridgeEveryMain int
	// FootpathShare is the chance that a 125 m cell has a footpath through its
	// middle, drawn separately for the east-west and north-south direction.
	FootpathShare float64
	// CommunityShare is the chance that a land block is a residential
	// community (the rest are schools, offices, parks).
	CommunityShare float64
	// PopulationMin and PopulationMax bound a community's residents.
	PopulationMin, PopulationMax int
	// PersonsPerHousehold turns population into households.
	PersonsPerHousehold float64
	// BuildingM2PerPersonMin and Max bound total building floor area per resident.
	BuildingM2PerPersonMin, BuildingM2PerPersonMax float64
	// NewShare is the share of new-build communities (the 10% commercial-area
	// rule applies to them); half of them fall short of the rule.
	NewShare float64
	// ServiceM2Per100HouseholdsMin and Max bound community service facility
	// area (the 2025 national goal is 30 m² per 100 households).
	ServiceM2Per100HouseholdsMin, ServiceM2Per100HouseholdsMax float64
	// WalkM is the 15-minute walk (4.0 km/h) that population coverage counts.
	WalkM float64
	// BasicCoverageMin and BasicCoverageMax bound the share of a basic
	// circle's residents living within WalkM of its centres: each also serves
	// a community outside its tile whose far end lies beyond the walk.
	BasicCoverageMin, BasicCoverageMax float64
	// FarCoverageMin and FarCoverageMax bound that share for every other
	// short circle, which serves a community FarWalkMinM-FarWalkMaxM away on
	// foot (at its median resident), often across the river from a bridge.
	FarCoverageMin, FarCoverageMax float64
	FarWalkMinM, FarWalkMaxM       float64
	// Outlets is the total number of outlets to generate.
	Outlets int
	// PlaceRadiusM: the outlets a circle brings lie within this walk of a centre.
	PlaceRadiusM float64
	// FallbackRadiusM: where nothing fits within PlaceRadiusM (another
	// circle keeps the category away), the outlet may lie this far; with the
	// edge length and side offset it stays inside a 1,000 m walk.
	FallbackRadiusM float64
	// GapRadiusM: around a short circle its missing categories are absent
	// within this walk of its centres (more than the 1,000 m budget).
	GapRadiusM float64
	// QualityRadiusM: around a basic circle the quality types it lacks are
	// absent within this walk.
	QualityRadiusM float64
	// ClosedShare, LowMarginShare, CashShare and CardShare are outlet shares.
	ClosedShare, LowMarginShare, CashShare, CardShare float64
	// ChainShare is the chance that an outlet of a category with chain
	// brands belongs to one of them.
	ChainShare float64
	// Areas are the pilot areas to build.
	Areas []DemoArea
}

// DemoArea is one pilot area of the demo: a rotated street grid of
// BlocksX x BlocksY main blocks centred on Center, with a river through
// block row RiverRow.
type DemoArea struct {
	Zone        string    // pilot zone name, e.g. 太白湖新区
	District    string    // 6-digit NBS county code the circles and outlets belong to
	HostCounty  string    // code of the county polygon the area lies in (高新区 has none of its own)
	Slug        string    // ASCII id used in source refs
	Center      orb.Point // WGS-84
	RotationDeg float64   // grid bearing, counter-clockwise from east
	BlocksX     int       // even: circles pair block columns
	BlocksY     int
	RiverRow    int
	// Towns are the 9-digit town codes whose 社区 name the communities.
	Towns []string
	// Profiles gives each circle tile its profile: E excellent, B basic,
	// S short. Tiles run west to east, first the 2x2 tiles south of the
	// river, then each block row north of it ("/" is ignored). An E tile
	// must not touch a B or S tile: their exclusion zones would starve it.
	Profiles string
}

// DefaultDemoParams returns the parameters Demo uses.
func DefaultDemoParams() DemoParams {
	return DemoParams{
		LatticeM:                     62.5,
		BridgeEveryMain:              2,
		FootpathShare:                0.45,
		CommunityShare:               0.3,
		PopulationMin:                2000,
		PopulationMax:                12000,
		PersonsPerHousehold:          2.7,
		BuildingM2PerPersonMin:       30,
		BuildingM2PerPersonMax:       42,
		NewShare:                     0.3,
		ServiceM2Per100HouseholdsMin: 12,
		ServiceM2Per100HouseholdsMax: 45,
		WalkM:                        1000,
		BasicCoverageMin:             0.62,
		BasicCoverageMax:             0.9,
		FarCoverageMin:               0.3,
		FarCoverageMax:               0.55,
		FarWalkMinM:                  1250,
		FarWalkMaxM:                  1900,
		Outlets:                      3000,
		PlaceRadiusM:                 550,
		FallbackRadiusM:              900,
		GapRadiusM:                   1100,
		QualityRadiusM:               1050,
		ClosedShare:                  0.03,
		LowMarginShare:               0.06,
		CashShare:                    0.93,
		CardShare:                    0.8,
		ChainShare:                   0.35,
		Areas: []DemoArea{
			{
				Zone: "任城区", District: "370811", HostCounty: "370811", Slug: "rencheng",
				Center: orb.Point{116.592, 35.416}, RotationDeg: 0, BlocksX: 8, BlocksY: 5, RiverRow: 2,
				Towns:    []string{"370811011", "370811013", "370811014", "370811012", "370811007"},
				Profiles: "EBSS/EEBS/EEBS",
			},
			{
				Zone: "兖州区", District: "370812", HostCounty: "370812", Slug: "yanzhou",
				Center: orb.Point{116.812, 35.552}, RotationDeg: 6, BlocksX: 8, BlocksY: 5, RiverRow: 2,
				Towns:    []string{"370812001", "370812003", "370812006"},
				Profiles: "BBSS/EEBS/EEBS",
			},
			{
				Zone: "济宁高新区", District: "370871", HostCounty: "370811", Slug: "gaoxin",
				Center: orb.Point{116.662, 35.402}, RotationDeg: -9, BlocksX: 6, BlocksY: 5, RiverRow: 2,
				Towns:    []string{"370871001", "370871002"},
				Profiles: "EBS/EBS/EBS",
			},
			{
				Zone: "太白湖新区", District: "370811", HostCounty: "370811", Slug: "taibaihu",
				Center: orb.Point{116.582, 35.360}, RotationDeg: 12, BlocksX: 6, BlocksY: 5, RiverRow: 2,
				Towns:    []string{"370811002", "370811006"},
				Profiles: "BSS/EBS/EBS",
			},
		},
	}
}

// Demo returns deterministic synthetic demo data for the four pilot areas
// with the default parameters: communities, one walking network, outlets and
// circles, all flagged Synthetic. The same seed gives identical output.
func Demo(seed int64) (*store.Bundle, error) {
	d, err := generateDemo(seed, DefaultDemoParams())
	if err != nil {
		return nil, err
	}
	return d.bundle, nil
}

// DemoWith is Demo with explicit parameters.
func DemoWith(seed int64, p DemoParams) (*store.Bundle, error) {
	d, err := generateDemo(seed, p)
	if err != nil {
		return nil, err
	}
	return d.bundle, nil
}

// demo is the generator's result plus what tests inspect.
type demo struct {
	bundle   *store.Bundle
	areas    []*demoArea
	profiles []byte // per circle, in bundle order
}

// demoArea is the working state of one area.
type demoArea struct {
	DemoArea
	index    int
	frame    localFrame
	net      *areaNetwork
	circles  []*demoCircle
	polygon  orb.MultiPolygon
	outletN  int
	mainName func(vertical bool, k int) string
	names    [][]quarterhour.Region // unused 社区 rows per town
	nextName int                    // town to take the next name from
	used     map[plot]bool          // plots holding a community
}

func generateDemo(seed int64, p DemoParams) (*demo, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x71756172746572)) // stream id: "quarter"
	bounds, err := Boundaries()
	if err != nil {
		return nil, err
	}
	regions, err := Regions()
	if err != nil {
		return nil, err
	}
	cats, err := Categories()
	if err != nil {
		return nil, err
	}
	d := &demo{bundle: &store.Bundle{}}
	for i, a := range p.Areas {
		poly, ok := bounds[a.HostCounty]
		if !ok {
			return nil, fmt.Errorf("demo area %s: no boundary for host county %s", a.Zone, a.HostCounty)
		}
		if a.BlocksX%2 != 0 || a.RiverRow < 1 || a.RiverRow >= a.BlocksY {
			return nil, fmt.Errorf("demo area %s: BlocksX must be even and RiverRow inside the grid", a.Zone)
		}
		ar := &demoArea{DemoArea: a, index: i, polygon: poly}
		ar.frame = newLocalFrame(a.Center, a.RotationDeg,
			float64(a.BlocksX)*8*p.LatticeM, float64(a.BlocksY)*8*p.LatticeM)
		ar.net = buildAreaNetwork(ar, p, rng)
		if err := ar.checkInside(); err != nil {
			return nil, err
		}
		if err := d.addCommunities(ar, p, rng, regions); err != nil {
			return nil, err
		}
		if err := d.addCircles(ar, p, rng); err != nil {
			return nil, err
		}
		d.areas = append(d.areas, ar)
		d.bundle.Networks = append(d.bundle.Networks, quarterhour.Network{
			Area: DemoNetworkArea + "-" + a.Slug, Synthetic: true, Nodes: ar.net.nodes, Edges: ar.net.edges,
		})
	}
	if err := d.addOutlets(p, rng, cats); err != nil {
		return nil, err
	}
	return d, nil
}

// checkInside verifies that every node of the area lies in its host county.
func (a *demoArea) checkInside() error {
	for _, n := range a.net.nodes {
		if !planar.MultiPolygonContains(a.polygon, n.Point) {
			return fmt.Errorf("demo area %s: node %d at %v lies outside county %s",
				a.Zone, n.ID, n.Point, a.HostCounty)
		}
	}
	return nil
}

// localFrame maps metres on the area's rotated grid (origin at the south-west
// corner) to WGS-84, by an equirectangular projection about the centre.
type localFrame struct {
	center       orb.Point
	sin, cos     float64
	halfW, halfH float64
	mPerDegLon   float64
	mPerDegLat   float64
}

func newLocalFrame(center orb.Point, rotationDeg, width, height float64) localFrame {
	r := rotationDeg * math.Pi / 180
	lat := center.Lat() * math.Pi / 180
	return localFrame{
		center: center, sin: math.Sin(r), cos: math.Cos(r), halfW: width / 2, halfH: height / 2,
		// Metres per degree on the WGS-84 ellipsoid at this latitude.
		mPerDegLon: 111412.84*math.Cos(lat) - 93.5*math.Cos(3*lat),
		mPerDegLat: 111132.92 - 559.82*math.Cos(2*lat) + 1.175*math.Cos(4*lat),
	}
}

// point returns the WGS-84 point x metres east and y metres north (on the
// grid) of the south-west corner.
func (f localFrame) point(x, y float64) orb.Point {
	x, y = x-f.halfW, y-f.halfH
	e := x*f.cos - y*f.sin
	n := x*f.sin + y*f.cos
	return orb.Point{round7(f.center.Lon() + e/f.mPerDegLon), round7(f.center.Lat() + n/f.mPerDegLat)}
}

// round7 rounds degrees to 1e-7 (about 1 cm), the precision of OSM.
func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// communityName turns an NBS 居委会 or 村委会 name into the community's name:
// "王庄社区居民委员会" -> "王庄社区", "菱花居委会" -> "菱花社区", "江庄村村委会" -> "江庄村".
func communityName(nbs string) string {
	for _, suffix := range []string{"居民委员会", "居民委会", "居委会", "村委会"} {
		nbs = strings.TrimSuffix(nbs, suffix)
	}
	if strings.HasSuffix(nbs, "社区") || strings.HasSuffix(nbs, "村") {
		return nbs
	}
	return nbs + "社区"
}

package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/geo"
)

// Limits of the walking-access endpoints.
const (
	maxMinutes     = 60
	maxSpeedKmh    = 10
	maxAccessCells = 20000 // about 300 km² at res 10
	maxSuggest     = 50
	maxNearby      = 1000
)

// walk is the walking profile of a request.
type walk struct {
	Minutes  float64 `json:"minutes"`
	SpeedKmh float64 `json:"speed_kmh"`
	BudgetM  float64 `json:"budget_m"`
}

// mPerMin is the walking speed in metres a minute.
func (w walk) mPerMin() float64 { return w.SpeedKmh * 1000 / 60 }

// queryWalk reads minutes (default 15, in (0, 60]) and speed_kmh (default
// 4.0, in (0, 10]).
func queryWalk(r *http.Request) (walk, error) {
	w := walk{Minutes: access.DefaultMinutes, SpeedKmh: access.DefaultSpeedKmh}
	var err error
	if w.Minutes, err = queryFloat(r, "minutes", w.Minutes); err != nil {
		return w, err
	}
	if !(w.Minutes > 0) || w.Minutes > maxMinutes {
		return w, badRequest("minutes", "minutes must be above 0 and at most %d", maxMinutes)
	}
	if w.SpeedKmh, err = queryFloat(r, "speed_kmh", w.SpeedKmh); err != nil {
		return w, err
	}
	if !(w.SpeedKmh > 0) || w.SpeedKmh > maxSpeedKmh {
		return w, badRequest("speed_kmh", "speed_kmh must be above 0 and at most %d", maxSpeedKmh)
	}
	w.BudgetM = access.BudgetM(w.Minutes, w.SpeedKmh)
	return w, nil
}

func queryFloat(r *http.Request, name string, def float64) (float64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, badRequest(name, "%s %q is not a number", name, v)
	}
	return f, nil
}

// queryOrigin reads the required lon and lat.
func queryOrigin(r *http.Request) (orb.Point, error) {
	var p orb.Point
	for i, name := range []string{"lon", "lat"} {
		if r.URL.Query().Get(name) == "" {
			return p, badRequest(name, "%s is required", name)
		}
		f, err := queryFloat(r, name, 0)
		if err != nil {
			return p, err
		}
		p[i] = f
	}
	if err := geo.ValidateLonLat(p); err != nil {
		return p, badRequest("lon", "%v", err)
	}
	return p, nil
}

// lonLat is a point as JSON.
type lonLat struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

func toLonLat(p orb.Point) lonLat { return lonLat{Lon: p.Lon(), Lat: p.Lat()} }

// offNetworkBody is the 422 answer for an origin away from every street.
type offNetworkBody struct {
	Error     string  `json:"error"`
	Field     string  `json:"field"`
	DistanceM float64 `json:"distance_m"`
	MaxM      float64 `json:"max_m"`
}

// writeGeoError maps engine errors: off network 422, unknown category 400,
// no network loaded 503; the rest as writeError.
func (s *Server) writeGeoError(w http.ResponseWriter, r *http.Request, field string, err error) {
	var off *geo.OffNetworkError
	var unknown *access.UnknownCategoryError
	switch {
	case errors.As(err, &off):
		writeJSON(w, http.StatusUnprocessableEntity, offNetworkBody{Error: off.Error(), Field: field,
			DistanceM: math.Round(off.DistanceM*10) / 10, MaxM: off.MaxM})
	case errors.As(err, &unknown):
		s.writeError(w, r, badRequest("category", "%v", unknown))
	case errors.Is(err, access.ErrNotReady):
		s.writeError(w, r, &Error{Code: quarterhour.EUnavailable, Message: "no walking network is loaded; import one and reload"})
	default:
		s.writeError(w, r, err)
	}
}

// geoEngine returns the engine, loading it on first use.
func (s *Server) geoEngine(ctx context.Context) (*access.Index, error) {
	if err := s.index.EnsureLoaded(ctx); err != nil {
		return nil, err
	}
	if !s.index.Ready() {
		return nil, access.ErrNotReady
	}
	return s.index, nil
}

// queryCategory reads a category code; required makes it mandatory.
func queryCategory(r *http.Request, eng *access.Index, required bool) (string, error) {
	c := r.URL.Query().Get("category")
	if c == "" {
		if required {
			return "", badRequest("category", "category is required")
		}
		return "", nil
	}
	if _, err := eng.Category(c); err != nil {
		return "", badRequest("category", "%v", err)
	}
	return c, nil
}

// isochroneResponse is the body of GET /isochrone.
type isochroneResponse struct {
	Origin    lonLat            `json:"origin"`
	Snap      snapJSON          `json:"snap"`
	Walk      walk              `json:"walk"`
	BudgetM   float64           `json:"budget_m"`
	Res       int               `json:"res"`
	Polygon   *geojson.Geometry `json:"polygon"`
	Cells     []string          `json:"cells"`
	AreaM2    float64           `json:"area_m2"`
	ComputeMS float64           `json:"compute_ms"`
	Nodes     []nodeJSON        `json:"nodes,omitempty"`
}

type snapJSON struct {
	DistanceM float64 `json:"distance_m"`
	Edge      int64   `json:"edge"`
	Point     lonLat  `json:"point"`
}

type nodeJSON struct {
	ID    int64   `json:"id"`
	DistM float64 `json:"dist_m"`
}

func (s *Server) handleIsochrone(w http.ResponseWriter, r *http.Request) {
	origin, err := queryOrigin(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	wk, err := queryWalk(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := queryInt(r, "res", geo.DefaultRes)
	if err != nil || res < 9 || res > 11 {
		s.writeError(w, r, badRequest("res", "res must be 9, 10 or 11"))
		return
	}
	detail := r.URL.Query().Get("detail")
	if detail != "" && detail != "nodes" {
		s.writeError(w, r, badRequest("detail", "detail must be \"nodes\" or absent"))
		return
	}
	eng, err := s.geoEngine(r.Context())
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	start := time.Now()
	iso, err := eng.Isochrone(r.Context(), []orb.Point{origin}, wk.BudgetM, res)
	took := time.Since(start)
	if err != nil {
		s.writeGeoError(w, r, "lon", err)
		return
	}
	writeIsochrone(w, &isochroneBody{origin: origin, walk: wk, iso: iso,
		computeMS: float64(took.Microseconds()) / 1000, nodes: detail == "nodes"})
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func cellStrings(cs []h3.Cell) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

// nearbyOutlet is one outlet of GET /nearby.
type nearbyOutlet struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	Category     string  `json:"category"`
	Lon          float64 `json:"lon"`
	Lat          float64 `json:"lat"`
	WalkM        float64 `json:"walk_m"`
	WalkMin      float64 `json:"walk_min"`
	OpeningHours string  `json:"opening_hours,omitempty"`
	OpenNow      *bool   `json:"open_now,omitempty"`
	AcceptsCash  bool    `json:"accepts_cash"`
	AcceptsCard  bool    `json:"accepts_card"`
	Address      string  `json:"address,omitempty"`
	Brand        string  `json:"brand,omitempty"`
}

type nearbyResponse struct {
	Origin  lonLat         `json:"origin"`
	Walk    walk           `json:"walk"`
	BudgetM float64        `json:"budget_m"`
	Outlets []nearbyOutlet `json:"outlets"`
}

// queryFlag reads a 0/1 (or false/true) query flag.
func queryFlag(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest(name, "%s must be 0 or 1", name)
	}
	return b, nil
}

func (s *Server) handleNearby(w http.ResponseWriter, r *http.Request) {
	origin, err := queryOrigin(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	wk, err := queryWalk(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	openNow, err := queryFlag(r, "open_now")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cash, err := queryFlag(r, "cash")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	card, err := queryFlag(r, "card")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	limit, err := queryInt(r, "limit", 200)
	if err != nil || limit < 1 || limit > maxNearby {
		s.writeError(w, r, badRequest("limit", "limit must be 1 to %d", maxNearby))
		return
	}
	eng, err := s.geoEngine(r.Context())
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	cat, err := queryCategory(r, eng, false)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	hits, err := eng.OutletsWithin(r.Context(), []orb.Point{origin}, wk.BudgetM)
	if err != nil {
		s.writeGeoError(w, r, "lon", err)
		return
	}
	now := time.Now()
	out := nearbyResponse{Origin: toLonLat(origin), Walk: wk, BudgetM: wk.BudgetM, Outlets: []nearbyOutlet{}}
	for _, h := range hits {
		o := h.Outlet
		isOpen := quarterhour.OpenNow(o.OpeningHours, now)
		if (cat != "" && o.Category != cat) || (openNow && !isOpen) || (cash && !o.AcceptsCash) || (card && !o.AcceptsCard) {
			continue
		}
		n := nearbyOutlet{ID: o.ID, Name: o.Name, Category: o.Category, Lon: o.Point.Lon(), Lat: o.Point.Lat(),
			WalkM: round1(h.WalkM), WalkMin: round1(h.WalkM / wk.mPerMin()), OpeningHours: o.OpeningHours,
			AcceptsCash: o.AcceptsCash, AcceptsCard: o.AcceptsCard, Address: o.Address, Brand: o.Brand}
		if o.OpeningHours != "" {
			n.OpenNow = &isOpen
		}
		out.Outlets = append(out.Outlets, n)
		if len(out.Outlets) == limit {
			break
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// accessProps are the properties of one cell of GET /access.
type accessProps struct {
	Cell       string   `json:"cell"`
	Minutes    *float64 `json:"minutes"` // null beyond the budget
	WalkM      *float64 `json:"walk_m"`
	Population int      `json:"population"`
}

func (s *Server) handleAccess(w http.ResponseWriter, r *http.Request) {
	wk, err := queryWalk(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := parseBBox(r.URL.Query().Get("bbox"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if b == nil {
		s.writeError(w, r, badRequest("bbox", "bbox is required"))
		return
	}
	eng, err := s.geoEngine(r.Context())
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	cat, err := queryCategory(r, eng, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cells, err := bboxCells(*b, geo.DefaultRes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	acc, err := eng.Access(r.Context(), cat, cells, wk.BudgetM)
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	fs := make([]Feature, 0, len(acc))
	for _, a := range acc {
		boundary, err := h3.CellToBoundary(a.Cell)
		if err != nil {
			s.writeError(w, r, fmt.Errorf("access: boundary of %v: %w", a.Cell, err))
			return
		}
		ring := make(orb.Ring, 0, len(boundary)+1)
		for _, ll := range boundary {
			ring = append(ring, orb.Point{ll.Lng, ll.Lat})
		}
		ring = append(ring, ring[0])
		p := accessProps{Cell: a.Cell.String(), Population: a.Population}
		if !math.IsInf(a.WalkM, 1) {
			m, d := round1(a.WalkM/wk.mPerMin()), round1(a.WalkM)
			p.Minutes, p.WalkM = &m, &d
		}
		fs = append(fs, newFeature(0, orb.Polygon{ring}, p))
	}
	writeJSON(w, http.StatusOK, newCollection(fs))
}

// bboxCells lists the cells whose centre lies in b, refusing boxes that
// would hold more than maxAccessCells.
func bboxCells(b orb.Bound, res int) ([]h3.Cell, error) {
	area, err := h3.HexagonAreaAvgM2(res)
	if err != nil {
		return nil, fmt.Errorf("cell area at res %d: %w", res, err)
	}
	bboxM2 := geo.DistanceM(orb.Point{b.Min.Lon(), b.Min.Lat()}, orb.Point{b.Max.Lon(), b.Min.Lat()}) *
		geo.DistanceM(orb.Point{b.Min.Lon(), b.Min.Lat()}, orb.Point{b.Min.Lon(), b.Max.Lat()})
	if bboxM2/area > maxAccessCells {
		return nil, badRequest("bbox", "bbox covers about %.0f km², more than the %d cells (%.0f km²) one request may hold; zoom in",
			bboxM2/1e6, maxAccessCells, maxAccessCells*area/1e6)
	}
	loop := h3.GeoLoop{
		h3.NewLatLng(b.Min.Lat(), b.Min.Lon()), h3.NewLatLng(b.Min.Lat(), b.Max.Lon()),
		h3.NewLatLng(b.Max.Lat(), b.Max.Lon()), h3.NewLatLng(b.Max.Lat(), b.Min.Lon()),
	}
	cells, err := h3.PolygonToCells(h3.GeoPolygon{GeoLoop: loop}, res)
	if err != nil {
		return nil, fmt.Errorf("cells of bbox: %w", err)
	}
	slices.Sort(cells)
	return cells, nil
}

// gapJSON is one category's uncovered population in a community.
type gapJSON struct {
	Uncovered int     `json:"uncovered"`
	Share     float64 `json:"share"` // uncovered / population
}

type gapCommunity struct {
	ID         int64              `json:"id"`
	Name       string             `json:"name"`
	Population int                `json:"population"`
	Gaps       map[string]gapJSON `json:"gaps"`
}

type gapsResponse struct {
	District    string         `json:"district"`
	Walk        walk           `json:"walk"`
	BudgetM     float64        `json:"budget_m"`
	Categories  []string       `json:"categories"`
	Communities []gapCommunity `json:"communities"`
}

// queryKnownDistrict reads a required district that must exist: a county
// of the stored regions, or a label outside China that communities carry.
func (s *Server) queryKnownDistrict(r *http.Request) (string, error) {
	d, err := queryDistrict(r)
	if err != nil {
		return "", err
	}
	if d == "" {
		return "", badRequest("district", "district is required")
	}
	ix, err := s.app.Counties(r.Context())
	if err != nil {
		return "", err
	}
	if _, ok := ix.Names()[d]; ok {
		return d, nil
	}
	ok, err := s.app.LabelledDistrict(r.Context(), d)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", badRequest("district", "unknown district %q", d)
	}
	return d, nil
}

func basicCategories(eng *access.Index) []string {
	var out []string
	for _, c := range eng.Categories() {
		if c.Tier == quarterhour.TierBasic {
			out = append(out, c.Code)
		}
	}
	return out
}

func (s *Server) handleGaps(w http.ResponseWriter, r *http.Request) {
	wk, err := queryWalk(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	district, err := s.queryKnownDistrict(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	eng, err := s.geoEngine(r.Context())
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	ids, err := eng.CommunitiesIn(district)
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	out := gapsResponse{District: district, Walk: wk, BudgetM: wk.BudgetM, Categories: basicCategories(eng), Communities: []gapCommunity{}}
	byID := map[int64]*gapCommunity{}
	for _, cat := range out.Categories {
		cov, err := eng.NeedsCoverage(r.Context(), ids, []string{cat}, wk.BudgetM)
		if err != nil {
			s.writeGeoError(w, r, "", err)
			return
		}
		for _, c := range cov {
			g := byID[c.CommunityID]
			if g == nil {
				out.Communities = append(out.Communities, gapCommunity{ID: c.CommunityID, Name: c.Name, Population: c.Population, Gaps: map[string]gapJSON{}})
				g = &out.Communities[len(out.Communities)-1]
				byID[c.CommunityID] = g
			}
			share := 0.0
			if c.Population > 0 {
				share = float64(c.Uncovered) / float64(c.Population)
			}
			g.Gaps[cat] = gapJSON{Uncovered: c.Uncovered, Share: share}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

type suggestionJSON struct {
	Rank            int      `json:"rank"`
	Cell            string   `json:"cell"`
	Lon             float64  `json:"lon"`
	Lat             float64  `json:"lat"`
	AddedPopulation int      `json:"added_population"`
	Covers          []string `json:"covers"`
}

type suggestResponse struct {
	Category    string           `json:"category"`
	District    string           `json:"district"`
	Walk        walk             `json:"walk"`
	BudgetM     float64          `json:"budget_m"`
	Suggestions []suggestionJSON `json:"suggestions"`
}

func (s *Server) handleSuggest(w http.ResponseWriter, r *http.Request) {
	wk, err := queryWalk(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	district, err := s.queryKnownDistrict(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := queryInt(r, "n", 5)
	if err != nil || n < 1 || n > maxSuggest {
		s.writeError(w, r, badRequest("n", "n must be 1 to %d", maxSuggest))
		return
	}
	eng, err := s.geoEngine(r.Context())
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	cat, err := queryCategory(r, eng, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ids, err := eng.CommunitiesIn(district)
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	sug, err := eng.Suggest(r.Context(), cat, ids, wk.BudgetM, n)
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	out := suggestResponse{Category: cat, District: district, Walk: wk, BudgetM: wk.BudgetM, Suggestions: []suggestionJSON{}}
	for i, sg := range sug {
		out.Suggestions = append(out.Suggestions, suggestionJSON{Rank: i + 1, Cell: sg.Cell.String(),
			Lon: sg.Point.Lon(), Lat: sg.Point.Lat(), AddedPopulation: sg.AddedPop, Covers: cellStrings(sg.Covers)})
	}
	writeJSON(w, http.StatusOK, out)
}

// scenarioRequest is the body of POST /scenarios/coverage.
type scenarioRequest struct {
	Add []struct {
		Category string  `json:"category"`
		Lon      float64 `json:"lon"`
		Lat      float64 `json:"lat"`
	} `json:"add"`
	Remove   []int64  `json:"remove"`
	District string   `json:"district"`
	Minutes  *float64 `json:"minutes"`
	SpeedKmh *float64 `json:"speed_kmh"`
}

type coverageJSON struct {
	Covered   int     `json:"covered"`
	Uncovered int     `json:"uncovered"`
	Share     float64 `json:"share"`
}

type scenarioCategory struct {
	Before coverageJSON `json:"before"`
	After  coverageJSON `json:"after"`
	Change int          `json:"change"` // residents newly covered (negative: lost)
}

type scenarioCommunity struct {
	ID         int64                       `json:"id"`
	Name       string                      `json:"name"`
	Population int                         `json:"population"`
	Coverage   map[string]scenarioCategory `json:"coverage"`
}

type scenarioResponse struct {
	Walk        walk                `json:"walk"`
	BudgetM     float64             `json:"budget_m"`
	Categories  []string            `json:"categories"`
	Communities []scenarioCommunity `json:"communities"`
	ComputeMS   float64             `json:"compute_ms"`
}

func toCoverageJSON(c access.CommunityCoverage) coverageJSON {
	return coverageJSON{Covered: c.Covered, Uncovered: c.Uncovered, Share: c.Share}
}

func (s *Server) handleScenarioCoverage(w http.ResponseWriter, r *http.Request) {
	var req scenarioRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	wk := walk{Minutes: access.DefaultMinutes, SpeedKmh: access.DefaultSpeedKmh}
	if req.Minutes != nil {
		wk.Minutes = *req.Minutes
	}
	if req.SpeedKmh != nil {
		wk.SpeedKmh = *req.SpeedKmh
	}
	if !(wk.Minutes > 0) || wk.Minutes > maxMinutes {
		s.writeError(w, r, badRequest("minutes", "minutes must be above 0 and at most %d", maxMinutes))
		return
	}
	if !(wk.SpeedKmh > 0) || wk.SpeedKmh > maxSpeedKmh {
		s.writeError(w, r, badRequest("speed_kmh", "speed_kmh must be above 0 and at most %d", maxSpeedKmh))
		return
	}
	wk.BudgetM = access.BudgetM(wk.Minutes, wk.SpeedKmh)
	if len(req.Add) == 0 && len(req.Remove) == 0 {
		s.writeError(w, r, badRequest("add", "give outlets to add or remove"))
		return
	}
	eng, err := s.geoEngine(r.Context())
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	sc := access.Scenario{Remove: req.Remove}
	for i, a := range req.Add {
		field := fmt.Sprintf("add[%d]", i)
		if _, err := eng.Category(a.Category); err != nil {
			s.writeError(w, r, badRequest(field+".category", "%v", err))
			return
		}
		p := orb.Point{a.Lon, a.Lat}
		if err := geo.ValidateLonLat(p); err != nil {
			s.writeError(w, r, badRequest(field+".lon", "%v", err))
			return
		}
		sc.Add = append(sc.Add, access.ScenarioSite{Category: a.Category, Point: p})
	}
	if req.District != "" {
		if !app.SixDigits.MatchString(req.District) {
			s.writeError(w, r, badRequest("district", "district %q is not a 6-digit county code", req.District))
			return
		}
		if sc.CommunityIDs, err = eng.CommunitiesIn(req.District); err != nil {
			s.writeGeoError(w, r, "", err)
			return
		}
	}
	start := time.Now()
	res, err := eng.Simulate(r.Context(), sc, wk.BudgetM)
	if err != nil {
		var off *geo.OffNetworkError
		if errors.As(err, &off) {
			s.writeGeoError(w, r, "add", err)
			return
		}
		if errors.Is(err, quarterhour.ErrNotFound) {
			s.writeError(w, r, badRequest("remove", "%v", err))
			return
		}
		s.writeGeoError(w, r, "", err)
		return
	}
	out := scenarioResponse{Walk: wk, BudgetM: wk.BudgetM, Categories: res.Categories, Communities: []scenarioCommunity{}}
	for _, id := range res.CommunityIDs {
		covs := res.Communities[id]
		if len(covs) == 0 {
			continue
		}
		c := scenarioCommunity{ID: id, Name: covs[0].Before.Name, Population: covs[0].Before.Population, Coverage: map[string]scenarioCategory{}}
		for _, cv := range covs {
			c.Coverage[cv.Category] = scenarioCategory{Before: toCoverageJSON(cv.Before), After: toCoverageJSON(cv.After),
				Change: cv.After.Covered - cv.Before.Covered}
		}
		out.Communities = append(out.Communities, c)
	}
	out.ComputeMS = float64(time.Since(start).Microseconds()) / 1000
	writeJSON(w, http.StatusOK, out)
}

type circleOutlet struct {
	ID    int64   `json:"id"`
	Name  string  `json:"name"`
	WalkM float64 `json:"walk_m"`
}

type communityCoverageJSON struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	Population int     `json:"population"`
	Covered    int     `json:"covered"`
	Uncovered  int     `json:"uncovered"`
	Share      float64 `json:"share"`
}

func toCommunityCoverageJSON(c access.CommunityCoverage) communityCoverageJSON {
	return communityCoverageJSON{ID: c.CommunityID, Name: c.Name, Population: c.Population,
		Covered: c.Covered, Uncovered: c.Uncovered, Share: c.Share}
}

type circleCoverageResponse struct {
	CircleID    int64                     `json:"circle_id"`
	Name        string                    `json:"name"`
	Centers     []lonLat                  `json:"centers"`
	Walk        walk                      `json:"walk"`
	BudgetM     float64                   `json:"budget_m"`
	Polygon     *geojson.Geometry         `json:"polygon"`
	AreaM2      float64                   `json:"area_m2"`
	Outlets     map[string][]circleOutlet `json:"outlets"` // by category, nearest first
	Communities []communityCoverageJSON   `json:"communities"`
}

func (s *Server) handleCircleCoverage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	wk, err := queryWalk(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.GetCircle(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	eng, err := s.geoEngine(r.Context())
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	iso, err := eng.Isochrone(r.Context(), c.Centers, wk.BudgetM, geo.DefaultRes)
	if err != nil {
		s.writeGeoError(w, r, "centers", err)
		return
	}
	hits, err := eng.OutletsWithin(r.Context(), c.Centers, wk.BudgetM)
	if err != nil {
		s.writeGeoError(w, r, "centers", err)
		return
	}
	ids := c.CommunityIDs
	if ids == nil {
		ids = []int64{}
	}
	cov, err := eng.CoverageFrom(r.Context(), c.Centers, wk.BudgetM, ids)
	if err != nil {
		s.writeGeoError(w, r, "centers", err)
		return
	}
	out := circleCoverageResponse{CircleID: c.ID, Name: c.Name, Walk: wk, BudgetM: wk.BudgetM,
		Polygon: geojson.NewGeometry(iso.Polygon), AreaM2: math.Round(iso.AreaM2),
		Outlets: map[string][]circleOutlet{}, Communities: []communityCoverageJSON{}}
	for _, p := range c.Centers {
		out.Centers = append(out.Centers, toLonLat(p))
	}
	for _, h := range hits {
		out.Outlets[h.Outlet.Category] = append(out.Outlets[h.Outlet.Category], circleOutlet{ID: h.Outlet.ID, Name: h.Outlet.Name, WalkM: round1(h.WalkM)})
	}
	for _, cc := range cov {
		out.Communities = append(out.Communities, toCommunityCoverageJSON(cc))
	}
	writeJSON(w, http.StatusOK, out)
}

type communityCategoryJSON struct {
	Category     string   `json:"category"`
	Tier         string   `json:"tier"`
	Covered      int      `json:"covered"`
	Uncovered    int      `json:"uncovered"`
	Share        float64  `json:"share"`
	NearestWalkM *float64 `json:"nearest_walk_m"` // null beyond the budget
}

type communityAccessResponse struct {
	Community  communityCoverageJSON   `json:"community"` // basic-needs coverage: every basic category within budget
	Walk       walk                    `json:"walk"`
	BudgetM    float64                 `json:"budget_m"`
	Categories []communityCategoryJSON `json:"categories"`
}

func (s *Server) handleCommunityCoverage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	wk, err := queryWalk(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	eng, err := s.geoEngine(r.Context())
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	acc, err := eng.CommunityAccess(r.Context(), id, nil, wk.BudgetM)
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	basic, err := eng.NeedsCoverage(r.Context(), []int64{id}, basicCategories(eng), wk.BudgetM)
	if err != nil {
		s.writeGeoError(w, r, "", err)
		return
	}
	tiers := map[string]string{}
	for _, c := range eng.Categories() {
		tiers[c.Code] = c.Tier
	}
	out := communityAccessResponse{Community: toCommunityCoverageJSON(basic[0]), Walk: wk, BudgetM: wk.BudgetM}
	for _, a := range acc {
		c := communityCategoryJSON{Category: a.Category, Tier: tiers[a.Category], Covered: a.Covered, Uncovered: a.Uncovered, Share: a.Share}
		if !math.IsInf(a.NearestWalkM, 1) {
			d := round1(a.NearestWalkM)
			c.NearestWalkM = &d
		}
		out.Categories = append(out.Categories, c)
	}
	writeJSON(w, http.StatusOK, out)
}

// handleReload reloads the walking engine from the store (admin only), for
// a running server after an import.
func (s *Server) handleReload(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if p == nil {
		s.writeError(w, r, errUnauthenticated)
		return
	}
	if p.User.Role != quarterhour.RoleAdmin {
		s.writeError(w, r, forbidden("", "only an admin may reload the engine"))
		return
	}
	if err := s.index.Reload(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.index.Stats())
}

var (
	pMinutes  = param{name: "minutes", in: "query", typ: "number", desc: "walking minutes, default 15, at most 60"}
	pSpeed    = param{name: "speed_kmh", in: "query", typ: "number", desc: "walking speed, default 4.0 km/h"}
	pLon      = param{name: "lon", in: "query", typ: "number", required: true, desc: "WGS-84 longitude"}
	pLat      = param{name: "lat", in: "query", typ: "number", required: true, desc: "WGS-84 latitude"}
	pCategory = param{name: "category", in: "query", typ: "string", desc: "category code"}
)

// geoOperations documents the walking-access routes of geo.go.
var geoOperations = []operation{
	{method: "GET", path: "/api/v1/isochrone", summary: "Area reachable on foot from a point (H3 cells merged into a MultiPolygon); 422 with distance_m when the point is over 300 m from the network", tag: "access", ok: 200, result: "Isochrone", params: []param{
		pLon, pLat, pMinutes, pSpeed,
		{name: "res", in: "query", typ: "integer", desc: "H3 resolution 9-11, default 10"},
		{name: "detail", in: "query", typ: "string", desc: "\"nodes\" adds every reached walk_nodes.id with its distance"},
	}},
	{method: "GET", path: "/api/v1/nearby", summary: "Open outlets reachable on foot, nearest first", tag: "access", ok: 200, result: "Nearby", params: []param{
		pLon, pLat, pMinutes, pSpeed, pCategory,
		{name: "open_now", in: "query", typ: "integer", desc: "1: only outlets whose opening_hours say open now (China time)"},
		{name: "cash", in: "query", typ: "integer", desc: "1: only outlets accepting cash"},
		{name: "card", in: "query", typ: "integer", desc: "1: only outlets accepting bank cards"},
		{name: "limit", in: "query", typ: "integer", desc: "default 200, at most 1000"},
	}},
	{method: "GET", path: "/api/v1/access", summary: "H3 res-10 cells of a bbox with walking minutes to the nearest outlet of a category (null beyond the budget) and population", tag: "access", ok: 200, result: "FeatureCollection", params: []param{
		{name: "category", in: "query", typ: "string", required: true, desc: "category code"},
		{name: "bbox", in: "query", typ: "string", required: true, desc: "minLon,minLat,maxLon,maxLat; at most 20,000 cells"},
		pMinutes, pSpeed,
	}},
	{method: "GET", path: "/api/v1/gaps", summary: "Per community and basic category, the population beyond the walk budget", tag: "access", ok: 200, result: "Gaps", params: []param{
		{name: "district", in: "query", typ: "string", required: true, desc: "6-digit county code"}, pMinutes, pSpeed,
	}},
	{method: "GET", path: "/api/v1/suggest", summary: "Candidate cells for a new outlet ranked by the uncovered residents each brings within the budget (greedy maximal covering)", tag: "access", ok: 200, result: "Suggestions", params: []param{
		{name: "category", in: "query", typ: "string", required: true, desc: "category code"},
		{name: "district", in: "query", typ: "string", required: true, desc: "6-digit county code"},
		{name: "n", in: "query", typ: "integer", desc: "number of sites, default 5, at most 50"},
		pMinutes, pSpeed,
	}},
	{method: "POST", path: "/api/v1/scenarios/coverage", summary: "Coverage per community and changed category today and with hypothetical outlets opened or closed; nothing is stored", tag: "access", body: "ScenarioRequest", ok: 200, result: "ScenarioResult"},
	{method: "GET", path: "/api/v1/circles/{id}/coverage", summary: "A circle's isochrone from its centres, the outlets inside by category and the covered population of each served community", tag: "access", ok: 200, result: "CircleCoverage", params: []param{pID, pMinutes, pSpeed}},
	{method: "GET", path: "/api/v1/communities/{id}/coverage", summary: "Per category the share of a community's residents within the budget and the shortest walk", tag: "access", ok: 200, result: "CommunityCoverage", params: []param{pID, pMinutes, pSpeed}},
	{method: "POST", path: "/api/v1/admin/reload", summary: "Reload networks, outlets and communities into the walking engine (admin); run after an import into a running server", tag: "system", ok: 200, result: "EngineStats", write: true},
}

// withGeoSchemas adds the schemas of the walking-access routes to s.
func withGeoSchemas(s map[string]any) map[string]any {
	lonLat := obj(map[string]any{"lon": tNum, "lat": tNum}, "lon", "lat")
	walk := obj(map[string]any{"minutes": tNum, "speed_kmh": tNum, "budget_m": tNum})
	coverage := obj(map[string]any{"covered": tInt, "uncovered": tInt, "share": tNum})
	commCov := obj(map[string]any{"id": tInt, "name": tString, "population": tInt, "covered": tInt, "uncovered": tInt, "share": tNum})
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	maps.Copy(s, map[string]any{
		"Isochrone": obj(map[string]any{
			"origin": lonLat, "walk": walk, "budget_m": tNum, "res": tInt,
			"snap":    obj(map[string]any{"distance_m": tNum, "edge": tInt, "point": lonLat}),
			"polygon": tGeom, "cells": tStrings, "area_m2": tNum, "compute_ms": tNum,
			"nodes": arr(obj(map[string]any{"id": tInt, "dist_m": tNum})),
		}, "origin", "snap", "budget_m", "polygon", "cells"),
		"Nearby": obj(map[string]any{
			"origin": lonLat, "walk": walk, "budget_m": tNum,
			"outlets": arr(obj(map[string]any{
				"id": tInt, "name": tString, "category": tString, "lon": tNum, "lat": tNum,
				"walk_m": tNum, "walk_min": tNum, "opening_hours": tString, "open_now": tBool,
				"accepts_cash": tBool, "accepts_card": tBool, "address": tString, "brand": tString,
			})),
		}, "origin", "budget_m", "outlets"),
		"Gaps": obj(map[string]any{
			"district": tString, "walk": walk, "budget_m": tNum, "categories": tStrings,
			"communities": arr(obj(map[string]any{
				"id": tInt, "name": tString, "population": tInt,
				"gaps": map[string]any{"type": "object", "additionalProperties": obj(map[string]any{"uncovered": tInt, "share": tNum})},
			})),
		}),
		"Suggestions": obj(map[string]any{
			"category": tString, "district": tString, "walk": walk, "budget_m": tNum,
			"suggestions": arr(obj(map[string]any{"rank": tInt, "cell": tString, "lon": tNum, "lat": tNum, "added_population": tInt, "covers": tStrings})),
		}),
		"ScenarioRequest": obj(map[string]any{
			"add":      arr(obj(map[string]any{"category": tString, "lon": tNum, "lat": tNum}, "category", "lon", "lat")),
			"remove":   tInts,
			"district": tString, "minutes": tNum, "speed_kmh": tNum,
		}),
		"ScenarioResult": obj(map[string]any{
			"walk": walk, "budget_m": tNum, "categories": tStrings, "compute_ms": tNum,
			"communities": arr(obj(map[string]any{
				"id": tInt, "name": tString, "population": tInt,
				"coverage": map[string]any{"type": "object", "additionalProperties": obj(map[string]any{"before": coverage, "after": coverage, "change": tInt})},
			})),
		}),
		"CircleCoverage": obj(map[string]any{
			"circle_id": tInt, "name": tString, "centers": arr(lonLat), "walk": walk, "budget_m": tNum,
			"polygon": tGeom, "area_m2": tNum,
			"outlets":     map[string]any{"type": "object", "additionalProperties": arr(obj(map[string]any{"id": tInt, "name": tString, "walk_m": tNum}))},
			"communities": arr(commCov),
		}),
		"CommunityCoverage": obj(map[string]any{
			"community": commCov, "walk": walk, "budget_m": tNum,
			"categories": arr(obj(map[string]any{"category": tString, "tier": tString, "covered": tInt, "uncovered": tInt, "share": tNum, "nearest_walk_m": tNum})),
		}),
		"EngineStats": obj(map[string]any{
			"areas":   arr(obj(map[string]any{"area": tString, "nodes": tInt, "edges": tInt, "components": tInt, "largest_component_share": tNum, "routing_bytes": tInt, "geometry_bytes": tInt})),
			"outlets": tInt, "communities": tInt, "categories": tInt, "loaded_at": tTime, "load_ms": tNum,
		}),
	})
	return s
}

package api

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/geo"
)

// query reads the parameters of a request's URL, checking each as it goes.
// The first bad one is kept in err, so a handler reads all it needs and
// then checks once.
type query struct {
	vals url.Values
	err  error
}

func params(r *http.Request) *query { return &query{vals: r.URL.Query()} }

// fail keeps err unless an earlier error is kept.
func (q *query) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

// str is a parameter as given, "" when absent.
func (q *query) str(name string) string { return q.vals.Get(name) }

// int reads a non-negative integer, def when absent.
func (q *query) int(name string, def int) int {
	v := q.str(name)
	if v == "" || q.err != nil {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		q.fail(badRequest(name, "%s must be a non-negative integer", name))
	}
	return n
}

// float reads a finite number, def when absent.
func (q *query) float(name string, def float64) float64 {
	v := q.str(name)
	if v == "" || q.err != nil {
		return def
	}
	f, ok := finite(v)
	if !ok {
		q.fail(badRequest(name, "%s %q is not a number", name, v))
	}
	return f
}

// finite parses v as a number, refusing NaN and the infinities.
func finite(v string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// flag reads a switch: 1, true or yes; 0, false or no (any case); false
// when absent.
func (q *query) flag(name string) bool {
	switch strings.ToLower(q.str(name)) {
	case "", "0", "f", "false", "no":
		return false
	case "1", "t", "true", "yes":
		return true
	}
	q.fail(badRequest(name, "%s must be 1 or 0", name))
	return false
}

// bbox reads "minLon,minLat,maxLon,maxLat" in WGS-84; nil when absent.
func (q *query) bbox() *orb.Bound {
	v := q.str("bbox")
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		q.fail(badRequest("bbox", "bbox wants minLon,minLat,maxLon,maxLat"))
		return nil
	}
	var n [4]float64
	for i, p := range parts {
		var ok bool
		if n[i], ok = finite(p); !ok {
			q.fail(badRequest("bbox", "bbox value %q is not a number", p))
			return nil
		}
	}
	b := orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	switch {
	case b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1]:
		q.fail(badRequest("bbox", "bbox minimum exceeds maximum"))
	case b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90:
		q.fail(badRequest("bbox", "bbox is outside longitude [-180,180] / latitude [-90,90]"))
	default:
		return &b
	}
	return nil
}

// district reads a 6-digit county code or a label such as PT1312; "" when
// absent.
func (q *query) district() string {
	d := q.str("district")
	if d != "" && !app.ValidDistrict(d) {
		q.fail(badRequest("district", "district %q is neither a 6-digit county code nor a label such as PT1312", d))
		return ""
	}
	return d
}

// origin reads the required lon and lat of a point.
func (q *query) origin() orb.Point {
	var p orb.Point
	for i, name := range []string{"lon", "lat"} {
		if q.str(name) == "" {
			q.fail(badRequest(name, "%s is required", name))
		}
		p[i] = q.float(name, 0)
	}
	if err := geo.ValidateLonLat(p); err != nil {
		q.fail(badRequest("lon", "%v", err))
	}
	return p
}

// walk reads minutes (default 15) and speed_kmh (default 4.0).
func (q *query) walk() walk {
	w, err := newWalk(q.float("minutes", geo.DefaultWalk.Minutes), q.float("speed_kmh", geo.DefaultWalk.SpeedKmh))
	if err != nil {
		q.fail(err)
	}
	return w
}

// crs reads the coordinate system geometry is returned in; WGS-84, the
// stored system, when absent.
func (q *query) crs() geo.CRS {
	v := strings.TrimSpace(q.str("crs"))
	if v == "" {
		return geo.WGS84
	}
	crs, err := geo.ParseCRS(v)
	if err != nil {
		q.fail(badRequest("crs", "%v", err))
		return geo.WGS84
	}
	return crs
}

// queryInt reads one non-negative integer parameter (see query.int).
func queryInt(r *http.Request, name string, def int) (int, error) {
	q := params(r)
	n := q.int(name, def)
	return n, q.err
}

// queryDistrict reads the district parameter (see query.district).
func queryDistrict(r *http.Request) (string, error) {
	q := params(r)
	d := q.district()
	return d, q.err
}

// badQuery writes the error of the first bad parameter q read, reporting
// whether there was one.
func (s *Server) badQuery(w http.ResponseWriter, r *http.Request, q *query) bool {
	if q.err != nil {
		s.writeError(w, r, q.err)
	}
	return q.err != nil
}

// offNetworkBody is the 422 answer for a point away from every street.
type offNetworkBody struct {
	Error     string  `json:"error"`
	Field     string  `json:"field"`
	DistanceM float64 `json:"distance_m"`
	MaxM      float64 `json:"max_m"`
}

// reply writes v as JSON with status, or err when there is one.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// fail writes err: a point off the walking network as a 422 with its
// distance, the rest as writeError.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var off *app.OffNetworkError
	if errors.As(err, &off) {
		writeJSON(w, http.StatusUnprocessableEntity, offNetworkBody{Error: off.Error(), Field: off.Field,
			DistanceM: round1(off.DistanceM), MaxM: off.MaxM})
		return
	}
	s.writeError(w, r, err)
}

package proj

import (
	"fmt"
	"sort"
	"strings"
)

// entry is one registered projected CRS: its names as EPSG and ESRI spell
// them and its parameters.
type entry struct {
	code       int
	name, esri string
	datum      Datum
	params     TMParams
}

var (
	registry = map[int]entry{}
	// byName maps normalised EPSG and ESRI names to codes.
	byName = map[string]int{}
)

func register(e entry) {
	registry[e.code] = e
	byName[normName(e.name)] = e.code
	byName[normName(e.esri)] = e.code
}

func init() {
	gk := func(cm, fe float64) TMParams {
		return TMParams{Ellipsoid: CGCS2000Ellipsoid, CentralMeridian: cm, Scale: 1, FalseEasting: fe}
	}
	// CGCS2000 6-degree Gauss–Krüger: zones 13–23, central meridians
	// 75°E–135°E, with and without the zone number in the false easting.
	for z := 13; z <= 23; z++ {
		cm := float64(6*z - 3)
		register(entry{code: 4491 + z - 13, datum: CGCS2000,
			name:   fmt.Sprintf("CGCS2000 / Gauss-Kruger zone %d", z),
			esri:   fmt.Sprintf("CGCS2000_GK_Zone_%d", z),
			params: gk(cm, float64(z)*1e6+500000)})
		register(entry{code: 4502 + z - 13, datum: CGCS2000,
			name:   fmt.Sprintf("CGCS2000 / Gauss-Kruger CM %dE", int(cm)),
			esri:   fmt.Sprintf("CGCS2000_GK_CM_%dE", int(cm)),
			params: gk(cm, 500000)})
	}
	// CGCS2000 3-degree Gauss–Krüger: zones 25–45, central meridians
	// 75°E–135°E.
	for z := 25; z <= 45; z++ {
		cm := float64(3 * z)
		register(entry{code: 4513 + z - 25, datum: CGCS2000,
			name:   fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger zone %d", z),
			esri:   fmt.Sprintf("CGCS2000_3_Degree_GK_Zone_%d", z),
			params: gk(cm, float64(z)*1e6+500000)})
		register(entry{code: 4534 + z - 25, datum: CGCS2000,
			name:   fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger CM %dE", int(cm)),
			esri:   fmt.Sprintf("CGCS2000_3_Degree_GK_CM_%dE", int(cm)),
			params: gk(cm, 500000)})
	}
	// WGS 84 / UTM, north and south.
	for z := 1; z <= 60; z++ {
		p := TMParams{Ellipsoid: WGS84Ellipsoid, CentralMeridian: float64(6*z - 183), Scale: 0.9996, FalseEasting: 500000}
		register(entry{code: 32600 + z, datum: WGS84, params: p,
			name: fmt.Sprintf("WGS 84 / UTM zone %dN", z),
			esri: fmt.Sprintf("WGS_1984_UTM_Zone_%dN", z)})
		p.FalseNorthing = 10_000_000
		register(entry{code: 32700 + z, datum: WGS84, params: p,
			name: fmt.Sprintf("WGS 84 / UTM zone %dS", z),
			esri: fmt.Sprintf("WGS_1984_UTM_Zone_%dS", z)})
	}
}

// unsupported names EPSG codes we recognise but refuse, with the reason.
func unsupported(code int) string {
	const shift = datumShiftAdvice
	in := func(lo, hi int) bool { return code >= lo && code <= hi }
	switch {
	case code == 4214 || in(2401, 2442) || in(21413, 21423) || in(21453, 21463) || in(21473, 21483):
		return "Beijing 1954 " + shift
	case code == 4610 || in(2327, 2390):
		return "Xian 1980 " + shift
	case code == 4555:
		return "New Beijing " + shift
	case code == 3857 || code == 900913 || code == 102100:
		return "Web Mercator tile coordinates are not supported; export longitude/latitude (EPSG:4326) instead"
	}
	return ""
}

// EPSG returns the CRS registered under code: 4326, 4490, the CGCS2000
// Gauss–Krüger zones 4491–4554 and WGS 84 / UTM 32601–32660, 32701–32760.
func EPSG(code int) (CRS, error) {
	switch code {
	case 4326:
		return LonLatWGS84, nil
	case 4490:
		return LonLatCGCS2000, nil
	}
	if e, ok := registry[code]; ok {
		tm, err := NewTransverseMercator(e.params)
		if err != nil {
			return CRS{}, err
		}
		return CRS{EPSG: code, Name: e.name, Datum: e.datum, Projection: tm}, nil
	}
	if why := unsupported(code); why != "" {
		return CRS{}, fmt.Errorf("EPSG:%d is not supported: %s", code, why)
	}
	return CRS{}, fmt.Errorf("EPSG:%d is not supported (supported: 4326, 4490, the CGCS2000 Gauss-Kruger zones 4491-4554, e.g. 4548 for CM 117°E, and WGS 84 / UTM 326xx, 327xx)", code)
}

// Codes lists the supported EPSG codes in ascending order.
func Codes() []int {
	out := []int{4326, 4490}
	for c := range registry {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

// lookupName returns the code registered under a projected CRS name as EPSG
// or ESRI write it.
func lookupName(name string) (int, bool) {
	c, ok := byName[normName(name)]
	return c, ok
}

// lookupParams returns the code of the registered CRS with datum d and
// parameters p. Where two codes share parameters, as the 3-degree and
// 6-degree zones on the same central meridian do (EPSG:4548 and
// EPSG:4509 at 117°E), the 3-degree one, more common in municipal data,
// wins.
func lookupParams(d Datum, p TMParams) (int, bool) {
	codes := make([]int, 0, len(registry))
	for c := range registry {
		codes = append(codes, c)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(codes)))
	for _, c := range codes {
		if e := registry[c]; sameDatum(e.datum, d) && sameTM(e.params, p) {
			return c, true
		}
	}
	return 0, false
}

// normName lowercases s and keeps only letters and digits, so that
// "CGCS2000_3_Degree_GK_CM_117E" and "cgcs2000 3 degree gk cm 117e" match.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

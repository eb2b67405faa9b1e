package proj

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxWKT bounds the WKT text ParseWKT reads; a .prj is a few hundred bytes.
const maxWKT = 64 << 10

// ParseWKT reads the WKT of a Shapefile .prj, in the ESRI or OGC WKT 1
// dialect or WKT 2: a WGS 84 or CGCS2000 geographic CRS, or a transverse
// Mercator / Gauss–Krüger projection of one, such as
// PROJCS["CGCS2000_3_Degree_GK_CM_117E",...]. A projection that matches a
// registered EPSG code gets that code and its name. Other datums, among
// them Beijing 1954 and Xian 1980, are refused.
func ParseWKT(s string) (CRS, error) {
	if len(s) > maxWKT {
		return CRS{}, fmt.Errorf("WKT of %d bytes is too long", len(s))
	}
	p := &wktParser{s: strings.TrimPrefix(s, "\ufeff")}
	p.space()
	root, err := p.node(0)
	if err != nil {
		return CRS{}, fmt.Errorf("malformed WKT: %w", err)
	}
	p.space()
	if p.i < len(p.s) {
		return CRS{}, fmt.Errorf("malformed WKT: unexpected %q after the closing bracket", p.rest())
	}
	return fromWKT(root)
}

// wktNode is KEYWORD[args...].
type wktNode struct {
	kw   string
	args []wktArg
}

// wktArg is a quoted string, a bare number or word, or a nested node.
type wktArg struct {
	text   string
	quoted bool
	node   *wktNode
}

type wktParser struct {
	s string
	i int
}

const maxWKTDepth = 32

func (p *wktParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "…"
	}
	return r
}

func (p *wktParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *wktParser) word() string {
	j := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' || c == '+' {
			p.i++
			continue
		}
		break
	}
	return p.s[j:p.i]
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, errors.New("nested too deeply")
	}
	kw := p.word()
	if kw == "" {
		return nil, fmt.Errorf("expected a keyword at %q", p.rest())
	}
	p.space()
	if p.i >= len(p.s) || (p.s[p.i] != '[' && p.s[p.i] != '(') {
		return nil, fmt.Errorf("expected [ after %s", kw)
	}
	closer := byte(']')
	if p.s[p.i] == '(' {
		closer = ')'
	}
	p.i++
	n := &wktNode{kw: strings.ToUpper(kw)}
	for {
		p.space()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("%s is not closed", kw)
		}
		if p.s[p.i] == closer && len(n.args) == 0 {
			p.i++
			return n, nil
		}
		a, err := p.arg(depth)
		if err != nil {
			return nil, err
		}
		n.args = append(n.args, a)
		p.space()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("%s is not closed", kw)
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case closer:
			p.i++
			return n, nil
		default:
			return nil, fmt.Errorf("unexpected %q in %s", p.rest(), kw)
		}
	}
}

func (p *wktParser) arg(depth int) (wktArg, error) {
	if p.s[p.i] == '"' {
		var b strings.Builder
		p.i++
		for {
			j := strings.IndexByte(p.s[p.i:], '"')
			if j < 0 {
				return wktArg{}, errors.New("unterminated string")
			}
			b.WriteString(p.s[p.i : p.i+j])
			p.i += j + 1
			if p.i < len(p.s) && p.s[p.i] == '"' {
				b.WriteByte('"')
				p.i++
				continue
			}
			return wktArg{text: b.String(), quoted: true}, nil
		}
	}
	start := p.i
	w := p.word()
	if w == "" {
		return wktArg{}, fmt.Errorf("unexpected %q", p.rest())
	}
	p.space()
	if p.i < len(p.s) && (p.s[p.i] == '[' || p.s[p.i] == '(') {
		p.i = start
		n, err := p.node(depth + 1)
		return wktArg{node: n}, err
	}
	return wktArg{text: w}, nil
}

// name is the node's first argument when it is text.
func (n *wktNode) name() string {
	if len(n.args) > 0 && n.args[0].node == nil {
		return n.args[0].text
	}
	return ""
}

// num returns argument i as a number.
func (n *wktNode) num(i int) (float64, error) {
	if i >= len(n.args) || n.args[i].node != nil {
		return 0, fmt.Errorf("%s[%s] lacks a number", n.kw, n.name())
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(n.args[i].text), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s[%s] has %q where a number belongs", n.kw, n.name(), n.args[i].text)
	}
	return v, nil
}

// child returns the first direct child with one of the keywords.
func (n *wktNode) child(kws ...string) *wktNode {
	for _, a := range n.args {
		if a.node == nil {
			continue
		}
		for _, k := range kws {
			if a.node.kw == k {
				return a.node
			}
		}
	}
	return nil
}

// children returns every direct child with keyword kw.
func (n *wktNode) children(kw string) []*wktNode {
	var out []*wktNode
	for _, a := range n.args {
		if a.node != nil && a.node.kw == kw {
			out = append(out, a.node)
		}
	}
	return out
}

var (
	geogKeywords = []string{"GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS", "BASEGEOGCRS", "BASEGEODCRS"}
	projKeywords = []string{"PROJCS", "PROJCRS", "PROJECTEDCRS"}
)

func fromWKT(n *wktNode) (CRS, error) {
	switch n.kw {
	case "COMPD_CS", "COMPOUNDCRS":
		if h := n.child(append(projKeywords, geogKeywords...)...); h != nil {
			return fromWKT(h)
		}
		return CRS{}, errors.New("the compound CRS has no horizontal part")
	case "PROJCS", "PROJCRS", "PROJECTEDCRS":
		return projectedWKT(n)
	}
	for _, k := range geogKeywords {
		if n.kw == k {
			d, _, err := datumWKT(n)
			if err != nil {
				return CRS{}, err
			}
			if err := angleUnitWKT(n); err != nil {
				return CRS{}, err
			}
			if d == WGS84 {
				return LonLatWGS84, nil
			}
			return LonLatCGCS2000, nil
		}
	}
	return CRS{}, fmt.Errorf("WKT %s[%q] is not a geographic or projected CRS", n.kw, n.name())
}

// datumWKT reads the datum and ellipsoid of a geographic CRS node.
func datumWKT(g *wktNode) (Datum, Ellipsoid, error) {
	dn := g.child("DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE")
	if dn == nil {
		return "", Ellipsoid{}, fmt.Errorf("%s[%q] has no DATUM", g.kw, g.name())
	}
	en := dn.child("SPHEROID", "ELLIPSOID")
	if en == nil {
		en = g.child("SPHEROID", "ELLIPSOID")
	}
	if en == nil {
		return "", Ellipsoid{}, fmt.Errorf("datum %q has no SPHEROID", dn.name())
	}
	a, err := en.num(1)
	if err != nil {
		return "", Ellipsoid{}, err
	}
	rf, err := en.num(2)
	if err != nil {
		return "", Ellipsoid{}, err
	}
	if u := en.child("LENGTHUNIT", "UNIT"); u != nil {
		f, err := u.num(1)
		if err != nil {
			return "", Ellipsoid{}, err
		}
		a *= f
	}
	if pm := g.child("PRIMEM", "PRIMEMERIDIAN"); pm != nil {
		if v, err := pm.num(1); err != nil || v != 0 {
			return "", Ellipsoid{}, fmt.Errorf("prime meridian %q is not Greenwich", pm.name())
		}
	}
	e := Ellipsoid{A: a, InvF: rf}
	name := normName(dn.name())
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-6 }
	switch {
	case near(a, 6378137) && near(rf, CGCS2000Ellipsoid.InvF) &&
		(strings.Contains(name, "china") && strings.Contains(name, "2000") || strings.Contains(name, "cgcs2000")):
		return CGCS2000, CGCS2000Ellipsoid, nil
	case near(a, 6378137) && near(rf, WGS84Ellipsoid.InvF) &&
		(strings.Contains(name, "wgs") && strings.Contains(name, "84") || strings.Contains(name, "worldgeodeticsystem1984")):
		return WGS84, WGS84Ellipsoid, nil
	case near(a, 6378245):
		return "", e, fmt.Errorf("datum %q (Krasovsky ellipsoid, Beijing 1954) is not supported: it %s", dn.name(), datumShiftAdvice)
	case near(a, 6378140):
		return "", e, fmt.Errorf("datum %q (IAG 1975 ellipsoid, Xian 1980) is not supported: it %s", dn.name(), datumShiftAdvice)
	}
	return "", e, fmt.Errorf("datum %q (ellipsoid a=%g, 1/f=%g) is not supported: want CGCS2000 or WGS 84", dn.name(), a, rf)
}

const datumShiftAdvice = "needs a local datum shift with no published parameters; ask for the data in CGCS2000 (e.g. EPSG:4548 or EPSG:4490) or WGS 84"

// angleUnitWKT checks that a geographic CRS counts in degrees.
func angleUnitWKT(g *wktNode) error {
	units := []*wktNode{}
	if u := g.child("UNIT", "ANGLEUNIT"); u != nil {
		units = append(units, u)
	}
	for _, ax := range g.children("AXIS") {
		if u := ax.child("ANGLEUNIT", "UNIT"); u != nil {
			units = append(units, u)
		}
	}
	for _, u := range units {
		v, err := u.num(1)
		if err != nil {
			return err
		}
		if math.Abs(v-deg) > 1e-12 {
			return fmt.Errorf("angular unit %q is not degrees", u.name())
		}
	}
	return nil
}

func projectedWKT(n *wktNode) (CRS, error) {
	base := n.child(geogKeywords...)
	if base == nil {
		return CRS{}, fmt.Errorf("%s[%q] has no geographic base CRS", n.kw, n.name())
	}
	d, ell, err := datumWKT(base)
	if err != nil {
		return CRS{}, err
	}
	// WKT 1 puts PROJECTION and PARAMETERs in the PROJCS; WKT 2 in a
	// CONVERSION with a METHOD.
	holder := n
	method := n.child("PROJECTION")
	if conv := n.child("CONVERSION"); conv != nil {
		holder = conv
		method = conv.child("METHOD", "PROJECTION")
	}
	if method == nil {
		return CRS{}, fmt.Errorf("%s[%q] names no projection", n.kw, n.name())
	}
	switch normName(method.name()) {
	case "transversemercator", "gausskruger", "gaussianskruger", "gausskrugerprojection":
	default:
		return CRS{}, fmt.Errorf("projection %q is not supported: only transverse Mercator (Gauss-Kruger) is", method.name())
	}
	p := TMParams{Ellipsoid: ell, Scale: 1}
	haveCM := false
	for _, par := range holder.children("PARAMETER") {
		v, err := par.num(1)
		if err != nil {
			return CRS{}, err
		}
		if u := par.child("ANGLEUNIT"); u != nil {
			f, err := u.num(1)
			if err != nil {
				return CRS{}, err
			}
			v *= f / deg
		}
		if u := par.child("LENGTHUNIT", "SCALEUNIT"); u != nil {
			f, err := u.num(1)
			if err != nil {
				return CRS{}, err
			}
			v *= f
		}
		switch normName(par.name()) {
		case "centralmeridian", "longitudeofnaturalorigin", "longitudeoforigin", "longitudeofcenter":
			p.CentralMeridian, haveCM = v, true
		case "latitudeoforigin", "latitudeofnaturalorigin", "latitudeofcenter":
			p.LatitudeOfOrigin = v
		case "scalefactor", "scalefactoratnaturalorigin":
			p.Scale = v
		case "falseeasting":
			p.FalseEasting = v
		case "falsenorthing":
			p.FalseNorthing = v
		default:
			return CRS{}, fmt.Errorf("transverse Mercator parameter %q is not supported", par.name())
		}
	}
	if !haveCM {
		return CRS{}, fmt.Errorf("%s[%q] has no central meridian", n.kw, n.name())
	}
	if err := linearUnitWKT(n); err != nil {
		return CRS{}, err
	}
	tm, err := NewTransverseMercator(p)
	if err != nil {
		return CRS{}, err
	}
	c := CRS{Name: n.name(), Datum: d, Projection: tm}
	// The code the WKT gives, or its name, identifies the CRS when it has
	// the registered parameters; otherwise the parameters alone do.
	code, ok := authorityWKT(n)
	if !ok {
		code, ok = lookupName(n.name())
	}
	if e, known := registry[code]; !ok || !known || !sameDatum(e.datum, d) || !sameTM(e.params, p) {
		code, ok = lookupParams(d, p)
	}
	if ok {
		c.EPSG, c.Name = code, registry[code].name
	}
	return c, nil
}

// authorityWKT reads AUTHORITY["EPSG","4548"] or ID["EPSG",4548] on n.
func authorityWKT(n *wktNode) (int, bool) {
	a := n.child("AUTHORITY", "ID")
	if a == nil || !strings.EqualFold(a.name(), "EPSG") {
		return 0, false
	}
	v, err := a.num(1)
	if err != nil || v != math.Trunc(v) {
		return 0, false
	}
	return int(v), true
}

// linearUnitWKT checks that a projected CRS counts in metres.
func linearUnitWKT(n *wktNode) error {
	var units []*wktNode
	if u := n.child("UNIT", "LENGTHUNIT"); u != nil {
		units = append(units, u)
	}
	axes := n.children("AXIS")
	for _, ax := range axes {
		if u := ax.child("LENGTHUNIT", "UNIT"); u != nil {
			units = append(units, u)
		}
	}
	for _, u := range units {
		v, err := u.num(1)
		if err != nil {
			return err
		}
		if math.Abs(v-1) > 1e-12 {
			return fmt.Errorf("linear unit %q (%g m) is not metres", u.name(), v)
		}
	}
	return nil
}

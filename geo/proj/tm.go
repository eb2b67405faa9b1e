package proj

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Ellipsoid is a reference ellipsoid given by its semi-major axis in metres
// and its inverse flattening.
type Ellipsoid struct {
	A    float64 // semi-major axis, metres
	InvF float64 // inverse flattening 1/f
}

// Reference ellipsoids. CGCS2000's differs from GRS 80 only in constants
// that do not enter a projection, so they project identically.
var (
	// CGCS2000Ellipsoid is the ellipsoid of the China Geodetic Coordinate
	// System 2000.
	CGCS2000Ellipsoid = Ellipsoid{A: 6378137, InvF: 298.257222101}
	// WGS84Ellipsoid is the ellipsoid of WGS 84.
	WGS84Ellipsoid = Ellipsoid{A: 6378137, InvF: 298.257223563}
)

// TMParams defines a transverse Mercator (Gauss–Krüger) projection. Angles
// are in degrees, distances in metres.
type TMParams struct {
	Ellipsoid        Ellipsoid
	CentralMeridian  float64
	LatitudeOfOrigin float64
	Scale            float64
	FalseEasting     float64
	FalseNorthing    float64
}

// TransverseMercator projects between longitude/latitude in degrees and
// easting/northing in metres on an ellipsoid, to well under a millimetre
// within a few thousand kilometres of the central meridian. Build one with
// NewTransverseMercator.
type TransverseMercator struct {
	p TMParams
	// e is the eccentricity, e2 its square.
	e, e2 float64
	// kA is the scale times the rectifying radius: metres per unit of the
	// conformal sphere's ξ and η.
	kA float64
	// alpha and beta are the Krüger series coefficients of the forward
	// and inverse maps; index 0 is unused.
	alpha, beta [7]float64
	// y0 is the northing, before the false northing, of the latitude of
	// origin on the central meridian.
	y0 float64
}

// NewTransverseMercator checks p and returns the projection it defines.
func NewTransverseMercator(p TMParams) (*TransverseMercator, error) {
	switch {
	case !finite(p.Ellipsoid.A, p.Ellipsoid.InvF, p.CentralMeridian, p.LatitudeOfOrigin, p.Scale, p.FalseEasting, p.FalseNorthing):
		return nil, errors.New("transverse Mercator parameters must be finite numbers")
	case p.Ellipsoid.A <= 0 || p.Ellipsoid.InvF <= 1:
		return nil, fmt.Errorf("ellipsoid a=%g 1/f=%g is not a valid oblate ellipsoid", p.Ellipsoid.A, p.Ellipsoid.InvF)
	case p.Scale <= 0 || p.Scale > 2:
		return nil, fmt.Errorf("scale factor %g is out of range", p.Scale)
	case p.CentralMeridian < -180 || p.CentralMeridian > 360:
		return nil, fmt.Errorf("central meridian %g° is out of range", p.CentralMeridian)
	case math.Abs(p.LatitudeOfOrigin) >= 90:
		return nil, fmt.Errorf("latitude of origin %g° is out of range", p.LatitudeOfOrigin)
	}
	t := &TransverseMercator{p: p}
	f := 1 / p.Ellipsoid.InvF
	t.e2 = f * (2 - f)
	t.e = math.Sqrt(t.e2)
	n := f / (2 - f)
	n2 := n * n
	n3, n4, n5, n6 := n2*n, n2*n2, n2*n2*n, n2*n2*n2
	t.kA = p.Scale * p.Ellipsoid.A / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	// Krüger's series to sixth order in the third flattening n; the
	// coefficients are eqs. 35 and 36 of Karney, "Transverse Mercator
	// with an accuracy of a few nanometers", J. Geodesy 85 (2011).
	t.alpha = [7]float64{0,
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	t.beta = [7]float64{0,
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	if p.LatitudeOfOrigin != 0 {
		xi, _ := t.series(p.LatitudeOfOrigin*deg, 0)
		t.y0 = t.kA * xi
	}
	return t, nil
}

// Params returns the parameters the projection was built from.
func (t *TransverseMercator) Params() TMParams { return t.p }

const deg = math.Pi / 180

// Forward projects a longitude/latitude point in degrees to easting and
// northing in metres.
func (t *TransverseMercator) Forward(lonlat orb.Point) orb.Point {
	lam := math.Remainder(lonlat[0]-t.p.CentralMeridian, 360) * deg
	xi, eta := t.series(lonlat[1]*deg, lam)
	return orb.Point{
		t.p.FalseEasting + t.kA*eta,
		t.p.FalseNorthing + t.kA*xi - t.y0,
	}
}

// series maps latitude phi and longitude lam from the central meridian, in
// radians, to the transverse Mercator ξ and η of the rectifying sphere.
func (t *TransverseMercator) series(phi, lam float64) (xi, eta float64) {
	tau := math.Tan(phi)
	if math.Abs(phi) == math.Pi/2 {
		tau = math.Copysign(math.Inf(1), phi)
	}
	taup := t.conformalTau(tau)
	xip := math.Atan2(taup, math.Cos(lam))
	etap := math.Asinh(math.Sin(lam) / math.Hypot(taup, math.Cos(lam)))
	xi, eta = xip, etap
	for j := 1; j <= 6; j++ {
		s, c := math.Sincos(2 * float64(j) * xip)
		xi += t.alpha[j] * s * math.Cosh(2*float64(j)*etap)
		eta += t.alpha[j] * c * math.Sinh(2*float64(j)*etap)
	}
	return xi, eta
}

// conformalTau returns tan χ for tan φ = tau, χ being the conformal
// latitude.
func (t *TransverseMercator) conformalTau(tau float64) float64 {
	if math.IsInf(tau, 0) {
		return tau
	}
	tau1 := math.Hypot(1, tau)
	sig := math.Sinh(t.e * math.Atanh(t.e*tau/tau1))
	return math.Hypot(1, sig)*tau - sig*tau1
}

// Inverse returns the longitude/latitude in degrees of a point given as
// easting and northing in metres.
func (t *TransverseMercator) Inverse(xy orb.Point) orb.Point {
	xi := (xy[1] - t.p.FalseNorthing + t.y0) / t.kA
	eta := (xy[0] - t.p.FalseEasting) / t.kA
	xip, etap := xi, eta
	for j := 1; j <= 6; j++ {
		s, c := math.Sincos(2 * float64(j) * xi)
		xip -= t.beta[j] * s * math.Cosh(2*float64(j)*eta)
		etap -= t.beta[j] * c * math.Sinh(2*float64(j)*eta)
	}
	sxip, cxip := math.Sincos(xip)
	shetap := math.Sinh(etap)
	taup := sxip / math.Hypot(shetap, cxip)
	lam := math.Atan2(shetap, cxip)
	tau := t.tauFromConformal(taup)
	lon := t.p.CentralMeridian + lam/deg
	lon = math.Remainder(lon, 360)
	return orb.Point{lon, math.Atan(tau) / deg}
}

// tauFromConformal inverts conformalTau by Newton's method.
func (t *TransverseMercator) tauFromConformal(taup float64) float64 {
	if math.IsInf(taup, 0) || math.IsNaN(taup) {
		return taup
	}
	e2m := 1 - t.e2
	tau := taup / e2m
	for i := 0; i < 8; i++ {
		tp := t.conformalTau(tau)
		dtau := (taup - tp) / math.Hypot(1, tp) * (1 + e2m*tau*tau) / (e2m * math.Hypot(1, tau))
		tau += dtau
		if math.Abs(dtau) <= 1e-15*math.Max(1, math.Abs(tau)) {
			break
		}
	}
	return tau
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

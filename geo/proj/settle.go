package proj

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
)

// ErrCRSConflict reports a file that declares one CRS while the user
// declared another.
var ErrCRSConflict = errors.New("conflicting coordinate reference systems")

// Settle decides the CRS of a file's coordinates from the one the file
// declares (fromFile, zero when it declares none; where names the
// declaration, e.g. "roads.prj" or "the GeoJSON crs member") and the one
// the user declared (zero when none). The file's own wins when the user
// declared none or an equal one; two that differ are refused with
// ErrCRSConflict. When neither is known the CRS is never guessed: the
// error wraps ErrNoCRS and, when extent (the coordinates' bound; pass
// hasExtent false when there are none) does not fit degrees, says what
// the numbers look like with Hint.
func Settle(fromFile CRS, where string, declared CRS, extent orb.Bound, hasExtent bool) (CRS, error) {
	switch {
	case !fromFile.IsZero() && !declared.IsZero():
		if !fromFile.Equal(declared) {
			return CRS{}, fmt.Errorf("%w: %s says %s but %s was declared: leave the declared CRS out or make it agree",
				ErrCRSConflict, where, fromFile, declared)
		}
		return fromFile, nil
	case !fromFile.IsZero():
		return fromFile, nil
	case !declared.IsZero():
		return declared, nil
	}
	msg := "it is never guessed: declare it (wgs84 for GPS and OSM, gcj02 for Amap and Tencent, bd09 for Baidu, " +
		"cgcs2000, or an EPSG code such as EPSG:4548)"
	if hasExtent {
		if h := Hint(extent); h != "" {
			msg += "; " + h
		}
	}
	return CRS{}, fmt.Errorf("%w by the file or by the user; %s", ErrNoCRS, msg)
}

package ingest

import (
	"errors"
	"strings"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo/proj"
	"github.com/quarterhour/quarterhour/geo/shp"
	"github.com/quarterhour/quarterhour/geo/table"
	"github.com/quarterhour/quarterhour/geo/vector"
)

// FileError turns a file format package's refusal into a
// *quarterhour.Error: too large is ETooLarge, something well-formed but not
// read (a MultiPatch shape, an unknown code page, a Beijing 1954 .prj)
// EUnsupportedMedia, anything else EInvalid; the field is crs when the CRS
// is at fault (missing, contradicted, unsupported), else file. Other
// errors pass through.
func FileError(err error) error {
	var se *shp.Error
	var te *table.Error
	var ve *vector.Error
	switch {
	case errors.As(err, &se):
		field, code := "file", quarterhour.EInvalid
		if errors.Is(err, proj.ErrNoCRS) || strings.HasSuffix(strings.ToLower(se.File), ".prj") {
			field = "crs"
		}
		switch {
		case errors.Is(err, shp.ErrTooLarge):
			code = quarterhour.ETooLarge
		case errors.Is(err, shp.ErrUnsupported):
			code = quarterhour.EUnsupportedMedia
		}
		return quarterhour.Errorf(code, field, "%s", se.Reason)
	case errors.As(err, &te):
		if errors.Is(err, table.ErrTooLarge) {
			return quarterhour.Errorf(quarterhour.ETooLarge, "file", "%s", te.Reason)
		}
		return quarterhour.Invalid("file", "%s", te.Reason)
	case errors.As(err, &ve):
		if ve.CRS {
			return quarterhour.Invalid("crs", "%s", ve.Reason)
		}
		return quarterhour.Invalid("file", "%s", ve.Reason)
	}
	return err
}

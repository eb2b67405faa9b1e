package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
)

// DefaultScheme is the scheme a preview uses when none is named.
const DefaultScheme = "jining-2023"

// MaxSchemeBytes bounds a scheme document loaded at run time.
const MaxSchemeBytes = 1 << 20

// SchemeSummary is a scheme as listed: its latest version, the reconstructed
// flag and notice, and the points and tiers it awards.
type SchemeSummary struct {
	Code          string   `json:"code"`
	Version       int      `json:"version"`
	Name          string   `json:"name"`
	NameEN        string   `json:"name_en"`
	Years         []int    `json:"years"`
	Reconstructed bool     `json:"reconstructed"`
	Notice        string   `json:"notice,omitempty"`
	TotalPoints   float64  `json:"total_points"`
	Tiers         []string `json:"tiers"`
}

// Schemes lists the latest version of every stored scheme.
func (a *App) Schemes(ctx context.Context) ([]SchemeSummary, error) {
	rows, err := a.store.ListSchemes(ctx)
	if err != nil {
		return nil, fmt.Errorf("list schemes: %w", err)
	}
	out := make([]SchemeSummary, 0, len(rows))
	for _, row := range rows {
		sch, err := parseStoredScheme(row)
		if err != nil {
			return nil, err
		}
		sum := SchemeSummary{Code: row.Code, Version: row.Version, Name: sch.Name.ZH, NameEN: sch.Name.EN,
			Years: sch.Years, Reconstructed: sch.Reconstructed, Notice: sch.Notice, TotalPoints: sch.TotalPoints}
		for _, t := range sch.Tiers {
			sum.Tiers = append(sum.Tiers, t.Code)
		}
		out = append(out, sum)
	}
	return out, nil
}

// Scheme returns the latest stored version of scheme code with its document.
func (a *App) Scheme(ctx context.Context, code string) (quarterhour.Scheme, error) {
	row, err := a.store.GetScheme(ctx, code)
	if err != nil {
		return row, fmt.Errorf("get scheme %s: %w", code, err)
	}
	return row, nil
}

// LoadScheme stores a scheme document (YAML, or JSON, which is YAML) sent by
// an admin. It is refused with the reason unless it parses and validates
// against the inputs scoring knows and its award cap is within the city's
// ceiling. A version is loaded once: the same document again keeps it,
// another document under a loaded version is EConflict.
func (a *App) LoadScheme(ctx context.Context, u *quarterhour.User, doc []byte) (quarterhour.Scheme, error) {
	if u == nil {
		return quarterhour.Scheme{}, errLoginRequired
	}
	if u.Role != quarterhour.RoleAdmin {
		return quarterhour.Scheme{}, quarterhour.Forbidden("", "only an admin may load a scheme; %s is %s", u.Username, u.Role)
	}
	if len(doc) > MaxSchemeBytes {
		return quarterhour.Scheme{}, quarterhour.Errorf(quarterhour.ETooLarge, "", "a scheme document is at most %d bytes", MaxSchemeBytes)
	}
	sch, err := scoring.ParseScheme(doc)
	if err == nil {
		err = sch.Validate(scoring.DefaultInputs())
	}
	if err != nil {
		return quarterhour.Scheme{}, quarterhour.Invalid("", "scheme refused: %v", err)
	}
	if sch.Award != nil && sch.Award.CapYuan > a.ceiling {
		return quarterhour.Scheme{}, quarterhour.Invalid("award.cap_yuan", "scheme refused: its award cap of ¥%d is above the city's ceiling of ¥%d per circle, which is policy set when the server starts", sch.Award.CapYuan, a.ceiling)
	}
	canonical, err := json.Marshal(sch)
	if err != nil {
		return quarterhour.Scheme{}, fmt.Errorf("encode scheme %s: %w", sch.Code, err)
	}
	row := quarterhour.Scheme{Code: sch.Code, Version: sch.Version, Name: sch.Name.ZH, Years: sch.Years,
		Reconstructed: sch.Reconstructed, Document: canonical, CreatedBy: u.Username}
	if err := a.store.UpsertScheme(ctx, &row); err != nil {
		if errors.Is(err, quarterhour.ErrConflict) {
			return row, quarterhour.Errorf(quarterhour.EConflict, "version", "scheme %s refused: %v; a loaded version is never changed in place", sch.Code, errors.Unwrap(err))
		}
		return row, fmt.Errorf("store scheme %s: %w", sch.Code, err)
	}
	a.log.InfoContext(ctx, "scheme loaded", "code", row.Code, "version", row.Version, "by", u.Username)
	return row, nil
}

// ParsedScheme returns the latest stored version of scheme code, parsed. An
// empty or unknown code is an EInvalid error naming the field "scheme".
func (a *App) ParsedScheme(ctx context.Context, code string) (*scoring.Scheme, error) {
	if code == "" {
		return nil, quarterhour.Invalid("scheme", "scheme is required (for example %s)", DefaultScheme)
	}
	row, err := a.store.GetScheme(ctx, code)
	if errors.Is(err, quarterhour.ErrNotFound) {
		return nil, quarterhour.Invalid("scheme", "unknown scheme %q", code)
	}
	if err != nil {
		return nil, fmt.Errorf("get scheme %s: %w", code, err)
	}
	sch, err := parseStoredScheme(row)
	if err != nil {
		return nil, err
	}
	sch.Version = row.Version
	return sch, nil
}

func parseStoredScheme(row quarterhour.Scheme) (*scoring.Scheme, error) {
	sch, err := scoring.ParseScheme(row.Document)
	if err != nil {
		return nil, fmt.Errorf("parse stored scheme %s v%d: %w", row.Code, row.Version, err)
	}
	return sch, nil
}

// schemeHasIndicator reports whether sch defines indicator id.
func schemeHasIndicator(sch *scoring.Scheme, id string) bool {
	for _, ind := range sch.Indicators {
		if ind.ID == id {
			return true
		}
	}
	return false
}

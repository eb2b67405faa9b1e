package app

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// RegionLevels lists the levels of the administrative divisions.
var RegionLevels = []string{quarterhour.LevelCity, quarterhour.LevelCounty, quarterhour.LevelTown, quarterhour.LevelCommunity}

// regionCode matches a county (6), town (9) or community (12 digits) code.
var regionCode = regexp.MustCompile(`^([0-9]{6}|[0-9]{9}|[0-9]{12})$`)

// fullCode pads a 6-digit county or 9-digit town code to the 12-digit NBS
// form.
func fullCode(code string) string {
	return code + strings.Repeat("0", 12-len(code))
}

// CheckRegionLevel checks a region level filter; "" is any level.
func CheckRegionLevel(level string) error {
	if level != "" && !slices.Contains(RegionLevels, level) {
		return quarterhour.Invalid("level", "level must be one of %s", strings.Join(RegionLevels, ", "))
	}
	return nil
}

// ListRegions returns the regions of level ("" any) below parent ("" any),
// a 6-, 9- or 12-digit code.
func (a *App) ListRegions(ctx context.Context, level, parent string) ([]quarterhour.Region, error) {
	f := store.RegionFilter{Level: level}
	if err := CheckRegionLevel(level); err != nil {
		return nil, err
	}
	if parent != "" {
		if !regionCode.MatchString(parent) {
			return nil, quarterhour.Invalid("parent", "parent %q is not a 6-, 9- or 12-digit region code", parent)
		}
		f.Parent = fullCode(parent)
	}
	rs, err := a.store.ListRegions(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	return rs, nil
}

// GetRegion returns the region of a 6-, 9- or 12-digit code; a malformed
// code is not found.
func (a *App) GetRegion(ctx context.Context, code string) (quarterhour.Region, error) {
	if !regionCode.MatchString(code) {
		return quarterhour.Region{}, quarterhour.Errorf(quarterhour.ENotFound, "code", "%q is not a 6-, 9- or 12-digit region code", code)
	}
	r, err := a.store.GetRegion(ctx, fullCode(code))
	if err != nil {
		return r, fmt.Errorf("get region %s: %w", code, err)
	}
	return r, nil
}

// Extent is the bound of the counties with a boundary, nil when none has
// one.
func (a *App) Extent(ctx context.Context) (*orb.Bound, error) {
	ix, err := a.Counties(ctx)
	if err != nil || len(ix.Polygons) == 0 {
		return nil, err
	}
	b := ix.Polygons[0].Bound
	for _, c := range ix.Polygons[1:] {
		b = b.Union(c.Bound)
	}
	return &b, nil
}

// ListCategories returns the outlet categories.
func (a *App) ListCategories(ctx context.Context) ([]quarterhour.Category, error) {
	cs, err := a.store.ListCategories(ctx)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	if cs == nil {
		cs = []quarterhour.Category{}
	}
	return cs, nil
}

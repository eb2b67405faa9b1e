package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// Exports for planners: whole layers as downloadable files.
//
// Who may export what: outlets and regions are public layers (the resident
// map shows them), so anyone may download them, district users included,
// whole-city. Communities (population, households, floor areas), circles
// and the walking network are planning data and need a login; a district
// user gets only their own district's communities and circles.

// exportRule says who may export a layer: login, whether it needs one;
// scoped, whether a district user gets only their own district.
type exportRule struct{ login, scoped bool }

var exportRules = map[string]exportRule{
	"outlets":     {},
	"regions":     {},
	"communities": {login: true, scoped: true},
	"circles":     {login: true, scoped: true},
	"network":     {login: true},
}

// ExportLayers lists the layers that can be exported, sorted.
var ExportLayers = []string{"circles", "communities", "network", "outlets", "regions"}

// ExportDistrict checks that u (nil: anonymous) may export layer limited
// to district ("" the whole city) and returns the district the export
// covers: a district user's own for the planning layers.
func ExportDistrict(u *quarterhour.User, layer, district string) (string, error) {
	rule, ok := exportRules[layer]
	if !ok {
		return "", quarterhour.Errorf(quarterhour.ENotFound, "layer", "no export layer %q; layers: %s", layer, strings.Join(ExportLayers, ", "))
	}
	if rule.login && u == nil {
		return "", errLoginRequired
	}
	if rule.scoped && u != nil && u.Role == quarterhour.RoleDistrict {
		if district != "" && district != u.District {
			return "", quarterhour.Forbidden("district", "user %s may only export district %s, not %s", u.Username, u.District, district)
		}
		district = u.District
	}
	return district, nil
}

// CirclesIn returns the circles matching f with a centre in bbox (nil: anywhere).
func (a *App) CirclesIn(ctx context.Context, f store.CircleFilter, bbox *orb.Bound) ([]quarterhour.Circle, error) {
	cs, err := a.ListCircles(ctx, f)
	if err != nil || bbox == nil {
		return cs, err
	}
	return slices.DeleteFunc(cs, func(c quarterhour.Circle) bool { return !slices.ContainsFunc(c.Centers, bbox.Contains) }), nil
}

// RegionsIn returns the regions of level (county when "") in district
// ("" any) whose boundary meets bbox (nil: all, with or without one).
func (a *App) RegionsIn(ctx context.Context, level, district string, bbox *orb.Bound) ([]quarterhour.Region, error) {
	if level == "" {
		level = quarterhour.LevelCounty
	}
	if err := CheckRegionLevel(level); err != nil {
		return nil, err
	}
	rs, err := a.store.ListRegions(ctx, store.RegionFilter{Level: level, County: district})
	if err != nil || bbox == nil {
		return rs, fmtErr("list regions", err)
	}
	return slices.DeleteFunc(rs, func(r quarterhour.Region) bool {
		return len(r.Boundary) == 0 || !r.Boundary.Bound().Intersects(*bbox)
	}), nil
}

// NetworkExport is the edges of the walking networks an export holds.
type NetworkExport struct {
	nets []quarterhour.Network
	area string
	bbox *orb.Bound
}

// NetworkIn reads the walking networks for an export of the edges of area
// ("" every area) meeting bbox (nil: all). The network has no districts, so
// a district is refused.
func (a *App) NetworkIn(ctx context.Context, area, district string, bbox *orb.Bound) (*NetworkExport, error) {
	if district != "" {
		return nil, quarterhour.Invalid("district", "the network has no districts; filter it with bbox")
	}
	// The store hands networks over whole; they are passed on edge by edge.
	nets, err := a.store.LoadNetworks(ctx)
	if err != nil {
		return nil, fmt.Errorf("load networks: %w", err)
	}
	if area != "" && !slices.ContainsFunc(nets, func(n quarterhour.Network) bool { return n.Area == area }) {
		return nil, quarterhour.Invalid("area", "no network area %q", area)
	}
	return &NetworkExport{nets: nets, area: area, bbox: bbox}, nil
}

// Each calls fn for every edge with its network.
func (ne *NetworkExport) Each(fn func(quarterhour.Network, quarterhour.WalkEdge) error) error {
	for _, n := range ne.nets {
		if ne.area != "" && n.Area != ne.area {
			continue
		}
		for _, e := range n.Edges {
			if ne.bbox != nil && !e.Geom.Bound().Intersects(*ne.bbox) {
				continue
			}
			if err := fn(n, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// fmtErr wraps a non-nil err with what was being done.
func fmtErr(doing string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", doing, err)
}

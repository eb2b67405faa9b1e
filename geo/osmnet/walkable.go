package osmnet

import (
	"strings"

	"github.com/paulmach/osm"
)

// walkableHighways are highway values a pedestrian may use unless foot=no.
// elevator is included beyond DESIGN.md's list: it is a pedestrian link
// between levels, and dropping it would cut stations and malls apart.
var walkableHighways = map[string]bool{
	"footway": true, "path": true, "pedestrian": true, "steps": true,
	"living_street": true, "corridor": true, "residential": true, "service": true,
	"unclassified": true, "track": true, "road": true,
	"tertiary": true, "tertiary_link": true, "secondary": true, "secondary_link": true,
	"primary": true, "primary_link": true, "cycleway": true, "bridleway": true,
	"elevator": true,
}

// pedestrianAreaHighways are highway values that, on an area, form a
// walkable surface rather than a line.
var pedestrianAreaHighways = map[string]bool{"pedestrian": true, "footway": true}

func footAllowed(tags osm.Tags) bool {
	switch tags.Find("foot") {
	case "yes", "designated", "permissive", "destination":
		return true
	}
	return false
}

func footForbidden(tags osm.Tags) bool {
	switch tags.Find("foot") {
	case "no", "use_sidepath", "private":
		return true
	}
	return false
}

func hasSidewalk(tags osm.Tags) bool {
	for _, t := range tags {
		switch {
		case t.Key == "sidewalk":
			switch t.Value {
			case "both", "left", "right", "yes":
				return true
			}
		case strings.HasPrefix(t.Key, "sidewalk:"):
			switch t.Value {
			case "no", "none", "separate":
			default:
				return true
			}
		}
	}
	return false
}

// accessAllowed applies the general access tag, which foot permissions
// override.
func accessAllowed(tags osm.Tags) bool {
	switch tags.Find("access") {
	case "no", "private":
		return footAllowed(tags)
	}
	return true
}

// Walkable reports whether a way with these tags is a walkable line:
//   - highway in the walkable list (footway, path, pedestrian, steps,
//     living_street, corridor, residential, service, unclassified, track,
//     road, tertiary/secondary/primary and their links, cycleway, bridleway,
//     elevator) unless foot=no;
//   - trunk and trunk_link only with foot=yes/designated/permissive or a
//     sidewalk tag; motorway and motorway_link never;
//   - access=no/private only with foot=yes/designated/permissive/destination;
//   - area=yes ways are surfaces, not lines: see PedestrianArea.
func Walkable(tags osm.Tags) bool {
	hw := tags.Find("highway")
	if hw == "" || tags.Find("area") == "yes" || footForbidden(tags) || !accessAllowed(tags) {
		return false
	}
	switch hw {
	case "trunk", "trunk_link":
		return footAllowed(tags) || hasSidewalk(tags)
	}
	return walkableHighways[hw]
}

// PedestrianArea reports whether tags describe a walkable surface: a
// highway=pedestrian (or footway) area with area=yes, or an
// area:highway=pedestrian/footway polygon. Closed ways are areas only when
// tagged so; a closed highway=pedestrian without area=yes is a loop street.
// For multipolygon relations the area=yes tag is implied.
func PedestrianArea(tags osm.Tags, multipolygon bool) bool {
	if footForbidden(tags) || !accessAllowed(tags) {
		return false
	}
	if pedestrianAreaHighways[tags.Find("area:highway")] {
		return true
	}
	if !pedestrianAreaHighways[tags.Find("highway")] {
		return false
	}
	return multipolygon || tags.Find("area") == "yes"
}

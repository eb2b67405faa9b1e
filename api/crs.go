package api

import (
	"net/http"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/quarterhour/quarterhour/geo"
)

// crsParam documents ?crs= on the GeoJSON read routes.
var crsParam = param{name: "crs", in: "query", typ: "string",
	desc: "coordinate system of the returned geometry: wgs84 (default), gcj02 (Amap, Tencent tiles) or bd09 (Baidu tiles); bbox stays WGS-84"}

// transformGeometry returns a copy of g, which is WGS-84, in crs; g itself
// is left alone because it may be shared with a cache.
func transformGeometry(g orb.Geometry, crs geo.CRS) orb.Geometry {
	if g == nil || crs == geo.WGS84 {
		return g
	}
	return project.Geometry(orb.Clone(g), func(p orb.Point) orb.Point {
		out, err := geo.Transform(p, geo.WGS84, crs)
		if err != nil {
			// crs came from geo.ParseCRS, which only yields known systems.
			panic(err)
		}
		return out
	})
}

// transformFeature puts f's geometry, and its nested communities', in crs.
func transformFeature(f *Feature, crs geo.CRS) {
	if f.Geometry != nil {
		g := *f.Geometry
		g.Coordinates = transformGeometry(g.Coordinates, crs)
		f.Geometry = &g
	}
	if f.Communities != nil {
		transformCollection(f.Communities, crs)
	}
}

func transformCollection(fc *FeatureCollection, crs geo.CRS) {
	for i := range fc.Features {
		transformFeature(&fc.Features[i], crs)
	}
}

// writeGeoJSON writes a Feature or FeatureCollection (as pointers) like
// writeJSON, with its geometry in crs, so a client can overlay it on Amap or
// Baidu tiles.
func writeGeoJSON(w http.ResponseWriter, status int, crs geo.CRS, v any) {
	switch t := v.(type) {
	case *Feature:
		transformFeature(t, crs)
	case *FeatureCollection:
		transformCollection(t, crs)
	}
	writeJSON(w, status, v)
}

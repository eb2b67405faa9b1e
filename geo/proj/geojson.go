package proj

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ParseGeoJSONCRS reads the crs member of a GeoJSON object (the 2008
// specification's named CRS, e.g. {"type":"name","properties":{"name":
// "urn:ogc:def:crs:EPSG::4548"}}, or {"type":"EPSG","properties":{"code":
// 4548}}). An absent or null member is ErrNoCRS: RFC 7946 files carry
// none and mean WGS-84, which the caller decides.
func ParseGeoJSONCRS(member json.RawMessage) (CRS, error) {
	m := bytes.TrimSpace(member)
	if len(m) == 0 || bytes.Equal(m, []byte("null")) {
		return CRS{}, ErrNoCRS
	}
	var v struct {
		Type       string `json:"type"`
		Properties struct {
			Name string          `json:"name"`
			Code json.RawMessage `json:"code"`
			Href string          `json:"href"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(m, &v); err != nil {
		return CRS{}, fmt.Errorf("the GeoJSON crs member is malformed: %v", err)
	}
	switch v.Type {
	case "name":
		if v.Properties.Name == "" {
			return CRS{}, fmt.Errorf("the GeoJSON crs member has no properties.name")
		}
		return Parse(v.Properties.Name)
	case "EPSG", "epsg":
		code := string(bytes.Trim(v.Properties.Code, `"`))
		if code == "" {
			return CRS{}, fmt.Errorf("the GeoJSON crs member has no properties.code")
		}
		return Parse("EPSG:" + code)
	case "link":
		return CRS{}, fmt.Errorf("the GeoJSON crs member links to %q, which is not read: declare the CRS instead", v.Properties.Href)
	}
	return CRS{}, fmt.Errorf("the GeoJSON crs member has type %q (want \"name\")", v.Type)
}

package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

func fetchStyle(t *testing.T, b Basemap) (styleJSON, http.Header) {
	t.Helper()
	resp, body := get(t, mapServer(t, b), "/api/v1/map/style.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("style.json: %d %s", resp.StatusCode, body)
	}
	var st styleJSON
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	return st, resp.Header
}

func layerIDs(st styleJSON) []string {
	var ids []string
	for _, l := range st.Layers {
		ids = append(ids, l["id"].(string))
	}
	return ids
}

func TestMapStyle_LabelsFromLocalFontsOverOurOwnBase(t *testing.T) {
	st, _ := fetchStyle(t, Basemap{})
	if st.Version != 8 || len(st.Center) != 2 {
		t.Fatalf("style %+v", st)
	}
	raw, _ := json.Marshal(st)
	if strings.Contains(string(raw), `"glyphs"`) || strings.Contains(string(raw), `"sprite"`) {
		t.Error("the style names a glyph or sprite server; labels must work offline")
	}
	if _, ok := st.Sources["basemap"]; ok {
		t.Error("a base map source without a base map configured")
	}
	labels := 0
	for _, l := range st.Layers {
		id := l["id"].(string)
		if l["type"] != "symbol" {
			if strings.HasPrefix(id, "label-") {
				t.Errorf("%s is not a symbol layer", id)
			}
			continue
		}
		layout, _ := l["layout"].(map[string]any)
		if layout["text-field"] == nil || !strings.HasPrefix(id, "label-") {
			t.Errorf("symbol layer %s: layout %v", id, layout)
		}
		labels++
	}
	ids := strings.Join(layerIDs(st), " ")
	for _, want := range []string{"background", "counties-fill", "counties-line", "network-line", "label-districts", "label-communities"} {
		if !strings.Contains(ids, want) {
			t.Errorf("no layer %s in %s", want, ids)
		}
	}
	if labels < 2 || !strings.HasSuffix(ids, "label-districts label-communities") {
		t.Errorf("labels are not on top: %s", ids)
	}
	for _, id := range []string{"regions", "network", "labels"} {
		if st.Sources[id] == nil {
			t.Errorf("no source %s", id)
		}
	}
}

func TestMapStyle_TiandituWhenConfigured(t *testing.T) {
	st, h := fetchStyle(t, Basemap{Kind: BasemapTianditu, Token: "tk123"})
	for _, id := range []string{"basemap", "basemap-labels"} {
		src, _ := st.Sources[id].(map[string]any)
		tiles, _ := src["tiles"].([]any)
		if len(tiles) != 8 {
			t.Fatalf("source %s: %v", id, src)
		}
		layer := map[string]string{"basemap": "vec", "basemap-labels": "cva"}[id]
		for _, u := range tiles {
			s := u.(string)
			if !strings.Contains(s, ".tianditu.gov.cn/"+layer+"_w/wmts?") || !strings.Contains(s, "LAYER="+layer) ||
				!strings.Contains(s, "TILEMATRIXSET=w") || !strings.HasSuffix(s, "&tk=tk123") ||
				!strings.Contains(s, "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}") {
				t.Errorf("tile URL %s", s)
			}
		}
	}
	attribution := st.Sources["basemap"].(map[string]any)["attribution"].(string)
	if !strings.Contains(attribution, "天地图") || !strings.Contains(attribution, "Tianditu") {
		t.Errorf("attribution %q is not in Chinese and English", attribution)
	}
	ids := layerIDs(st)
	if ids[1] != "basemap" || !strings.Contains(strings.Join(ids, " "), "label-basemap label-districts") {
		t.Errorf("layers %v", ids)
	}
	csp := directivesOf(h.Get("Content-Security-Policy"))
	for _, d := range []string{"img-src", "connect-src"} {
		if !strings.Contains(csp[d], "https://*.tianditu.gov.cn") {
			t.Errorf("%s %q does not allow Tianditu", d, csp[d])
		}
	}
}

func TestMapLabels_PointsInsideTheirAreas(t *testing.T) {
	f := sqliteAPI(t)
	var fc geojson.FeatureCollection
	f.do(t, http.MethodGet, "/api/v1/map/labels.geojson", "", nil, http.StatusOK, &fc)
	kinds := map[string]int{}
	names := map[string]bool{}
	for _, ft := range fc.Features {
		kinds[ft.Properties.MustString("kind")]++
		names[ft.Properties.MustString("name")] = true
		if _, ok := ft.Geometry.(orb.Point); !ok {
			t.Fatalf("a %T label", ft.Geometry)
		}
	}
	if kinds["district"] < 3 || kinds["community"] < 50 || !names["任城区"] {
		t.Errorf("labels: %v; 任城区 %v", kinds, names["任城区"])
	}
}

func TestLabelPoint_InsideAConcavePolygon(t *testing.T) {
	// A U shape: its centroid lies in the gap between the arms.
	u := orb.Polygon{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}
	p := labelPoint(orb.MultiPolygon{u})
	if !planar.PolygonContains(u, p) {
		t.Errorf("label point %v outside the U", p)
	}
	small := orb.Polygon{{{10, 10}, {10.1, 10}, {10.1, 10.1}, {10, 10.1}, {10, 10}}}
	if p := labelPoint(orb.MultiPolygon{small, u}); !planar.PolygonContains(u, p) {
		t.Errorf("label point %v not in the larger polygon", p)
	}
}

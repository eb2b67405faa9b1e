package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func TestOpenAPI_DocumentsEveryRouteAndNothingElse(t *testing.T) {
	f := sqliteAPI(t)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	f.do(t, http.MethodGet, "/api/v1/openapi.json", "", nil, http.StatusOK, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
	routed := map[string]bool{}
	err := chi.Walk(f.api.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if route != "/healthz" && !strings.HasPrefix(route, "/api/") && !strings.HasPrefix(route, "/tiles/") {
			return nil
		}
		key := strings.ToLower(method) + " " + route
		routed[key] = true
		if doc.Paths[route][strings.ToLower(method)] == nil {
			t.Errorf("route %s %s is not in openapi.json", method, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !routed[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which has no route", method, path)
			}
		}
	}
	if len(routed) < 20 {
		t.Errorf("only %d routes walked", len(routed))
	}
}

func TestOpenAPI_SchemaReferencesResolve(t *testing.T) {
	data, err := json.Marshal(OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	schemas := OpenAPI()["components"].(map[string]any)["schemas"].(map[string]any)
	for _, part := range strings.Split(string(data), `"$ref":"#/components/schemas/`)[1:] {
		name := part[:strings.IndexByte(part, '"')]
		if _, ok := schemas[name]; !ok {
			t.Errorf("$ref to missing schema %q", name)
		}
	}
}

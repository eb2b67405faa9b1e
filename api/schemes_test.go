package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/scoring"
	"github.com/quarterhour/quarterhour/seeds"
)

func TestSchemes_ListFlagsReconstructedDefaults(t *testing.T) {
	f := sqliteAPI(t)
	tierCircles(t, f)
	var list []app.SchemeSummary
	f.do(t, http.MethodGet, "/api/v1/schemes", "", nil, http.StatusOK, &list)
	i := slices.IndexFunc(list, func(s app.SchemeSummary) bool { return s.Code == "jining-2023" })
	if i < 0 {
		t.Fatalf("jining-2023 not listed: %+v", list)
	}
	j := list[i]
	if !j.Reconstructed || j.Notice == "" || j.TotalPoints != 100 || !slices.Equal(j.Tiers, []string{"none", "basic", "high_quality"}) {
		t.Errorf("jining-2023 summary %+v", j)
	}
	var row quarterhour.Scheme
	f.do(t, http.MethodGet, "/api/v1/schemes/jining-2023", "", nil, http.StatusOK, &row)
	var doc map[string]any
	decodeRaw(t, row.Document, &doc)
	if doc["award"] == nil || len(doc["indicators"].([]any)) != 15 {
		t.Errorf("document lacks the award or the 15 indicators: %v", doc["award"])
	}
	f.wantError(t, http.MethodGet, "/api/v1/schemes/none-such", "", nil, http.StatusNotFound, "")
}

func TestSchemes_LoadRefusesInvalidDocumentsWithTheReason(t *testing.T) {
	f := sqliteAPI(t)
	ss, err := seeds.ParsedSchemes()
	if err != nil {
		t.Fatal(err)
	}
	s := *ss[slices.IndexFunc(ss, func(s *scoring.Scheme) bool { return s.Code == "jining-2023" })]
	s.Code = "jining-broken"
	s.TotalPoints = 90
	doc, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	e := f.wantError(t, http.MethodPost, "/api/v1/schemes", "admin", doc, http.StatusBadRequest, "")
	t.Logf("refused: %s", e.Error)
	f.wantError(t, http.MethodGet, "/api/v1/schemes/jining-broken", "", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodPost, "/api/v1/schemes", "admin", []byte("code: [unclosed"), http.StatusBadRequest, "")
	f.wantError(t, http.MethodPost, "/api/v1/schemes", "reviewer", doc, http.StatusForbidden, "")

	yaml := []byte("code: x\nunknown_key: 1\n")
	f.wantError(t, http.MethodPost, "/api/v1/schemes", "admin", yaml, http.StatusBadRequest, "")
}

// The preview has the shape scripts rely on, and every indicator explains
// its score.
func TestPreview_ShapeAndExplanations(t *testing.T) {
	f := sqliteAPI(t)
	tiers := tierCircles(t, f)
	for _, tier := range []string{"none", "basic", "high_quality"} {
		id := tiers["370812"][tier][len(tiers["370812"][tier])-1]
		var raw map[string]json.RawMessage
		f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d/evaluation?scheme=jining-2023&year=2023", id), "reviewer", nil, http.StatusOK, &raw)
		for _, k := range []string{"scheme", "year", "total", "tier", "indicators", "gates", "award"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("circle %d: preview lacks %q", id, k)
			}
		}
		var inds []map[string]any
		decodeRaw(t, raw["indicators"], &inds)
		if len(inds) != 15 {
			t.Errorf("circle %d: %d indicators", id, len(inds))
		}
		for _, ind := range inds {
			for _, k := range []string{"id", "name", "value", "points", "max_points", "explanation"} {
				if _, ok := ind[k]; !ok {
					t.Errorf("circle %d indicator %v lacks %q", id, ind["id"], k)
				}
			}
			if ind["explanation"] == "" {
				t.Errorf("circle %d indicator %v has no explanation", id, ind["id"])
			}
		}
		var award map[string]any
		decodeRaw(t, raw["award"], &award)
		if _, ok := award["eligible"]; !ok {
			t.Errorf("award lacks eligible: %v", award)
		}
		var got string
		decodeRaw(t, raw["tier"], &got)
		// Without submitted values the satisfaction gates cannot hold.
		if got != "none" {
			t.Errorf("circle %d with nothing submitted rated %s", id, got)
		}
	}
	f.wantError(t, http.MethodGet, "/api/v1/circles/999999/evaluation", "reviewer", nil, http.StatusNotFound, "")
	f.wantError(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d/evaluation?year=1999", tiers["370812"]["none"][0]), "reviewer", nil, http.StatusBadRequest, "year")
}

// The preview takes the submitted values of the circle's evaluation.
func TestPreview_UsesTheCirclesSubmittedValues(t *testing.T) {
	f := sqliteAPI(t)
	id := pickCircle(t, f, "370871", "high_quality", 0)
	e := createEval(t, f, "gaoxin", id, 2023)
	var res struct {
		Tier  string  `json:"tier"`
		Total float64 `json:"total"`
	}
	f.do(t, http.MethodGet, fmt.Sprintf("/api/v1/circles/%d/evaluation", id), "gaoxin", nil, http.StatusOK, &res)
	if res.Tier != "high_quality" || res.Total != e.Total {
		t.Errorf("preview %+v, want the draft's high_quality %v", res, e.Total)
	}
}

// The preview carries the submitted values of a possibly draft evaluation,
// so it is read like the evaluation: a login, and district users only for
// their own district's circles.
func TestPreview_NeedsALoginAndTheCirclesDistrict(t *testing.T) {
	f := sqliteAPI(t)
	id := pickCircle(t, f, "370812", "basic", 0)
	path := fmt.Sprintf("/api/v1/circles/%d/evaluation", id)
	f.wantError(t, http.MethodGet, path, "", nil, http.StatusUnauthorized, "")
	f.wantError(t, http.MethodGet, path, "rencheng", nil, http.StatusForbidden, "district")
	for _, user := range []string{"yanzhou", "reviewer", "admin"} {
		f.do(t, http.MethodGet, path, user, nil, http.StatusOK, nil)
	}
}

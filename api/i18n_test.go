package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour"
)

// rawLang sends a JSON request as user with the given Accept-Language ("" to
// send none) and decodes the error answer.
func (f *fixture) rawLang(t *testing.T, method, path, user string, body any, acceptLanguage string) (int, errorBody, http.Header) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var e errorBody
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
	}
	return resp.StatusCode, e, resp.Header
}

var han = regexp.MustCompile(`\p{Han}`)

func TestErrors_AnswerInChineseByDefaultAndInEnglishOnRequest(t *testing.T) {
	f := sqliteAPI(t)
	var circle int64
	for _, ids := range tierCircles(t, f)["370811"] {
		circle = ids[0]
	}
	tests := []struct {
		name, method, path, user string
		body                     any
		status                   int
		code, field              string
		zh, en                   []string
	}{
		{
			name: "more complaints resolved than received", method: http.MethodPost, path: "/api/v1/evaluations", user: "rencheng",
			body: map[string]any{"circle_id": circle, "scheme": "jining-2023", "year": 2023,
				"submitted": map[string]any{"complaints_received": 5, "complaints_resolved": 7}},
			status: http.StatusBadRequest, code: quarterhour.EInvalid, field: "complaints_resolved",
			zh: []string{"已办结投诉数", "已办结 7 件，多于收到的 5 件"},
			en: []string{"invalid submitted values: complaints_resolved: 7 resolved is more than the 5 received"},
		},
		{
			name: "a circle without a centre", method: http.MethodPost, path: "/api/v1/circles", user: "rencheng",
			body: map[string]any{"type": "Feature", "properties": map[string]any{"name": "无中心", "layout": "block", "status": "planned",
				"planned_year": 2025, "community_ids": []int{1}}},
			status: http.StatusBadRequest, code: quarterhour.EInvalid, field: "geometry",
			zh: []string{"点（Point）或多点（MultiPoint）"},
			en: []string{"a Point or MultiPoint geometry is required"},
		},
		{
			name: "a district user approving", method: http.MethodPost, path: "/api/v1/evaluations/999999/approve", user: "rencheng",
			body: map[string]any{"version": 1, "award_yuan": 5}, status: http.StatusBadRequest, code: quarterhour.EInvalid, field: "award_yuan",
			zh: []string{"只有认定时才能设定奖励金额"},
			en: []string{"an award is set only when certifying"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []struct{ header, want string }{
				{"", langZH}, {"zh-CN,zh;q=0.9,en;q=0.8", langZH}, {"en", langEN}, {"en-GB,en;q=0.9,zh-CN;q=0.5", langEN},
			} {
				status, e, h := f.rawLang(t, tt.method, tt.path, tt.user, tt.body, lang.header)
				if status != tt.status || e.Code != tt.code || e.Field != tt.field {
					t.Errorf("Accept-Language %q: %d code %q field %q (%q), want %d %q %q", lang.header, status, e.Code, e.Field, e.Error, tt.status, tt.code, tt.field)
				}
				if got := h.Get("Content-Language"); got != lang.want {
					t.Errorf("Accept-Language %q: Content-Language %q, want %q", lang.header, got, lang.want)
				}
				want := tt.en
				if lang.want == langZH {
					want = tt.zh
					if !han.MatchString(e.Error) {
						t.Errorf("Accept-Language %q: %q is not Chinese", lang.header, e.Error)
					}
				}
				for _, w := range want {
					if !strings.Contains(e.Error, w) {
						t.Errorf("Accept-Language %q: %q lacks %q", lang.header, e.Error, w)
					}
				}
				if e.Detail != "" {
					t.Errorf("Accept-Language %q: a translated message keeps the detail %q", lang.header, e.Detail)
				}
			}
		})
	}
}

func TestErrors_UnknownMessageGetsAChineseSentenceAndKeepsTheEnglishDetail(t *testing.T) {
	s := &Server{}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/api/v1/communities", nil)
	s.writeError(rec, r, quarterhour.Invalid("population", "a brand new rule about %d people", 12))
	var e errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusBadRequest || e.Code != quarterhour.EInvalid || e.Field != "population" {
		t.Errorf("%d %+v", rec.Code, e)
	}
	if e.Error != "人口填写有误" || e.Detail != "a brand new rule about 12 people" {
		t.Errorf("error %q detail %q, want 人口填写有误 and the English message", e.Error, e.Detail)
	}
	rec = httptest.NewRecorder()
	r.Header.Set("Accept-Language", "en")
	s.writeError(rec, r, quarterhour.Invalid("population", "a brand new rule about %d people", 12))
	e = errorBody{}
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	if e.Error != "a brand new rule about 12 people" || e.Detail != "" {
		t.Errorf("English: %+v", e)
	}
}

func TestRequestLang_FollowsQValues(t *testing.T) {
	for header, want := range map[string]string{
		"":                               langZH,
		"en":                             langEN,
		"EN-us":                          langEN,
		"en-US,en;q=0.9":                 langEN,
		"zh-CN,zh;q=0.9,en;q=0.8":        langZH,
		"zh-Hans-CN":                     langZH,
		"en;q=0.5, zh;q=0.4":             langEN,
		"zh;q=0.5, en;q=0.6":             langEN,
		"zh, en":                         langZH,
		"fr-FR, en;q=0.3":                langEN,
		"fr-FR, de;q=0.9":                langZH,
		"en;q=0":                         langZH,
		"zh;q=0, en;q=0.1":               langEN,
		"*":                              langZH,
		"en;q=abc":                       langZH,
		"en;q=2":                         langZH,
		"de, *;q=0.5, en;q=0.4":          langZH,
		" en-GB ; q=0.8 , zh-TW ; q=0.7": langEN,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			r.Header.Set("Accept-Language", header)
		}
		if got := requestLang(r); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", header, got, want)
		}
	}
}

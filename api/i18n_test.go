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

// The messages of the district, reviewer and resident flows, as the
// application words them, each translated by a catalog pattern with every
// placeholder filled and no English sentence left.
func TestCatalog_TranslatesTheMessagesOfTheEverydayFlows(t *testing.T) {
	for _, c := range []struct{ field, msg, want string }{
		{"complaints_resolved", "invalid submitted values: complaints_resolved: 7 resolved is more than the 5 received", "填报的数值有误：已办结投诉数：已办结 7 件，多于收到的 5 件"},
		{"satisfaction_rate", "invalid submitted values: satisfaction_rate: 92 is outside 0..1 (a share, not a percentage); complaints_received: -1 is negative", "填报的数值有误：居民满意度：92 不在 0 到 1 之间（应为比例，而非百分数）；收到投诉数：-1 不能为负数"},
		{"evidence[0]", "invalid submitted values: evidence[0]: needs an indicator id and a file reference", "填报的数值有误：佐证材料（第 1 项）：需要指标编号和文件引用"},
		{"geometry", "a Point or MultiPoint geometry is required", "缺少位置：需要点（Point）或多点（MultiPoint）几何图形"},
		{"status", "cannot certify evaluation 7: it is submitted, and only a approved evaluation can become certified", "不能认定评价 7：它现在是“已提交”，只有“已通过”的评价才能变为“已认定”"},
		{"status", "cannot return evaluation 7: it is draft, and only a submitted or approved evaluation can become returned", "不能退回评价 7：它现在是“草稿”，只有“已提交”或“已通过”的评价才能变为“已退回”"},
		{"status", "evaluation 3 is submitted; only a draft or a returned evaluation can be changed", "评价 3 现在是“已提交”，只有草稿或已退回的评价可以修改"},
		{"version", "evaluation 3 is at version 4 now; reload it and apply your change again", "评价 3 已被修改（现为第 4 版），请刷新后重新操作"},
		{"award_yuan", `award refused: tier "basic" does not earn the award (needs "high_quality")`, "不予奖励：“达标”等级不能获得奖励（需要“高品质”）"},
		{"award_yuan", "award refused: amount ¥300001 is above the cap of ¥300000", "不予奖励：金额 ¥300001 超过上限 ¥300000"},
		{"award_yuan", "award refused: 2024 is not an award year (2023)", "不予奖励：2024 年不是奖励年份（2023）"},
		{"", "only a reviewer or an admin may approve an evaluation; demo-rencheng is district", "只有评审或管理员可以通过评价；demo-rencheng 的角色是“区县”"},
		{"year", "scheme jining-2023 covers the years [2023 2024 2025], not 2022", "评价方案 jining-2023 适用于 2023 2024 2025 年，不包括 2022 年"},
		{"file", "the file reads as text/plain; charset=utf-8; evidence must be a PDF, JPEG or PNG", "文件内容为 text/plain; charset=utf-8；佐证材料须为 PDF、JPEG 或 PNG"},
		{"community_ids", "community 12 (东门社区) is in district 370812, not 370811", "社区 12（东门社区）属于区县 370812，不属于 370811"},
		{"population", "population cannot be negative", "人口不能为负数"},
		{"rating", "give a rating of 1 to 5 or mark the feedback as a complaint", "请给出 1 到 5 星的评分，或勾选投诉"},
		{"text", "a complaint needs a text saying what is wrong", "投诉需要写明具体问题"},
		{"lon", `lon "abc" is not a number`, "经度“abc”不是数字"},
		{"name", "name is required", "请填写名称"},
		{"", "wrong username or password", "用户名或密码错误"},
		{"", "demo-reviewer approved evaluation 3 and so may not certify it: another reviewer or admin must (four eyes on the award)", "demo-reviewer 通过了评价 3，因此不能认定它：须由另一位评审或管理员认定（奖励须经两人把关）"},
		{"award_yuan", "award refused: the award is only for circles certified in an award year (2023); a certification in 2026 is too late", "不予奖励：奖励只给在 2023 年内认定的生活圈，2026 年认定已经太晚"},
		{"evidence[0].ref", "/api/v1/evidence/9 is not a file of this evaluation; upload the evidence to it", "/api/v1/evidence/9 不是该评价的文件，请把佐证材料上传到该评价"},
		{"password", "is 5 characters; at least 8 are required", "密码只有 5 个字符，至少需要 8 个"},
	} {
		got, ok := translate(c.msg, c.field)
		if !ok || got != c.want {
			t.Errorf("%q:\n got %q (%v)\nwant %q", c.msg, got, ok, c.want)
		}
		if strings.ContainsAny(got, "{}") {
			t.Errorf("%q: unfilled placeholder in %q", c.msg, got)
		}
	}
	if got := fieldLabel("evidence[1].ref"); got != "佐证材料（第 2 项）" {
		t.Errorf("evidence[1].ref labelled %q", got)
	}
	if _, ok := translate("no such API route", ""); ok {
		t.Error("the missing-route message is translated; clients tell a missing route by its detail")
	}
}

package i18n

import (
	"strings"
	"testing"

	"github.com/quarterhour/quarterhour"
)

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
		got, ok := Translate(c.msg, c.field)
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
	if _, ok := Translate("no such API route", ""); ok {
		t.Error("the missing-route message is translated; clients tell a missing route by its detail")
	}
}

func TestFallback_WordsTheCodeAndTheField(t *testing.T) {
	for _, c := range []struct{ code, field, want string }{
		{quarterhour.EInvalid, "population", "人口填写有误"},
		{quarterhour.EInvalid, "", "请求的内容有误"},
		{quarterhour.EForbidden, "evidence[0]", "没有权限修改佐证材料（第 1 项）"},
		{quarterhour.EUnauthenticated, "password", "请先登录"},
		{"brand_new_code", "password", "密码：请求未能完成"},
		{"brand_new_code", "", "请求未能完成"},
	} {
		if got := Fallback(c.code, c.field); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.code, c.field, got, c.want)
		}
	}
}

package i18n

import (
	"regexp"

	"github.com/quarterhour/quarterhour"
)

// codeSentences say what went wrong when the field is unknown.
var codeSentences = map[string]string{
	quarterhour.EInvalid:          "请求的内容有误",
	quarterhour.EUnauthenticated:  "请先登录",
	quarterhour.EForbidden:        "没有权限执行此操作",
	quarterhour.ENotFound:         "未找到请求的内容",
	quarterhour.EConflict:         "操作冲突：数据已被他人修改，或当前状态不允许此操作",
	quarterhour.EUnprocessable:    "请求的内容无法处理",
	quarterhour.ETooLarge:         "请求的内容过大",
	quarterhour.EUnsupportedMedia: "不支持此文件类型",
	quarterhour.ETooManyRequests:  "请求过于频繁，请稍后再试",
	quarterhour.EUnavailable:      "服务暂时不可用，请稍后再试",
	quarterhour.EMethod:           "不支持此请求方法",
	quarterhour.EInternal:         "服务器内部错误，请稍后再试",
}

// fieldSentences say what went wrong with the field labelled {field}.
var fieldSentences = map[string]string{
	quarterhour.EInvalid:          "{field}填写有误",
	quarterhour.EForbidden:        "没有权限修改{field}",
	quarterhour.ENotFound:         "未找到{field}",
	quarterhour.EConflict:         "{field}冲突：数据已被他人修改，或当前状态不允许此操作",
	quarterhour.EUnprocessable:    "{field}无法处理",
	quarterhour.ETooLarge:         "{field}过大",
	quarterhour.EUnsupportedMedia: "{field}的类型不受支持",
}

// fieldLabels name the API's fields in Chinese.
var fieldLabels = map[string]string{
	// evaluations: the surveyed values and the workflow
	"satisfaction_rate":   "居民满意度",
	"survey_sample_size":  "满意度调查样本数",
	"management_system":   "管理制度",
	"complaint_channel":   "投诉反馈渠道",
	"complaints_received": "收到投诉数",
	"complaints_resolved": "已办结投诉数",
	"evidence":            "佐证材料",
	"submitted":           "填报数值",
	"circle_id":           "生活圈",
	"scheme":              "评价方案",
	"year":                "年份",
	"version":             "版本",
	"status":              "状态",
	"action":              "操作",
	"comment":             "评审意见",
	"award_yuan":          "奖励金额",
	"award.cap_yuan":      "奖励上限",
	"file":                "文件",
	"indicator":           "指标",
	"note":                "说明",
	// circles, communities, outlets
	"name":           "名称",
	"layout":         "布局类型",
	"district":       "区县",
	"planned_year":   "计划年份",
	"completed_year": "建成年份",
	"community_ids":  "服务社区",
	"geometry":       "几何图形",
	"properties":     "属性",
	"type":           "类型",
	"population":     "人口",
	"households":     "户数",
	"region_code":    "所属社区居委会或镇街",
	"category":       "业态",
	"services":       "便民服务",
	"floor_area_m2":  "营业面积",
	"opened_on":      "开业日期",
	"source":         "数据来源",
	"crs":            "坐标系",
	"format":         "文件格式",
	"Content-Type":   "内容类型",
	// users and login
	"username": "用户名",
	"password": "密码",
	"role":     "角色",
	// resident: places, walks, feedback
	"lon":       "经度",
	"lat":       "纬度",
	"minutes":   "步行时间",
	"speed_kmh": "步行速度",
	"rating":    "评分",
	"text":      "意见",
	"outlet_id": "网点",
	"limit":     "数量上限",
	"bbox":      "地图范围",
	"level":     "区划层级",
	"parent":    "上级区划",
	"n":         "数量",
	"add":       "新增网点",
	"remove":    "关闭网点",
	"id":        "编号",
}

var statusLabels = map[string]string{
	quarterhour.EvalDraft:     "草稿",
	quarterhour.EvalSubmitted: "已提交",
	quarterhour.EvalReturned:  "已退回",
	quarterhour.EvalApproved:  "已通过",
	quarterhour.EvalCertified: "已认定",
}

var actionLabels = map[string]string{"submit": "提交", "return": "退回", "approve": "通过", "certify": "认定"}

// didLabels name what a user did to an evaluation, as the four-eyes rule
// words it.
var didLabels = map[string]string{"created": "建立", "submitted": "提交", "approved": "通过"}

var roleLabels = map[string]string{
	quarterhour.RoleAdmin:    "管理员",
	quarterhour.RoleReviewer: "评审",
	quarterhour.RoleDistrict: "区县",
}

var tierLabels = map[string]string{"none": "未达标", "basic": "达标", "high_quality": "高品质"}

// p compiles one catalog entry; the expression matches the whole message.
func p(expr, zh string) pattern {
	return pattern{re: regexp.MustCompile(`^(?:` + expr + `)$`), zh: zh}
}

// messageCatalog holds the messages users meet in the district, reviewer and
// resident flows, most specific first.
var messageCatalog = []pattern{
	// evaluations: submitted values (scoring.ValidateSubmitted)
	p(`invalid submitted values: (.+)`, "填报的数值有误：{1|items}"),
	p(`(-?[0-9.eE+-]+|NaN|[+-]?Inf) is outside 0\.\.1 \(a share, not a percentage\)`, "{1} 不在 0 到 1 之间（应为比例，而非百分数）"),
	p(`(\d+) resolved is more than the (\d+) received`, "已办结 {1} 件，多于收到的 {2} 件"),
	p(`(-?\d+) is negative`, "{1} 不能为负数"),
	p(`needs an indicator id and a file reference`, "需要指标编号和文件引用"),
	// evaluations: the workflow
	p(`circle_id is required`, "请选择生活圈"),
	p(`no circle (\d+)`, "生活圈 {1} 不存在"),
	p(`circle (\d+) already has an evaluation under (\S+) for (\d+); edit that one`, "生活圈 {1} 已有 {3} 年的评价（{2}），请修改该评价"),
	p(`version \(as read\) is required(?: to update| to delete)?`, "缺少读取时的版本号，请刷新后重试"),
	p(`\?version= \(as read\) is required to delete`, "缺少读取时的版本号，请刷新后重试"),
	p(`unknown action "(.*)"; use submit, return, approve or certify`, "未知操作“{1}”：可用的操作为提交、退回、通过、认定"),
	p(`an award is set only when certifying`, "只有认定时才能设定奖励金额"),
	p(`cannot (\w+) evaluation (\d+): it is (\w+), and only an? (.+) evaluation can become (\w+)`, "不能{1|action}评价 {2}：它现在是{3|status}，只有{4|statuses}的评价才能变为{5|status}"),
	p(`cannot (\w+) evaluation (\d+): it is (\w+), and no evaluation may move to (\w+)`, "不能{1|action}评价 {2}：它现在是{3|status}"),
	p(`evaluation (\d+) is (\w+); only a draft or a returned evaluation can be changed`, "评价 {1} 现在是{2|status}，只有草稿或已退回的评价可以修改"),
	p(`evaluation (\d+) is (\w+); evidence can be attached only to a draft or a returned evaluation`, "评价 {1} 现在是{2|status}，只能向草稿或已退回的评价上传佐证材料"),
	p(`evaluation (\d+) is at version (\d+) now; reload it and apply your change again`, "评价 {1} 已被修改（现为第 {2} 版），请刷新后重新操作"),
	p(`evaluation (\d+) changed meanwhile or circle (\d+) already holds an award; reload and check`, "评价 {1} 已被修改，或生活圈 {2} 已获得过奖励，请刷新后核对"),
	p(`unknown evaluation status "(.*)"; one of .+`, "未知的评价状态“{1}”"),
	p(`scheme (\S+) covers the years \[(.*)\], not (-?\d+)`, "评价方案 {1} 适用于 {2} 年，不包括 {3} 年"),
	p(`scheme (\S+) carries no award`, "评价方案 {1} 不设奖励"),
	p(`scheme is required \(for example (\S+)\)`, "请选择评价方案（例如 {1}）"),
	p(`unknown scheme "(.*)"`, "未知的评价方案“{1}”"),
	p(`award refused: amount (-?\d+) is negative`, "不予奖励：金额 {1} 为负数"),
	p(`award refused: tier "(\w*)" does not earn the award \(needs "(\w+)"\)`, "不予奖励：{1|tier}等级不能获得奖励（需要{2|tier}）"),
	p(`award refused: (\d+) is not an award year \((.+)\)`, "不予奖励：{1} 年不是奖励年份（{2}）"),
	p(`award refused: amount ¥(\d+) is above the cap of ¥(\d+)`, "不予奖励：金额 ¥{1} 超过上限 ¥{2}"),
	p(`award refused: the circle has already been awarded and the award is once per circle`, "不予奖励：该生活圈已获得过奖励，每个生活圈只奖励一次"),
	p(`award refused: the award is only for circles certified in an award year \((.+)\); a certification in (\d+) is too late`, "不予奖励：奖励只给在 {1} 年内认定的生活圈，{2} 年认定已经太晚"),
	p(`(\S+) (created|submitted|approved) evaluation (\d+) and so may not certify it: another reviewer or admin must \(four eyes on the award\)`, "{1} {2|did}了评价 {3}，因此不能认定它：须由另一位评审或管理员认定（奖励须经两人把关）"),
	p(`no evaluation (\d+)`, "评价 {1} 不存在"),
	p(`no evidence file (\d+)`, "佐证材料文件 {1} 不存在"),
	p(`no walking network is loaded, so circle metrics cannot be computed`, "尚未加载步行路网，无法计算生活圈指标"),
	p(`no walking network is loaded; import one and reload`, "尚未加载步行路网，请导入路网后重新加载"),
	p(`circle (\d+) has a centre off the walking network: .+`, "生活圈 {1} 的商业中心离步行路网太远，无法计算指标"),
	// evidence
	p(`an evidence file may be at most (\d+) MB`, "佐证材料文件不能超过 {1} MB"),
	p(`the evidence file is empty`, "佐证材料文件是空的"),
	p(`the file reads as (.+); evidence must be a PDF, JPEG or PNG`, "文件内容为 {1}；佐证材料须为 PDF、JPEG 或 PNG"),
	p(`scheme (\S+) has no indicator "(.*)"`, "评价方案 {1} 没有指标“{2}”"),
	p(`"(.*)" is not an uploaded file: evidence is a file uploaded to the evaluation .+`, "“{1}”不是已上传的文件：佐证材料须先上传到该评价"),
	p(`(\S+) is not a file of this evaluation: a new evaluation has none yet; create it, then upload the evidence to it`, "{1} 不是该评价的文件：新评价还没有文件，请先建立评价，再上传佐证材料"),
	p(`(\S+) is not a file of this evaluation; upload the evidence to it`, "{1} 不是该评价的文件，请把佐证材料上传到该评价"),
	p(`evaluation (\d+) already holds (\d+) evidence files, the most allowed; remove one before adding another`, "评价 {1} 已有 {2} 个佐证材料文件，达到上限；请先删除一个再上传"),
	p(`evaluation (\d+) holds (.+) of evidence; with this file of (.+) it would exceed the (.+) allowed per evaluation`, "评价 {1} 已有 {2} 佐证材料，加上这个 {3} 的文件将超过每个评价 {4} 的上限"),
	p(`no file: send it in a multipart part named "file"`, "请选择要上传的文件"),
	p(`send the file as multipart/form-data with a part named "file": .+`, "请以 multipart/form-data 表单上传文件（字段名 file）"),
	p(`the form has no "file" field`, "请选择要上传的文件"),
	p(`(\S+) is longer than (\d+) characters`, "{1|field}不能超过 {2} 个字"),
	// permissions and login
	p(`login required`, "请先登录"),
	p(`wrong username or password`, "用户名或密码错误"),
	p(`username is required`, "请填写用户名"),
	p(`password is required`, "请填写密码"),
	p(`is (\d+) characters; at least (\d+) are required`, "{field}只有 {1} 个字符，至少需要 {2} 个"),
	p(`missing or wrong CSRF token; .+`, "缺少或错误的 CSRF 令牌，请刷新页面后重试"),
	p(`user (\S+) may only (?:change data|see evaluations) of district (\d+), not (\d+)`, "用户 {1} 只能处理区县 {2} 的数据，不能处理 {3}"),
	p(`user (\S+) may only see evaluations of district (\d+)`, "用户 {1} 只能查看区县 {2} 的评价"),
	p(`user (\S+) may only export district (\d+), not (\d+)`, "用户 {1} 只能导出区县 {2} 的数据，不能导出 {3}"),
	p(`role (\w+) may not change data`, "{1|role}角色不能修改数据"),
	p(`only a reviewer or an admin may (\w+) an evaluation; (\S+) is (\w+)`, "只有评审或管理员可以{1|action}评价；{2} 的角色是{3|role}"),
	p(`only an admin may load a scheme; (\S+) is (\w+)`, "只有管理员可以加载评价方案；{1} 的角色是{2|role}"),
	p(`circle (\d+) is in district (\d+), not (\d+)`, "生活圈 {1} 属于区县 {2}，不属于 {3}"),
	// circles, communities and outlets: geometry and fields
	p(`a Point or MultiPoint geometry is required`, "缺少位置：需要点（Point）或多点（MultiPoint）几何图形"),
	p(`want a Point or MultiPoint geometry, got (\w+)`, "需要点（Point）或多点（MultiPoint）几何图形，收到的是 {1}"),
	p(`a Point geometry is required`, "缺少位置：需要点（Point）几何图形"),
	p(`want a Point geometry, got (\w+)`, "需要点（Point）几何图形，收到的是 {1}"),
	p(`a Polygon or MultiPolygon geometry is required`, "缺少范围：需要面（Polygon）或多面（MultiPolygon）几何图形"),
	p(`want a Polygon or MultiPolygon geometry, got (\w+)`, "需要面（Polygon）或多面（MultiPolygon）几何图形，收到的是 {1}"),
	p(`at least one centre point is required`, "至少需要一个商业中心位置"),
	p(`invalid GeoJSON geometry: .+`, "GeoJSON 几何图形无效"),
	p(`want a GeoJSON Feature, got type "(.*)"`, "需要 GeoJSON Feature，收到的类型为“{1}”"),
	p(`properties are required`, "缺少属性（properties）"),
	p(`point (-?[\d.]+),(-?[\d.]+) lies outside the city; longitude and latitude look swapped`, "坐标 {1},{2} 不在本市范围内；经纬度似乎写反了"),
	p(`point (-?[\d.]+),(-?[\d.]+) lies outside every county of the city`, "坐标 {1},{2} 不在本市任何区县内"),
	p(`point lies in (.+), not in district (.+)`, "该位置在{1}，不在{2}"),
	p(`district "(.*)" is not a 6-digit county code`, "区县“{1}”不是 6 位区县代码"),
	p(`district "(.*)" is neither a 6-digit county code nor a label such as \S+`, "区县“{1}”不是 6 位区县代码或试点区标签"),
	p(`unknown district "(.*)"`, "未知区县“{1}”"),
	p(`district is required(?: \(no county boundaries are loaded\))?`, "请选择区县"),
	p(`layout must be one of (.+), not "(.*)"`, "布局类型应为 {1} 之一，不能是“{2}”"),
	p(`status must be one of (.+), not "(.*)"`, "状态应为 {1} 之一，不能是“{2}”"),
	p(`year (-?\d+) is out of range`, "年份 {1} 超出范围"),
	p(`a completed circle needs its completed_year`, "已建成的生活圈需要填写建成年份"),
	p(`a circle serves at least one community`, "生活圈至少要服务一个社区"),
	p(`community (\d+) is listed twice`, "社区 {1} 重复选择了"),
	p(`no community (\d+)`, "社区 {1} 不存在"),
	p(`community (\d+) \((.+)\) is in district (\d+), not (\d+)`, "社区 {1}（{2}）属于区县 {3}，不属于 {4}"),
	p(`(\w+) cannot be negative`, "{1|field}不能为负数"),
	p(`floor area cannot be negative`, "营业面积不能为负数"),
	p(`(\d+) residents is more than any one community holds \(at most (\d+)\); split it or correct the figure`, "{1} 人超过单个社区的上限（{2} 人），请拆分社区或更正数字"),
	p(`(\d+) households is more than the (\d+) residents`, "{1} 户多于 {2} 名居民"),
	p(`unknown category "(.*)"`, "未知业态“{1}”"),
	p(`unknown service "(.*)" \(known: .+\)`, "未知便民服务“{1}”"),
	p(`"(.*)" is not a date in the form YYYY-MM-DD`, "“{1}”不是 YYYY-MM-DD 格式的日期"),
	p(`unknown region "(.*)"`, "未知区划“{1}”"),
	// resident: walks, places, feedback
	p(`minutes must be above 0 and at most (\d+)`, "步行时间应大于 0 且不超过 {1} 分钟"),
	p(`speed_kmh must be above 0 and at most (\d+)`, "步行速度应大于 0 且不超过每小时 {1} 公里"),
	p(`(\w+) "(.*)" is not a number`, "{1|field}“{2}”不是数字"),
	p(`rating must be 1 to 5, not (-?\d+)`, "评分应为 1 到 5，不能是 {1}"),
	p(`give a rating of 1 to 5 or mark the feedback as a complaint`, "请给出 1 到 5 星的评分，或勾选投诉"),
	p(`text is (\d+) characters long, at most (\d+) are accepted`, "意见有 {1} 个字，最多可写 {2} 个字"),
	p(`a complaint needs a text saying what is wrong`, "投诉需要写明具体问题"),
	p(`name the outlet_id or circle_id the feedback is about`, "请指明反馈针对的网点或生活圈"),
	p(`ids are positive`, "编号应为正数"),
	p(`no (outlet|circle) (\d+)`, "{1|field} {2} 不存在"),
	p(`limit must be (?:between )?1 (?:to|and) (\d+)`, "数量上限应为 1 到 {1}"),
	// request bodies
	p(`request body is empty`, "请求内容为空"),
	p(`malformed JSON at byte (\d+)`, "JSON 格式有误（第 {1} 字节处）"),
	p(`wrong JSON type: (\S+)`, "{field}的数据类型有误（收到 {1}）"),
	p(`unknown field "(.*)"`, "未知字段“{1}”"),
	p(`request body holds more than one JSON value`, "请求内容包含多个 JSON 值"),
	p(`request body is larger than (\d+) bytes`, "请求内容超过 {1} 字节"),
	p(`the record was changed by someone else; reload it and apply your change again`, "数据已被他人修改，请刷新后重新操作"),
	p(`internal error`, "服务器内部错误，请稍后再试"),
	// generic shapes, last
	p(`(\w+) is required`, "请填写{1|field}"),
}

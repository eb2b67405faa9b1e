package scoring

import (
	"fmt"
	"strings"
)

// inputName is how explanations name a metric or submitted field. A
// presence input is a 0/1 "is it there" value: when it fails, the thing
// itself is what is missing.
type inputName struct {
	zh, en   string
	presence bool
}

// inputNames names every metric and submitted field for explanations.
var inputNames = map[string]inputName{
	MetricBasicTypesShare:                   {zh: "基本保障类业态齐全率", en: "share of the basic types present"},
	MetricBasicTypesPresent:                 {zh: "基本保障类业态数", en: "basic types present"},
	MetricQualityTypesShare:                 {zh: "品质提升类业态齐全率", en: "share of the quality types present"},
	MetricQualityTypesPresent:               {zh: "品质提升类业态数", en: "quality types present"},
	MetricDoorstepBasicsShare:               {zh: "5-10 分钟步行可达的日常基本业态比例", en: "share of daily basics within a 5-10 minute walk"},
	MetricPopulationCoverage:                {zh: "15 分钟步行可达的居民比例", en: "residents within the walk"},
	MetricBasicNeedsCoverage:                {zh: "基本保障类业态全部步行可达的居民比例", en: "residents reaching every basic type on foot"},
	MetricNewCommunityCommercialRatioOK:     {zh: "新建社区商业和综合服务设施面积占比不低于 10%", en: "commercial floor area of new communities at 10% or more", presence: true},
	MetricServiceFacilityM2Per100Households: {zh: "每百户社区综合服务设施面积", en: "community service floor area per 100 households"},
	MetricPublicFacilitiesPresent:           {zh: "公共服务设施类别数", en: "public facility types present"},
	MetricChainRate:                         {zh: "连锁化率", en: "chain rate"},
	MetricCashAndCardShare:                  {zh: "支持现金和银行卡支付的网点比例", en: "share of outlets taking cash and bank cards"},
	MetricServicesBillPaymentOutlets:        {zh: "提供代收代缴的网点数", en: "outlets offering bill payment"},
	MetricServicesPayAgencyOutlets:          {zh: "提供代收代发的网点数", en: "outlets offering payment agency"},
	MetricServicesHomeVisitOutlets:          {zh: "提供上门服务的网点数", en: "outlets offering home visits"},
	MetricOnlineOrderShare:                  {zh: "支持线上下单的网点比例", en: "share of outlets taking online orders"},
	MetricSmartLockerPresent:                {zh: "智能信包箱", en: "smart parcel locker", presence: true},
	MetricElderlyCarePresent:                {zh: "老年康护", en: "elderly care", presence: true},
	MetricElderlyDaycarePresent:             {zh: "养老服务中心（日间照料）", en: "elderly day care centre", presence: true},
	MetricChildcarePresent:                  {zh: "幼儿托管", en: "childcare", presence: true},
	MetricLowMarginPer1000:                  {zh: "每千名居民微利惠民网点数", en: "low-margin outlets per 1,000 residents"},
	FieldSatisfactionRate:                   {zh: "居民满意度", en: "resident satisfaction"},
	FieldSurveySampleSize:                   {zh: "满意度调查样本量", en: "survey sample size"},
	FieldManagementSystem:                   {zh: "共建共管管理制度", en: "co-management system", presence: true},
	FieldComplaintChannel:                   {zh: "投诉反馈渠道", en: "complaint and feedback channel", presence: true},
	FieldComplaintsReceived:                 {zh: "收到投诉数", en: "complaints received"},
	FieldComplaintsResolved:                 {zh: "办结投诉数", en: "complaints resolved"},
	FieldComplaintResolutionRate:            {zh: "投诉办结率", en: "complaint resolution rate"},
}

// nameOf returns how explanations name input name; an input without a
// name (a scheme may only use the names above) is shown as its code.
func nameOf(name string) inputName {
	if n, ok := inputNames[name]; ok {
		return n
	}
	return inputName{zh: name, en: name}
}

// shortfall says why a condition failed: the things missing, or a sentence
// naming the input, and a short form of it ("现为 84%，低于 85%") for
// conditions whose own message already names the input.
type shortfall struct {
	missingZH, missingEN []string
	zh, en               string
	shortZH, shortEN     string
}

// text renders the shortfall in each language, short when named.
func (s shortfall) text(named bool) (zh, en string) {
	switch {
	case len(s.missingZH) > 0:
		return "缺少：" + strings.Join(s.missingZH, "、"), "missing: " + strings.Join(s.missingEN, ", ")
	case named && s.shortZH != "":
		return s.shortZH, s.shortEN
	}
	return s.zh, s.en
}

// anyOfShortfall joins the shortfalls of failed alternatives: the things
// missing when each alternative lacks something, else every reason.
func anyOfShortfall(alts []shortfall) shortfall {
	var out shortfall
	allMissing := true
	for _, a := range alts {
		allMissing = allMissing && len(a.missingZH) > 0
		out.missingZH = append(out.missingZH, a.missingZH...)
		out.missingEN = append(out.missingEN, a.missingEN...)
	}
	if allMissing {
		return out
	}
	zs, es := make([]string, len(alts)), make([]string, len(alts))
	for i, a := range alts {
		zs[i], es[i] = a.text(false)
	}
	return shortfall{zh: "以下条件均未满足：" + strings.Join(zs, "；"), en: "none of these holds: " + strings.Join(es, "; ")}
}

// notAvailable says that an input has not been entered or computed.
func notAvailable(kind, name string) shortfall {
	n := nameOf(name)
	return shortfall{
		zh: n.zh + ifSubmitted(kind, "尚未填报", "尚未计算"),
		en: n.en + ifSubmitted(kind, " not submitted", " not computed"),
	}
}

// compared says how value v of input name falls short of op want.
func compared(name string, v float64, op string, want float64) shortfall {
	n := nameOf(name)
	if n.presence && (op == OpGE || op == OpEQ) && want > 0 && v == 0 {
		return shortfall{missingZH: []string{n.zh}, missingEN: []string{n.en}}
	}
	if n.presence && op == OpEQ && want == 0 && v != 0 {
		return shortfall{zh: n.zh + "不应具备", en: n.en + " should not be in place", shortZH: "现已具备", shortEN: "in place"}
	}
	unit := inputUnit(name)
	got, need := formatValue(v, unit), formatValue(want, unit)
	zhRel, enRel := "应为", "should be"
	switch op {
	case OpGE:
		zhRel, enRel = "低于", "below"
	case OpLE:
		zhRel, enRel = "高于", "above"
	}
	return shortfall{
		zh:      fmt.Sprintf("%s为 %s，%s %s", n.zh, got, zhRel, need),
		en:      fmt.Sprintf("%s is %s, %s %s", n.en, got, enRel, need),
		shortZH: fmt.Sprintf("现为 %s，%s %s", got, zhRel, need),
		shortEN: fmt.Sprintf("now %s, %s %s", got, enRel, need),
	}
}

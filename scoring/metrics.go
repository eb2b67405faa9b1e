package scoring

import "math"

// Metric names: the values the geo and API layers compute for a circle. A
// scheme refers to them as "metric:<name>". Shares are fractions in 0..1.
const (
	// MetricBasicTypesShare is the share of the scheme's basic types with at
	// least one open outlet within the walking budget of the circle centre.
	MetricBasicTypesShare = "basic_types_share"
	// MetricBasicTypesPresent is the number of those basic types present.
	MetricBasicTypesPresent = "basic_types_present"
	// MetricBasicTypesMissing lists the basic category codes not present
	// (a list metric, see Metrics.Lists).
	MetricBasicTypesMissing = "basic_types_missing"
	// MetricQualityTypesShare is the share of the scheme's quality types present.
	MetricQualityTypesShare = "quality_types_share"
	// MetricQualityTypesPresent is the number of quality types present.
	MetricQualityTypesPresent = "quality_types_present"
	// MetricQualityTypesMissing lists the quality category codes not present.
	MetricQualityTypesMissing = "quality_types_missing"
	// MetricDoorstepBasicsShare is the population share of the served
	// communities that reaches every doorstep set within the doorstep minutes.
	MetricDoorstepBasicsShare = "doorstep_basics_share"
	// MetricPopulationCoverage is the population share of the served
	// communities within the walking budget of the circle centre (B1).
	MetricPopulationCoverage = "population_coverage"
	// MetricBasicNeedsCoverage is the population share of the served
	// communities reaching every basic type within the walking budget (B2).
	MetricBasicNeedsCoverage = "basic_needs_coverage"
	// MetricNewCommunityCommercialRatioOK is 1 when every new community of the
	// circle meets the commercial floor area ratio, and 1 when there is none.
	MetricNewCommunityCommercialRatioOK = "new_community_commercial_ratio_ok"
	// MetricServiceFacilityM2Per100Households is the community comprehensive
	// service facility floor area per 100 households served.
	MetricServiceFacilityM2Per100Households = "service_facility_m2_per_100_households"
	// MetricPublicFacilitiesPresent is the number of the scheme's public
	// facility types present within the walking budget.
	MetricPublicFacilitiesPresent = "public_facilities_present"
	// MetricPublicFacilitiesMissing lists the public facility codes not present.
	MetricPublicFacilitiesMissing = "public_facilities_missing"
	// MetricChainRate is the share of commercial outlets that belong to a chain.
	MetricChainRate = "chain_rate"
	// MetricCashAndCardShare is the share of commercial outlets accepting both
	// cash and bank cards.
	MetricCashAndCardShare = "cash_and_card_share"
	// MetricServicesBillPaymentOutlets counts outlets offering bill payment (代收代缴).
	MetricServicesBillPaymentOutlets = "services_bill_payment_outlets"
	// MetricServicesPayAgencyOutlets counts outlets offering payment agency (代收代发).
	MetricServicesPayAgencyOutlets = "services_pay_agency_outlets"
	// MetricServicesHomeVisitOutlets counts outlets offering home visits (上门服务).
	MetricServicesHomeVisitOutlets = "services_home_visit_outlets"
	// MetricOnlineOrderShare is the share of commercial outlets taking online
	// orders or delivering.
	MetricOnlineOrderShare = "online_order_share"
	// MetricSmartLockerPresent is 1 when an outlet within the budget offers a
	// smart parcel locker.
	MetricSmartLockerPresent = "smart_locker_present"
	// MetricElderlyCarePresent is 1 when a category of the scheme's
	// elderly-care presence set has an outlet within the budget.
	MetricElderlyCarePresent = "elderly_care_present"
	// MetricElderlyDaycarePresent is 1 when an elderly day-care centre
	// (public facility) is within the budget.
	MetricElderlyDaycarePresent = "elderly_daycare_present"
	// MetricChildcarePresent is 1 when a childcare outlet is within the budget.
	MetricChildcarePresent = "childcare_present"
	// MetricLowMarginPer1000 is low-margin (微利/惠民) outlets per 1,000
	// residents served.
	MetricLowMarginPer1000 = "low_margin_per_1000"
)

// Complaints residents posted about the circle on the platform (the feedback
// table) in the evaluation year. They are computed, not submitted: the
// complaint resolution rate (E3 in jining-2023) counts them together with the
// complaints the district received through its own channels
// (FieldComplaintsReceived, FieldComplaintsResolved). Not in MetricNames:
// they reach schemes only through that rate.
const (
	// MetricPlatformComplaintsReceived counts the complaints posted.
	MetricPlatformComplaintsReceived = "platform_complaints_received"
	// MetricPlatformComplaintsResolved counts those marked resolved.
	MetricPlatformComplaintsResolved = "platform_complaints_resolved"
)

// MetricNames lists every numeric metric a scheme may refer to.
var MetricNames = []string{
	MetricBasicTypesShare, MetricBasicTypesPresent,
	MetricQualityTypesShare, MetricQualityTypesPresent,
	MetricDoorstepBasicsShare, MetricPopulationCoverage, MetricBasicNeedsCoverage,
	MetricNewCommunityCommercialRatioOK, MetricServiceFacilityM2Per100Households,
	MetricPublicFacilitiesPresent, MetricChainRate, MetricCashAndCardShare,
	MetricServicesBillPaymentOutlets, MetricServicesPayAgencyOutlets, MetricServicesHomeVisitOutlets,
	MetricOnlineOrderShare, MetricSmartLockerPresent,
	MetricElderlyCarePresent, MetricElderlyDaycarePresent, MetricChildcarePresent,
	MetricLowMarginPer1000,
}

// ListMetricNames lists the list metrics, which carry category codes used in
// explanations.
var ListMetricNames = []string{MetricBasicTypesMissing, MetricQualityTypesMissing, MetricPublicFacilitiesMissing}

// missingListOf names the list metric that explains a numeric metric, so a
// failed gate or a partial score can say what is missing.
var missingListOf = map[string]string{
	MetricBasicTypesShare:         MetricBasicTypesMissing,
	MetricBasicTypesPresent:       MetricBasicTypesMissing,
	MetricQualityTypesShare:       MetricQualityTypesMissing,
	MetricQualityTypesPresent:     MetricQualityTypesMissing,
	MetricPublicFacilitiesPresent: MetricPublicFacilitiesMissing,
}

// Metrics is the computed input of one evaluation: numeric values by metric
// name and category-code lists for explanations. It is stored as the
// evaluation's metrics snapshot.
type Metrics struct {
	Values map[string]float64  `json:"values"`
	Lists  map[string][]string `json:"lists,omitempty"`
}

// NewMetrics returns empty metrics ready to be filled.
func NewMetrics() Metrics {
	return Metrics{Values: map[string]float64{}, Lists: map[string][]string{}}
}

// Set records a numeric metric and returns m for chaining.
func (m Metrics) Set(name string, v float64) Metrics {
	m.Values[name] = v
	return m
}

// Merge copies every value and list of o into m, overwriting equal names.
func (m Metrics) Merge(o Metrics) Metrics {
	for k, v := range o.Values {
		m.Values[k] = v
	}
	for k, v := range o.Lists {
		m.Lists[k] = v
	}
	return m
}

// Outlet services counted by the metrics; the strings equal the outlet
// service codes of the store.
const (
	ServiceBillPayment = "bill_payment"
	ServicePayAgency   = "pay_agency"
	ServiceHomeVisit   = "home_visit"
	ServiceOnlineOrder = "online_order"
	ServiceDelivery    = "delivery"
	ServiceSmartLocker = "smart_locker"
)

// OutletFacts is what the metrics need to know of one open outlet within the
// walking budget.
type OutletFacts struct {
	Category    string
	Public      bool // a public service facility, not a commercial outlet
	IsChain     bool
	AcceptsCash bool
	AcceptsCard bool
	LowMargin   bool
	Services    []string
}

// CommunityFacts is what the metrics need to know of one served community.
type CommunityFacts struct {
	Population            int
	Households            int
	BuildingAreaM2        float64
	CommercialAreaM2      float64
	ServiceFacilityAreaM2 float64
	IsNew                 bool
}

// TypesPresent reports the share of required category codes present and the
// codes missing, in the order of required. An empty requirement is fully met.
func TypesPresent(present map[string]bool, required []string) (share float64, missing []string) {
	if len(required) == 0 {
		return 1, nil
	}
	for _, c := range required {
		if !present[c] {
			missing = append(missing, c)
		}
	}
	return float64(len(required)-len(missing)) / float64(len(required)), missing
}

// CategoriesPresent returns the set of categories with at least one outlet.
func CategoriesPresent(outlets []OutletFacts) map[string]bool {
	p := make(map[string]bool, len(outlets))
	for _, o := range outlets {
		p[o.Category] = true
	}
	return p
}

// commercialShare is the share of commercial (non-public) outlets for which
// keep holds; 0 when there is no commercial outlet.
func commercialShare(outlets []OutletFacts, keep func(OutletFacts) bool) float64 {
	n, k := 0, 0
	for _, o := range outlets {
		if o.Public {
			continue
		}
		n++
		if keep(o) {
			k++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

// ChainRate is the share of commercial outlets that belong to a chain.
func ChainRate(outlets []OutletFacts) float64 {
	return commercialShare(outlets, func(o OutletFacts) bool { return o.IsChain })
}

// CashAndCardShare is the share of commercial outlets accepting both cash and
// bank cards (plan §四(二): shops keep cash and card payment for the elderly).
func CashAndCardShare(outlets []OutletFacts) float64 {
	return commercialShare(outlets, func(o OutletFacts) bool { return o.AcceptsCash && o.AcceptsCard })
}

// OnlineOrderShare is the share of commercial outlets taking online orders or
// delivering to the home.
func OnlineOrderShare(outlets []OutletFacts) float64 {
	return commercialShare(outlets, func(o OutletFacts) bool {
		return hasService(o, ServiceOnlineOrder) || hasService(o, ServiceDelivery)
	})
}

// ServiceOutletCounts counts, per service code, the outlets offering it.
func ServiceOutletCounts(outlets []OutletFacts) map[string]int {
	n := map[string]int{}
	for _, o := range outlets {
		seen := map[string]bool{}
		for _, s := range o.Services {
			if !seen[s] {
				seen[s] = true
				n[s]++
			}
		}
	}
	return n
}

// LowMarginPer1000 is the number of low-margin outlets per 1,000 residents;
// 0 when there are no residents.
func LowMarginPer1000(outlets []OutletFacts, residents int) float64 {
	if residents <= 0 {
		return 0
	}
	n := 0
	for _, o := range outlets {
		if o.LowMargin {
			n++
		}
	}
	return float64(n) * 1000 / float64(residents)
}

// NewCommunityCommercialRatioOK reports whether every new community has
// commercial and service floor area of at least minRatio of its building
// area; true when there is no new community. A new community without a
// recorded building area fails: the rule cannot be shown to hold.
func NewCommunityCommercialRatioOK(cs []CommunityFacts, minRatio float64) bool {
	for _, c := range cs {
		if !c.IsNew {
			continue
		}
		if c.BuildingAreaM2 <= 0 || c.CommercialAreaM2/c.BuildingAreaM2 < minRatio-epsilon {
			return false
		}
	}
	return true
}

// ServiceFacilityM2Per100Households is the community comprehensive service
// facility area per 100 households over all served communities; 0 when no
// households are recorded.
func ServiceFacilityM2Per100Households(cs []CommunityFacts) float64 {
	area, hh := 0.0, 0
	for _, c := range cs {
		area += c.ServiceFacilityAreaM2
		hh += c.Households
	}
	if hh <= 0 {
		return 0
	}
	return area * 100 / float64(hh)
}

// OutletMetrics computes every outlet-based metric of s from the open outlets
// within the walking budget of the circle centre and the residents served.
func (s *Scheme) OutletMetrics(outlets []OutletFacts, residents int) Metrics {
	m := NewMetrics()
	present := CategoriesPresent(outlets)

	put := func(types []TypeRef, count, list string) float64 {
		codes := typeCodes(types)
		share, missing := TypesPresent(present, codes)
		m.Values[count] = float64(len(codes) - len(missing))
		m.Lists[list] = missing
		return share
	}
	m.Values[MetricBasicTypesShare] = put(s.BasicTypes, MetricBasicTypesPresent, MetricBasicTypesMissing)
	m.Values[MetricQualityTypesShare] = put(s.QualityTypes, MetricQualityTypesPresent, MetricQualityTypesMissing)
	put(s.PublicTypes, MetricPublicFacilitiesPresent, MetricPublicFacilitiesMissing)

	m.Values[MetricChainRate] = ChainRate(outlets)
	m.Values[MetricCashAndCardShare] = CashAndCardShare(outlets)
	m.Values[MetricOnlineOrderShare] = OnlineOrderShare(outlets)
	counts := ServiceOutletCounts(outlets)
	m.Values[MetricServicesBillPaymentOutlets] = float64(counts[ServiceBillPayment])
	m.Values[MetricServicesPayAgencyOutlets] = float64(counts[ServicePayAgency])
	m.Values[MetricServicesHomeVisitOutlets] = float64(counts[ServiceHomeVisit])
	m.Values[MetricSmartLockerPresent] = boolValue(counts[ServiceSmartLocker] > 0)
	m.Values[MetricLowMarginPer1000] = LowMarginPer1000(outlets, residents)

	for _, name := range sortedKeys(s.PresenceMetrics) {
		any := false
		for _, c := range s.PresenceMetrics[name] {
			any = any || present[c]
		}
		m.Values[name] = boolValue(any)
	}
	return m
}

// CommunityMetrics computes the community-based metrics of s (C1, C2) from
// the served communities.
func (s *Scheme) CommunityMetrics(cs []CommunityFacts) Metrics {
	m := NewMetrics()
	m.Values[MetricNewCommunityCommercialRatioOK] = boolValue(NewCommunityCommercialRatioOK(cs, s.NewCommunityCommercialMinRatio))
	m.Values[MetricServiceFacilityM2Per100Households] = ServiceFacilityM2Per100Households(cs)
	return m
}

func hasService(o OutletFacts, s string) bool {
	for _, x := range o.Services {
		if x == s {
			return true
		}
	}
	return false
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// epsilon absorbs floating-point noise in threshold comparisons: a share
// computed as 0.8499999999 meets ">= 0.85".
const epsilon = 1e-9

func round2(v float64) float64 {
	return math.Round(v*100) / 100
}

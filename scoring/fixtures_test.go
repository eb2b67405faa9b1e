package scoring

import (
	"os"
	"testing"
)

// jining loads the shipped jining-2023 scheme, validated.
func jining(t testing.TB) *Scheme {
	t.Helper()
	return shippedScheme(t, "jining-2023")
}

// shippedScheme loads a scheme of seeds/schemes by code, validated.
func shippedScheme(t testing.TB, code string) *Scheme {
	t.Helper()
	b, err := os.ReadFile("../seeds/schemes/" + code + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseScheme(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(DefaultInputs()); err != nil {
		t.Fatal(err)
	}
	return s
}

func ptrF(v float64) *float64 { return &v }
func ptrI(v int) *int         { return &v }

// excellentMetrics is a circle that meets every requirement.
func excellentMetrics() Metrics {
	m := NewMetrics()
	m.Values = map[string]float64{
		MetricBasicTypesShare: 1, MetricBasicTypesPresent: 12,
		MetricQualityTypesShare: 6.0 / 7, MetricQualityTypesPresent: 6,
		MetricDoorstepBasicsShare: 0.92, MetricPopulationCoverage: 0.95, MetricBasicNeedsCoverage: 0.85,
		MetricNewCommunityCommercialRatioOK: 1, MetricServiceFacilityM2Per100Households: 34,
		MetricPublicFacilitiesPresent: 3, MetricChainRate: 0.34, MetricCashAndCardShare: 0.97,
		MetricServicesBillPaymentOutlets: 5, MetricServicesPayAgencyOutlets: 4, MetricServicesHomeVisitOutlets: 3,
		MetricOnlineOrderShare: 0.41, MetricSmartLockerPresent: 1,
		MetricElderlyCarePresent: 1, MetricElderlyDaycarePresent: 1, MetricChildcarePresent: 0,
		MetricLowMarginPer1000: 0.6,
	}
	m.Lists = map[string][]string{MetricQualityTypesMissing: {"childcare"}}
	return m
}

func excellentSubmitted() Submitted {
	return Submitted{
		SatisfactionRate: ptrF(0.93), SurveySampleSize: ptrI(320),
		ManagementSystem: true, ComplaintChannel: true,
		ComplaintsReceived: 0, ComplaintsResolved: 0,
		Evidence: []Evidence{
			{Indicator: "E1", Ref: "evidence/survey-2023.pdf"},
			{Indicator: "E2", Ref: "evidence/rules.pdf"},
			{Indicator: "E3", Ref: "evidence/complaints.xlsx"},
		},
	}
}

// middlingMetrics is a circle that meets the basic standard only.
func middlingMetrics() Metrics {
	m := NewMetrics()
	m.Values = map[string]float64{
		MetricBasicTypesShare: 10.0 / 12, MetricBasicTypesPresent: 10,
		MetricQualityTypesShare: 3.0 / 7, MetricQualityTypesPresent: 3,
		MetricDoorstepBasicsShare: 0.55, MetricPopulationCoverage: 0.78, MetricBasicNeedsCoverage: 0.52,
		MetricNewCommunityCommercialRatioOK: 1, MetricServiceFacilityM2Per100Households: 18,
		MetricPublicFacilitiesPresent: 2, MetricChainRate: 0.21, MetricCashAndCardShare: 0.88,
		MetricServicesBillPaymentOutlets: 3, MetricServicesPayAgencyOutlets: 1, MetricServicesHomeVisitOutlets: 2,
		MetricOnlineOrderShare: 0.33, MetricSmartLockerPresent: 0,
		MetricElderlyCarePresent: 0, MetricElderlyDaycarePresent: 1, MetricChildcarePresent: 0,
		MetricLowMarginPer1000: 0.3,
	}
	m.Lists = map[string][]string{
		MetricBasicTypesMissing:       {"laundry", "photo_print"},
		MetricQualityTypesMissing:     {"wellness", "leisure", "elderly_care", "childcare"},
		MetricPublicFacilitiesMissing: {"culture_station"},
	}
	return m
}

func middlingSubmitted() Submitted {
	return Submitted{
		SatisfactionRate: ptrF(0.84), SurveySampleSize: ptrI(150),
		ManagementSystem: true, ComplaintChannel: false,
		ComplaintsReceived: 20, ComplaintsResolved: 17,
		Evidence: []Evidence{
			{Indicator: "E1", Ref: "evidence/survey.pdf"},
			{Indicator: "E2", Ref: "evidence/rules.pdf"},
			{Indicator: "E3", Ref: "evidence/complaints.xlsx"},
		},
	}
}

// shortMetrics is a circle far from the standard, with a new community
// short of commercial space and a survey too small to count.
func shortMetrics() Metrics {
	m := NewMetrics()
	m.Values = map[string]float64{
		MetricBasicTypesShare: 6.0 / 12, MetricBasicTypesPresent: 6,
		MetricQualityTypesShare: 1.0 / 7, MetricQualityTypesPresent: 1,
		MetricDoorstepBasicsShare: 0.12, MetricPopulationCoverage: 0.48, MetricBasicNeedsCoverage: 0.2,
		MetricNewCommunityCommercialRatioOK: 0, MetricServiceFacilityM2Per100Households: 6,
		MetricPublicFacilitiesPresent: 0, MetricChainRate: 0.05, MetricCashAndCardShare: 0.6,
		MetricServicesBillPaymentOutlets: 0, MetricServicesPayAgencyOutlets: 0, MetricServicesHomeVisitOutlets: 0,
		MetricOnlineOrderShare: 0.1, MetricSmartLockerPresent: 0,
		MetricElderlyCarePresent: 0, MetricElderlyDaycarePresent: 0, MetricChildcarePresent: 0,
		MetricLowMarginPer1000: 0,
	}
	m.Lists = map[string][]string{
		MetricBasicTypesMissing:       {"wet_market", "fresh_grocer", "laundry", "photo_print", "housekeeping", "repair"},
		MetricQualityTypesMissing:     {"specialty_dining", "fitness", "wellness", "leisure", "elderly_care", "childcare"},
		MetricPublicFacilitiesMissing: {"culture_station", "health_station", "elderly_daycare"},
	}
	return m
}

func shortSubmitted() Submitted {
	return Submitted{
		SatisfactionRate: ptrF(0.81), SurveySampleSize: ptrI(80),
		ComplaintsReceived: 4, ComplaintsResolved: 2,
	}
}

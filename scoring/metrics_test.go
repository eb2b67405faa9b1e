package scoring

import (
	"reflect"
	"testing"
)

func TestTypesPresent_ReportsShareAndMissingInOrder(t *testing.T) {
	share, missing := TypesPresent(map[string]bool{"a": true, "c": true, "x": true}, []string{"a", "b", "c", "d"})
	if share != 0.5 || !reflect.DeepEqual(missing, []string{"b", "d"}) {
		t.Errorf("got %v %v, want 0.5 [b d]", share, missing)
	}
	if share, missing := TypesPresent(nil, nil); share != 1 || missing != nil {
		t.Errorf("empty requirement: %v %v, want fully met", share, missing)
	}
}

var outlets = []OutletFacts{
	{Category: "convenience_store", IsChain: true, AcceptsCash: true, AcceptsCard: true, Services: []string{ServiceBillPayment, ServiceOnlineOrder}},
	{Category: "pharmacy", IsChain: true, AcceptsCash: true, AcceptsCard: false, LowMargin: true, Services: []string{ServiceBillPayment, ServiceBillPayment}},
	{Category: "laundry", AcceptsCash: true, AcceptsCard: true, Services: []string{ServiceHomeVisit, ServiceDelivery}},
	{Category: "breakfast", AcceptsCash: true, LowMargin: true},
	{Category: "elderly_daycare", Public: true, IsChain: true, Services: []string{ServiceSmartLocker}},
}

func TestOutletShares_CountCommercialOutletsOnly(t *testing.T) {
	if got := ChainRate(outlets); got != 0.5 {
		t.Errorf("ChainRate = %v, want 2 of 4 commercial", got)
	}
	if got := CashAndCardShare(outlets); got != 0.5 {
		t.Errorf("CashAndCardShare = %v, want 2 of 4", got)
	}
	if got := OnlineOrderShare(outlets); got != 0.5 {
		t.Errorf("OnlineOrderShare = %v, want 2 of 4 (online order or delivery)", got)
	}
	if got := ChainRate(nil); got != 0 {
		t.Errorf("ChainRate(nil) = %v, want 0", got)
	}
}

func TestServiceOutletCounts_CountsEachOutletOncePerService(t *testing.T) {
	got := ServiceOutletCounts(outlets)
	if got[ServiceBillPayment] != 2 || got[ServiceHomeVisit] != 1 || got[ServicePayAgency] != 0 {
		t.Errorf("counts %v", got)
	}
}

func TestLowMarginPer1000(t *testing.T) {
	if got := LowMarginPer1000(outlets, 4000); got != 0.5 {
		t.Errorf("got %v, want 2 per 4,000 = 0.5", got)
	}
	if got := LowMarginPer1000(outlets, 0); got != 0 {
		t.Errorf("no residents: %v, want 0", got)
	}
}

func TestNewCommunityCommercialRatioOK(t *testing.T) {
	old := CommunityFacts{BuildingAreaM2: 1000, CommercialAreaM2: 0}
	good := CommunityFacts{IsNew: true, BuildingAreaM2: 1000, CommercialAreaM2: 100}
	short := CommunityFacts{IsNew: true, BuildingAreaM2: 1000, CommercialAreaM2: 99}
	unknown := CommunityFacts{IsNew: true}
	for _, c := range []struct {
		name string
		cs   []CommunityFacts
		want bool
	}{
		{"no new community", []CommunityFacts{old}, true},
		{"exactly 10%", []CommunityFacts{old, good}, true},
		{"9.9%", []CommunityFacts{good, short}, false},
		{"building area unknown", []CommunityFacts{unknown}, false},
	} {
		if got := NewCommunityCommercialRatioOK(c.cs, 0.10); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestServiceFacilityM2Per100Households(t *testing.T) {
	cs := []CommunityFacts{{Households: 1500, ServiceFacilityAreaM2: 300}, {Households: 500, ServiceFacilityAreaM2: 300}}
	if got := ServiceFacilityM2Per100Households(cs); got != 30 {
		t.Errorf("got %v, want 600 m² / 20 = 30", got)
	}
	if got := ServiceFacilityM2Per100Households(nil); got != 0 {
		t.Errorf("no households: %v", got)
	}
}

func TestScheme_OutletMetricsFollowTheSchemeLists(t *testing.T) {
	s := jining(t)
	m := s.OutletMetrics(outlets, 2000)
	if m.Values[MetricBasicTypesPresent] != 4 || m.Values[MetricBasicTypesShare] != 4.0/12 {
		t.Errorf("basic present %v share %v", m.Values[MetricBasicTypesPresent], m.Values[MetricBasicTypesShare])
	}
	if got := m.Lists[MetricBasicTypesMissing]; len(got) != 8 || got[0] != "supermarket" {
		t.Errorf("missing %v", got)
	}
	if m.Values[MetricPublicFacilitiesPresent] != 1 || m.Values[MetricElderlyDaycarePresent] != 1 ||
		m.Values[MetricElderlyCarePresent] != 0 || m.Values[MetricSmartLockerPresent] != 1 {
		t.Errorf("presence %v", m.Values)
	}
	if m.Values[MetricLowMarginPer1000] != 1 || m.Values[MetricServicesBillPaymentOutlets] != 2 {
		t.Errorf("low margin %v, bill payment %v", m.Values[MetricLowMarginPer1000], m.Values[MetricServicesBillPaymentOutlets])
	}
	c := s.CommunityMetrics([]CommunityFacts{{IsNew: true, BuildingAreaM2: 100, CommercialAreaM2: 5, Households: 100, ServiceFacilityAreaM2: 25}})
	if c.Values[MetricNewCommunityCommercialRatioOK] != 0 || c.Values[MetricServiceFacilityM2Per100Households] != 25 {
		t.Errorf("community metrics %v", c.Values)
	}
}

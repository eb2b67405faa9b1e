package quarterhour

import (
	"reflect"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Outlet statuses.
const (
	OutletOpen   = "open"
	OutletClosed = "closed"
)

// Outlet is a commercial outlet (商业网点) or public service facility.
type Outlet struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Category     string    `json:"category"`
	Point        orb.Point `json:"-"`
	H3           string    `json:"h3"` // res-10 cell
	District     string    `json:"district"`
	Address      string    `json:"address,omitempty"`
	Brand        string    `json:"brand,omitempty"`
	IsChain      bool      `json:"is_chain"`
	FloorAreaM2  float64   `json:"floor_area_m2,omitempty"`
	AcceptsCash  bool      `json:"accepts_cash"`
	AcceptsCard  bool      `json:"accepts_card"`
	LowMargin    bool      `json:"low_margin"` // 微利 / 惠民 outlet
	Services     []string  `json:"services"`   // see Service* constants
	OpeningHours string    `json:"opening_hours,omitempty"`
	Status       string    `json:"status"`
	OpenedOn     string    `json:"opened_on,omitempty"` // YYYY-MM-DD
	ClosedOn     string    `json:"closed_on,omitempty"`
	Source       string    `json:"source"`               // manual | osm | amap | demo | csv
	SourceRef    string    `json:"source_ref,omitempty"` // OSM "node/123", Amap id, import batch row
	OriginalCRS  string    `json:"original_crs,omitempty"`
	Synthetic    bool      `json:"synthetic"`
	Version      int       `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// SameValues reports whether storing b over o would change nothing: the
// fields compare equal apart from the store's bookkeeping (ID, Version,
// UpdatedAt), nil and empty service lists alike, and an empty Status in b
// counting as open, as the stores write it.
func (o Outlet) SameValues(b Outlet) bool {
	a := o
	if b.Status == "" {
		b.Status = OutletOpen
	}
	if !slices.Equal(a.Services, b.Services) {
		return false
	}
	a.Services, b.Services = nil, nil
	a.ID, a.Version, a.UpdatedAt = 0, 0, b.UpdatedAt
	b.ID, b.Version = 0, 0
	return reflect.DeepEqual(a, b)
}

// Outlet services (plan §四(五)).
const (
	ServiceBillPayment  = "bill_payment"  // 代收代缴
	ServicePayAgency    = "pay_agency"    // 代收代发
	ServiceHomeVisit    = "home_visit"    // 上门服务
	ServiceOnlineOrder  = "online_order"  // 线上下单
	ServiceDelivery     = "delivery"      // 配送到家
	ServiceSmartLocker  = "smart_locker"  // 智能信包箱
	ServiceSmartPayment = "smart_payment" // 智慧结算
)

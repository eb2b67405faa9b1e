// Package store holds the domain types of QuarterHour and the Store interface
// that both persistence back ends (store/sqlite, store/postgres) implement.
//
// All geometry is WGS-84 (EPSG:4326) longitude/latitude in orb types.
// District codes are 6-digit NBS county codes ("370811"); region codes are the
// 12-digit NBS codes ("370811002000").
package store

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Errors every Store returns so callers can map them to HTTP statuses.
var (
	// ErrNotFound: no row with that key.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the row changed since it was read (stale version), or a
	// uniqueness rule was broken (for example a second award for a circle).
	ErrConflict = errors.New("conflict")
)

// Region levels.
const (
	LevelCity      = "city"
	LevelCounty    = "county"
	LevelTown      = "town"
	LevelCommunity = "community" // NBS "village" level: 社区居委会 / 村委会
)

// Region is one NBS administrative unit.
type Region struct {
	Code             string           `json:"code"` // 12 digits
	Name             string           `json:"name"`
	Level            string           `json:"level"`
	Parent           string           `json:"parent,omitempty"` // 12 digits
	County           string           `json:"county,omitempty"` // 6-digit county code, empty for the city
	Boundary         orb.MultiPolygon `json:"-"`                // nil when unknown
	Population       int64            `json:"population,omitempty"`
	PopulationYear   int              `json:"population_year,omitempty"`
	PopulationSource string           `json:"population_source,omitempty"`
}

// Category tiers.
const (
	TierBasic   = "basic"
	TierQuality = "quality"
	TierPublic  = "public"
)

// Category is one business or facility type of the taxonomy.
type Category struct {
	Code          string   `json:"code"`
	NameZH        string   `json:"name_zh"`
	NameEN        string   `json:"name_en"`
	Tier          string   `json:"tier"`     // basic | quality | public
	National      bool     `json:"national"` // added by national guidance, not in the Jining plan
	OSMTags       []string `json:"osm_tags"` // "shop=convenience", "amenity=pharmacy", "shop=*" not allowed
	AmapTypecodes []string `json:"amap_typecodes"`
	Sort          int      `json:"sort"`
}

// Community is a residential community (社区/小区).
type Community struct {
	ID                    int64            `json:"id"`
	RegionCode            string           `json:"region_code"` // 12-digit code of its 社区居委会 or town
	District              string           `json:"district"`    // 6-digit county code
	Name                  string           `json:"name"`
	Polygon               orb.MultiPolygon `json:"-"`
	Population            int              `json:"population"`
	Households            int              `json:"households"`
	BuildingAreaM2        float64          `json:"building_area_m2"`
	CommercialAreaM2      float64          `json:"commercial_area_m2"`       // commercial + comprehensive service floor area
	ServiceFacilityAreaM2 float64          `json:"service_facility_area_m2"` // community comprehensive service facilities
	IsNew                 bool             `json:"is_new"`
	Synthetic             bool             `json:"synthetic"`
	// PopulationEstimated marks a population (and households) estimated
	// from building footprints rather than counted by a census or register.
	PopulationEstimated bool   `json:"population_estimated"`
	Source              string `json:"source,omitempty"`     // manual | register | osm | demo
	SourceRef           string `json:"source_ref,omitempty"` // register 编号, OSM "way/123"
	OriginalCRS         string `json:"original_crs,omitempty"`
	Version             int    `json:"version"`
}

// SameValues reports whether storing b over c would change nothing: the
// fields compare equal apart from the store's bookkeeping (ID, Version).
func (c Community) SameValues(b Community) bool {
	a := c
	a.ID, a.Version = 0, 0
	b.ID, b.Version = 0, 0
	return reflect.DeepEqual(a, b)
}

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

// WalkNode is a vertex of the walking network (pgRouting "vertices").
type WalkNode struct {
	ID    int64     `json:"id"`
	Point orb.Point `json:"-"`
}

// WalkEdge is an undirected walkable edge; Cost and ReverseCost are metres.
type WalkEdge struct {
	ID          int64          `json:"id"`
	Source      int64          `json:"source"`
	Target      int64          `json:"target"`
	Cost        float64        `json:"cost"`
	ReverseCost float64        `json:"reverse_cost"`
	LengthM     float64        `json:"length_m"`
	Geom        orb.LineString `json:"-"`
	OSMWayID    int64          `json:"osm_way_id,omitempty"`
	Highway     string         `json:"highway,omitempty"`
}

// Network is one area's walking network, replaced as a whole on import.
type Network struct {
	Area      string // e.g. "jining-demo", "porto"
	Synthetic bool
	Nodes     []WalkNode
	Edges     []WalkEdge
}

// Circle layout types (STANDARDS.md).
const (
	LayoutCluster   = "cluster"   // 集聚式
	LayoutBlock     = "block"     // 街区式
	LayoutScattered = "scattered" // 分散式
)

// Circle statuses.
const (
	CirclePlanned   = "planned"
	CircleBuilding  = "building"
	CircleCompleted = "completed"
)

// Circle is a 15-minute convenient living circle.
type Circle struct {
	ID            int64       `json:"id"`
	Name          string      `json:"name"`
	District      string      `json:"district"`
	PilotZone     string      `json:"pilot_zone,omitempty"` // e.g. 太白湖新区, which has no NBS code
	Layout        string      `json:"layout"`
	Centers       []orb.Point `json:"-"` // commercial anchor(s), at least one
	CommunityIDs  []int64     `json:"community_ids"`
	Status        string      `json:"status"`
	PlannedYear   int         `json:"planned_year,omitempty"`
	CompletedYear int         `json:"completed_year,omitempty"`
	Synthetic     bool        `json:"synthetic"`
	Version       int         `json:"version"`
	UpdatedAt     time.Time   `json:"updated_at"`
}

// Scheme is a stored indicator scheme document (see package scoring).
type Scheme struct {
	Code          string          `json:"code"`
	Version       int             `json:"version"`
	Name          string          `json:"name"`
	Years         []int           `json:"years"`
	Reconstructed bool            `json:"reconstructed"`
	Document      json.RawMessage `json:"document"`
	CreatedAt     time.Time       `json:"created_at"`
}

// Evaluation statuses.
const (
	EvalDraft     = "draft"
	EvalSubmitted = "submitted"
	EvalReturned  = "returned"
	EvalApproved  = "approved"
	EvalCertified = "certified"
)

// Evaluation is one circle's evaluation under one scheme for one year.
type Evaluation struct {
	ID          int64           `json:"id"`
	CircleID    int64           `json:"circle_id"`
	District    string          `json:"district"`
	Scheme      string          `json:"scheme"`
	Year        int             `json:"year"`
	Status      string          `json:"status"`
	Submitted   json.RawMessage `json:"submitted"`
	Metrics     json.RawMessage `json:"metrics,omitempty"` // snapshot the result was judged on
	Result      json.RawMessage `json:"result,omitempty"`  // per-indicator scores, gates, explanation
	Total       float64         `json:"total"`
	Tier        string          `json:"tier"`
	AwardYuan   int64           `json:"award_yuan"`
	Version     int             `json:"version"`
	CreatedBy   string          `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	CertifiedAt *time.Time      `json:"certified_at,omitempty"`
}

// EvaluationEvent is one append-only audit record.
type EvaluationEvent struct {
	ID           int64     `json:"id"`
	EvaluationID int64     `json:"evaluation_id"`
	Actor        string    `json:"actor"`
	At           time.Time `json:"at"`
	From         string    `json:"from"`
	To           string    `json:"to"`
	Comment      string    `json:"comment,omitempty"`
}

// Evidence is a file attached to an evaluation as proof for an indicator
// (a survey report, the published complaint channel). Data is left out of
// lists.
type Evidence struct {
	ID           int64     `json:"id"`
	EvaluationID int64     `json:"evaluation_id"`
	Indicator    string    `json:"indicator,omitempty"` // indicator id, e.g. "E2"; empty when not tied to one
	Name         string    `json:"name"`                // file name as uploaded
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"` // hex
	Note         string    `json:"note,omitempty"`
	Data         []byte    `json:"-"`
	UploadedBy   string    `json:"uploaded_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// Target is a yearly goal; District "370800" is the whole city.
type Target struct {
	Year        int    `json:"year"`
	District    string `json:"district"`
	Circles     int    `json:"circles"`      // circles to build or upgrade that year
	HighQuality int    `json:"high_quality"` // high-quality circles that year
	Cumulative  bool   `json:"cumulative"`   // the figures are totals to date ("120 by end of 2025")
	// AwardBudgetYuan is the award money the city sets aside for the year,
	// 0 when none is set. The plan names no budget: it is configuration
	// (seeds/targets.yaml).
	AwardBudgetYuan int64  `json:"award_budget_yuan"`
	Source          string `json:"source,omitempty"`
}

// User roles.
const (
	RoleAdmin    = "admin"
	RoleReviewer = "reviewer"
	RoleDistrict = "district"
)

// User is a login.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	PasswordHash string    `json:"-"`
	Role         string    `json:"role"`
	District     string    `json:"district,omitempty"` // only for RoleDistrict
	CreatedAt    time.Time `json:"created_at"`
}

// Session is a browser session or a bearer token; only the SHA-256 of the
// secret is stored.
type Session struct {
	TokenHash string    `json:"-"`
	UserID    int64     `json:"user_id"`
	CSRFToken string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Import records one import batch.
type Import struct {
	ID           int64           `json:"id"`
	Kind         string          `json:"kind"` // network | osm-outlets | outlets-csv
	File         string          `json:"file"`
	CRS          string          `json:"crs"`
	RowsOK       int             `json:"rows_ok"`
	RowsRejected int             `json:"rows_rejected"`
	Rejections   json.RawMessage `json:"rejections,omitempty"`
	CreatedBy    string          `json:"created_by,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
}

// Feedback statuses.
const (
	FeedbackOpen     = "open"
	FeedbackResolved = "resolved"
)

// Feedback is a resident rating or complaint on an outlet or circle.
type Feedback struct {
	ID        int64     `json:"id"`
	OutletID  int64     `json:"outlet_id,omitempty"`
	CircleID  int64     `json:"circle_id,omitempty"`
	Rating    int       `json:"rating,omitempty"` // 1..5
	Complaint bool      `json:"complaint"`
	Text      string    `json:"text"`
	Status    string    `json:"status"` // FeedbackOpen | FeedbackResolved
	CreatedAt time.Time `json:"created_at"`
}

// Filters. Zero values mean "no restriction".

type RegionFilter struct {
	Level  string
	Parent string // 12-digit parent code, or 6-digit county code for towns
	County string
}

type OutletFilter struct {
	BBox     *orb.Bound
	Category string
	District string
	Status   string
	Source   string
	Limit    int // 0 = no limit
	Offset   int
}

type CommunityFilter struct {
	District string
	BBox     *orb.Bound
	IDs      []int64
}

type CircleFilter struct {
	District string
	Status   string
}

type EvaluationFilter struct {
	District string
	Status   string
	CircleID int64
	Scheme   string
	Year     int
}

// UpsertStats reports a by-source-reference upsert.
type UpsertStats struct {
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Bundle is reference and demo data loaded in one transaction by Seed.
type Bundle struct {
	Regions     []Region
	Categories  []Category
	Targets     []Target
	Schemes     []Scheme
	Communities []Community // IDs assigned by the store, in order
	Outlets     []Outlet
	Networks    []Network
	// Circles refer to communities by their index in Communities
	// (CommunityIDs holds indexes here); the store rewrites them to real IDs.
	Circles []Circle
}

// Store is the persistence contract; both back ends pass store/storetest.
//
// Update methods take the row with the version the caller read; they return
// ErrConflict when the stored version differs, and bump Version on success.
type Store interface {
	Kind() string // "sqlite" | "postgres"
	Ping(ctx context.Context) error
	SchemaVersion(ctx context.Context) (int64, error)
	Close() error

	// Seed loads b in one transaction when the database holds no regions yet;
	// it reports whether it loaded anything. Loading is all or nothing.
	Seed(ctx context.Context, b *Bundle) (bool, error)

	UpsertRegions(ctx context.Context, rs []Region) error
	ListRegions(ctx context.Context, f RegionFilter) ([]Region, error)
	GetRegion(ctx context.Context, code string) (Region, error)

	UpsertCategories(ctx context.Context, cs []Category) error
	ListCategories(ctx context.Context) ([]Category, error)

	ListOutlets(ctx context.Context, f OutletFilter) ([]Outlet, error)
	CountOutlets(ctx context.Context, f OutletFilter) (int, error)
	GetOutlet(ctx context.Context, id int64) (Outlet, error)
	CreateOutlet(ctx context.Context, o *Outlet) error
	UpdateOutlet(ctx context.Context, o *Outlet) error
	DeleteOutlet(ctx context.Context, id int64, version int) error
	// UpsertOutletsBySource inserts or updates outlets keyed by (Source,
	// SourceRef) in one transaction and records the import batch.
	UpsertOutletsBySource(ctx context.Context, os []Outlet, imp *Import) (UpsertStats, error)

	ListCommunities(ctx context.Context, f CommunityFilter) ([]Community, error)
	GetCommunity(ctx context.Context, id int64) (Community, error)
	CreateCommunity(ctx context.Context, c *Community) error
	UpdateCommunity(ctx context.Context, c *Community) error
	// UpsertCommunities inserts or updates communities keyed by (Source,
	// SourceRef) in one transaction and records the import batch; a
	// community without Source or SourceRef rejects the whole batch.
	UpsertCommunities(ctx context.Context, cs []Community, imp *Import) (UpsertStats, error)

	ListCircles(ctx context.Context, f CircleFilter) ([]Circle, error)
	GetCircle(ctx context.Context, id int64) (Circle, error)
	CreateCircle(ctx context.Context, c *Circle) error
	UpdateCircle(ctx context.Context, c *Circle) error

	// ReplaceNetwork swaps the network of n.Area in one transaction and records
	// the import; node and edge IDs are kept as given.
	ReplaceNetwork(ctx context.Context, n *Network, imp *Import) error
	// LoadNetworks returns every stored network.
	LoadNetworks(ctx context.Context) ([]Network, error)

	CreateUser(ctx context.Context, u *User) error
	GetUserByName(ctx context.Context, username string) (User, error)
	GetUser(ctx context.Context, id int64) (User, error)
	CreateSession(ctx context.Context, s *Session) error
	GetSession(ctx context.Context, tokenHash string) (Session, error) // ErrNotFound when expired
	DeleteSession(ctx context.Context, tokenHash string) error

	UpsertScheme(ctx context.Context, s *Scheme) error // new Version when the document changed
	ListSchemes(ctx context.Context) ([]Scheme, error) // latest version of each
	GetScheme(ctx context.Context, code string) (Scheme, error)

	CreateEvaluation(ctx context.Context, e *Evaluation, ev EvaluationEvent) error
	GetEvaluation(ctx context.Context, id int64) (Evaluation, error)
	ListEvaluations(ctx context.Context, f EvaluationFilter) ([]Evaluation, error)
	// UpdateEvaluation writes e if its stored version is still e.Version and
	// appends ev, in one transaction; it bumps e.Version. Setting a non-zero
	// AwardYuan when another evaluation of the same circle already holds an
	// award returns ErrConflict.
	UpdateEvaluation(ctx context.Context, e *Evaluation, ev EvaluationEvent) error
	ListEvaluationEvents(ctx context.Context, evaluationID int64) ([]EvaluationEvent, error)

	// AddEvidence stores ev and sets its ID and CreatedAt; an unknown
	// evaluation gives ErrNotFound.
	AddEvidence(ctx context.Context, ev *Evidence) error
	// ListEvidence returns an evaluation's evidence, oldest first, without
	// Data.
	ListEvidence(ctx context.Context, evaluationID int64) ([]Evidence, error)
	// GetEvidence returns one evidence file with its Data.
	GetEvidence(ctx context.Context, id int64) (Evidence, error)

	UpsertTargets(ctx context.Context, ts []Target) error
	ListTargets(ctx context.Context) ([]Target, error)

	ListImports(ctx context.Context, limit int) ([]Import, error)

	CreateFeedback(ctx context.Context, f *Feedback) error
	ListFeedback(ctx context.Context, circleID int64) ([]Feedback, error)
	GetFeedback(ctx context.Context, id int64) (Feedback, error)
	// ResolveFeedback marks feedback resolved; resolving it again is not an
	// error. Unknown IDs give ErrNotFound.
	ResolveFeedback(ctx context.Context, id int64) error
}

// Notifier is implemented by stores that several processes share
// (store/postgres); the embedded SQLite store serves one process and has
// none. Listen calls fn with the name of each table ("outlets",
// "communities", "categories", "regions", "walk_edges") that any process
// changed, after the change commits. It blocks until ctx ends, then returns
// nil; a lost connection is re-established with backoff, and after each
// reconnect fn("") says that changes may have been missed meanwhile.
type Notifier interface {
	Listen(ctx context.Context, fn func(table string)) error
}

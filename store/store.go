// Package store is the persistence contract of QuarterHour: the Store
// interface that both back ends (store/sqlite, store/postgres) implement, the
// filters its queries take, and the seed bundle. The domain types it stores
// belong to the root package quarterhour; store adapts to them.
package store

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
)

// Filters. Zero values mean "no restriction".

// RegionFilter selects regions.
type RegionFilter struct {
	Level  string
	Parent string // 12-digit parent code, or 6-digit county code for towns
	County string
}

// OutletFilter selects outlets.
type OutletFilter struct {
	BBox     *orb.Bound
	Category string
	District string
	Status   string
	Source   string
	Limit    int // 0 = no limit
	Offset   int
}

// CommunityFilter selects communities.
type CommunityFilter struct {
	District string
	BBox     *orb.Bound
	IDs      []int64
}

// CircleFilter selects circles.
type CircleFilter struct {
	District string
	Status   string
}

// EvaluationFilter selects evaluations.
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
	Regions     []quarterhour.Region
	Categories  []quarterhour.Category
	Targets     []quarterhour.Target
	Schemes     []quarterhour.Scheme
	Communities []quarterhour.Community // IDs assigned by the store, in order
	Outlets     []quarterhour.Outlet
	Networks    []quarterhour.Network
	// Circles refer to communities by their index in Communities
	// (CommunityIDs holds indexes here); the store rewrites them to real IDs.
	Circles []quarterhour.Circle
}

// EvidenceReference is called by AttachEvidence, inside its transaction,
// with the ID of the file being stored; it returns the evaluation as it is
// to be written with the file referenced, and the event recording it.
type EvidenceReference func(id int64) (*quarterhour.Evaluation, quarterhour.EvaluationEvent, error)

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

	UpsertRegions(ctx context.Context, rs []quarterhour.Region) error
	ListRegions(ctx context.Context, f RegionFilter) ([]quarterhour.Region, error)
	GetRegion(ctx context.Context, code string) (quarterhour.Region, error)

	UpsertCategories(ctx context.Context, cs []quarterhour.Category) error
	ListCategories(ctx context.Context) ([]quarterhour.Category, error)

	ListOutlets(ctx context.Context, f OutletFilter) ([]quarterhour.Outlet, error)
	CountOutlets(ctx context.Context, f OutletFilter) (int, error)
	GetOutlet(ctx context.Context, id int64) (quarterhour.Outlet, error)
	CreateOutlet(ctx context.Context, o *quarterhour.Outlet) error
	UpdateOutlet(ctx context.Context, o *quarterhour.Outlet) error
	DeleteOutlet(ctx context.Context, id int64, version int) error
	// UpsertOutletsBySource inserts or updates outlets keyed by (Source,
	// SourceRef) in one transaction and records the import batch.
	UpsertOutletsBySource(ctx context.Context, os []quarterhour.Outlet, imp *quarterhour.Import) (UpsertStats, error)

	ListCommunities(ctx context.Context, f CommunityFilter) ([]quarterhour.Community, error)
	GetCommunity(ctx context.Context, id int64) (quarterhour.Community, error)
	CreateCommunity(ctx context.Context, c *quarterhour.Community) error
	UpdateCommunity(ctx context.Context, c *quarterhour.Community) error
	// UpsertCommunities inserts or updates communities keyed by (Source,
	// SourceRef) in one transaction and records the import batch; a
	// community without Source or SourceRef rejects the whole batch.
	UpsertCommunities(ctx context.Context, cs []quarterhour.Community, imp *quarterhour.Import) (UpsertStats, error)

	ListCircles(ctx context.Context, f CircleFilter) ([]quarterhour.Circle, error)
	GetCircle(ctx context.Context, id int64) (quarterhour.Circle, error)
	CreateCircle(ctx context.Context, c *quarterhour.Circle) error
	UpdateCircle(ctx context.Context, c *quarterhour.Circle) error

	// ReplaceNetwork swaps the network of n.Area in one transaction and records
	// the import; node and edge IDs are kept as given.
	ReplaceNetwork(ctx context.Context, n *quarterhour.Network, imp *quarterhour.Import) error
	// LoadNetworks returns every stored network.
	LoadNetworks(ctx context.Context) ([]quarterhour.Network, error)

	CreateUser(ctx context.Context, u *quarterhour.User) error
	GetUserByName(ctx context.Context, username string) (quarterhour.User, error)
	GetUser(ctx context.Context, id int64) (quarterhour.User, error)
	CreateSession(ctx context.Context, s *quarterhour.Session) error
	GetSession(ctx context.Context, tokenHash string) (quarterhour.Session, error) // ErrNotFound when expired
	DeleteSession(ctx context.Context, tokenHash string) error

	// UpsertScheme stores a scheme version. With s.Version set (the
	// document's own version) a version is written once: loading it again
	// with the same document changes nothing, with another document or a
	// version at or below the latest is ErrConflict. Without a version the
	// store numbers it: a changed document gets the next version.
	UpsertScheme(ctx context.Context, s *quarterhour.Scheme) error
	ListSchemes(ctx context.Context) ([]quarterhour.Scheme, error) // latest version of each
	GetScheme(ctx context.Context, code string) (quarterhour.Scheme, error)

	CreateEvaluation(ctx context.Context, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error
	GetEvaluation(ctx context.Context, id int64) (quarterhour.Evaluation, error)
	ListEvaluations(ctx context.Context, f EvaluationFilter) ([]quarterhour.Evaluation, error)
	// UpdateEvaluation writes e if its stored version is still e.Version and
	// appends ev, in one transaction; it bumps e.Version. Setting a non-zero
	// AwardYuan when another evaluation of the same circle already holds an
	// award returns ErrConflict.
	UpdateEvaluation(ctx context.Context, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error
	ListEvaluationEvents(ctx context.Context, evaluationID int64) ([]quarterhour.EvaluationEvent, error)

	// AddEvidence stores ev and sets its ID and CreatedAt; an unknown
	// evaluation gives ErrNotFound.
	AddEvidence(ctx context.Context, ev *quarterhour.Evidence) error
	// ListEvidence returns an evaluation's evidence, oldest first, without
	// Data.
	ListEvidence(ctx context.Context, evaluationID int64) ([]quarterhour.Evidence, error)
	// GetEvidence returns one evidence file with its Data.
	GetEvidence(ctx context.Context, id int64) (quarterhour.Evidence, error)
	// AttachEvidence stores ev and, in the same transaction, calls reference
	// with its new ID and writes the evaluation and event reference returns
	// as UpdateEvaluation does: the file is kept only with the reference to
	// it. The evaluation must be ev's and still at its Version, else
	// ErrConflict; reference must not use the store. Any error leaves
	// neither the file nor the change. It sets ev's ID and CreatedAt and
	// bumps the evaluation's Version.
	AttachEvidence(ctx context.Context, ev *quarterhour.Evidence, reference EvidenceReference) error
	// DeleteEvidence removes evidence file id of evaluation e and, in the
	// same transaction, writes e as UpdateEvaluation does and appends ev. A
	// file that is not e's gives ErrNotFound, a stale e ErrConflict; either
	// leaves everything as it was.
	DeleteEvidence(ctx context.Context, id int64, e *quarterhour.Evaluation, ev quarterhour.EvaluationEvent) error

	UpsertTargets(ctx context.Context, ts []quarterhour.Target) error
	ListTargets(ctx context.Context) ([]quarterhour.Target, error)

	ListImports(ctx context.Context, limit int) ([]quarterhour.Import, error)

	CreateFeedback(ctx context.Context, f *quarterhour.Feedback) error
	ListFeedback(ctx context.Context, circleID int64) ([]quarterhour.Feedback, error)
	GetFeedback(ctx context.Context, id int64) (quarterhour.Feedback, error)
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

// Package app is the application layer of QuarterHour: the use cases that
// planners, district staff, reviewers and residents reach through the API or
// the command line — registering and importing outlets, communities, circles
// and walking networks, checking places, the evaluation workflow with its
// award rules, progress against the targets, users and passwords — and the
// in-memory access index (package app/access) they query.
//
// It depends on the store interface, geo and scoring, and knows nothing of
// HTTP: callers pass the acting user, and errors are *quarterhour.Error
// values whose codes a transport maps to its own statuses.
package app

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/quarterhour/quarterhour/app/access"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
)

// DefaultZoneHosts: 济宁高新区 (370871) has no published boundary; its towns
// lie in the land of 任城区 (370811) and 兖州区 (370812).
var DefaultZoneHosts = map[string][]string{"370871": {"370811", "370812"}}

// Config wires an App.
type Config struct {
	// Store holds all data. Required.
	Store store.Store
	// Logger receives error logs; slog.Default() when nil.
	Logger *slog.Logger
	// Access answers the walking-access questions; when nil one is built
	// over Store and loaded on first use.
	Access *access.Index
	// ZoneHosts lists, for county-level units without a boundary of their
	// own (development zones), the counties whose land they lie in; points
	// inside a host county are accepted for the zone. DefaultZoneHosts when
	// nil.
	ZoneHosts map[string][]string
	// AwardCeilingYuan is the city's policy ceiling on one circle's award:
	// a scheme promising more is refused. seeds.AwardCeilingYuan (the Jining
	// plan's ¥300,000) when zero.
	AwardCeilingYuan int64
	// Now is the clock certifications are dated by (and the award's
	// certification year read from); time.Now when nil.
	Now func() time.Time
}

// App runs the use cases. It is safe for concurrent use and holds no state
// beyond caches of reference data, so several can serve one database.
type App struct {
	store     store.Store // writes refresh the access index
	raw       store.Store
	access    *access.Index
	log       *slog.Logger
	zoneHosts map[string][]string
	ceiling   int64
	now       func() time.Time

	// evidenceFiles and evidenceBytes bound one evaluation's evidence
	// (MaxEvidenceFiles, MaxEvidenceTotalBytes).
	evidenceFiles int
	evidenceBytes int64

	countiesMu sync.Mutex
	counties   *CountyIndex
}

// New builds an App over cfg.
func New(cfg Config) (*App, error) {
	if cfg.Store == nil {
		return nil, errors.New("app: Config.Store is required")
	}
	a := &App{raw: cfg.Store, log: cfg.Logger, access: cfg.Access, zoneHosts: cfg.ZoneHosts, ceiling: cfg.AwardCeilingYuan, now: cfg.Now}
	if a.now == nil {
		a.now = time.Now
	}
	a.evidenceFiles, a.evidenceBytes = MaxEvidenceFiles, MaxEvidenceTotalBytes
	if a.ceiling <= 0 {
		a.ceiling = seeds.AwardCeilingYuan
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.access == nil {
		a.access = access.New(cfg.Store, a.log)
	}
	if a.zoneHosts == nil {
		a.zoneHosts = DefaultZoneHosts
	}
	a.store = indexedStore{Store: cfg.Store, idx: a.access, log: a.log}
	return a, nil
}

// Access returns the walking-access index.
func (a *App) Access() *access.Index { return a.access }

// Store returns the store through which the application reads and writes;
// its writes keep the access index current.
func (a *App) Store() store.Store { return a.store }

// AwardCeilingYuan is the policy ceiling on one circle's award.
func (a *App) AwardCeilingYuan() int64 { return a.ceiling }

// ZoneHosts returns the host counties of a development zone without a
// boundary of its own, nil for other districts.
func (a *App) ZoneHosts(district string) []string { return a.zoneHosts[district] }

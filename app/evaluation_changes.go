package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// EvaluationChanges tells a reviewer what changed in an evaluation's circle
// after the district submitted it: the served communities and the outlets
// around the centres written since, beside the figures of each community
// that look wrong. The metrics snapshot is what the district submitted; a
// register edited afterwards may have raised it or may be about to.
type EvaluationChanges struct {
	EvaluationID int64 `json:"evaluation_id"`
	CircleID     int64 `json:"circle_id"`
	// SubmittedAt is the evaluation's latest submission; nil when it was
	// never submitted, and then nothing counts as changed.
	SubmittedAt *time.Time `json:"submitted_at"`
	// WalkM is the scheme's walking budget, within which outlets are sought.
	WalkM float64 `json:"walk_m"`
	// Communities are the circle's served communities, each with whether it
	// changed after the submission and what looks wrong in its figures.
	Communities []CommunityCheck `json:"communities"`
	// Outlets are those within the walking budget of a centre as the crow
	// flies (and so every outlet that can be walked to) written after the
	// submission: opened, edited, moved or closed. Deleted outlets leave no
	// record and are not listed.
	Outlets []OutletChange `json:"outlets"`
}

// CommunityCheck is one served community as the reviewer checks it.
type CommunityCheck struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	UpdatedAt time.Time `json:"updated_at"`
	// Changed marks a community written after the submission.
	Changed bool `json:"changed"`
	// Implausible lists what looks wrong in its figures
	// (quarterhour.Community.Implausible).
	Implausible []string `json:"implausible,omitempty"`
}

// OutletChange is an outlet near the circle written after the submission.
type OutletChange struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Category  string    `json:"category"`
	Status    string    `json:"status"`
	UpdatedAt time.Time `json:"updated_at"`
	// WalkM is the walk from the nearest centre now; nil when the outlet
	// cannot be walked to within the budget (closed, or beyond it).
	WalkM *float64 `json:"walk_m"`
}

// ChangesSinceSubmission returns what changed in the circle of evaluation
// id after its latest submission, for u who may read the evaluation:
// reviewers and admins any, a district user its own.
func (a *App) ChangesSinceSubmission(ctx context.Context, u *quarterhour.User, id int64) (EvaluationChanges, error) {
	e, err := a.Evaluation(ctx, u, id)
	if err != nil {
		return EvaluationChanges{}, err
	}
	sch, c, err := a.schemeAndCircle(ctx, e)
	if err != nil {
		return EvaluationChanges{}, err
	}
	out := EvaluationChanges{EvaluationID: e.ID, CircleID: c.ID, WalkM: sch.Walking.BudgetMetres(),
		Communities: []CommunityCheck{}, Outlets: []OutletChange{}}
	evs, err := a.store.ListEvaluationEvents(ctx, e.ID)
	if err != nil {
		return out, fmt.Errorf("list events of evaluation %d: %w", e.ID, err)
	}
	for _, ev := range evs {
		if ev.To == quarterhour.EvalSubmitted {
			at := ev.At
			out.SubmittedAt = &at
		}
	}
	changed := func(t time.Time) bool { return out.SubmittedAt != nil && t.After(*out.SubmittedAt) }

	if len(c.CommunityIDs) > 0 {
		comms, err := a.store.ListCommunities(ctx, store.CommunityFilter{IDs: c.CommunityIDs})
		if err != nil {
			return out, fmt.Errorf("communities of circle %d: %w", c.ID, err)
		}
		for _, cm := range comms {
			out.Communities = append(out.Communities, CommunityCheck{ID: cm.ID, Name: cm.Name, UpdatedAt: cm.UpdatedAt,
				Changed: changed(cm.UpdatedAt), Implausible: cm.Implausible()})
		}
	}
	if out.SubmittedAt == nil || len(c.Centers) == 0 {
		return out, nil
	}

	walks := map[int64]float64{}
	if err := a.access.EnsureLoaded(ctx); err != nil {
		return out, circleMetricsError(c, err)
	}
	hits, err := a.access.OutletsWithin(ctx, c.Centers, out.WalkM)
	if err != nil {
		return out, circleMetricsError(c, err)
	}
	for _, h := range hits {
		walks[h.Outlet.ID] = h.WalkM
	}
	b := orb.MultiPoint(c.Centers).Bound()
	b = orbgeo.BoundPad(b, out.WalkM)
	near, err := a.store.ListOutlets(ctx, store.OutletFilter{BBox: &b})
	if err != nil {
		return out, fmt.Errorf("outlets near circle %d: %w", c.ID, err)
	}
	for _, o := range near {
		if !changed(o.UpdatedAt) {
			continue
		}
		oc := OutletChange{ID: o.ID, Name: o.Name, Category: o.Category, Status: o.Status, UpdatedAt: o.UpdatedAt}
		if w, ok := walks[o.ID]; ok {
			oc.WalkM = &w
		}
		out.Outlets = append(out.Outlets, oc)
	}
	slices.SortFunc(out.Outlets, func(x, y OutletChange) int {
		if d := x.UpdatedAt.Compare(y.UpdatedAt); d != 0 {
			return -d
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return out, nil
}

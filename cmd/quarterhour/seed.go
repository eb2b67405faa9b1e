package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/app"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/open"
)

// demoSeed fixes the demo data: the Jining plan's issue date, 2023-03-09.
const demoSeed = 20230309

func runSeed(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("seed", e)
	db := dbFlag(fs, e)
	demo := fs.Bool("demo", false, "also load the synthetic Jining demo (communities, outlets, network, circles)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := open.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = seedStore(ctx, st, *demo, e.log)
	return err
}

// seedBundle assembles the reference data, the schemes and, for demo, the
// synthetic Jining demo.
func seedBundle(demo bool) (*store.Bundle, error) {
	b, err := seeds.Reference()
	if err != nil {
		return nil, fmt.Errorf("reference data: %w", err)
	}
	schemes, err := seeds.Schemes()
	if err != nil {
		return nil, fmt.Errorf("indicator schemes: %w", err)
	}
	b.Schemes = append(b.Schemes, schemes...)
	if demo {
		d, err := seeds.Demo(demoSeed)
		if err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
		// Circles name communities by index into Communities; shift them
		// past any communities already in the bundle.
		base := int64(len(b.Communities))
		for _, c := range d.Circles {
			ids := make([]int64, len(c.CommunityIDs))
			for i, id := range c.CommunityIDs {
				ids[i] = id + base
			}
			c.CommunityIDs = ids
			b.Circles = append(b.Circles, c)
		}
		b.Communities = append(b.Communities, d.Communities...)
		b.Outlets = append(b.Outlets, d.Outlets...)
		b.Networks = append(b.Networks, d.Networks...)
	}
	return b, nil
}

// seedStore loads the seed bundle when the store holds no regions yet and
// reports whether it did.
func seedStore(ctx context.Context, st store.Store, demo bool, log *slog.Logger) (bool, error) {
	b, err := seedBundle(demo)
	if err != nil {
		return false, err
	}
	loaded, err := st.Seed(ctx, b)
	if err != nil {
		return false, fmt.Errorf("seed %s store: %w", st.Kind(), err)
	}
	if !loaded {
		log.Info("database already holds data; seeding skipped", "store", st.Kind())
		return false, nil
	}
	log.Info("seeded database", "store", st.Kind(), "regions", len(b.Regions), "categories", len(b.Categories),
		"schemes", len(b.Schemes), "targets", len(b.Targets), "communities", len(b.Communities),
		"outlets", len(b.Outlets), "circles", len(b.Circles), "demo", demo)
	return true, nil
}

// demoWorkflowUsers play the demo's evaluation workflow: each district user
// for its own circles, demo-reviewer approving and returning, demo-admin
// certifying what another approved.
var demoWorkflowUsers = app.DemoWorkflowUsers{
	Districts: map[string]string{"370811": "demo-rencheng", "370812": "demo-yanzhou"},
	Reviewer:  "demo-reviewer",
	Certifier: "demo-admin",
}

// seedDemoEvaluations gives a freshly seeded demo its evaluation work: a
// few evaluations submitted, returned, approved and certified through the
// workflow by the demo users, who must exist already.
//
// The demo's certifications are dated in December 2023, inside the
// jining-2023 award year, so the demo shows an award as the plan meant it;
// the clock of every other use case stays the real one.
func seedDemoEvaluations(ctx context.Context, a *app.App, log *slog.Logger) error {
	demo, err := app.New(app.Config{Store: a.Store(), Logger: log, Access: a.Access(),
		AwardCeilingYuan: a.AwardCeilingYuan(), Now: demoClock})
	if err != nil {
		return err
	}
	n, err := demo.SeedDemoEvaluations(ctx, demoWorkflowUsers)
	if err != nil {
		return fmt.Errorf("demo evaluations: %w", err)
	}
	log.Info("demo evaluations made through the workflow", "evaluations", n, "label", app.DemoLabel)
	return nil
}

// demoClock is the demo's certification date: 2023-12-20 10:00 China time.
func demoClock() time.Time { return time.Date(2023, 12, 20, 10, 0, 0, 0, quarterhour.ChinaTime) }

package access

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/quarterhour/quarterhour/geo"
)

// TestWarmSurfacesEqualLazyOnes checks that the surfaces a load builds for
// every category at the default budget, in parallel, give at every node the
// distances a surface built on demand gives.
func TestWarmSurfacesEqualLazyOnes(t *testing.T) {
	st := referenceStore(t)
	importPorto(t, st)
	e := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := e.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := e.snap.Load()
	withOutlets := 0
	for _, c := range s.catOrder {
		ent, ok := s.surfaces[surfaceKey{c, geo.DefaultWalk.Metres()}]
		if !ok || ent.s.Load() == nil {
			t.Fatalf("category %s: no surface after load", c)
		}
		lazy := s.buildSurface(c, geo.DefaultWalk.Metres())
		for _, a := range s.areas {
			warm, want := ent.s.Load().byArea[a], lazy.byArea[a]
			for v := range int32(a.g.NodeCount()) {
				if got, exp := warm.NodeDistance(v), want.NodeDistance(v); got != exp {
					t.Fatalf("category %s, area %s, node %d: warm %v, lazy %v", c, a.name, v, got, exp)
				}
			}
		}
		if len(s.byCategory[c]) > 0 {
			withOutlets++
		}
	}
	if withOutlets == 0 {
		t.Fatal("no category has outlets; the test compares nothing")
	}
}

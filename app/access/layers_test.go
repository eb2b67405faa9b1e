package access

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

// ladderNetwork is a 3 km east-west street at lat0 (edges 1-3, one per km,
// "primary") with a 200 m footway rung north from every node (edges 11-14).
func ladderNetwork(area string, lon0, lat0 float64, street string) *quarterhour.Network {
	const kmLon = 0.0111 // about 1 km at 35°N
	const rungLat = 0.0018
	n := &quarterhour.Network{Area: area}
	for i := 0; i < 4; i++ {
		base := orb.Point{lon0 + float64(i)*kmLon, lat0}
		n.Nodes = append(n.Nodes, quarterhour.WalkNode{ID: int64(100 + i), Point: base},
			quarterhour.WalkNode{ID: int64(200 + i), Point: orb.Point{base.Lon(), lat0 + rungLat}})
	}
	add := func(id, src, dst int64, hw string) {
		var a, b orb.Point
		for _, v := range n.Nodes {
			if v.ID == src {
				a = v.Point
			}
			if v.ID == dst {
				b = v.Point
			}
		}
		l := geo.Distance(a, b)
		n.Edges = append(n.Edges, quarterhour.WalkEdge{ID: id, Source: src, Target: dst, Cost: l, ReverseCost: l,
			LengthM: l, Geom: orb.LineString{a, b}, Highway: hw})
	}
	for i := int64(0); i < 3; i++ {
		add(1+i, 100+i, 101+i, street)
	}
	for i := int64(0); i < 4; i++ {
		add(11+i, 100+i, 200+i, "footway")
	}
	return n
}

func ladderEngine(t *testing.T) (*Index, store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.ReplaceNetwork(ctx, ladderNetwork("ladder", 116.5, 35.4, "primary"), nil); err != nil {
		t.Fatalf("replace network: %v", err)
	}
	return New(st, slog.New(slog.NewTextHandler(io.Discard, nil))), st
}

func edgeIDs(es []EdgeFeature) []int64 {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}

func TestEdges_BeforeReloadIsNotReady(t *testing.T) {
	e, _ := ladderEngine(t)
	_, _, err := e.Edges(context.Background(), orb.Bound{Min: orb.Point{116, 35}, Max: orb.Point{117, 36}}, 0)
	if !errors.Is(err, ErrNotReady) {
		t.Fatalf("err = %v, want ErrNotReady", err)
	}
}

func TestEdges_ReturnsEachEdgeMeetingTheBoundOnce(t *testing.T) {
	e, _ := ladderEngine(t)
	ctx := context.Background()
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		bound orb.Bound
		want  []int64
	}{
		// Edges 1-3 cross grid cells (0.01°); each must still come once.
		{"whole network", orb.Bound{Min: orb.Point{116, 35}, Max: orb.Point{117, 36}}, []int64{1, 2, 3, 11, 12, 13, 14}},
		{"around the second node", orb.Bound{Min: orb.Point{116.5105, 35.3995}, Max: orb.Point{116.5115, 35.4005}}, []int64{1, 2, 12}},
		{"north of the street, between rungs", orb.Bound{Min: orb.Point{116.502, 35.401}, Max: orb.Point{116.508, 35.402}}, nil},
		{"far away", orb.Bound{Min: orb.Point{120, 30}, Max: orb.Point{120.1, 30.1}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, truncated, err := e.Edges(ctx, tc.bound, 0)
			if err != nil {
				t.Fatal(err)
			}
			if truncated {
				t.Error("truncated without a limit")
			}
			if ids := edgeIDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("edges %v, want %v", ids, tc.want)
			}
		})
	}
	got, _, err := e.Edges(ctx, orb.Bound{Min: orb.Point{116.5105, 35.3995}, Max: orb.Point{116.5115, 35.4005}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		switch f.ID {
		case 2:
			if f.Highway != "primary" || f.Source != 101 || f.Target != 102 || f.Area != "ladder" {
				t.Errorf("edge 2 = %+v", f)
			}
			if f.LengthM < 990 || f.LengthM > 1020 || len(f.Geom) != 2 {
				t.Errorf("edge 2 length %.1f m, geometry %v", f.LengthM, f.Geom)
			}
		case 12:
			if f.Highway != "footway" {
				t.Errorf("edge 12 highway %q, want footway", f.Highway)
			}
		}
	}
}

func TestEdges_LimitKeepsTheLongest(t *testing.T) {
	e, _ := ladderEngine(t)
	ctx := context.Background()
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	got, truncated, err := e.Edges(ctx, orb.Bound{Min: orb.Point{116, 35}, Max: orb.Point{117, 36}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !truncated {
		t.Error("not reported as truncated")
	}
	if ids := edgeIDs(got); !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Errorf("edges %v, want the three 1 km street edges", ids)
	}
}

func TestEdges_FollowsReload(t *testing.T) {
	e, st := ladderEngine(t)
	ctx := context.Background()
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	all := orb.Bound{Min: orb.Point{116, 35}, Max: orb.Point{117, 36}}
	if _, _, err := e.Edges(ctx, all, 0); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceNetwork(ctx, ladderNetwork("ladder", 116.5, 35.4, "pedestrian"), nil); err != nil {
		t.Fatal(err)
	}
	if err := e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	got, _, err := e.Edges(ctx, all, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].ID != 1 || got[0].Highway != "pedestrian" {
		t.Fatalf("after reload, first edge %+v; want edge 1 as pedestrian", got)
	}
}

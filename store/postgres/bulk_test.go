package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/quarterhour/quarterhour"
)

// A 200×200 lattice has 40,000 nodes and 79,600 edges, about three times
// Porto's walkable network.
func BenchmarkReplaceNetwork_80kEdges(b *testing.B) {
	s := openFresh(b)
	ctx := context.Background()
	n := gridNetwork("bench", 200)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.ReplaceNetwork(ctx, n, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(n.Edges)), "edges/op")
}

func BenchmarkLoadNetworks_80kEdges(b *testing.B) {
	s := openFresh(b)
	ctx := context.Background()
	if err := s.ReplaceNetwork(ctx, gridNetwork("bench", 200), nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.LoadNetworks(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// Each round re-imports 20,000 outlets of which a tenth changed.
func BenchmarkUpsertOutletsBySource_20k(b *testing.B) {
	s := openFresh(b)
	ctx := context.Background()
	os := make([]quarterhour.Outlet, 20000)
	for i := range os {
		os[i] = quarterhour.Outlet{Name: fmt.Sprint("shop ", i), Category: "convenience",
			Point:  orb.Point{116.5 + float64(i%200)*0.001, 35.3 + float64(i/200)*0.001},
			Source: "osm", SourceRef: fmt.Sprint("node/", i), Services: []string{quarterhour.ServiceDelivery}}
	}
	if _, err := s.UpsertOutletsBySource(ctx, os, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := i % 10; j < len(os); j += 10 {
			os[j].FloorAreaM2++
		}
		st, err := s.UpsertOutletsBySource(ctx, os, nil)
		if err != nil {
			b.Fatal(err)
		}
		if st.Updated != len(os)/10 || st.Unchanged != len(os)-len(os)/10 {
			b.Fatalf("stats = %+v", st)
		}
	}
}

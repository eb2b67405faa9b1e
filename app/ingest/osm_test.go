package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/geo"
	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/seeds"
	"github.com/quarterhour/quarterhour/store"
	"github.com/quarterhour/quarterhour/store/sqlite"
)

const portoPBF = "../../testdata/osm/porto.osm.pbf"

// referenceStore opens a fresh SQLite file seeded with the reference data
// only (regions, categories with their OSM rules).
func referenceStore(t testing.TB) store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qh.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := seeds.Reference()
	if err != nil {
		t.Fatalf("reference seeds: %v", err)
	}
	if _, err := st.Seed(ctx, b); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return st
}

// importPorto imports the Porto network and outlets into st.
func importPorto(t testing.TB, st store.Store) (NetworkImport, OutletImport) {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(portoPBF)
	if err != nil {
		t.Fatalf("read porto extract: %v", err)
	}
	ni, err := ImportNetwork(ctx, st, bytes.NewReader(data), osmnet.PBF, "porto", "porto.osm.pbf", nil)
	if err != nil {
		t.Fatalf("import network: %v", err)
	}
	oi, err := ImportOSMOutlets(ctx, st, bytes.NewReader(data), osmnet.PBF, "porto.osm.pbf")
	if err != nil {
		t.Fatalf("import outlets: %v", err)
	}
	return ni, oi
}

func TestImportNetwork_ReimportKeepsCountsAndTruncatedFileKeepsNetwork(t *testing.T) {
	ctx := context.Background()
	st := referenceStore(t)
	ni1, oi1 := importPorto(t, st)
	nets, err := st.LoadNetworks(ctx)
	if err != nil || len(nets) != 1 {
		t.Fatalf("networks after import: %d, %v", len(nets), err)
	}
	nodes, edges := len(nets[0].Nodes), len(nets[0].Edges)
	if nodes != ni1.Summary.Nodes || edges != ni1.Summary.Edges {
		t.Errorf("stored %d nodes %d edges, summary says %d, %d", nodes, edges, ni1.Summary.Nodes, ni1.Summary.Edges)
	}
	for _, e := range nets[0].Edges[:100] {
		if e.Cost != e.LengthM || e.ReverseCost != e.LengthM {
			t.Fatalf("edge %d: cost %v reverse %v length %v; want both walkable at length", e.ID, e.Cost, e.ReverseCost, e.LengthM)
		}
	}

	ni2, oi2 := importPorto(t, st)
	if ni2.Summary.Edges != ni1.Summary.Edges || ni2.Summary.Nodes != ni1.Summary.Nodes {
		t.Errorf("re-import: %d edges %d nodes, first %d %d", ni2.Summary.Edges, ni2.Summary.Nodes, ni1.Summary.Edges, ni1.Summary.Nodes)
	}
	if oi2.Accepted != oi1.Accepted || oi2.Stats.Inserted != 0 || oi2.Stats.Unchanged != oi1.Accepted {
		t.Errorf("re-import outlets: %+v, first accepted %d; want all unchanged", oi2.Stats, oi1.Accepted)
	}
	n, err := st.CountOutlets(ctx, store.OutletFilter{Source: "osm"})
	if err != nil || n != oi1.Accepted {
		t.Errorf("stored osm outlets %d (%v), want %d: duplicates?", n, err, oi1.Accepted)
	}

	data, err := os.ReadFile(portoPBF)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{"truncated": data[:len(data)/2], "empty": {}, "no walkable ways": []byte(`<osm version="0.6"><node id="1" lat="41" lon="-8"/></osm>`)} {
		if _, err := ImportNetwork(ctx, st, bytes.NewReader(bad), osmnet.Detect, "porto", name, nil); err == nil {
			t.Errorf("%s input imported without error", name)
		}
	}
	nets, err = st.LoadNetworks(ctx)
	if err != nil || len(nets) != 1 || len(nets[0].Nodes) != nodes || len(nets[0].Edges) != edges {
		t.Errorf("after failed imports: %d networks (%v), want the previous %d nodes %d edges intact", len(nets), err, nodes, edges)
	}
}

func TestImportOSMOutlets_PortoCoversMostBasicCategories(t *testing.T) {
	st := referenceStore(t)
	_, oi := importPorto(t, st)
	cats, err := st.ListCategories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	basic, present := 0, 0
	for _, c := range cats {
		if c.Tier == quarterhour.TierBasic {
			basic++
			if oi.ByCategory[c.Code] > 0 {
				present++
			}
		}
	}
	if present*3 < basic*2 {
		t.Errorf("Porto yields outlets in %d of %d basic categories: %v", present, basic, oi.ByCategory)
	}
	outs, err := st.ListOutlets(context.Background(), store.OutletFilter{Source: "osm", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.SourceRef == "" || o.H3 == "" || o.Status != quarterhour.OutletOpen || o.District != "" {
			t.Errorf("outlet %+v: want source ref, H3 cell, open, no Jining district", o)
		}
		if c, err := geo.CellOf(o.Point, geo.DefaultRes); err != nil || c.String() != o.H3 {
			t.Errorf("outlet %d: H3 %s, point in %v", o.ID, o.H3, c)
		}
	}
}

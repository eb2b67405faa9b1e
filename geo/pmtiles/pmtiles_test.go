package pmtiles

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTileID(t *testing.T) {
	// The numbering of the PMTiles v3 specification.
	for _, c := range []struct {
		z    uint8
		x, y uint32
		id   uint64
	}{{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 0, 0, 5}, {12, 3423, 1763, 19078479}, {20, 0, 0, 366503875925}} {
		if got := TileID(c.z, c.x, c.y); got != c.id {
			t.Errorf("%d/%d/%d: id %d, want %d", c.z, c.x, c.y, got, c.id)
		}
	}
}

var testTiles = []Tile{
	{0, 0, 0, []byte("png-0")},
	{1, 0, 0, []byte("png-1a")},
	{1, 0, 1, []byte("png-1b")},
	{1, 1, 1, []byte("png-1b")}, // the same contents: a run
	{2, 3, 1, []byte("png-2")},
	{3, 6, 3, []byte("png-3")},
}

// writeArchive writes tiles as a PNG archive into a file and opens it.
func writeArchive(t *testing.T, tiles []Tile, o Options) *Reader {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.pmtiles")
	var buf bytes.Buffer
	if err := Write(&buf, tiles, o); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestWriteThenRead(t *testing.T) {
	for _, leafSize := range []int{0, 1, 2} {
		t.Run(fmt.Sprintf("leaves of %d", leafSize), func(t *testing.T) {
			a := writeArchive(t, testTiles, Options{TileType: PNG, LeafSize: leafSize,
				Metadata: map[string]any{"attribution": "测试底图 Test base map"}, Bounds: [4]float64{116.4, 35.2, 116.9, 35.7}})
			for _, tl := range testTiles {
				got, err := a.Tile(tl.Z, tl.X, tl.Y)
				if err != nil || string(got) != string(tl.Data) {
					t.Errorf("tile %d/%d/%d: %q, %v; want %q", tl.Z, tl.X, tl.Y, got, err, tl.Data)
				}
			}
			for _, missing := range [][3]uint32{{1, 1, 0}, {3, 0, 0}, {9, 0, 0}} {
				if got, err := a.Tile(uint8(missing[0]), missing[1], missing[2]); got != nil || err != nil {
					t.Errorf("tile %v: %q, %v; want none", missing, got, err)
				}
			}
			h := a.Header()
			if h.TileType != PNG || h.TileCompression != None || h.MinZoom != 0 || h.MaxZoom != 3 || h.CenterZoom != 0 {
				t.Errorf("header %+v", h)
			}
			if h.AddressedTiles != 6 || h.TileEntries != 5 || !h.Clustered {
				t.Errorf("%d tiles in %d entries (clustered %v), want 6 in 5: one run", h.AddressedTiles, h.TileEntries, h.Clustered)
			}
			if h.MinLon != 116.4 || h.MinLat != 35.2 || h.MaxLon != 116.9 || h.MaxLat != 35.7 || math.Abs(h.CenterLon-116.65) > 1e-7 || math.Abs(h.CenterLat-35.45) > 1e-7 {
				t.Errorf("bounds %v %v %v %v centre %v %v", h.MinLon, h.MinLat, h.MaxLon, h.MaxLat, h.CenterLon, h.CenterLat)
			}
			if (leafSize > 0) != (h.LeafLength > 0) {
				t.Errorf("leaf size %d: %d bytes of leaves", leafSize, h.LeafLength)
			}
			if a.Attribution() != "测试底图 Test base map" {
				t.Errorf("attribution %q", a.Attribution())
			}
		})
	}
}

func TestWrite_ManyTilesGoToLeavesAndBoundsDefaultToTheDeepestZoom(t *testing.T) {
	// Half the tiles of zoom 8, of random sizes: a directory too large for
	// the first 16 KiB.
	rng := rand.New(rand.NewPCG(1, 2))
	tiles := []Tile{{Z: 8, X: 0, Y: 0, Data: []byte("0/0")}, {Z: 8, X: 255, Y: 255, Data: []byte("255/255")}}
	for x := range uint32(256) {
		for y := range uint32(256) {
			if rng.IntN(2) == 0 && x != y {
				tiles = append(tiles, Tile{Z: 8, X: x, Y: y, Data: fmt.Appendf(nil, "%d/%d%s", x, y, strings.Repeat(" ", rng.IntN(300)))})
			}
		}
	}
	tiles = append(tiles, Tile{Z: 0, X: 0, Y: 0, Data: []byte("world")})
	a := writeArchive(t, tiles, Options{TileType: WebP})
	h := a.Header()
	if h.LeafLength == 0 || h.RootOffset+h.RootLength > maxRoot {
		t.Errorf("root directory of %d bytes at %d, leaves of %d", h.RootLength, h.RootOffset, h.LeafLength)
	}
	for _, tl := range tiles {
		if got, err := a.Tile(tl.Z, tl.X, tl.Y); err != nil || string(got) != string(tl.Data) {
			t.Fatalf("tile %d/%d/%d: %q, %v; want %q", tl.Z, tl.X, tl.Y, got, err, tl.Data)
		}
	}
	if got, err := a.Tile(8, 7, 7); got != nil || err != nil {
		t.Errorf("tile 8/7/7: %q, %v; want none", got, err)
	}
	if h.MinLon != -180 || h.MaxLon != 180 || math.Abs(h.MaxLat-85.0511288) > 1e-6 || math.Abs(h.MinLat+85.0511288) > 1e-6 {
		t.Errorf("bounds %v %v %v %v, want the world", h.MinLon, h.MinLat, h.MaxLon, h.MaxLat)
	}
	a = writeArchive(t, []Tile{{Z: 1, X: 1, Y: 0, Data: []byte("ne")}}, Options{TileType: PNG})
	if h := a.Header(); h.MinLon != 0 || h.MaxLon != 180 || h.MinLat != 0 || math.Abs(h.MaxLat-85.0511288) > 1e-6 {
		t.Errorf("bounds of the north-east quarter %v %v %v %v", h.MinLon, h.MinLat, h.MaxLon, h.MaxLat)
	}
}

func TestWrite_RefusesWhatNoArchiveHolds(t *testing.T) {
	for name, c := range map[string]struct {
		tiles []Tile
		o     Options
	}{
		"no tiles":            {nil, Options{TileType: PNG}},
		"no tile type":        {testTiles, Options{}},
		"outside the zoom":    {[]Tile{{Z: 1, X: 2, Y: 0}}, Options{TileType: PNG}},
		"the same tile twice": {[]Tile{{Z: 1, X: 1, Y: 0}, {Z: 1, X: 1, Y: 0}}, Options{TileType: PNG}},
	} {
		if err := Write(&bytes.Buffer{}, c.tiles, c.o); err == nil {
			t.Errorf("%s: written", name)
		}
	}
}

func TestOpen_RefusesOtherFiles(t *testing.T) {
	var v2 bytes.Buffer
	if err := Write(&v2, testTiles, Options{TileType: PNG}); err != nil {
		t.Fatal(err)
	}
	v2.Bytes()[7] = 2
	var unknown bytes.Buffer
	if err := Write(&unknown, testTiles, Options{TileType: PNG}); err != nil {
		t.Fatal(err)
	}
	unknown.Bytes()[99] = 9
	dir := t.TempDir()
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"x.pmtiles":       {bytes.Repeat([]byte("x"), 200), "not a PMTiles archive"},
		"short.pmtiles":   {[]byte("PMTiles"), "read header"},
		"v2.pmtiles":      {v2.Bytes(), "version 2"},
		"unknown.pmtiles": {unknown.Bytes(), "unknown tile type 9"},
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, c.data, 0o644)
		if _, err := Open(path); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want an error naming the file and %q", name, err, c.want)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing.pmtiles")); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v", err)
	}
}

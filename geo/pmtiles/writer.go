package pmtiles

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// Tile is one tile of an archive: its zoom, column and row, and its bytes
// as stored.
type Tile struct {
	Z    uint8
	X, Y uint32
	Data []byte
}

// Options describe the archive Write builds.
type Options struct {
	TileType TileType
	// TileCompression says how the tiles' bytes are compressed already:
	// None (also for 0) or Gzip.
	TileCompression Compression
	// Metadata is stored as the archive's JSON metadata, e.g.
	// {"attribution": "…"}; nil stores {}.
	Metadata map[string]any
	// Bounds are the minimum longitude and latitude, then the maximum
	// ones; all zero takes the extent of the tiles of the deepest zoom.
	// The centre is the middle of the bounds at the lowest zoom.
	Bounds [4]float64
	// LeafSize is how many entries a leaf directory holds; 0 puts every
	// entry in the root directory while it fits in the first 16 KiB of
	// the archive. Leaves grow as the root directory needs.
	LeafSize int
}

// maxRoot is the most the header and the root directory may take
// together, so that a client reads both in one request.
const maxRoot = 16 << 10

// Write writes an archive of tiles to w, tile data in tile ID order,
// directories and metadata gzipped. Tiles of consecutive IDs with equal
// bytes share one run.
func Write(w io.Writer, tiles []Tile, o Options) error {
	if len(tiles) == 0 {
		return errors.New("no tiles to write")
	}
	if o.TileType < MVT || o.TileType > AVIF {
		return fmt.Errorf("unknown tile type %d", o.TileType)
	}
	type tile struct {
		id   uint64
		data []byte
	}
	ts := make([]tile, len(tiles))
	h := Header{InternalCompression: Gzip, TileCompression: cmp.Or(o.TileCompression, None), TileType: o.TileType,
		MinZoom: tiles[0].Z, MaxZoom: tiles[0].Z, AddressedTiles: uint64(len(tiles)), Clustered: true}
	for i, t := range tiles {
		if t.Z > 31 || t.X>>t.Z > 0 || t.Y>>t.Z > 0 {
			return fmt.Errorf("tile %d/%d/%d lies outside the pyramid", t.Z, t.X, t.Y)
		}
		ts[i] = tile{TileID(t.Z, t.X, t.Y), t.Data}
		h.MinZoom, h.MaxZoom = min(h.MinZoom, t.Z), max(h.MaxZoom, t.Z)
	}
	slices.SortFunc(ts, func(a, b tile) int { return cmp.Compare(a.id, b.id) })
	var data bytes.Buffer
	var es []entry
	for i, t := range ts {
		if i > 0 && t.id == ts[i-1].id {
			return fmt.Errorf("two tiles with ID %d", t.id)
		}
		if n := len(es); n > 0 && es[n-1].tileID+uint64(es[n-1].runLength) == t.id && bytes.Equal(ts[i-1].data, t.data) {
			es[n-1].runLength++
			continue
		}
		es = append(es, entry{tileID: t.id, offset: uint64(data.Len()), length: uint32(len(t.data)), runLength: 1})
		data.Write(t.data)
	}
	h.TileEntries, h.TileContents = uint64(len(es)), uint64(len(es))

	root, leaves := encodeDirectory(es), []byte(nil)
	if o.LeafSize > 0 || HeaderLen+len(root) > maxRoot {
		root, leaves = withLeaves(es, cmp.Or(o.LeafSize, 4096))
	}
	if o.Metadata == nil {
		o.Metadata = map[string]any{}
	}
	meta, err := json.Marshal(o.Metadata)
	if err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	meta = gzipped(meta)

	h.RootOffset, h.RootLength = HeaderLen, uint64(len(root))
	h.MetadataOffset, h.MetadataLength = h.RootOffset+h.RootLength, uint64(len(meta))
	h.LeafOffset, h.LeafLength = h.MetadataOffset+h.MetadataLength, uint64(len(leaves))
	h.DataOffset, h.DataLength = h.LeafOffset+h.LeafLength, uint64(data.Len())
	h.MinLon, h.MinLat, h.MaxLon, h.MaxLat = o.Bounds[0], o.Bounds[1], o.Bounds[2], o.Bounds[3]
	if o.Bounds == [4]float64{} {
		h.MinLon, h.MinLat, h.MaxLon, h.MaxLat = extent(tiles, h.MaxZoom)
	}
	h.CenterZoom, h.CenterLon, h.CenterLat = h.MinZoom, (h.MinLon+h.MaxLon)/2, (h.MinLat+h.MaxLat)/2
	for _, part := range [][]byte{h.bytes(), root, meta, leaves, data.Bytes()} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}

// withLeaves puts es into leaf directories of size entries, doubling size
// until the root directory pointing at them fits within maxRoot.
func withLeaves(es []entry, size int) (root, leaves []byte) {
	for ; ; size *= 2 {
		var ptrs []entry
		leaves = nil
		for part := range slices.Chunk(es, size) {
			enc := encodeDirectory(part)
			ptrs = append(ptrs, entry{tileID: part[0].tileID, offset: uint64(len(leaves)), length: uint32(len(enc))})
			leaves = append(leaves, enc...)
		}
		if root = encodeDirectory(ptrs); HeaderLen+len(root) <= maxRoot {
			return root, leaves
		}
	}
}

// encodeDirectory gzips the encoding of es that Reader.directory decodes.
func encodeDirectory(es []entry) []byte {
	raw := binary.AppendUvarint(nil, uint64(len(es)))
	last := uint64(0)
	for _, e := range es {
		raw = binary.AppendUvarint(raw, e.tileID-last)
		last = e.tileID
	}
	for _, e := range es {
		raw = binary.AppendUvarint(raw, uint64(e.runLength))
	}
	for _, e := range es {
		raw = binary.AppendUvarint(raw, uint64(e.length))
	}
	for i, e := range es {
		if i > 0 && e.offset == es[i-1].offset+uint64(es[i-1].length) {
			raw = binary.AppendUvarint(raw, 0)
		} else {
			raw = binary.AppendUvarint(raw, e.offset+1)
		}
	}
	return gzipped(raw)
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b) // writes to a bytes.Buffer do not fail
	zw.Close()
	return buf.Bytes()
}

// extent is the longitude and latitude range of the tiles of zoom z.
func extent(tiles []Tile, z uint8) (minLon, minLat, maxLon, maxLat float64) {
	x0, y0, x1, y1 := uint32(math.MaxUint32), uint32(math.MaxUint32), uint32(0), uint32(0)
	for _, t := range tiles {
		if t.Z == z {
			x0, y0, x1, y1 = min(x0, t.X), min(y0, t.Y), max(x1, t.X+1), max(y1, t.Y+1)
		}
	}
	n := math.Exp2(float64(z))
	lon := func(x uint32) float64 { return float64(x)/n*360 - 180 }
	lat := func(y uint32) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*float64(y)/n))) * 180 / math.Pi }
	return lon(x0), lat(y1), lon(x1), lat(y0)
}

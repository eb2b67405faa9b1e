// Package pmtiles is a reader, and a small writer, for PMTiles version 3
// archives (github.com/protomaps/PMTiles, spec/v3): a tile pyramid in one
// file, made of a 127-byte header, a root directory, JSON metadata, leaf
// directories and then the tile data, with the tiles of each zoom numbered
// along a Hilbert curve. The reader finds a tile by z/x/y with a few reads
// of the file; the writer builds an archive from a set of tiles.
// Directories may be stored plain or gzipped; tiles are kept as given.
package pmtiles

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// HeaderLen is the length of the header at the start of an archive.
const HeaderLen = 127

// Compression is how the directories, the metadata or the tiles of an
// archive are compressed; 0 means unknown.
type Compression uint8

// Compressions read and written.
const (
	None Compression = 1
	Gzip Compression = 2
)

// TileType is the format of an archive's tiles; 0 means unknown.
type TileType uint8

// Tile types.
const (
	MVT  TileType = 1
	PNG  TileType = 2
	JPEG TileType = 3
	WebP TileType = 4
	AVIF TileType = 5
)

// Ext is the file extension of tiles of type t, without the dot.
func (t TileType) Ext() string {
	switch t {
	case PNG:
		return "png"
	case JPEG:
		return "jpg"
	case WebP:
		return "webp"
	case AVIF:
		return "avif"
	}
	return "mvt"
}

// ContentType is the media type of tiles of type t.
func (t TileType) ContentType() string {
	switch t {
	case PNG:
		return "image/png"
	case JPEG:
		return "image/jpeg"
	case WebP:
		return "image/webp"
	case AVIF:
		return "image/avif"
	}
	return "application/vnd.mapbox-vector-tile"
}

// Header is the header of an archive: where its sections lie, how they are
// compressed, the type of its tiles, its zooms, bounds and centre.
type Header struct {
	RootOffset, RootLength         uint64
	MetadataOffset, MetadataLength uint64
	LeafOffset, LeafLength         uint64
	DataOffset, DataLength         uint64
	AddressedTiles                 uint64 // tiles with an entry, counting every tile of a run
	TileEntries                    uint64 // entries pointing at tile data
	TileContents                   uint64 // distinct tile data stored
	Clustered                      bool   // the tile data lies in tile ID order
	InternalCompression            Compression
	TileCompression                Compression
	TileType                       TileType
	MinZoom, MaxZoom               uint8
	MinLon, MinLat, MaxLon, MaxLat float64
	CenterZoom                     uint8
	CenterLon, CenterLat           float64
}

// parseHeader reads a version 3 header from the first HeaderLen bytes of
// buf.
func parseHeader(buf []byte) (Header, error) {
	if len(buf) < HeaderLen || string(buf[:7]) != "PMTiles" {
		return Header{}, errors.New("not a PMTiles archive")
	}
	if buf[7] != 3 {
		return Header{}, fmt.Errorf("PMTiles version %d; version 3 is supported", buf[7])
	}
	u64 := func(at int) uint64 { return binary.LittleEndian.Uint64(buf[at:]) }
	e7 := func(at int) float64 { return float64(int32(binary.LittleEndian.Uint32(buf[at:]))) / 1e7 }
	return Header{
		RootOffset: u64(8), RootLength: u64(16), MetadataOffset: u64(24), MetadataLength: u64(32),
		LeafOffset: u64(40), LeafLength: u64(48), DataOffset: u64(56), DataLength: u64(64),
		AddressedTiles: u64(72), TileEntries: u64(80), TileContents: u64(88), Clustered: buf[96] == 1,
		InternalCompression: Compression(buf[97]), TileCompression: Compression(buf[98]), TileType: TileType(buf[99]),
		MinZoom: buf[100], MaxZoom: buf[101],
		MinLon: e7(102), MinLat: e7(106), MaxLon: e7(110), MaxLat: e7(114),
		CenterZoom: buf[118], CenterLon: e7(119), CenterLat: e7(123),
	}, nil
}

// bytes encodes h as the version 3 header.
func (h Header) bytes() []byte {
	buf := make([]byte, HeaderLen)
	copy(buf, "PMTiles")
	buf[7] = 3
	for i, v := range []uint64{h.RootOffset, h.RootLength, h.MetadataOffset, h.MetadataLength,
		h.LeafOffset, h.LeafLength, h.DataOffset, h.DataLength, h.AddressedTiles, h.TileEntries, h.TileContents} {
		binary.LittleEndian.PutUint64(buf[8+8*i:], v)
	}
	if h.Clustered {
		buf[96] = 1
	}
	buf[97], buf[98], buf[99] = byte(h.InternalCompression), byte(h.TileCompression), byte(h.TileType)
	buf[100], buf[101], buf[118] = h.MinZoom, h.MaxZoom, h.CenterZoom
	for at, v := range map[int]float64{102: h.MinLon, 106: h.MinLat, 110: h.MaxLon, 114: h.MaxLat, 119: h.CenterLon, 123: h.CenterLat} {
		binary.LittleEndian.PutUint32(buf[at:], uint32(int32(math.Round(v*1e7))))
	}
	return buf
}

// TileID numbers tile z/x/y as the archive does: the tiles of all lower
// zooms, then the position of x, y along the Hilbert curve of zoom z.
func TileID(z uint8, x, y uint32) uint64 {
	id := (uint64(1)<<(2*uint64(z)) - 1) / 3
	n := uint32(1) << z
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s > 0 {
			rx = 1
		}
		if y&s > 0 {
			ry = 1
		}
		id += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x = n - 1 - x
				y = n - 1 - y
			}
			x, y = y, x
		}
	}
	return id
}

// entry is one entry of a directory: a run of runLength tiles from tileID
// sharing the data at offset, or, with runLength 0, a leaf directory.
type entry struct {
	tileID    uint64
	offset    uint64
	length    uint32
	runLength uint32
}

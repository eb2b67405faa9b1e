package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
)

// Reader reads the tiles of an archive. It is safe for concurrent use.
type Reader struct {
	r           io.ReaderAt
	closer      io.Closer // the file Open opened
	h           Header
	root        []entry
	attribution string
	mu          sync.Mutex
	leaves      map[uint64][]entry // by offset in the leaf section; bounded
}

// maxCachedLeaves bounds the decoded leaf directories kept.
const maxCachedLeaves = 64

// Open opens the archive at path.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	a, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a.closer = f
	return a, nil
}

// NewReader reads the header, the root directory and the metadata of the
// archive in r, and refuses an archive whose directories or tiles are
// compressed other than plain or gzipped, or whose tile type is unknown.
func NewReader(r io.ReaderAt) (*Reader, error) {
	buf := make([]byte, HeaderLen)
	if _, err := r.ReadAt(buf, 0); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	h, err := parseHeader(buf)
	if err != nil {
		return nil, err
	}
	switch h.InternalCompression {
	case None, Gzip:
	default:
		return nil, fmt.Errorf("directory compression %d; none (1) and gzip (2) are supported", h.InternalCompression)
	}
	switch h.TileType {
	case MVT, PNG, JPEG, WebP, AVIF:
	default:
		return nil, fmt.Errorf("unknown tile type %d", h.TileType)
	}
	if h.TileCompression != None && h.TileCompression != Gzip && h.TileCompression != 0 {
		return nil, fmt.Errorf("tile compression %d; none (1) and gzip (2) are supported", h.TileCompression)
	}
	a := &Reader{r: r, h: h, leaves: map[uint64][]entry{}}
	if a.root, err = a.directory(h.RootOffset, h.RootLength); err != nil {
		return nil, fmt.Errorf("root directory: %w", err)
	}
	if h.MetadataLength > 0 && h.MetadataLength < 1<<20 {
		raw, err := a.section(h.MetadataOffset, h.MetadataLength)
		if err == nil {
			var meta struct {
				Attribution string `json:"attribution"`
			}
			if json.Unmarshal(raw, &meta) == nil {
				a.attribution = meta.Attribution
			}
		}
	}
	return a, nil
}

// Close closes the file of an archive Open opened.
func (a *Reader) Close() error {
	if a.closer == nil {
		return nil
	}
	return a.closer.Close()
}

// Header is the archive's header.
func (a *Reader) Header() Header { return a.h }

// Attribution is the attribution of the archive's metadata, "" if none.
func (a *Reader) Attribution() string { return a.attribution }

// Tile returns the stored bytes of tile z/x/y, compressed as
// Header().TileCompression says; nil when the archive has none.
func (a *Reader) Tile(z uint8, x, y uint32) ([]byte, error) {
	if z < a.h.MinZoom || z > a.h.MaxZoom {
		return nil, nil
	}
	id := TileID(z, x, y)
	es := a.root
	for range 4 { // the spec allows at most three levels of leaves
		e, ok := findEntry(es, id)
		if !ok {
			return nil, nil
		}
		if e.runLength > 0 {
			data := make([]byte, e.length)
			if _, err := a.r.ReadAt(data, int64(a.h.DataOffset+e.offset)); err != nil {
				return nil, err
			}
			return data, nil
		}
		var err error
		if es, err = a.leaf(e.offset, uint64(e.length)); err != nil {
			return nil, fmt.Errorf("leaf directory: %w", err)
		}
	}
	return nil, errors.New("leaf directories nest too deep")
}

// section reads and decompresses length bytes at offset.
func (a *Reader) section(offset, length uint64) ([]byte, error) {
	if length > 64<<20 {
		return nil, fmt.Errorf("section of %d bytes is too large", length)
	}
	raw := make([]byte, length)
	if _, err := a.r.ReadAt(raw, int64(offset)); err != nil {
		return nil, err
	}
	if a.h.InternalCompression == Gzip {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		return io.ReadAll(io.LimitReader(zr, 256<<20))
	}
	return raw, nil
}

// directory decodes a directory: the entry count, then the tile IDs as
// deltas, the run lengths, the lengths and the offsets (0 meaning right
// after the previous entry, else offset+1), all as varints.
func (a *Reader) directory(offset, length uint64) ([]entry, error) {
	raw, err := a.section(offset, length)
	if err != nil {
		return nil, err
	}
	r := bytes.NewReader(raw)
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(len(raw)) {
		return nil, fmt.Errorf("%d entries in %d bytes", n, len(raw))
	}
	es := make([]entry, n)
	var id uint64
	for i := range es {
		d, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		id += d
		es[i].tileID = id
	}
	for i := range es {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		es[i].runLength = uint32(v)
	}
	for i := range es {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		es[i].length = uint32(v)
	}
	for i := range es {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		if v == 0 && i > 0 {
			es[i].offset = es[i-1].offset + uint64(es[i-1].length)
		} else {
			es[i].offset = v - 1
		}
	}
	return es, nil
}

// findEntry returns the entry holding id: a run of tiles containing it, or
// the leaf directory whose range it falls in.
func findEntry(es []entry, id uint64) (entry, bool) {
	i := sort.Search(len(es), func(i int) bool { return es[i].tileID > id }) - 1
	if i < 0 {
		return entry{}, false
	}
	e := es[i]
	if e.runLength == 0 || id-e.tileID < uint64(e.runLength) {
		return e, true
	}
	return entry{}, false
}

func (a *Reader) leaf(offset, length uint64) ([]entry, error) {
	a.mu.Lock()
	es, ok := a.leaves[offset]
	a.mu.Unlock()
	if ok {
		return es, nil
	}
	es, err := a.directory(a.h.LeafOffset+offset, length)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.leaves) >= maxCachedLeaves {
		clear(a.leaves)
	}
	a.leaves[offset] = es
	a.mu.Unlock()
	return es, nil
}

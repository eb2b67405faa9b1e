package osmnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
)

// Format is the encoding of an OSM file.
type Format int

// OSM file formats.
const (
	// Detect looks at the first bytes: '<' means XML, a PBF BlobHeader means PBF.
	Detect Format = iota
	// PBF is the OSM protocol buffer binary format (.osm.pbf).
	PBF
	// XML is the OSM XML format (.osm).
	XML
)

func (f Format) String() string {
	switch f {
	case PBF:
		return "pbf"
	case XML:
		return "xml"
	}
	return "detect"
}

// FormatFromName guesses the format from a file name: ".pbf" is PBF, ".osm"
// or ".xml" is XML, anything else Detect.
func FormatFromName(name string) Format {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".pbf"):
		return PBF
	case strings.HasSuffix(n, ".osm"), strings.HasSuffix(n, ".xml"):
		return XML
	}
	return Detect
}

// ErrEmptyInput is returned for an input with no bytes.
var ErrEmptyInput = errors.New("empty OSM input")

// DetectFormat tells PBF from XML by the first bytes of data.
func DetectFormat(data []byte) (Format, error) {
	if len(data) == 0 {
		return Detect, ErrEmptyInput
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return XML, nil
	}
	// A PBF file starts with a 4-byte big-endian header length followed by
	// the BlobHeader, whose first field is the type string "OSMHeader".
	head := data
	if len(head) > 64 {
		head = head[:64]
	}
	if bytes.Contains(head, []byte("OSMHeader")) {
		return PBF, nil
	}
	return Detect, fmt.Errorf("unrecognised OSM input: neither XML nor PBF (first bytes %q)", head[:min(len(head), 16)])
}

// Kinds selects the OSM element types a scan decodes.
type Kinds struct {
	Nodes, Ways, Relations bool
}

// Scan decodes data in format and calls fn for each element of the selected
// kinds, in file order. progress, if not nil, receives bytes consumed so
// far. A truncated or corrupt file is an error.
func Scan(ctx context.Context, data []byte, format Format, kinds Kinds, fn func(osm.Object) error, progress func(done int)) error {
	if len(data) == 0 {
		return ErrEmptyInput
	}
	if format == Detect {
		var err error
		if format, err = DetectFormat(data); err != nil {
			return err
		}
	}
	cr := &countingReader{r: bytes.NewReader(data)}
	type scanner interface {
		Scan() bool
		Object() osm.Object
		Err() error
		Close() error
	}
	var s scanner
	switch format {
	case PBF:
		ps := osmpbf.New(ctx, cr, runtime.GOMAXPROCS(0))
		ps.SkipNodes, ps.SkipWays, ps.SkipRelations = !kinds.Nodes, !kinds.Ways, !kinds.Relations
		s = ps
	case XML:
		s = osmxml.New(ctx, cr)
	default:
		return fmt.Errorf("unknown OSM format %d", format)
	}
	defer s.Close()
	n := 0
	for s.Scan() {
		o := s.Object()
		switch o.(type) {
		case *osm.Node:
			if !kinds.Nodes {
				continue
			}
		case *osm.Way:
			if !kinds.Ways {
				continue
			}
		case *osm.Relation:
			if !kinds.Relations {
				continue
			}
		default:
			continue
		}
		if err := fn(o); err != nil {
			return err
		}
		n++
		if progress != nil && n%10000 == 0 {
			progress(cr.n)
		}
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("decode OSM %s at byte %d of %d: %w", format, cr.n, len(data), err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if progress != nil {
		progress(len(data))
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

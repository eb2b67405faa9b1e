package shp

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// memberExts are the extensions of the members read; others (.sbn, .sbx,
// .xml, .qix, ...) are ignored.
var memberExts = []string{".shp", ".shx", ".dbf", ".prj", ".cpg"}

// ReadZip reads the one layer, or the one named by opt.Layer, of a zipped
// Shapefile of size bytes. Members may sit in a folder inside the zip.
// An entry whose declared unpacked size is over the limit is refused
// before it is read, and no entry is read past its declared size.
func ReadZip(r io.ReaderAt, size int64, opt Options) (*Layer, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fail(ErrInvalid, "", "the upload is not a readable zip archive: %v", err)
	}
	type group struct {
		name    string // layer name for messages
		members map[string]*zip.File
	}
	groups := map[string]*group{}
	var others []string
	for _, f := range zr.File {
		name := entryName(f)
		base := path.Base(name)
		if f.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(base, "._") {
			continue
		}
		ext := strings.ToLower(path.Ext(base))
		if !contains(memberExts, ext) {
			others = append(others, base)
			continue
		}
		key := strings.ToLower(strings.TrimSuffix(name, path.Ext(name)))
		g := groups[key]
		if g == nil {
			g = &group{name: strings.TrimSuffix(base, path.Ext(base)), members: map[string]*zip.File{}}
			groups[key] = g
		}
		if g.members[ext] != nil {
			return nil, fail(ErrInvalid, base, "the zip holds %s twice", base)
		}
		g.members[ext] = f
	}
	var layers []*group
	for _, g := range groups {
		if g.members[".shp"] != nil {
			layers = append(layers, g)
		}
	}
	sort.Slice(layers, func(i, j int) bool { return layers[i].name < layers[j].name })
	var names []string
	for _, g := range layers {
		names = append(names, g.name+".shp")
	}
	var g *group
	switch {
	case opt.Layer != "":
		for _, c := range layers {
			if strings.EqualFold(c.name, opt.Layer) {
				g = c
			}
		}
		if g == nil {
			return nil, fail(ErrInvalid, "", "the zip has no layer %q (it has %s)", opt.Layer, orNone(names))
		}
	case len(layers) == 0:
		var all []string
		for _, g := range groups {
			for _, f := range g.members {
				all = append(all, path.Base(entryName(f)))
			}
		}
		all = append(all, others...)
		sort.Strings(all)
		return nil, fail(ErrInvalid, "", "the zip holds no .shp file (it has %s)", orNone(all))
	case len(layers) > 1:
		return nil, fail(ErrInvalid, "", "the zip holds %d shapefiles (%s): upload one per zip or name the layer to read", len(layers), join(names))
	default:
		g = layers[0]
	}
	max := opt.maxSize()
	var total uint64
	for _, ext := range memberExts {
		f := g.members[ext]
		if f == nil {
			continue
		}
		if f.UncompressedSize64 > uint64(max) {
			return nil, fail(ErrTooLarge, g.name+ext, "%s%s declares %s unpacked, over the %s limit", g.name, ext, byteSize(int64(min(f.UncompressedSize64, 1<<62))), byteSize(max))
		}
		total += f.UncompressedSize64
	}
	if total > uint64(max) {
		return nil, fail(ErrTooLarge, g.name+".shp", "%s's files declare %s unpacked together, over the %s limit", g.name, byteSize(int64(total)), byteSize(max))
	}
	p := Parts{Name: g.name}
	for _, ext := range memberExts {
		f := g.members[ext]
		if f == nil {
			continue
		}
		data, err := readEntry(f, g.name+ext)
		if err != nil {
			return nil, err
		}
		switch ext {
		case ".shp":
			p.SHP = data
		case ".shx":
			p.SHX = data
		case ".dbf":
			p.DBF = data
		case ".prj":
			p.PRJ = data
		case ".cpg":
			p.CPG = data
		}
	}
	if p.SHX == nil || p.DBF == nil {
		return nil, fail(ErrInvalid, g.name+".shp", "a shapefile needs %[1]s.shp, %[1]s.shx and %[1]s.dbf, but the zip has no %[2]s", g.name, missingMembers(g.name, p))
	}
	return Read(p, opt)
}

func missingMembers(name string, p Parts) string {
	var miss []string
	if p.SHX == nil {
		miss = append(miss, name+".shx")
	}
	if p.DBF == nil {
		miss = append(miss, name+".dbf")
	}
	return join(miss)
}

// readEntry reads a member, never more than its declared size: the zip
// reader fails an entry that inflates past it.
func readEntry(f *zip.File, label string) ([]byte, error) {
	if f.Flags&0x1 != 0 {
		return nil, fail(ErrUnsupported, label, "%s is encrypted in the zip", label)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fail(ErrInvalid, label, "%s cannot be unpacked: %v", label, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	buf.Grow(int(min(f.UncompressedSize64, 64<<20)))
	n, err := io.Copy(&buf, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fail(ErrInvalid, label, "%s is damaged in the zip: %v", label, err)
	}
	if uint64(n) != f.UncompressedSize64 {
		return nil, fail(ErrInvalid, label, "%s unpacks to %d bytes but the zip declares %d", label, n, f.UncompressedSize64)
	}
	return buf.Bytes(), nil
}

// entryName is the entry's name as UTF-8: zips made on Chinese Windows
// store names in GBK without saying so.
func entryName(f *zip.File) string {
	if utf8.ValidString(f.Name) {
		return f.Name
	}
	if s, err := simplifiedchinese.GB18030.NewDecoder().String(f.Name); err == nil && utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(f.Name, "\uFFFD")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	if len(names) > 10 {
		return fmt.Sprintf("%s and %d more", strings.Join(names[:10], ", "), len(names)-10)
	}
	return join(names)
}

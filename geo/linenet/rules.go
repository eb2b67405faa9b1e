package linenet

import (
	"fmt"
	"sort"
	"strings"

	"github.com/paulmach/osm"

	"github.com/quarterhour/quarterhour/geo/osmnet"
	"github.com/quarterhour/quarterhour/geo/vector"
)

// Rules decide which line features are walkable. They are written one to a
// line or separated by ";", and a feature is walkable when every rule
// holds; "#" starts a comment:
//
//	osm                     OpenStreetMap's highway rules, as for an OSM extract (osmnet.Walkable)
//	all                     every line
//	COLUMN=v1,v2            the column holds one of the values
//	COLUMN!=v1,v2           the column holds none of them (a blank value passes)
//
// Column names match ignoring case; values match ignoring case and
// surrounding space. For example `highway!=motorway,trunk` keeps every line
// but motorways and trunk roads, and `道路等级!=高速公路,快速路` does the
// same with a Chinese road-class column. The osm rule reads the highway,
// foot, access, sidewalk and area columns, and the tags that GDAL's OSM
// driver packs into an other_tags column; Geofabrik's OSM Shapefiles name
// the highway column fclass, which is read as highway when there is none.
type Rules struct {
	osm   bool
	all   bool
	conds []cond
	text  string
}

type cond struct {
	column string
	not    bool
	values []string
}

// ParseRules reads rules as described at Rules.
func ParseRules(s string) (Rules, error) {
	var r Rules
	var parts []string
	for _, line := range strings.FieldsFunc(s, func(c rune) bool { return c == '\n' || c == ';' }) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts = append(parts, line)
		switch strings.ToLower(line) {
		case "osm", "highway":
			r.osm = true
			continue
		case "all", "*":
			r.all = true
			continue
		}
		op, not := "=", false
		i := strings.Index(line, "!=")
		if i >= 0 {
			op, not = "!=", true
		} else if i = strings.Index(line, "="); i < 0 {
			return Rules{}, fmt.Errorf("walkable rule %q: want osm, all, COLUMN=v1,v2 or COLUMN!=v1,v2", line)
		}
		c := cond{column: strings.TrimSpace(line[:i]), not: not}
		for _, v := range strings.FieldsFunc(line[i+len(op):], func(c rune) bool { return c == ',' || c == '，' || c == '、' }) {
			if v = strings.TrimSpace(v); v != "" {
				c.values = append(c.values, v)
			}
		}
		if c.column == "" || len(c.values) == 0 {
			return Rules{}, fmt.Errorf("walkable rule %q: want a column and at least one value, e.g. highway!=motorway,trunk", line)
		}
		r.conds = append(r.conds, c)
	}
	if len(parts) == 0 {
		return Rules{}, fmt.Errorf("no walkable rules given (want osm, all, COLUMN=v1,v2 or COLUMN!=v1,v2)")
	}
	r.text = strings.Join(parts, "; ")
	return r, nil
}

// DefaultRules are the rules for lines with these columns: the OSM highway
// rules when there is a highway (or fclass) column, else every line is
// walkable.
func DefaultRules(columns []string) Rules {
	for _, c := range columns {
		switch c = strings.ToLower(strings.TrimSpace(c)); c {
		case "highway", "fclass":
			return Rules{osm: true, text: "osm (the file has a " + c + " column)"}
		}
	}
	return Rules{all: true, text: "all (the file has no highway column)"}
}

// classColumns are columns that name a line's road class, in order of
// preference, for labelling edges when no rule names a column.
var classColumns = []string{"highway", "fclass", "道路等级", "等级", "道路类型", "road_class", "roadclass", "class", "kind"}

// IsZero reports whether r holds no rule.
func (r Rules) IsZero() bool { return r.text == "" }

func (r Rules) String() string { return r.text }

// columns lists the columns the rules name, for checking them against a
// file's.
func (r Rules) columns() []string {
	var out []string
	for _, c := range r.conds {
		out = append(out, c.column)
	}
	return out
}

// classColumn is the column whose value labels an edge, of the columns
// have (lower-case): the first column a rule names, else the first of
// classColumns there is.
func (r Rules) classColumn(have map[string]bool) string {
	if len(r.conds) > 0 && !r.osm {
		return strings.ToLower(r.conds[0].column)
	}
	for _, c := range classColumns {
		if have[c] {
			return c
		}
	}
	return ""
}

// walkable applies the rules to a feature's attributes, keyed by lower-case
// column name.
func (r Rules) walkable(props map[string]string) bool {
	if r.osm && !osmnet.Walkable(osmTags(props)) {
		return false
	}
	for _, c := range r.conds {
		v := props[strings.ToLower(c.column)]
		in := false
		for _, w := range c.values {
			if strings.EqualFold(v, w) {
				in = true
				break
			}
		}
		if in == c.not {
			return false
		}
	}
	return true
}

// lowerProps returns the attributes as text keyed by lower-case column.
func lowerProps(props map[string]any) map[string]string {
	out := make(map[string]string, len(props))
	for k, v := range props {
		out[strings.ToLower(strings.TrimSpace(k))] = vector.Text(v)
	}
	return out
}

// osmTags makes OSM tags of a feature's attributes: every column, and the
// pairs of GDAL's other_tags column ("foot"=>"no","access"=>"private").
func osmTags(props map[string]string) osm.Tags {
	var tags osm.Tags
	for k, v := range props {
		if k == "other_tags" || v == "" {
			continue
		}
		tags = append(tags, osm.Tag{Key: k, Value: v})
	}
	for k, v := range parseHstore(props["other_tags"]) {
		if _, ok := props[k]; !ok {
			tags = append(tags, osm.Tag{Key: k, Value: v})
		}
	}
	if props["highway"] == "" && props["fclass"] != "" {
		tags = append(tags, osm.Tag{Key: "highway", Value: props["fclass"]})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return tags
}

// parseHstore reads the PostgreSQL hstore text GDAL's OSM driver writes:
// "k"=>"v" pairs separated by commas, with \" and \\ escaped.
func parseHstore(s string) map[string]string {
	out := map[string]string{}
	i := 0
	str := func() (string, bool) {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) || s[i] != '"' {
			return "", false
		}
		i++
		var b strings.Builder
		for i < len(s) {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s):
				b.WriteByte(s[i+1])
				i += 2
			case c == '"':
				i++
				return b.String(), true
			default:
				b.WriteByte(c)
				i++
			}
		}
		return "", false
	}
	for i < len(s) {
		k, ok := str()
		if !ok {
			return out
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if !strings.HasPrefix(s[i:], "=>") {
			return out
		}
		i += 2
		v, ok := str()
		if !ok {
			return out
		}
		out[k] = v
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
	}
	return out
}

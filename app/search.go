package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/paulmach/orb"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/store"
)

// Search kinds, in the order equal matches are listed.
const (
	SearchRegion    = "region"
	SearchCommunity = "community"
	SearchCircle    = "circle"
	SearchOutlet    = "outlet"
)

var kindRank = map[string]int{SearchRegion: 0, SearchCommunity: 1, SearchCircle: 2, SearchOutlet: 3}

// SearchHit is one place a search found, with where to show it.
type SearchHit struct {
	Kind   string
	ID     int64  // communities, circles, outlets
	Code   string // regions
	Name   string
	Detail string     // what it is and where
	Point  orb.Point  // to fly to
	Bound  *orb.Bound // to fit, for areas
	// Open is false for an outlet that is closed, shown only to logged-in users.
	Open bool

	name, text string // folded name and name+detail+address, for matching
}

// SearchIndex holds the names of the regions, communities, circles and
// outlets of one moment, for searching as one types.
type SearchIndex struct {
	Built time.Time
	hits  []SearchHit
}

// Len returns how many places the index holds.
func (ix *SearchIndex) Len() int { return len(ix.hits) }

// SearchIndex reads every region with a boundary, community, circle and
// outlet into an index. It reads the whole of each table, so callers keep
// the index for a while.
func (a *App) SearchIndex(ctx context.Context) (*SearchIndex, error) {
	ix := &SearchIndex{Built: time.Now()}
	counties, err := a.Counties(ctx)
	if err != nil {
		return nil, err
	}
	names := counties.Names()
	regions, err := a.store.ListRegions(ctx, store.RegionFilter{})
	if err != nil {
		return nil, fmt.Errorf("search: regions: %w", err)
	}
	levelName := map[string]string{quarterhour.LevelCity: "市", quarterhour.LevelCounty: "区县", quarterhour.LevelTown: "乡镇街道", quarterhour.LevelCommunity: "社区"}
	for _, r := range regions {
		if len(r.Boundary) == 0 {
			continue
		}
		b := r.Boundary.Bound()
		detail := levelName[r.Level]
		if r.Level != quarterhour.LevelCounty && r.Level != quarterhour.LevelCity && names[r.County] != "" {
			detail = names[r.County] + " · " + detail
		}
		ix.add(SearchHit{Kind: SearchRegion, Code: r.Code, Name: r.Name, Detail: detail, Point: b.Center(), Bound: &b, Open: true}, r.Code)
	}
	comms, err := a.store.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		return nil, fmt.Errorf("search: communities: %w", err)
	}
	for _, c := range comms {
		if len(c.Polygon) == 0 {
			continue
		}
		b := c.Polygon.Bound()
		ix.add(SearchHit{Kind: SearchCommunity, ID: c.ID, Name: c.Name, Detail: joinDetail(names[c.District], "社区"), Point: b.Center(), Bound: &b, Open: true}, "")
	}
	circles, err := a.store.ListCircles(ctx, store.CircleFilter{})
	if err != nil {
		return nil, fmt.Errorf("search: circles: %w", err)
	}
	for _, c := range circles {
		if len(c.Centers) == 0 {
			continue
		}
		h := SearchHit{Kind: SearchCircle, ID: c.ID, Name: c.Name, Detail: joinDetail(cmp.Or(names[c.District], c.PilotZone), "生活圈"), Point: c.Centers[0], Open: true}
		if len(c.Centers) > 1 {
			b := orb.MultiPoint(c.Centers).Bound()
			h.Bound = &b
		}
		ix.add(h, c.PilotZone)
	}
	cats, err := a.CategorySet(ctx)
	if err != nil {
		return nil, err
	}
	outlets, err := a.store.ListOutlets(ctx, store.OutletFilter{})
	if err != nil {
		return nil, fmt.Errorf("search: outlets: %w", err)
	}
	for _, o := range outlets {
		cat := cats[o.Category].NameZH
		ix.add(SearchHit{Kind: SearchOutlet, ID: o.ID, Name: o.Name, Detail: joinDetail(cat, o.Address), Point: o.Point,
			Open: o.Status == quarterhour.OutletOpen}, o.Brand+" "+names[o.District])
	}
	return ix, nil
}

func joinDetail(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, " · ")
}

func (ix *SearchIndex) add(h SearchHit, extra string) {
	h.name = fold(h.Name)
	h.text = fold(h.Name + " " + h.Detail + " " + extra)
	ix.hits = append(ix.hits, h)
}

// fold lower-cases s and drops spaces and punctuation, so 北门 社区 finds
// 北门社区 and "Lidl" finds "LIDL".
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Search returns at most limit places whose names (or, ranked lower, their
// details and addresses) hold every word of q: exact names first, then
// names starting with q, then names holding it, then the rest; regions
// before communities, circles and outlets among equals. Closed outlets are
// found only for a logged-in user.
func (ix *SearchIndex) Search(u *quarterhour.User, q string, limit int) []SearchHit {
	var words []string
	for _, w := range strings.Fields(q) {
		if f := fold(w); f != "" {
			words = append(words, f)
		}
	}
	if len(words) == 0 || limit <= 0 {
		return nil
	}
	whole := strings.Join(words, "")
	type scored struct {
		h    *SearchHit
		rank int
	}
	var found []scored
	for i := range ix.hits {
		h := &ix.hits[i]
		if !h.Open && u == nil {
			continue
		}
		rank := -1
		switch {
		case h.name == whole:
			rank = 0
		case strings.HasPrefix(h.name, whole):
			rank = 1
		case strings.Contains(h.name, whole):
			rank = 2
		default:
			all := true
			for _, w := range words {
				if !strings.Contains(h.text, w) {
					all = false
					break
				}
			}
			if all {
				rank = 3
			}
		}
		if rank >= 0 {
			found = append(found, scored{h, rank})
		}
	}
	slices.SortFunc(found, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(kindRank[a.h.Kind], kindRank[b.h.Kind]),
			cmp.Compare(len(a.h.name), len(b.h.name)), cmp.Compare(a.h.Name, b.h.Name), cmp.Compare(a.h.ID, b.h.ID))
	})
	out := make([]SearchHit, 0, min(limit, len(found)))
	for _, f := range found[:min(limit, len(found))] {
		out = append(out, *f.h)
	}
	return out
}

package seeds

import (
	"fmt"
	"strings"

	"github.com/quarterhour/quarterhour"
	"gopkg.in/yaml.v3"
)

type categoryFile struct {
	Categories []struct {
		Code          string   `yaml:"code"`
		NameZH        string   `yaml:"name_zh"`
		NameEN        string   `yaml:"name_en"`
		Tier          string   `yaml:"tier"`
		National      bool     `yaml:"national"`
		OSMTags       []string `yaml:"osm_tags"`
		AmapTypecodes []string `yaml:"amap_typecodes"`
		AmapVerified  bool     `yaml:"amap_verified"`
	} `yaml:"categories"`
}

// Categories returns the taxonomy of categories.yaml in file order (basic,
// quality, public); Sort is the position, starting at 1.
func Categories() ([]quarterhour.Category, error) {
	data, err := files.ReadFile("categories.yaml")
	if err != nil {
		return nil, fmt.Errorf("read categories: %w", err)
	}
	var f categoryFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse categories.yaml: %w", err)
	}
	seen := map[string]bool{}
	out := make([]quarterhour.Category, 0, len(f.Categories))
	for i, c := range f.Categories {
		switch {
		case c.Code == "" || seen[c.Code]:
			return nil, fmt.Errorf("categories.yaml entry %d: empty or duplicate code %q", i+1, c.Code)
		case c.Tier != quarterhour.TierBasic && c.Tier != quarterhour.TierQuality && c.Tier != quarterhour.TierPublic:
			return nil, fmt.Errorf("category %s: unknown tier %q", c.Code, c.Tier)
		}
		seen[c.Code] = true
		for _, rule := range c.OSMTags {
			if err := checkOSMRule(rule); err != nil {
				return nil, fmt.Errorf("category %s: %w", c.Code, err)
			}
		}
		out = append(out, quarterhour.Category{
			Code: c.Code, NameZH: c.NameZH, NameEN: c.NameEN, Tier: c.Tier, National: c.National,
			OSMTags: c.OSMTags, AmapTypecodes: nonNil(c.AmapTypecodes), Sort: i + 1,
		})
	}
	return out, nil
}

// checkOSMRule accepts "k=v" or "k1=v1+k2=v2" with no wildcards.
func checkOSMRule(rule string) error {
	for _, kv := range strings.Split(rule, "+") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || v == "" || v == "*" {
			return fmt.Errorf("bad OSM tag rule %q", rule)
		}
	}
	return nil
}

// OSMRuleTags splits a category OSM rule ("amenity=fast_food+cuisine=breakfast")
// into its key/value pairs, all of which must match.
func OSMRuleTags(rule string) (map[string]string, error) {
	if err := checkOSMRule(rule); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, kv := range strings.Split(rule, "+") {
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type targetFile struct {
	Targets []struct {
		Year        int    `yaml:"year"`
		District    string `yaml:"district"`
		Circles     int    `yaml:"circles"`
		HighQuality int    `yaml:"high_quality"`
		Cumulative  bool   `yaml:"cumulative"`
		AwardBudget int64  `yaml:"award_budget_yuan"`
		Source      string `yaml:"source"`
	} `yaml:"targets"`
}

// Targets returns the yearly circle targets of targets.yaml: the plan's city
// figures and assumed per-district defaults.
func Targets() ([]quarterhour.Target, error) {
	data, err := files.ReadFile("targets.yaml")
	if err != nil {
		return nil, fmt.Errorf("read targets: %w", err)
	}
	var f targetFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse targets.yaml: %w", err)
	}
	out := make([]quarterhour.Target, 0, len(f.Targets))
	for i, t := range f.Targets {
		if t.Year < 2000 || len(t.District) != 6 {
			return nil, fmt.Errorf("targets.yaml entry %d: bad year %d or district %q", i+1, t.Year, t.District)
		}
		if t.AwardBudget < 0 {
			return nil, fmt.Errorf("targets.yaml entry %d: negative award budget %d", i+1, t.AwardBudget)
		}
		out = append(out, quarterhour.Target{
			Year: t.Year, District: t.District, Circles: t.Circles, HighQuality: t.HighQuality,
			Cumulative: t.Cumulative, AwardBudgetYuan: t.AwardBudget, Source: t.Source,
		})
	}
	return out, nil
}

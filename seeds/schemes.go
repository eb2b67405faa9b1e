package seeds

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"

	"github.com/quarterhour/quarterhour"
	"github.com/quarterhour/quarterhour/scoring"
)

//go:embed schemes/*.yaml
var schemeFiles embed.FS

// Schemes returns the shipped indicator schemes (jining-2023, mofcom-2023),
// each parsed and validated, ordered by code. Document holds the JSON
// encoding of the parsed scheme.
func Schemes() ([]quarterhour.Scheme, error) {
	parsed, err := ParsedSchemes()
	if err != nil {
		return nil, err
	}
	out := make([]quarterhour.Scheme, 0, len(parsed))
	for _, s := range parsed {
		doc, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("encode scheme %s: %w", s.Code, err)
		}
		out = append(out, quarterhour.Scheme{
			Code:          s.Code,
			Version:       s.Version,
			Name:          s.Name.ZH,
			Years:         s.Years,
			Reconstructed: s.Reconstructed,
			Document:      doc,
		})
	}
	return out, nil
}

// ParsedSchemes returns the shipped schemes as scoring documents, parsed and
// validated against every input scoring knows, ordered by code.
func ParsedSchemes() ([]*scoring.Scheme, error) {
	names, err := fs.Glob(schemeFiles, "schemes/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list schemes: %w", err)
	}
	sort.Strings(names)
	var out []*scoring.Scheme
	for _, name := range names {
		b, err := schemeFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		s, err := scoring.ParseScheme(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := s.Validate(scoring.DefaultInputs()); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// AwardCeilingYuan is the most one circle may be awarded in Jining: the
// plan (济政办字〔2023〕9号) grants circles certified high-quality a one-time
// award "of at most ¥300,000". It is policy, fixed when the server starts;
// no scheme loaded later may promise more.
const AwardCeilingYuan = 300000

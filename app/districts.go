package app

import (
	"context"
	"fmt"
	"regexp"

	"github.com/quarterhour/quarterhour/store"
)

// districtLabel is a district outside China, where there are no NBS codes:
// an ISO 3166-1 alpha-2 country code followed by the national code of the
// municipality, e.g. PT1312 for Porto (INE's DICO code 1312).
var districtLabel = regexp.MustCompile(`^[A-Z]{2}[0-9A-Z]{1,10}$`)

// ValidDistrict reports whether d is a district code: a 6-digit NBS county
// code, or a label of a city outside China such as PT1312.
func ValidDistrict(d string) bool {
	return SixDigits.MatchString(d) || districtLabel.MatchString(d)
}

// LabelledDistrict reports whether d is a district label outside China that
// stored communities carry: such districts have no region row.
func (a *App) LabelledDistrict(ctx context.Context, d string) (bool, error) {
	if !districtLabel.MatchString(d) {
		return false, nil
	}
	cs, err := a.store.ListCommunities(ctx, store.CommunityFilter{District: d})
	if err != nil {
		return false, fmt.Errorf("communities of district %s: %w", d, err)
	}
	return len(cs) > 0, nil
}

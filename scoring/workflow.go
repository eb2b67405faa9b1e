package scoring

import (
	"errors"
	"fmt"
	"slices"
)

// ErrAwardRefused is wrapped by every error CheckAward returns.
var ErrAwardRefused = errors.New("award refused")

// AwardClaim is an award a reviewer grants on certification.
type AwardClaim struct {
	Tier string // the tier the evaluation reached
	Year int    // the evaluation year, the year whose results are certified
	// CertifiedYear is the calendar year in which the certification is
	// recorded; with must_be_certified_in_year it must be an award year too.
	CertifiedYear  int
	Amount         int64
	AlreadyAwarded bool // the circle already holds an award
}

// CheckAward checks an award a reviewer grants on certification: the tier
// must be the rule's, the evaluation year one of its years and, when the
// rule says must_be_certified_in_year, so must the year of certification;
// the amount within the cap, and with once_per_circle no earlier award. An
// amount of 0 grants nothing and is always allowed.
func CheckAward(rule AwardRule, c AwardClaim) error {
	switch amount := c.Amount; {
	case amount < 0:
		return fmt.Errorf("%w: amount %d is negative", ErrAwardRefused, amount)
	case amount == 0:
		return nil
	case c.Tier != rule.Tier:
		return fmt.Errorf("%w: tier %q does not earn the award (needs %q)", ErrAwardRefused, c.Tier, rule.Tier)
	case !slices.Contains(rule.Years, c.Year):
		return fmt.Errorf("%w: %d is not an award year (%s)", ErrAwardRefused, c.Year, years(rule.Years))
	case rule.MustBeCertifiedInYear && !slices.Contains(rule.Years, c.CertifiedYear):
		return fmt.Errorf("%w: the award is only for circles certified in an award year (%s); a certification in %d is too late",
			ErrAwardRefused, years(rule.Years), c.CertifiedYear)
	case amount > rule.CapYuan:
		return fmt.Errorf("%w: amount ¥%d is above the cap of ¥%d", ErrAwardRefused, amount, rule.CapYuan)
	case rule.OncePerCircle && c.AlreadyAwarded:
		return fmt.Errorf("%w: the circle has already been awarded and the award is once per circle", ErrAwardRefused)
	}
	return nil
}

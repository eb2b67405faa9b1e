package scoring

import (
	"errors"
	"fmt"
	"slices"
)

// ErrAwardRefused is wrapped by every error CheckAward returns.
var ErrAwardRefused = errors.New("award refused")

// CheckAward checks an award amount a reviewer grants on certification: the
// tier must be the rule's, year (the certification year) one of its years,
// the amount within the cap, and with once_per_circle no earlier award. An
// amount of 0 grants nothing and is always allowed.
func CheckAward(rule AwardRule, tier string, year int, amount int64, alreadyAwarded bool) error {
	switch {
	case amount < 0:
		return fmt.Errorf("%w: amount %d is negative", ErrAwardRefused, amount)
	case amount == 0:
		return nil
	case tier != rule.Tier:
		return fmt.Errorf("%w: tier %q does not earn the award (needs %q)", ErrAwardRefused, tier, rule.Tier)
	case !slices.Contains(rule.Years, year):
		return fmt.Errorf("%w: %d is not an award year (%s)", ErrAwardRefused, year, years(rule.Years))
	case amount > rule.CapYuan:
		return fmt.Errorf("%w: amount ¥%d is above the cap of ¥%d", ErrAwardRefused, amount, rule.CapYuan)
	case rule.OncePerCircle && alreadyAwarded:
		return fmt.Errorf("%w: the circle has already been awarded and the award is once per circle", ErrAwardRefused)
	}
	return nil
}

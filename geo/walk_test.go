package geo

import (
	"errors"
	"math"
	"testing"
)

func TestWalk(t *testing.T) {
	cases := []struct {
		name      string
		w         Walk
		metres    float64
		perMinute float64
		field     string // of the validation error; empty when valid
	}{
		{"default", DefaultWalk, 1000, 1000.0 / 15, ""},
		{"elderly", ElderlyWalk, 750, 50, ""},
		{"doorstep", Walk{Minutes: 10, SpeedKmh: 4}, 4000.0 / 6, 1000.0 / 15, ""},
		{"longest and fastest", Walk{Minutes: 60, SpeedKmh: 10}, 10000, 1000.0 / 6, ""},
		{"no minutes", Walk{Minutes: 0, SpeedKmh: 4}, 0, 1000.0 / 15, "minutes"},
		{"negative minutes", Walk{Minutes: -5, SpeedKmh: 4}, -1000.0 / 3, 1000.0 / 15, "minutes"},
		{"too many minutes", Walk{Minutes: 61, SpeedKmh: 4}, 4066.666666666667, 1000.0 / 15, "minutes"},
		{"NaN minutes", Walk{Minutes: math.NaN(), SpeedKmh: 4}, math.NaN(), 1000.0 / 15, "minutes"},
		{"no speed", Walk{Minutes: 15, SpeedKmh: 0}, 0, 0, "speed_kmh"},
		{"too fast", Walk{Minutes: 15, SpeedKmh: 10.5}, 2625, 175, "speed_kmh"},
		{"infinite speed", Walk{Minutes: 15, SpeedKmh: math.Inf(1)}, math.Inf(1), math.Inf(1), "speed_kmh"},
	}
	same := func(a, b float64) bool { return a == b || math.Abs(a-b) < 1e-9 || math.IsNaN(a) && math.IsNaN(b) }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.w.Metres(); !same(got, c.metres) {
				t.Errorf("Metres() = %v, want %v", got, c.metres)
			}
			if got := c.w.MetresPerMinute(); !same(got, c.perMinute) {
				t.Errorf("MetresPerMinute() = %v, want %v", got, c.perMinute)
			}
			if c.field == "" {
				if got := c.w.MinutesFor(c.w.Metres()); !same(got, c.w.Minutes) {
					t.Errorf("MinutesFor(Metres()) = %v, want %v", got, c.w.Minutes)
				}
			}
			err := c.w.Validate()
			var we *WalkError
			switch {
			case c.field == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case c.field != "" && (!errors.As(err, &we) || we.Field != c.field):
				t.Errorf("Validate() = %v, want a *WalkError on %s", err, c.field)
			}
		})
	}
}

func TestWalk_ErrorNamesFieldAndLimit(t *testing.T) {
	err := Walk{Minutes: 15, SpeedKmh: 12}.Validate()
	if want := "speed_kmh must be above 0 and at most 10, not 12"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if got := DefaultWalk.MinutesFor(250); got != 3.75 {
		t.Errorf("250 m at the default pace = %v min, want 3.75", got)
	}
}

package quarterhour

import (
	"testing"
	"time"
)

// at builds a China-time instant; 2024-05-06 is a Monday.
func at(day, hour, minute int) time.Time {
	return time.Date(2024, 5, day, hour, minute, 0, 0, ChinaTime)
}

func TestOpenNow_CommonForms(t *testing.T) {
	mon, sat, sun := 6, 11, 12
	cases := []struct {
		name  string
		hours string
		when  time.Time
		want  bool
	}{
		{"always open", "24/7", at(mon, 3, 0), true},
		{"every day inside", "Mo-Su 07:00-22:00", at(sun, 7, 0), true},
		{"every day at closing", "Mo-Su 07:00-22:00", at(sun, 22, 0), false},
		{"every day before opening", "Mo-Su 07:00-22:00", at(mon, 6, 59), false},
		{"weekday rule on a weekday", "Mo-Fr 08:00-20:00; Sa,Su 09:00-18:00", at(mon, 8, 30), true},
		{"weekend rule on a Saturday morning", "Mo-Fr 08:00-20:00; Sa,Su 09:00-18:00", at(sat, 8, 30), false},
		{"weekend rule on a Sunday", "Mo-Fr 08:00-20:00; Sa,Su 09:00-18:00", at(sun, 17, 59), true},
		{"no days means every day", "08:00-20:00", at(sat, 12, 0), true},
		{"lunch break", "Mo-Fr 08:00-12:00,14:00-18:00", at(mon, 13, 0), false},
		{"after lunch", "Mo-Fr 08:00-12:00,14:00-18:00", at(mon, 14, 0), true},
		{"later rule closes a day", "Mo-Su 08:00-20:00; Su off", at(sun, 12, 0), false},
		{"past midnight same evening", "Mo-Su 18:00-02:00", at(mon, 23, 0), true},
		{"past midnight next morning", "Fr 18:00-02:00", at(sat, 1, 30), true},
		{"past midnight rule does not open the morning before", "Fr 18:00-02:00", at(10, 1, 30), false},
		{"unknown hours are not open", "", at(mon, 12, 0), false},
		{"unparsable hours are not open", "sunrise-sunset", at(mon, 12, 0), false},
		{"wrapping day range", "Fr-Mo 10:00-16:00", at(sun, 12, 0), true},
		{"wrapping day range excludes midweek", "Fr-Mo 10:00-16:00", at(8, 12, 0), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := OpenNow(c.hours, c.when); got != c.want {
				t.Errorf("OpenNow(%q, %v) = %v, want %v", c.hours, c.when, got, c.want)
			}
		})
	}
}

func TestOpenNow_ReadsChinaTime(t *testing.T) {
	// 23:30 UTC on Sunday is 07:30 on Monday in Jining.
	utc := time.Date(2024, 5, 5, 23, 30, 0, 0, time.UTC)
	if !OpenNow("Mo 07:00-08:00", utc) {
		t.Errorf("07:30 Monday China time should be open")
	}
}

func TestParseOpeningHours_RejectsMalformed(t *testing.T) {
	for _, s := range []string{"Mo-Xx 08:00-20:00", "Mo 8-20", "Mo 08:00", "Mo 25:00-26:00", "Mo Tu 08:00-09:00", "   "} {
		if _, err := ParseOpeningHours(s); err == nil {
			t.Errorf("ParseOpeningHours(%q): no error", s)
		}
	}
}

package quarterhour

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ChinaTime is China Standard Time. China keeps UTC+8 all year without
// daylight saving, so a fixed zone equals Asia/Shanghai and needs no tz
// database on the host.
var ChinaTime = time.FixedZone("CST", 8*60*60)

// OpeningHours is a parsed OSM opening_hours value of the common forms:
// "24/7", "Mo-Su 07:00-22:00", "Mo-Fr 08:00-20:00; Sa,Su 09:00-18:00",
// several time ranges "Mo-Fr 08:00-12:00,14:00-18:00", ranges past
// midnight "18:00-02:00", rules without days ("08:00-20:00" is every day)
// and "Su off". A later rule replaces earlier ones on the days it names, as
// in OSM.
type OpeningHours struct {
	week [7][]span // by time.Weekday, minutes from midnight
}

type span struct{ from, to int } // [from, to) minutes, to may exceed 1440

var dayCodes = map[string]int{"Su": 0, "Mo": 1, "Tu": 2, "We": 3, "Th": 4, "Fr": 5, "Sa": 6}

// ParseOpeningHours parses s; forms it does not know are an error.
func ParseOpeningHours(s string) (*OpeningHours, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("opening hours: empty")
	}
	h := &OpeningHours{}
	if s == "24/7" {
		for d := range h.week {
			h.week[d] = []span{{0, 24 * 60}}
		}
		return h, nil
	}
	for _, rule := range strings.Split(s, ";") {
		rule = strings.TrimSpace(rule)
		if rule == "" {
			continue
		}
		if err := h.addRule(rule); err != nil {
			return nil, fmt.Errorf("opening hours %q: %w", s, err)
		}
	}
	return h, nil
}

// addRule parses "[days] times|off" and replaces those days' spans.
func (h *OpeningHours) addRule(rule string) error {
	days := []int{0, 1, 2, 3, 4, 5, 6}
	times := rule
	if f := strings.Fields(rule); len(f) == 2 {
		var err error
		if days, err = parseDays(f[0]); err != nil {
			return err
		}
		times = f[1]
	} else if len(f) != 1 {
		return fmt.Errorf("rule %q: want [days] times", rule)
	}
	var spans []span
	if times != "off" && times != "closed" {
		for _, r := range strings.Split(times, ",") {
			sp, err := parseSpan(r)
			if err != nil {
				return fmt.Errorf("rule %q: %w", rule, err)
			}
			spans = append(spans, sp)
		}
	}
	for _, d := range days {
		h.week[d] = spans
	}
	return nil
}

// parseDays parses "Mo-Fr", "Sa,Su", "Mo-Fr,Su", "Fr-Mo" (wrapping).
func parseDays(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		da, ok := dayCodes[a]
		if !ok {
			return nil, fmt.Errorf("unknown day %q", a)
		}
		if !isRange {
			out = append(out, da)
			continue
		}
		db, ok := dayCodes[b]
		if !ok {
			return nil, fmt.Errorf("unknown day %q", b)
		}
		for d := da; ; d = (d + 1) % 7 {
			out = append(out, d)
			if d == db {
				break
			}
		}
	}
	return out, nil
}

// parseSpan parses "HH:MM-HH:MM"; an end at or before the start runs past
// midnight, and "24:00" is the end of the day.
func parseSpan(s string) (span, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return span{}, fmt.Errorf("time range %q: want HH:MM-HH:MM", s)
	}
	from, err := parseClock(a)
	if err != nil {
		return span{}, err
	}
	to, err := parseClock(b)
	if err != nil {
		return span{}, err
	}
	if from >= 24*60 {
		return span{}, fmt.Errorf("time range %q starts at or after 24:00", s)
	}
	if to <= from {
		to += 24 * 60
	}
	return span{from, to}, nil
}

func parseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time %q out of range", s)
	}
	return h*60 + m, nil
}

// OpenAt reports whether the hours include t, read in China time. A span
// past midnight counts on the next morning too.
func (h *OpeningHours) OpenAt(t time.Time) bool {
	t = t.In(ChinaTime)
	d := int(t.Weekday())
	min := t.Hour()*60 + t.Minute()
	for _, sp := range h.week[d] {
		if min >= sp.from && min < sp.to {
			return true
		}
	}
	for _, sp := range h.week[(d+6)%7] {
		if sp.to > 24*60 && min < sp.to-24*60 {
			return true
		}
	}
	return false
}

// OpenNow reports whether an outlet with these opening_hours is open at t;
// unknown or unparsable hours are not open.
func OpenNow(hours string, t time.Time) bool {
	h, err := ParseOpeningHours(hours)
	return err == nil && h.OpenAt(t)
}

package geo

import "fmt"

// Walk is a walking budget: minutes at a pace.
type Walk struct {
	Minutes  float64 `json:"minutes"`
	SpeedKmh float64 `json:"speed_kmh"`
}

// DefaultWalk is 15 minutes at 4.0 km/h, 1,000 m: GB 50180-2018 puts the
// 15-minute walk at 800-1,000 m.
var DefaultWalk = Walk{Minutes: 15, SpeedKmh: 4}

// ElderlyWalk is 15 minutes at an elderly pace of 3.0 km/h, 750 m.
var ElderlyWalk = Walk{Minutes: 15, SpeedKmh: 3}

// Limits of a valid Walk.
const (
	MaxMinutes  = 60
	MaxSpeedKmh = 10
)

// Metres is the distance walked in the budget.
func (w Walk) Metres() float64 { return w.Minutes * w.SpeedKmh * 1000 / 60 }

// MetresPerMinute is the pace in metres a minute.
func (w Walk) MetresPerMinute() float64 { return w.SpeedKmh * 1000 / 60 }

// MinutesFor is the time in minutes to walk metres at this pace.
func (w Walk) MinutesFor(metres float64) float64 { return metres * 60 / (w.SpeedKmh * 1000) }

// WalkError reports an invalid Walk; Field is "minutes" or "speed_kmh".
type WalkError struct {
	Field string
	Value float64
	Max   float64
}

func (e *WalkError) Error() string {
	return fmt.Sprintf("%s must be above 0 and at most %g, not %v", e.Field, e.Max, e.Value)
}

// Validate checks that minutes lie in (0, MaxMinutes] and the speed in
// (0, MaxSpeedKmh]; the error is a *WalkError.
func (w Walk) Validate() error {
	if !(w.Minutes > 0) || w.Minutes > MaxMinutes {
		return &WalkError{Field: "minutes", Value: w.Minutes, Max: MaxMinutes}
	}
	if !(w.SpeedKmh > 0) || w.SpeedKmh > MaxSpeedKmh {
		return &WalkError{Field: "speed_kmh", Value: w.SpeedKmh, Max: MaxSpeedKmh}
	}
	return nil
}

package scoring

import "fmt"

// Submitted field names: the values a district fills in for an evaluation. A
// scheme refers to them as "submitted:<field>".
const (
	// FieldSatisfactionRate is the share of surveyed residents satisfied, 0..1.
	FieldSatisfactionRate = "satisfaction_rate"
	// FieldSurveySampleSize is the number of residents surveyed.
	FieldSurveySampleSize = "survey_sample_size"
	// FieldManagementSystem is 1 when a co-management system (管理制度) is in place.
	FieldManagementSystem = "management_system"
	// FieldComplaintChannel is 1 when a complaint and feedback channel is in place.
	FieldComplaintChannel = "complaint_channel"
	// FieldComplaintsReceived counts consumer complaints received in the
	// year through the district's own channels (hotline, in person, letters);
	// complaints residents post on the platform are counted apart
	// (MetricPlatformComplaintsReceived).
	FieldComplaintsReceived = "complaints_received"
	// FieldComplaintsResolved counts those complaints resolved.
	FieldComplaintsResolved = "complaints_resolved"
	// FieldComplaintResolutionRate is derived: resolved / received, and 1
	// when none were received (nothing is left unresolved). When scoring,
	// the platform's complaints count too (see Evaluate).
	FieldComplaintResolutionRate = "complaint_resolution_rate"
)

// SubmittedFields lists every submitted field a scheme may refer to.
var SubmittedFields = []string{
	FieldSatisfactionRate, FieldSurveySampleSize, FieldManagementSystem, FieldComplaintChannel,
	FieldComplaintsReceived, FieldComplaintsResolved, FieldComplaintResolutionRate,
}

// Submitted holds the values a district enters for an evaluation. The
// pointer fields are nil until entered.
type Submitted struct {
	SatisfactionRate   *float64   `json:"satisfaction_rate,omitempty"`
	SurveySampleSize   *int       `json:"survey_sample_size,omitempty"`
	ManagementSystem   bool       `json:"management_system"`
	ComplaintChannel   bool       `json:"complaint_channel"`
	ComplaintsReceived int        `json:"complaints_received"`
	ComplaintsResolved int        `json:"complaints_resolved"`
	Evidence           []Evidence `json:"evidence,omitempty"`
}

// Evidence is one attached document supporting an indicator.
type Evidence struct {
	Indicator string `json:"indicator"` // indicator id, e.g. "E2"
	Ref       string `json:"ref"`       // file reference
	Note      string `json:"note,omitempty"`
}

// Value returns a submitted field as a number (booleans as 1 or 0) and
// whether it has been entered.
func (s Submitted) Value(field string) (float64, bool) {
	switch field {
	case FieldSatisfactionRate:
		if s.SatisfactionRate == nil {
			return 0, false
		}
		return *s.SatisfactionRate, true
	case FieldSurveySampleSize:
		if s.SurveySampleSize == nil {
			return 0, false
		}
		return float64(*s.SurveySampleSize), true
	case FieldManagementSystem:
		return boolValue(s.ManagementSystem), true
	case FieldComplaintChannel:
		return boolValue(s.ComplaintChannel), true
	case FieldComplaintsReceived:
		return float64(s.ComplaintsReceived), true
	case FieldComplaintsResolved:
		return float64(s.ComplaintsResolved), true
	case FieldComplaintResolutionRate:
		if s.ComplaintsReceived <= 0 {
			return 1, true
		}
		return float64(s.ComplaintsResolved) / float64(s.ComplaintsReceived), true
	}
	return 0, false
}

// FieldError is one invalid submitted value.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Reason }

// ValidateSubmitted returns every invalid value of sub; none when it is valid.
func ValidateSubmitted(sub Submitted) []FieldError {
	var errs []FieldError
	add := func(field, format string, a ...any) {
		errs = append(errs, FieldError{Field: field, Reason: fmt.Sprintf(format, a...)})
	}
	if r := sub.SatisfactionRate; r != nil && !(*r >= 0 && *r <= 1) {
		add(FieldSatisfactionRate, "%v is outside 0..1 (a share, not a percentage)", *r)
	}
	if n := sub.SurveySampleSize; n != nil && *n < 0 {
		add(FieldSurveySampleSize, "%d is negative", *n)
	}
	if sub.ComplaintsReceived < 0 {
		add(FieldComplaintsReceived, "%d is negative", sub.ComplaintsReceived)
	}
	if sub.ComplaintsResolved < 0 {
		add(FieldComplaintsResolved, "%d is negative", sub.ComplaintsResolved)
	}
	if sub.ComplaintsResolved > sub.ComplaintsReceived {
		add(FieldComplaintsResolved, "%d resolved is more than the %d received", sub.ComplaintsResolved, sub.ComplaintsReceived)
	}
	for i, e := range sub.Evidence {
		if e.Indicator == "" || e.Ref == "" {
			add(fmt.Sprintf("evidence[%d]", i), "needs an indicator id and a file reference")
		}
	}
	return errs
}

package scoring

import (
	"reflect"
	"testing"
)

func TestValidateSubmitted_RefusesImpossibleValues(t *testing.T) {
	cases := []struct {
		name  string
		sub   Submitted
		field string
	}{
		{"satisfaction above 1", Submitted{SatisfactionRate: ptrF(1.3)}, FieldSatisfactionRate},
		{"satisfaction negative", Submitted{SatisfactionRate: ptrF(-0.1)}, FieldSatisfactionRate},
		{"negative sample", Submitted{SurveySampleSize: ptrI(-5)}, FieldSurveySampleSize},
		{"negative received", Submitted{ComplaintsReceived: -1, ComplaintsResolved: -2}, FieldComplaintsReceived},
		{"resolved above received", Submitted{ComplaintsReceived: 3, ComplaintsResolved: 4}, FieldComplaintsResolved},
		{"evidence without file", Submitted{Evidence: []Evidence{{Indicator: "E1"}}}, "evidence[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := ValidateSubmitted(c.sub)
			if len(errs) == 0 || errs[0].Field != c.field || errs[0].Reason == "" {
				t.Errorf("errors %v, want one on %s", errs, c.field)
			}
		})
	}
	if errs := ValidateSubmitted(excellentSubmitted()); errs != nil {
		t.Errorf("valid submission refused: %v", errs)
	}
}

func TestSubmittedValue_ResolutionRate(t *testing.T) {
	for _, c := range []struct {
		received, resolved int
		want               float64
	}{{0, 0, 1}, {20, 17, 0.85}, {4, 0, 0}} {
		got, ok := Submitted{ComplaintsReceived: c.received, ComplaintsResolved: c.resolved}.Value(FieldComplaintResolutionRate)
		if !ok || got != c.want {
			t.Errorf("%d/%d: %v, want %v", c.resolved, c.received, got, c.want)
		}
	}
	if _, ok := (Submitted{}).Value(FieldSatisfactionRate); ok {
		t.Error("satisfaction reported as entered when it was not")
	}
	if !reflect.DeepEqual(SubmittedFields, DefaultInputs().Submitted) {
		t.Error("DefaultInputs does not offer every submitted field")
	}
}

package quarterhour

import "testing"

func TestCanTransition_FollowsTheReviewWorkflow(t *testing.T) {
	all := []string{EvalDraft, EvalSubmitted, EvalReturned, EvalApproved, EvalCertified}
	allowed := map[[2]string]bool{
		{EvalDraft, EvalSubmitted}:    true,
		{EvalSubmitted, EvalReturned}: true,
		{EvalSubmitted, EvalApproved}: true,
		{EvalReturned, EvalSubmitted}: true,
		{EvalApproved, EvalCertified}: true,
	}
	for _, from := range all {
		for _, to := range all {
			if got := CanTransition(from, to); got != allowed[[2]string{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v", from, to, got)
			}
		}
	}
}

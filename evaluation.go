package quarterhour

import (
	"encoding/json"
	"slices"
	"time"
)

// Scheme is a stored indicator scheme document (see package scoring).
type Scheme struct {
	Code          string          `json:"code"`
	Version       int             `json:"version"`
	Name          string          `json:"name"`
	Years         []int           `json:"years"`
	Reconstructed bool            `json:"reconstructed"`
	Document      json.RawMessage `json:"document"`
	CreatedAt     time.Time       `json:"created_at"`
	// CreatedBy is the user who loaded this version; empty for shipped seeds.
	CreatedBy string `json:"created_by,omitempty"`
}

// Evaluation statuses, the one home of the workflow's states.
const (
	EvalDraft     = "draft"
	EvalSubmitted = "submitted"
	EvalReturned  = "returned"
	EvalApproved  = "approved"
	EvalCertified = "certified"
)

// Evaluation is one circle's evaluation under one scheme for one year.
type Evaluation struct {
	ID          int64           `json:"id"`
	CircleID    int64           `json:"circle_id"`
	District    string          `json:"district"`
	Scheme      string          `json:"scheme"`
	Year        int             `json:"year"`
	Status      string          `json:"status"`
	Submitted   json.RawMessage `json:"submitted"`
	Metrics     json.RawMessage `json:"metrics,omitempty"` // snapshot the result was judged on
	Result      json.RawMessage `json:"result,omitempty"`  // per-indicator scores, gates, explanation
	Total       float64         `json:"total"`
	Tier        string          `json:"tier"`
	AwardYuan   int64           `json:"award_yuan"`
	Version     int             `json:"version"`
	CreatedBy   string          `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	CertifiedAt *time.Time      `json:"certified_at,omitempty"`
	// ApprovedBy and CertifiedBy name the reviewers who approved and
	// certified the evaluation, empty until they did; never the same person.
	ApprovedBy  string `json:"approved_by,omitempty"`
	CertifiedBy string `json:"certified_by,omitempty"`
}

// EvaluationEvent is one append-only audit record.
type EvaluationEvent struct {
	ID           int64     `json:"id"`
	EvaluationID int64     `json:"evaluation_id"`
	Actor        string    `json:"actor"`
	At           time.Time `json:"at"`
	From         string    `json:"from"`
	To           string    `json:"to"`
	Comment      string    `json:"comment,omitempty"`
}

// Evidence is a file attached to an evaluation as proof for an indicator
// (a survey report, the published complaint channel). Data is left out of
// lists.
type Evidence struct {
	ID           int64     `json:"id"`
	EvaluationID int64     `json:"evaluation_id"`
	Indicator    string    `json:"indicator,omitempty"` // indicator id, e.g. "E2"; empty when not tied to one
	Name         string    `json:"name"`                // file name as uploaded
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"` // hex
	Note         string    `json:"note,omitempty"`
	Data         []byte    `json:"-"`
	UploadedBy   string    `json:"uploaded_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// Target is a yearly goal; District "370800" is the whole city.
type Target struct {
	Year        int    `json:"year"`
	District    string `json:"district"`
	Circles     int    `json:"circles"`      // circles to build or upgrade that year
	HighQuality int    `json:"high_quality"` // high-quality circles that year
	Cumulative  bool   `json:"cumulative"`   // the figures are totals to date ("120 by end of 2025")
	// AwardBudgetYuan is the award money the city sets aside for the year,
	// 0 when none is set. The plan names no budget: it is configuration
	// (seeds/targets.yaml).
	AwardBudgetYuan int64  `json:"award_budget_yuan"`
	Source          string `json:"source,omitempty"`
}

// transitions lists the allowed moves of an evaluation (DESIGN.md §6): a
// district submits a draft or a returned evaluation; a reviewer returns or
// approves a submitted one and certifies an approved one. Certified is final.
var transitions = map[string][]string{
	EvalDraft:     {EvalSubmitted},
	EvalSubmitted: {EvalReturned, EvalApproved},
	EvalReturned:  {EvalSubmitted},
	EvalApproved:  {EvalCertified},
}

// CanTransition reports whether an evaluation may move from one status to
// another.
func CanTransition(from, to string) bool {
	return slices.Contains(transitions[from], to)
}

// TransitionSources lists the statuses an evaluation may move to "to" from.
func TransitionSources(to string) []string {
	var from []string
	for _, st := range []string{EvalDraft, EvalSubmitted, EvalReturned, EvalApproved, EvalCertified} {
		if CanTransition(st, to) {
			from = append(from, st)
		}
	}
	return from
}

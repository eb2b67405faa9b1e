package quarterhour

import "time"

// Feedback statuses.
const (
	FeedbackOpen     = "open"
	FeedbackResolved = "resolved"
)

// Feedback is a resident rating or complaint on an outlet or circle.
type Feedback struct {
	ID        int64     `json:"id"`
	OutletID  int64     `json:"outlet_id,omitempty"`
	CircleID  int64     `json:"circle_id,omitempty"`
	Rating    int       `json:"rating,omitempty"` // 1..5
	Complaint bool      `json:"complaint"`
	Text      string    `json:"text"`
	Status    string    `json:"status"` // FeedbackOpen | FeedbackResolved
	CreatedAt time.Time `json:"created_at"`
}

package quarterhour

import "time"

// User roles.
const (
	RoleAdmin    = "admin"
	RoleReviewer = "reviewer"
	RoleDistrict = "district"
)

// User is a login.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	PasswordHash string    `json:"-"`
	Role         string    `json:"role"`
	District     string    `json:"district,omitempty"` // only for RoleDistrict
	CreatedAt    time.Time `json:"created_at"`
}

// Session is a browser session or a bearer token; only the SHA-256 of the
// secret is stored.
type Session struct {
	TokenHash string    `json:"-"`
	UserID    int64     `json:"user_id"`
	CSRFToken string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

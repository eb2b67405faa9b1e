package quarterhour

import (
	"encoding/json"
	"time"
)

// Import records one import batch.
type Import struct {
	ID           int64           `json:"id"`
	Kind         string          `json:"kind"` // network | osm-outlets | outlets-csv
	File         string          `json:"file"`
	CRS          string          `json:"crs"`
	RowsOK       int             `json:"rows_ok"`
	RowsRejected int             `json:"rows_rejected"`
	Rejections   json.RawMessage `json:"rejections,omitempty"`
	CreatedBy    string          `json:"created_by,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
}

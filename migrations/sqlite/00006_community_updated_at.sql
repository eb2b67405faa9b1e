-- Communities record when they last changed, so a reviewer sees the figures
-- and boundaries that changed after an evaluation was submitted.

-- +goose Up
ALTER TABLE communities ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
UPDATE communities SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

-- +goose Down
ALTER TABLE communities DROP COLUMN updated_at;

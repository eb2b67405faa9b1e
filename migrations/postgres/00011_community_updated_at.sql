-- Communities record when they last changed, so a reviewer sees the figures
-- and boundaries that changed after an evaluation was submitted.

-- +goose Up
ALTER TABLE communities ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- +goose Down
ALTER TABLE communities DROP COLUMN updated_at;

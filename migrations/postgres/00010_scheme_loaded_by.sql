-- Each scheme version records who loaded it: a scheme decides money, so a
-- new version is audited, and a version once loaded is never changed.

-- +goose Up
ALTER TABLE schemes ADD COLUMN created_by text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE schemes DROP COLUMN created_by;

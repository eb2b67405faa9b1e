-- Communities imported from a register or from OpenStreetMap keep where they
-- came from, so a re-import updates them instead of adding copies; a
-- population estimated from building footprints is flagged as such.

-- +goose Up
ALTER TABLE communities ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN source_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN original_crs TEXT NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN population_estimated INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX communities_source_ref_idx ON communities (source, source_ref) WHERE source_ref <> '';

-- +goose Down
DROP INDEX communities_source_ref_idx;
ALTER TABLE communities DROP COLUMN population_estimated;
ALTER TABLE communities DROP COLUMN original_crs;
ALTER TABLE communities DROP COLUMN source_ref;
ALTER TABLE communities DROP COLUMN source;

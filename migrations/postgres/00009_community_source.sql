-- Communities imported from a register or from OpenStreetMap keep where they
-- came from, so a re-import updates them instead of adding copies; a
-- population estimated from building footprints is flagged as such.

-- +goose Up
ALTER TABLE communities ADD COLUMN source text NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN source_ref text NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN original_crs text NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN population_estimated boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX communities_source_ref_key ON communities (source, source_ref) WHERE source_ref <> '';

-- +goose Down
DROP INDEX communities_source_ref_key;
ALTER TABLE communities DROP COLUMN population_estimated;
ALTER TABLE communities DROP COLUMN original_crs;
ALTER TABLE communities DROP COLUMN source_ref;
ALTER TABLE communities DROP COLUMN source;

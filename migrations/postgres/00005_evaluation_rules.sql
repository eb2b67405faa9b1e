-- Rules the contract relies on: one evaluation per circle, scheme and year;
-- a yearly and a cumulative target may share a year and district ("40 in
-- 2025" and "120 by the end of 2025"). 00004 now creates that targets key;
-- rebuilding it here also fixes databases migrated with the earlier 00004.

-- +goose Up
CREATE UNIQUE INDEX evaluations_circle_scheme_year_key ON evaluations (circle_id, scheme, year);
ALTER TABLE targets DROP CONSTRAINT targets_pkey;
ALTER TABLE targets ADD PRIMARY KEY (year, district, cumulative);

-- +goose Down
ALTER TABLE targets DROP CONSTRAINT targets_pkey;
ALTER TABLE targets ADD PRIMARY KEY (year, district);
DROP INDEX evaluations_circle_scheme_year_key;

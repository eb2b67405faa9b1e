-- The award money the city sets aside per year (a target row's budget).

-- +goose Up
ALTER TABLE targets ADD COLUMN award_budget_yuan INTEGER NOT NULL DEFAULT 0 CHECK (award_budget_yuan >= 0);

-- +goose Down
ALTER TABLE targets DROP COLUMN award_budget_yuan;

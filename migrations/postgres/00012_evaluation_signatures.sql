-- Evaluations name who approved and who certified them, so the certificate
-- shows both and the application can keep them two different people.
-- Existing evaluations take the names from their events.

-- +goose Up
ALTER TABLE evaluations ADD COLUMN approved_by text NOT NULL DEFAULT '';
ALTER TABLE evaluations ADD COLUMN certified_by text NOT NULL DEFAULT '';
UPDATE evaluations e SET approved_by = COALESCE((SELECT v.actor FROM evaluation_events v
    WHERE v.evaluation_id = e.id AND v.to_status = 'approved' ORDER BY v.id DESC LIMIT 1), '');
UPDATE evaluations e SET certified_by = COALESCE((SELECT v.actor FROM evaluation_events v
    WHERE v.evaluation_id = e.id AND v.to_status = 'certified' ORDER BY v.id DESC LIMIT 1), '');

-- +goose Down
ALTER TABLE evaluations DROP COLUMN certified_by;
ALTER TABLE evaluations DROP COLUMN approved_by;

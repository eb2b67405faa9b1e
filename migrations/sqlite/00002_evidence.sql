-- Evidence files attached to an evaluation (survey reports, photos of the
-- management system), kept in the database with their size, type and hash.

-- +goose Up
CREATE TABLE evidence (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id),
    indicator     TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL CHECK (size >= 0),
    sha256        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    data          BLOB NOT NULL,
    uploaded_by   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX evidence_evaluation_idx ON evidence (evaluation_id);

-- +goose Down
DROP TABLE evidence;

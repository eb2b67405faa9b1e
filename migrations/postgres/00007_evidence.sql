-- Evidence files attached to an evaluation (survey reports, photos of the
-- management system), kept in the database so every replica serves them.

-- +goose Up
CREATE TABLE evidence (
    id            bigserial PRIMARY KEY,
    evaluation_id bigint NOT NULL REFERENCES evaluations (id),
    indicator     text NOT NULL DEFAULT '',
    name          text NOT NULL,
    content_type  text NOT NULL,
    size          bigint NOT NULL CHECK (size >= 0),
    sha256        text NOT NULL,
    note          text NOT NULL DEFAULT '',
    data          bytea NOT NULL,
    uploaded_by   text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL
);
CREATE INDEX evidence_evaluation_idx ON evidence (evaluation_id);

-- +goose Down
DROP TABLE evidence;

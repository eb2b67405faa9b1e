-- Targets, logins, import batches and resident feedback.

-- +goose Up
CREATE TABLE targets (
    year         integer NOT NULL,
    district     text NOT NULL,
    circles      integer NOT NULL DEFAULT 0,
    high_quality integer NOT NULL DEFAULT 0,
    cumulative   boolean NOT NULL DEFAULT false,
    source       text NOT NULL DEFAULT '',
    PRIMARY KEY (year, district, cumulative)
);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'reviewer', 'district')),
    district      text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE imports (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    file          text NOT NULL DEFAULT '',
    crs           text NOT NULL DEFAULT '',
    rows_ok       integer NOT NULL DEFAULT 0,
    rows_rejected integer NOT NULL DEFAULT 0,
    rejections    jsonb,
    created_by    text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feedback (
    id         bigserial PRIMARY KEY,
    outlet_id  bigint REFERENCES outlets (id) ON DELETE SET NULL,
    circle_id  bigint REFERENCES circles (id) ON DELETE SET NULL,
    rating     integer NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    complaint  boolean NOT NULL DEFAULT false,
    text       text NOT NULL DEFAULT '',
    status     text NOT NULL DEFAULT 'open',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_circle_idx ON feedback (circle_id);
CREATE INDEX feedback_outlet_idx ON feedback (outlet_id);

-- +goose Down
DROP TABLE feedback;
DROP TABLE imports;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE targets;

-- Circles, indicator schemes and the evaluation workflow with its audit trail.

-- +goose Up
CREATE TABLE circles (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL,
    district       text NOT NULL DEFAULT '',
    pilot_zone     text NOT NULL DEFAULT '',
    layout         text NOT NULL DEFAULT '',
    centers        geometry(MultiPoint, 4326),
    status         text NOT NULL DEFAULT 'planned',
    planned_year   integer NOT NULL DEFAULT 0,
    completed_year integer NOT NULL DEFAULT 0,
    synthetic      boolean NOT NULL DEFAULT false,
    version        integer NOT NULL DEFAULT 1,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX circles_district_idx ON circles (district, status);
CREATE INDEX circles_centers_gist ON circles USING gist (centers);

CREATE TABLE circle_communities (
    circle_id    bigint NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    ord          integer NOT NULL,
    PRIMARY KEY (circle_id, community_id)
);
CREATE INDEX circle_communities_community_idx ON circle_communities (community_id);

CREATE TABLE schemes (
    code          text NOT NULL,
    version       integer NOT NULL,
    name          text NOT NULL DEFAULT '',
    years         integer[],
    reconstructed boolean NOT NULL DEFAULT false,
    document      jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (code, version)
);

CREATE TABLE evaluations (
    id           bigserial PRIMARY KEY,
    circle_id    bigint NOT NULL REFERENCES circles (id),
    district     text NOT NULL DEFAULT '',
    scheme       text NOT NULL,
    year         integer NOT NULL,
    status       text NOT NULL DEFAULT 'draft',
    submitted    jsonb,
    metrics      jsonb,
    result       jsonb,
    total        double precision NOT NULL DEFAULT 0,
    tier         text NOT NULL DEFAULT '',
    award_yuan   bigint NOT NULL DEFAULT 0 CHECK (award_yuan >= 0),
    version      integer NOT NULL DEFAULT 1,
    created_by   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    certified_at timestamptz
);
CREATE INDEX evaluations_circle_idx ON evaluations (circle_id);
CREATE INDEX evaluations_district_idx ON evaluations (district, status);
-- A circle receives the one-time award at most once.
CREATE UNIQUE INDEX evaluations_one_award_per_circle ON evaluations (circle_id) WHERE award_yuan > 0;

CREATE TABLE evaluation_events (
    id            bigserial PRIMARY KEY,
    evaluation_id bigint NOT NULL REFERENCES evaluations (id),
    actor         text NOT NULL DEFAULT '',
    at            timestamptz NOT NULL DEFAULT now(),
    from_status   text NOT NULL DEFAULT '',
    to_status     text NOT NULL DEFAULT '',
    comment       text NOT NULL DEFAULT ''
);
CREATE INDEX evaluation_events_evaluation_idx ON evaluation_events (evaluation_id, id);

-- The audit trail is append-only: rows can be added, never changed or removed.
-- +goose StatementBegin
CREATE FUNCTION evaluation_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'evaluation_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER evaluation_events_no_change
    BEFORE UPDATE OR DELETE ON evaluation_events
    FOR EACH ROW EXECUTE FUNCTION evaluation_events_append_only();

-- +goose Down
DROP TABLE evaluation_events;
DROP FUNCTION evaluation_events_append_only();
DROP TABLE evaluations;
DROP TABLE schemes;
DROP TABLE circle_communities;
DROP TABLE circles;

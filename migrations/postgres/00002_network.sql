-- The walking network, one area at a time. walk_edges follows the pgRouting
-- edge table convention (id, source, target, cost, reverse_cost), so
--   SELECT * FROM pgr_drivingDistance(
--     'SELECT id, source, target, cost, reverse_cost FROM walk_edges WHERE area = ''porto''',
--     start_vid, 1000)
-- runs directly on it. Costs are metres. Edge ends are checked against the
-- nodes by the store in one set-based query on import rather than by foreign
-- keys, whose per-row triggers doubled the time to load a city's network.

-- +goose Up
CREATE TABLE networks (
    area      text PRIMARY KEY,
    synthetic boolean NOT NULL DEFAULT false
);

CREATE TABLE walk_nodes (
    area text NOT NULL REFERENCES networks (area) ON DELETE CASCADE,
    id   bigint NOT NULL,
    geom geometry(Point, 4326) NOT NULL,
    PRIMARY KEY (area, id)
);
CREATE INDEX walk_nodes_geom_gist ON walk_nodes USING gist (geom);

CREATE TABLE walk_edges (
    area         text NOT NULL REFERENCES networks (area) ON DELETE CASCADE,
    id           bigint NOT NULL,
    source       bigint NOT NULL,
    target       bigint NOT NULL,
    cost         double precision NOT NULL,
    reverse_cost double precision NOT NULL,
    length_m     double precision NOT NULL,
    geom         geometry(LineString, 4326) NOT NULL,
    osm_way_id   bigint NOT NULL DEFAULT 0,
    highway      text NOT NULL DEFAULT '',
    PRIMARY KEY (area, id)
);
CREATE INDEX walk_edges_source_idx ON walk_edges (area, source);
CREATE INDEX walk_edges_target_idx ON walk_edges (area, target);
CREATE INDEX walk_edges_geom_gist ON walk_edges USING gist (geom);

-- +goose Down
DROP TABLE walk_edges;
DROP TABLE walk_nodes;
DROP TABLE networks;

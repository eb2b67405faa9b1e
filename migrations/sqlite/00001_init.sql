-- QuarterHour schema for the embedded SQLite store.
-- Geometry is WGS-84 WKB in BLOB columns; min_lon/min_lat/max_lon/max_lat
-- hold each geometry's bounding box for indexed bbox queries.
-- Times are UTC RFC 3339 text with nine fixed fraction digits, so they sort.
-- String lists and documents are JSON text.

-- +goose Up
CREATE TABLE regions (
    code              TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    level             TEXT NOT NULL CHECK (level IN ('city', 'county', 'town', 'community')),
    parent            TEXT NOT NULL DEFAULT '',
    county            TEXT NOT NULL DEFAULT '',
    boundary          BLOB,
    min_lon           REAL,
    min_lat           REAL,
    max_lon           REAL,
    max_lat           REAL,
    population        INTEGER NOT NULL DEFAULT 0,
    population_year   INTEGER NOT NULL DEFAULT 0,
    population_source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX regions_level_idx ON regions (level);
CREATE INDEX regions_parent_idx ON regions (parent);
CREATE INDEX regions_county_idx ON regions (county);

CREATE TABLE categories (
    code           TEXT PRIMARY KEY,
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    tier           TEXT NOT NULL CHECK (tier IN ('basic', 'quality', 'public')),
    national       INTEGER NOT NULL DEFAULT 0,
    osm_tags       TEXT NOT NULL DEFAULT '[]',
    amap_typecodes TEXT NOT NULL DEFAULT '[]',
    sort           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE communities (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    region_code              TEXT NOT NULL DEFAULT '',
    district                 TEXT NOT NULL DEFAULT '',
    name                     TEXT NOT NULL,
    polygon                  BLOB,
    min_lon                  REAL,
    min_lat                  REAL,
    max_lon                  REAL,
    max_lat                  REAL,
    population               INTEGER NOT NULL DEFAULT 0,
    households               INTEGER NOT NULL DEFAULT 0,
    building_area_m2         REAL NOT NULL DEFAULT 0,
    commercial_area_m2       REAL NOT NULL DEFAULT 0,
    service_facility_area_m2 REAL NOT NULL DEFAULT 0,
    is_new                   INTEGER NOT NULL DEFAULT 0,
    synthetic                INTEGER NOT NULL DEFAULT 0,
    version                  INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX communities_district_idx ON communities (district);
CREATE INDEX communities_bbox_idx ON communities (min_lon, max_lon, min_lat, max_lat);

CREATE TABLE outlets (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    category      TEXT NOT NULL,
    geom          BLOB NOT NULL,
    min_lon       REAL NOT NULL,
    min_lat       REAL NOT NULL,
    max_lon       REAL NOT NULL,
    max_lat       REAL NOT NULL,
    h3            TEXT NOT NULL DEFAULT '',
    district      TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    brand         TEXT NOT NULL DEFAULT '',
    is_chain      INTEGER NOT NULL DEFAULT 0,
    floor_area_m2 REAL NOT NULL DEFAULT 0,
    accepts_cash  INTEGER NOT NULL DEFAULT 0,
    accepts_card  INTEGER NOT NULL DEFAULT 0,
    low_margin    INTEGER NOT NULL DEFAULT 0,
    services      TEXT NOT NULL DEFAULT '[]',
    opening_hours TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_on     TEXT NOT NULL DEFAULT '',
    closed_on     TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    source_ref    TEXT NOT NULL DEFAULT '',
    original_crs  TEXT NOT NULL DEFAULT '',
    synthetic     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    TEXT NOT NULL
);
CREATE INDEX outlets_category_idx ON outlets (category);
CREATE INDEX outlets_district_idx ON outlets (district);
CREATE INDEX outlets_bbox_idx ON outlets (min_lon, min_lat);
CREATE UNIQUE INDEX outlets_source_ref_idx ON outlets (source, source_ref) WHERE source_ref <> '';

-- One row per stored walking network; nodes and edges belong to an area.
CREATE TABLE networks (
    area       TEXT PRIMARY KEY,
    synthetic  INTEGER NOT NULL DEFAULT 0,
    import_id  INTEGER REFERENCES imports (id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL
);

-- pgRouting vertices of the walking network.
CREATE TABLE walk_nodes (
    area TEXT NOT NULL REFERENCES networks (area) ON DELETE CASCADE,
    id   INTEGER NOT NULL,
    geom BLOB NOT NULL,
    lon  REAL NOT NULL,
    lat  REAL NOT NULL,
    PRIMARY KEY (area, id)
);
CREATE INDEX walk_nodes_lonlat_idx ON walk_nodes (lon, lat);

-- pgRouting edges: cost and reverse_cost are metres.
CREATE TABLE walk_edges (
    area         TEXT NOT NULL,
    id           INTEGER NOT NULL,
    source       INTEGER NOT NULL,
    target       INTEGER NOT NULL,
    cost         REAL NOT NULL,
    reverse_cost REAL NOT NULL,
    length_m     REAL NOT NULL,
    geom         BLOB NOT NULL,
    min_lon      REAL NOT NULL,
    min_lat      REAL NOT NULL,
    max_lon      REAL NOT NULL,
    max_lat      REAL NOT NULL,
    osm_way_id   INTEGER NOT NULL DEFAULT 0,
    highway      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (area, id),
    FOREIGN KEY (area, source) REFERENCES walk_nodes (area, id),
    FOREIGN KEY (area, target) REFERENCES walk_nodes (area, id)
);
CREATE INDEX walk_edges_source_idx ON walk_edges (area, source);
CREATE INDEX walk_edges_target_idx ON walk_edges (area, target);
CREATE INDEX walk_edges_bbox_idx ON walk_edges (min_lon, max_lon, min_lat, max_lat);

CREATE TABLE circles (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    district       TEXT NOT NULL DEFAULT '',
    pilot_zone     TEXT NOT NULL DEFAULT '',
    layout         TEXT NOT NULL CHECK (layout IN ('cluster', 'block', 'scattered')),
    centers        BLOB,
    min_lon        REAL,
    min_lat        REAL,
    max_lon        REAL,
    max_lat        REAL,
    status         TEXT NOT NULL CHECK (status IN ('planned', 'building', 'completed')),
    planned_year   INTEGER NOT NULL DEFAULT 0,
    completed_year INTEGER NOT NULL DEFAULT 0,
    synthetic      INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    updated_at     TEXT NOT NULL
);
CREATE INDEX circles_district_idx ON circles (district);
CREATE INDEX circles_bbox_idx ON circles (min_lon, max_lon, min_lat, max_lat);

-- Communities a circle serves, in the order they were given.
CREATE TABLE circle_communities (
    circle_id    INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (circle_id, community_id)
);
CREATE INDEX circle_communities_community_idx ON circle_communities (community_id);

CREATE TABLE schemes (
    code          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    years         TEXT NOT NULL DEFAULT '[]',
    reconstructed INTEGER NOT NULL DEFAULT 0,
    document      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE evaluations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    circle_id    INTEGER NOT NULL REFERENCES circles (id),
    district     TEXT NOT NULL DEFAULT '',
    scheme       TEXT NOT NULL,
    year         INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved', 'certified')),
    submitted    TEXT NOT NULL DEFAULT '{}',
    metrics      TEXT,
    result       TEXT,
    total        REAL NOT NULL DEFAULT 0,
    tier         TEXT NOT NULL DEFAULT '',
    award_yuan   INTEGER NOT NULL DEFAULT 0 CHECK (award_yuan >= 0),
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    certified_at TEXT
);
-- One evaluation per circle, scheme and year.
CREATE UNIQUE INDEX evaluations_circle_scheme_year_idx ON evaluations (circle_id, scheme, year);
-- The award is paid once per circle.
CREATE UNIQUE INDEX evaluations_one_award_idx ON evaluations (circle_id) WHERE award_yuan > 0;
CREATE INDEX evaluations_district_status_idx ON evaluations (district, status);

CREATE TABLE evaluation_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id),
    actor         TEXT NOT NULL,
    at            TEXT NOT NULL,
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL DEFAULT '',
    comment       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX evaluation_events_evaluation_idx ON evaluation_events (evaluation_id, id);

-- +goose StatementBegin
CREATE TRIGGER evaluation_events_no_update BEFORE UPDATE ON evaluation_events
BEGIN
    SELECT RAISE(ABORT, 'evaluation_events is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER evaluation_events_no_delete BEFORE DELETE ON evaluation_events
BEGIN
    SELECT RAISE(ABORT, 'evaluation_events is append-only');
END;
-- +goose StatementEnd

CREATE TABLE targets (
    year         INTEGER NOT NULL,
    district     TEXT NOT NULL,
    circles      INTEGER NOT NULL DEFAULT 0,
    high_quality INTEGER NOT NULL DEFAULT 0,
    cumulative   INTEGER NOT NULL DEFAULT 0,
    source       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (year, district, cumulative)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'district')),
    district      TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    file          TEXT NOT NULL DEFAULT '',
    crs           TEXT NOT NULL DEFAULT '',
    rows_ok       INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    rejections    TEXT,
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);

CREATE TABLE feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    outlet_id  INTEGER REFERENCES outlets (id) ON DELETE SET NULL,
    circle_id  INTEGER REFERENCES circles (id) ON DELETE SET NULL,
    rating     INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    complaint  INTEGER NOT NULL DEFAULT 0,
    text       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    created_at TEXT NOT NULL
);
CREATE INDEX feedback_circle_idx ON feedback (circle_id);
CREATE INDEX feedback_outlet_idx ON feedback (outlet_id);

-- +goose Down
DROP TABLE feedback;
DROP TABLE imports;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE targets;
DROP TRIGGER evaluation_events_no_delete;
DROP TRIGGER evaluation_events_no_update;
DROP TABLE evaluation_events;
DROP TABLE evaluations;
DROP TABLE schemes;
DROP TABLE circle_communities;
DROP TABLE circles;
DROP TABLE walk_edges;
DROP TABLE walk_nodes;
DROP TABLE networks;
DROP TABLE outlets;
DROP TABLE categories;
DROP TABLE communities;
DROP TABLE regions;

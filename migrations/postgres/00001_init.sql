-- Reference data: administrative regions, the category taxonomy, communities
-- and outlets. Geometry is WGS-84 (SRID 4326) so QGIS opens the layers as is.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE regions (
    code              text PRIMARY KEY,
    name              text NOT NULL,
    level             text NOT NULL CHECK (level IN ('city', 'county', 'town', 'community')),
    parent            text NOT NULL DEFAULT '',
    county            text NOT NULL DEFAULT '',
    boundary          geometry(MultiPolygon, 4326),
    population        bigint NOT NULL DEFAULT 0,
    population_year   integer NOT NULL DEFAULT 0,
    population_source text NOT NULL DEFAULT ''
);
CREATE INDEX regions_parent_idx ON regions (parent);
CREATE INDEX regions_county_idx ON regions (county, level);
CREATE INDEX regions_boundary_gist ON regions USING gist (boundary);

CREATE TABLE categories (
    code           text PRIMARY KEY,
    name_zh        text NOT NULL,
    name_en        text NOT NULL DEFAULT '',
    tier           text NOT NULL CHECK (tier IN ('basic', 'quality', 'public')),
    national       boolean NOT NULL DEFAULT false,
    osm_tags       text[],
    amap_typecodes text[],
    sort           integer NOT NULL DEFAULT 0
);

CREATE TABLE communities (
    id                       bigserial PRIMARY KEY,
    region_code              text NOT NULL DEFAULT '',
    district                 text NOT NULL DEFAULT '',
    name                     text NOT NULL,
    polygon                  geometry(MultiPolygon, 4326),
    population               integer NOT NULL DEFAULT 0,
    households               integer NOT NULL DEFAULT 0,
    building_area_m2         double precision NOT NULL DEFAULT 0,
    commercial_area_m2       double precision NOT NULL DEFAULT 0,
    service_facility_area_m2 double precision NOT NULL DEFAULT 0,
    is_new                   boolean NOT NULL DEFAULT false,
    synthetic                boolean NOT NULL DEFAULT false,
    version                  integer NOT NULL DEFAULT 1
);
CREATE INDEX communities_district_idx ON communities (district);
CREATE INDEX communities_polygon_gist ON communities USING gist (polygon);

CREATE TABLE outlets (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL,
    category       text NOT NULL,
    geom           geometry(Point, 4326) NOT NULL,
    h3             text NOT NULL DEFAULT '',
    district       text NOT NULL DEFAULT '',
    address        text NOT NULL DEFAULT '',
    brand          text NOT NULL DEFAULT '',
    is_chain       boolean NOT NULL DEFAULT false,
    floor_area_m2  double precision NOT NULL DEFAULT 0,
    accepts_cash   boolean NOT NULL DEFAULT false,
    accepts_card   boolean NOT NULL DEFAULT false,
    low_margin     boolean NOT NULL DEFAULT false,
    services       text[],
    opening_hours  text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'open',
    opened_on      text NOT NULL DEFAULT '',
    closed_on      text NOT NULL DEFAULT '',
    source         text NOT NULL DEFAULT '',
    source_ref     text NOT NULL DEFAULT '',
    original_crs   text NOT NULL DEFAULT '',
    synthetic      boolean NOT NULL DEFAULT false,
    version        integer NOT NULL DEFAULT 1,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX outlets_source_ref_key ON outlets (source, source_ref) WHERE source_ref <> '';
CREATE INDEX outlets_geom_gist ON outlets USING gist (geom);
CREATE INDEX outlets_category_idx ON outlets (category, status);
CREATE INDEX outlets_district_idx ON outlets (district);
CREATE INDEX outlets_h3_idx ON outlets (h3);

-- +goose Down
DROP TABLE outlets;
DROP TABLE communities;
DROP TABLE categories;
DROP TABLE regions;

-- Replicas keep in-memory caches (walking graphs, outlets, communities,
-- categories, county boundaries) and learn of writes through
-- LISTEN quarterhour_changes. A statement trigger sends the table name inside
-- the writing transaction, so the notice goes out exactly when the write
-- commits, whichever program wrote it (API, importer, psql).

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION quarterhour_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('quarterhour_changes', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER outlets_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON outlets
    FOR EACH STATEMENT EXECUTE FUNCTION quarterhour_notify_change();
CREATE TRIGGER communities_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON communities
    FOR EACH STATEMENT EXECUTE FUNCTION quarterhour_notify_change();
CREATE TRIGGER categories_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION quarterhour_notify_change();
CREATE TRIGGER regions_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION quarterhour_notify_change();
CREATE TRIGGER walk_edges_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON walk_edges
    FOR EACH STATEMENT EXECUTE FUNCTION quarterhour_notify_change();

-- +goose Down
DROP TRIGGER walk_edges_notify ON walk_edges;
DROP TRIGGER regions_notify ON regions;
DROP TRIGGER categories_notify ON categories;
DROP TRIGGER communities_notify ON communities;
DROP TRIGGER outlets_notify ON outlets;
DROP FUNCTION quarterhour_notify_change();

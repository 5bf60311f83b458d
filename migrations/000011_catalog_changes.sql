-- Serve processes keep recent catalog reads in memory (src/catalog/readCache.ts). Every committed
-- change to entities or relations, whoever makes it, tells them to forget: NOTIFY is delivered on
-- commit, once per transaction however many statements fired it.
CREATE FUNCTION backline_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('backline_catalog_changed', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER entities_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entities
  FOR EACH STATEMENT EXECUTE FUNCTION backline_catalog_changed();
CREATE TRIGGER relations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON relations
  FOR EACH STATEMENT EXECUTE FUNCTION backline_catalog_changed();

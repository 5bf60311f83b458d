-- Serve no longer keeps catalog reads in memory, so nothing listens for catalog changes: the
-- triggers that announced every committed change to entities and relations go.
DROP TRIGGER IF EXISTS entities_changed ON entities;
DROP TRIGGER IF EXISTS relations_changed ON relations;
DROP FUNCTION IF EXISTS backline_catalog_changed();

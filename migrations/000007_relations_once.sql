-- Each relation is stored once, in the direction its origin stated it (the entity whose spec
-- declared it is its source), and read in both directions: forwards through relations_source,
-- backwards through relations_target with the inverse type. Storing both directions doubled the
-- rows and index entries every ingestion writes, for no reader that needs them.

CREATE FUNCTION relation_inverse(type text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE type
    WHEN 'ownedBy' THEN 'ownerOf'             WHEN 'ownerOf' THEN 'ownedBy'
    WHEN 'partOf' THEN 'hasPart'              WHEN 'hasPart' THEN 'partOf'
    WHEN 'dependsOn' THEN 'dependencyOf'      WHEN 'dependencyOf' THEN 'dependsOn'
    WHEN 'providesApi' THEN 'apiProvidedBy'   WHEN 'apiProvidedBy' THEN 'providesApi'
    WHEN 'consumesApi' THEN 'apiConsumedBy'   WHEN 'apiConsumedBy' THEN 'consumesApi'
    WHEN 'memberOf' THEN 'hasMember'          WHEN 'hasMember' THEN 'memberOf'
    WHEN 'childOf' THEN 'parentOf'            WHEN 'parentOf' THEN 'childOf'
  END
$$;

DELETE FROM relations WHERE source_key <> origin_key;
DROP INDEX relations_origin;
ALTER TABLE relations DROP COLUMN origin_key;
CREATE INDEX relations_target ON relations (target_key, type);

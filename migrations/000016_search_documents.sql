-- /find: full-text search over every entity. Ingestion writes what search reads of an entity as
-- three texts by weight (src/catalog/searchDocument.ts): a names it, b places it (tags, kind, type,
-- owner, system, domain), c describes it (description, links, its API definition). PostgreSQL
-- stems them into tsvectors as each row is written.
ALTER TABLE entities ADD COLUMN search_fields jsonb;

-- Every word, weighted: what candidates are found and ranked by.
ALTER TABLE entities ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce(search_fields ->> 'a', '')), 'A') ||
  setweight(to_tsvector('english', coalesce(search_fields ->> 'b', '')), 'B') ||
  setweight(to_tsvector('english', coalesce(search_fields ->> 'c', '')), 'C')
) STORED;
CREATE INDEX entities_search_document ON entities USING gin (search_document);

-- The name words alone (the weight-A part of the document), in an index of their own: a few words
-- per entity, so finding the entities a query names stays cheap even when its words are common.
CREATE INDEX entities_search_name ON entities USING gin (ts_filter(search_document, '{a}'));

-- The tag: and type: filters of /find, for a tag or type only a few entities have.
CREATE INDEX entities_tags ON entities USING gin ((body -> 'metadata' -> 'tags'));
CREATE INDEX entities_type ON entities (lower(body -> 'spec' ->> 'type'));

-- Entities stored before this migration have no search fields yet; the search store fills them in
-- at its first search, finding them through this index (empty once they are filled).
CREATE INDEX entities_search_unindexed ON entities (ref_key) WHERE search_fields IS NULL;

-- Every word the catalog's search documents and docs page titles use, lower-cased and unstemmed:
-- a misspelt word of a query is corrected to its nearest word here by trigram distance, and a
-- search that finds nothing suggests the nearest words.
CREATE TABLE search_lexicon (
  word text PRIMARY KEY
);
CREATE INDEX search_lexicon_trgm ON search_lexicon USING gist (word gist_trgm_ops);

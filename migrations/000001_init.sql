-- The catalog: locations (where entities come from), entities, their relations, and processing errors.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE locations (
  key           text PRIMARY KEY,              -- e.g. file:/abs/path/catalog-info.yaml
  type          text NOT NULL,                 -- file | directory | url
  target        text NOT NULL,
  parent_key    text REFERENCES locations (key) ON DELETE CASCADE,
  content_hash  text,                          -- of the file and everything its placeholders read
  etag          text,                          -- from the server that answered, for conditional reads
  children      jsonb NOT NULL DEFAULT '[]',   -- locations this one points at (Location targets, directory files)
  dependencies  jsonb NOT NULL DEFAULT '[]',   -- files read through $text/$json/$yaml placeholders
  has_conflicts boolean NOT NULL DEFAULT false,
  status        text NOT NULL DEFAULT 'pending', -- ok | error
  last_error    text,
  entity_count  integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz,
  last_ok_at    timestamptz
);
CREATE INDEX locations_parent ON locations (parent_key);

CREATE TABLE entities (
  ref_key       text PRIMARY KEY,              -- lower-cased kind:namespace/name, for case-insensitive identity
  ref           text NOT NULL,                 -- as Backstage writes it: kind lower-cased, namespace and name as given
  kind          text NOT NULL,                 -- lower-cased
  namespace     text NOT NULL,
  name          text NOT NULL,
  name_key      text NOT NULL,                 -- lower(name)
  title_key     text,                          -- lower(metadata.title)
  search_terms  text[] NOT NULL DEFAULT '{}',  -- words of the name and title, for fuzzy lookups
  body          jsonb NOT NULL,
  hash          text NOT NULL,
  location_key  text NOT NULL REFERENCES locations (key),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- text_pattern_ops serves both equality (exact names) and prefix search (the entity picker).
CREATE INDEX entities_name_key ON entities (name_key text_pattern_ops);
CREATE INDEX entities_title_key ON entities (title_key) WHERE title_key IS NOT NULL;
CREATE INDEX entities_location ON entities (location_key);
CREATE INDEX entities_search_terms ON entities USING gin (search_terms);

-- Every word used in a name or title. Fuzzy lookups correct each word of a query to its nearest
-- known word here (a small table, so trigram distance is cheap), then find entities holding those
-- words through the GIN index above. Trigram indexes over whole names of a large catalog made of
-- common words match too many rows to be fast.
CREATE TABLE search_vocabulary (
  term text PRIMARY KEY
);
CREATE INDEX search_vocabulary_trgm ON search_vocabulary USING gist (term gist_trgm_ops);

-- Every relation is stored in both directions, attributed to the entity whose spec produced it,
-- so replacing or removing that entity replaces exactly its relations. Two entities may state the
-- same relation (a group's children and a child's parent); readers take DISTINCT.
CREATE TABLE relations (
  origin_key   text NOT NULL,
  source_key   text NOT NULL,
  type         text NOT NULL,
  target_key   text NOT NULL,
  source_ref   text NOT NULL,
  target_ref   text NOT NULL
);
CREATE INDEX relations_source ON relations (source_key, type);
CREATE INDEX relations_origin ON relations (origin_key);

CREATE TABLE processing_errors (
  id            bigserial PRIMARY KEY,
  location_key  text NOT NULL REFERENCES locations (key) ON DELETE CASCADE,
  file          text NOT NULL,
  document      integer,
  line          integer,
  col           integer,
  entity_ref    text,
  kind          text NOT NULL,                 -- read | parse | validation | placeholder | conflict | relation
  message       text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processing_errors_location ON processing_errors (location_key);

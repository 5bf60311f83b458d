-- Built TechDocs sites and their search indexes, cached so that /whoowns can show a docs line
-- without asking the site, and /docs can search pages without downloading the index every time.
CREATE TABLE docs_sites (
  site_url           text PRIMARY KEY,          -- <TECHDOCS_BASE_URL>/<namespace>/<kind>/<name>/, lower-cased path
  entity_ref         text NOT NULL,             -- the entity whose build this is (the owner of the site, not a borrower)
  site_name          text,                      -- techdocs_metadata.json site_name
  built_at           timestamptz,               -- techdocs_metadata.json build_timestamp
  build_etag         text,                      -- techdocs_metadata.json etag: changes with every build
  metadata_checked_at timestamptz,              -- the last time techdocs_metadata.json answered
  index_etag         text,                      -- the build_etag the cached pages come from
  index_fetched_at   timestamptz,
  page_count         integer NOT NULL DEFAULT 0,
  metadata_error     text,                      -- why techdocs_metadata.json could not be read last time; NULL once it can
  metadata_error_at  timestamptz,
  index_error        text                       -- why the search index could not be read last time; NULL once it can
);

-- The pages (and page sections) of a site's MkDocs search/search_index.json.
CREATE TABLE docs_pages (
  site_url   text NOT NULL REFERENCES docs_sites (site_url) ON DELETE CASCADE,
  position   integer NOT NULL,                  -- order in the index: ties rank the page before its sections
  location   text NOT NULL,                     -- relative to the site, e.g. "runbook/#rollback"
  title      text NOT NULL,
  body       text NOT NULL,                     -- the page text, tags stripped, capped in length
  search     tsvector GENERATED ALWAYS AS (
               setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
             ) STORED,
  PRIMARY KEY (site_url, position)
);
CREATE INDEX docs_pages_search ON docs_pages USING gin (search);
-- Typos and half-typed words: trigram similarity over titles when full-text search finds nothing.
CREATE INDEX docs_pages_title_trgm ON docs_pages USING gin (lower(title) gin_trgm_ops);

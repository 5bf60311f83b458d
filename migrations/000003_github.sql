-- GitHub responses remembered between passes, so that the next request can be conditional
-- (If-None-Match) and a 304 can be answered from here: repository listing pages, catalog files,
-- git trees, teams, members and users. One row per request (method, path, query, media type).
CREATE TABLE github_cache (
  key         text PRIMARY KEY,              -- e.g. "GET /orgs/acme/repos?direction=asc&page=1&per_page=100 json"
  status      integer NOT NULL,              -- 200, or 404 remembered for a repository without a catalog file
  etag        text,                          -- GitHub's ETag of that answer; NULL for a 404
  body        jsonb NOT NULL,                -- what was kept of the answer: a trimmed page, a file's text
  version     text,                          -- what the answer depends on, e.g. the repository's pushed_at
  checked_at  timestamptz NOT NULL DEFAULT now()
);

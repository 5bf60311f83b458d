-- Entities Backline infers from GitHub (a repository without a catalog file) give way to declared
-- ones: a location remembers whether it is inferred, so that a declared entity takes a ref from it.
ALTER TABLE locations ADD COLUMN inferred boolean NOT NULL DEFAULT false;

-- "Not us": a team said an inferred owner is wrong. Inference skips that owner for that repository
-- until a catalog file in the repository says who owns it.
CREATE TABLE ownership_corrections (
  repository      text NOT NULL,           -- owner/name, lower case
  rejected_owner  text NOT NULL,           -- the owner's ref key, e.g. group:default/payments
  entity_ref      text NOT NULL,           -- the inferred entity it was said of
  rejected_by     text NOT NULL,           -- who said so: a user ref, or a Slack user id
  evidence        text NOT NULL DEFAULT '', -- what the inference rested on when it was rejected
  rejected_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository, rejected_owner)
);

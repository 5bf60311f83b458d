-- Health: what is known about each entity (facts), what the scorecard's checks say about it
-- (results), how both changed over time, each owning team's score at every evaluation, and the
-- waivers owners give from Slack. Entities are keyed by their ref as the catalog spells it, with a
-- lower-cased key beside it, because refs compare case-insensitively.

-- The current facts of each evaluated entity, one JSON object per entity ({"hasDescription": true,
-- "github.hasReadme": null, …}). One row per entity rather than one per fact: an hourly evaluation of
-- 20,000 entities compares and writes 20,000 rows, not 400,000, and rewrites none that did not change.
CREATE TABLE health_entities (
  entity_key       text PRIMARY KEY,            -- lower(entity_ref)
  entity_ref       text NOT NULL,
  facts            jsonb NOT NULL,
  facts_changed_at timestamptz NOT NULL,        -- when any fact last changed
  evaluated_at     timestamptz NOT NULL         -- the last evaluation that covered this entity
);

-- A row only when an entity's facts changed, naming each changed fact with its old and new value:
-- {"docs.stale": {"from": false, "to": true}}. An unchanged catalog adds nothing here.
CREATE TABLE health_fact_changes (
  id         bigserial PRIMARY KEY,
  entity_key text NOT NULL,
  at         timestamptz NOT NULL,
  changes    jsonb NOT NULL
);
CREATE INDEX health_fact_changes_entity ON health_fact_changes (entity_key, at);

-- The current status of each check that applies to each entity. `since` moves only when the status
-- changes, so "failing for 3 weeks" is one read; when it was last evaluated is health_entities'.
CREATE TABLE health_results (
  entity_key text NOT NULL,
  entity_ref text NOT NULL,
  check_id   text NOT NULL,
  status     text NOT NULL CHECK (status IN ('pass', 'fail', 'unknown', 'not_applicable')),
  since      timestamptz NOT NULL,
  PRIMARY KEY (entity_key, check_id)
);

-- Every status change of a check on an entity (from NULL: its first evaluation). Digests read what
-- changed since their last post from here, by time and by the team's entities.
CREATE TABLE health_transitions (
  id          bigserial PRIMARY KEY,
  entity_key  text NOT NULL,
  entity_ref  text NOT NULL,
  check_id    text NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX health_transitions_at ON health_transitions (at);
CREATE INDEX health_transitions_entity ON health_transitions (entity_key, at);

-- Each owning team's score and level at each evaluation, for trends ("82 → 87 this week").
-- score is NULL when none of the team's checks count (all unknown or not applicable).
CREATE TABLE health_team_scores (
  team_key  text NOT NULL,
  team_ref  text NOT NULL,
  at        timestamptz NOT NULL,
  score     real,
  level     text CHECK (level IN ('bronze', 'silver', 'gold')),
  entities  integer NOT NULL,                   -- owned entities evaluated
  PRIMARY KEY (team_key, at)
);

-- What owners said about a check on an entity: `snooze` keeps a failure out of digests and nudges
-- until expires_at; `not_applicable` (with a reason) takes the check out of the entity's score.
-- Waivers are never updated in place: a new one is added, and expired ones stay as a record.
CREATE TABLE waivers (
  id          bigserial PRIMARY KEY,
  entity_key  text NOT NULL,
  entity_ref  text NOT NULL,
  check_id    text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('snooze', 'not_applicable')),
  reason      text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz,                      -- NULL: until someone removes it
  CHECK (kind = 'snooze' OR reason IS NOT NULL)
);
CREATE INDEX waivers_entity ON waivers (entity_key, check_id);

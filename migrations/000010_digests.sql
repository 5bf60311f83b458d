-- Digests and nudges: what each team's digest slot decided, and which check failures were nudged.

-- One row per team and digest slot, once decided: sent, or skipped and why. The primary key is the
-- "once": a slot already here is never composed again, whichever replica or catch-up run sees it.
-- The last sent row is the snapshot the next digest is compared with (score, level, and every
-- check failing at the time as [[entity ref, check id], …], snoozed and waived ones included).
CREATE TABLE digests (
  team_key    text NOT NULL,                 -- lower(team_ref)
  slot        timestamptz NOT NULL,          -- the scheduled time, not when it ran
  team_ref    text NOT NULL,
  decided_at  timestamptz NOT NULL,
  sent        boolean NOT NULL,
  reason      text NOT NULL,
  score       real,
  level       text CHECK (level IN ('bronze', 'silver', 'gold')),
  failing     jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (team_key, slot)
);
CREATE INDEX digests_last_sent ON digests (team_key, slot DESC) WHERE sent;

-- Every pass→fail transition a nudge told a team about, identified by the entity, the check and the
-- time of the transition: the same failure is never nudged twice, and a check that recovers and
-- fails again is a new transition.
CREATE TABLE nudges (
  entity_key    text NOT NULL,               -- lower(entity_ref)
  check_id      text NOT NULL,
  transition_at timestamptz NOT NULL,
  entity_ref    text NOT NULL,
  team_ref      text NOT NULL,
  hour          timestamptz NOT NULL,        -- the hourly batch that carried it
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entity_key, check_id, transition_at)
);
CREATE INDEX nudges_hour ON nudges (hour);

-- Complete listings of the Slack workspace's people (users.list). A listing fills slack_identities
-- for everyone at once, so a team's first card needs no users.lookupByEmail per member; the latest
-- finished listing tells a starting replica whether to list again.
CREATE TABLE slack_directory_listings (
  id           bigserial PRIMARY KEY,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  accounts     integer NOT NULL,  -- Slack accounts with an email, deactivated ones included
  absent       integer NOT NULL   -- catalog users' emails Slack has nobody for
);
CREATE INDEX slack_directory_listings_finished ON slack_directory_listings (finished_at);

-- Slack users found by email (users.lookupByEmail), cached with an expiry so that mentions on a
-- card cost no API call most of the time, and people who left are noticed eventually.
CREATE TABLE slack_identities (
  email         text PRIMARY KEY,              -- lower-cased
  slack_user_id text,                          -- NULL: Slack has no user with this email
  display_name  text,
  deleted       boolean NOT NULL DEFAULT false,
  fetched_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX slack_identities_user ON slack_identities (slack_user_id);

-- User entities by profile email, for "@person" lookups.
CREATE INDEX entities_user_email ON entities (lower(body -> 'spec' -> 'profile' ->> 'email')) WHERE kind = 'user';

-- Lookups by repository and by team channel, which /whoowns does for "org/repo" and "#channel".
CREATE INDEX entities_project_slug ON entities (lower(body -> 'metadata' -> 'annotations' ->> 'github.com/project-slug'));
CREATE INDEX entities_slack_channel ON entities ((body -> 'metadata' -> 'annotations' ->> 'slack.com/channel')) WHERE kind = 'group';

-- Events API deliveries already handled: Slack retries a delivery it thinks failed
-- (X-Slack-Retry-Num), and a retry must not repeat side effects, whichever replica receives it.
CREATE TABLE slack_event_receipts (
  event_id     text PRIMARY KEY,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_event_receipts_age ON slack_event_receipts (received_at);

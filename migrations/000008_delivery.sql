-- Scheduled delivery: which replica runs each cron slot, the outbox of messages Backline posts on
-- its own initiative (digests, nudges), and per-channel pacing shared by every replica.

-- One row per cron slot a replica claimed. node-cron asks the coordinator once per slot with the key
-- `<task name>:<slot ISO time>`; the first INSERT wins and every other replica skips the slot.
-- Rows older than a couple of days are pruned as new slots are claimed (PgRunCoordinator).
CREATE TABLE cron_runs (
  key          text PRIMARY KEY,
  claimed_by   text NOT NULL,                -- host:pid of the replica that ran it, for operators
  claimed_at   timestamptz NOT NULL DEFAULT now(),
  lease_until  timestamptz NOT NULL,         -- node-cron's distributed lease, kept for operators
  completed_at timestamptz
);
CREATE INDEX cron_runs_claimed_at ON cron_runs (claimed_at);

-- Every outgoing scheduled message. The idempotency key makes producing a message twice (two
-- replicas, a retried job) queue it once; the status and lease make sending it happen once.
--   pending  waiting for not_before (a first try, a retry after a failure, or a 429's Retry-After)
--   sending  claimed by claimed_by until not_before (the lease); past it, the claimant is presumed
--            dead and the row is ambiguous: it may have reached Slack, so the next claimant looks
--            for it in the channel's history before posting again
--   sent     Slack confirmed it (slack_channel, slack_ts), or it was found in the channel's history
--   failed   Slack refused it for good, or transient failures ran out of attempts (last_error says why)
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  channel         text NOT NULL,             -- as produced, without a leading '#': an id or a name
  purpose         text NOT NULL,             -- digest, nudge: for logs and metrics
  payload         jsonb NOT NULL,            -- { text, blocks }
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0, -- posts tried; a 429 gives its attempt back
  not_before      timestamptz NOT NULL DEFAULT now(),
  claimed_by      text,
  claimed_at      timestamptz,
  -- Set when a post may have reached Slack without an answer (a crash, a timeout, a 5xx): from
  -- then on, every try first searches the channel's history from a little before this time.
  uncertain_since timestamptz,
  sent_at         timestamptz,
  slack_channel   text,                      -- the channel id Slack answered with
  slack_ts        text,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- The sender's claim walks open rows channel by channel, oldest first.
CREATE INDEX outbox_open ON outbox (channel, id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_created_at ON outbox (created_at);

-- Per-channel pacing, shared by every replica: Slack allows about one chat.postMessage per second
-- per channel. A claim takes the channel's row lock and moves next_post_at past the lease, so no
-- other replica posts there meanwhile; the outcome then sets it to one interval after the answer
-- (or after a 429's Retry-After).
CREATE TABLE outbox_channels (
  channel      text PRIMARY KEY,             -- as in outbox.channel
  slack_id     text,                         -- learnt from Slack's answers, for history lookups by id
  next_post_at timestamptz NOT NULL DEFAULT '-infinity'
);

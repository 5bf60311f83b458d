-- On-call answers from PagerDuty and Opsgenie, kept briefly so that a burst of /oncall and /whoowns
-- costs one provider call, and kept longer as a fallback when the provider fails or is slow: the
-- shifts are stored with their start and end, so an older answer still says who is on call now.
CREATE TABLE oncall_cache (
  key         text PRIMARY KEY,              -- e.g. "pagerduty service PQ7K2ZL"
  answer      jsonb NOT NULL,                -- the provider's shifts, normalised
  covers_from timestamptz NOT NULL,          -- the window of time the shifts describe
  covers_to   timestamptz NOT NULL,
  fetched_at  timestamptz NOT NULL
);

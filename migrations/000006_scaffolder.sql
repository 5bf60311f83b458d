-- Scaffolder tasks: one row per /create-service (or `backline template run`), with the values
-- submitted, who asked, where its progress message lives, and what a failed attempt left behind
-- (a created repository, say) so that a retry can pick it up instead of failing on it.
CREATE TABLE scaffolder_tasks (
  id               text PRIMARY KEY,
  template_name    text NOT NULL,
  template_source  text NOT NULL,              -- the template folder or catalog ref it ran from
  parameters       jsonb NOT NULL,
  requested_by     jsonb NOT NULL,             -- { slackUserId, userRef } (either may be null)
  status           text NOT NULL CHECK (status IN ('open', 'processing', 'completed', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  progress_message jsonb,                      -- { channel, ts } of the message updated in place
  output           jsonb,
  error            text,
  failed_step      text,
  left_behind      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz
);
CREATE INDEX scaffolder_tasks_created ON scaffolder_tasks (created_at DESC);

-- One row per step of the latest attempt, replaced when the task is retried; the log keeps every
-- attempt's lines.
CREATE TABLE scaffolder_task_steps (
  task_id     text NOT NULL REFERENCES scaffolder_tasks (id) ON DELETE CASCADE,
  position    integer NOT NULL,
  step_id     text NOT NULL,
  name        text NOT NULL,
  action      text NOT NULL,
  status      text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'skipped')),
  output      jsonb,
  error       text,
  started_at  timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (task_id, position)
);

CREATE TABLE scaffolder_task_log (
  task_id  text NOT NULL REFERENCES scaffolder_tasks (id) ON DELETE CASCADE,
  seq      bigserial,
  attempt  integer NOT NULL,
  step_id  text,
  line     text NOT NULL,
  at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, seq)
);

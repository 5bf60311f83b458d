-- Messages posted to a channel by a button ("Share in channel"): each button of each message posts
-- once, however often its press arrives (a double click, a replayed request), on any replica.
CREATE TABLE slack_button_posts (
  press_key   text PRIMARY KEY,        -- sha256 of the team, channel, message, action and value
  user_id     text,                    -- who pressed first, for the answer to later presses
  posted_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_button_posts_age ON slack_button_posts (posted_at);

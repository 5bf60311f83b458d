import type { KnownBlock } from '@slack/types';

/**
 * A message Backline posts on its own initiative (a digest, a nudge). It goes through the outbox, so
 * it is sent once even when several replicas produce it or one crashes half-way through a fan-out.
 */
export interface OutgoingMessage {
  /** Never sent twice: e.g. `digest:group:default/payments:2026-11-23T09:30` or `nudge:group:default/payments:2026-11-23T10`. */
  idempotencyKey: string;
  /** A channel id (C…), or a name as the catalog writes it (`payments` or `#payments`). */
  channel: string;
  text: string;
  blocks: KnownBlock[];
  /** What it is, for logs and metrics: `digest`, `nudge`. */
  purpose: string;
}

export interface Outbox {
  /** Queues messages; a key already queued (or sent) is left as it is. */
  enqueue(messages: OutgoingMessage[]): Promise<{ queued: number; alreadyQueued: number }>;
}

/**
 * Work run on a cron schedule by exactly one replica per slot: `slot` is the scheduled minute
 * (not when it happened to start), so a job can key what it produces by it.
 */
export interface ScheduledJob {
  name: string;
  /** A node-cron expression, e.g. `* * * * *`. */
  cron: string;
  timezone?: string;
  run(slot: Date): Promise<void>;
}

/** A queued message the sender has claimed: it holds the lease until it settles the row. */
export interface ClaimedMessage {
  /** The outbox row id. */
  id: string;
  idempotencyKey: string;
  /** As queued, without a leading '#': a channel id or a name. */
  channel: string;
  /** The channel's id, once Slack has told us (an answer to an earlier post), else null. */
  channelId: string | null;
  purpose: string;
  text: string;
  blocks: KnownBlock[];
  /** Tries so far, this one included (a 429 gives its try back). */
  attempts: number;
  /**
   * Set when an earlier try may have reached Slack without an answer (its claimant died, timed
   * out, or got a 5xx): look for the message in the channel's history from before this time
   * before posting it again.
   */
  uncertainSince: Date | null;
}

/**
 * The sender's side of the outbox. Claims are leased: a claimant that dies leaves its rows to be
 * claimed again once the lease ends, as ambiguous (uncertainSince set). Every settle call also
 * paces the row's channel: no claim of that channel, by any replica, before the delay it names.
 */
export interface OutboxQueue {
  /** Up to `limit` due messages, at most one per channel, from channels whose pacing allows a post now. */
  claim(options: { claimant: string; limit: number; leaseMs: number }): Promise<ClaimedMessage[]>;
  /** Slack has it (answered, or found in history). The channel may post again after `spacingMs`. */
  markSent(id: string, result: { channelId: string; ts: string }, options: { spacingMs: number }): Promise<void>;
  /**
   * Back to pending: tried again after `delayMs`; the channel is paused for `channelDelayMs`.
   * `uncertain`: this try may have reached Slack. `giveBackAttempt`: it did not count (a 429).
   */
  retryLater(id: string, claimant: string, options: { delayMs: number; channelDelayMs: number; error: string | null; uncertain: boolean; giveBackAttempt: boolean }): Promise<void>;
  /** Refused for good; `error` tells the operator the fix. */
  fail(id: string, claimant: string, error: string, options: { spacingMs: number }): Promise<void>;
  /** Milliseconds until the next message could be claimed (0: now), or null when nothing is open. */
  nextDueInMs(): Promise<number | null>;
}

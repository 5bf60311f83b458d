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

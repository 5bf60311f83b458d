import type { KnownBlock } from '@slack/types';
import type pg from 'pg';
import { ValidationError } from '../errors';
import type { ClaimedMessage, OutboxQueue, Outbox, OutgoingMessage } from './ports';

/** Listened to by nothing yet; kept so an operator's `LISTEN backline_outbox` sees new work. */
const NOTIFY_CHANNEL = 'backline_outbox';

/**
 * The outbox in PostgreSQL (migrations/000008_delivery.sql): producers enqueue with idempotency
 * keys, senders on any replica claim with FOR UPDATE SKIP LOCKED under a lease, and each outcome
 * also sets when the row's channel may post next, which is how replicas share Slack's per-channel
 * rate limit without talking to each other.
 */
export class PgOutboxStore implements Outbox, OutboxQueue {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly keepDays: number,
  ) {}

  /** Sent and failed rows older than `keepDays` are pruned as new messages are queued; their keys may then be queued again. */
  static create(options: { pool: pg.Pool; keepDays?: number }): PgOutboxStore {
    return new PgOutboxStore(options.pool, options.keepDays ?? 30);
  }

  async enqueue(messages: OutgoingMessage[]): Promise<{ queued: number; alreadyQueued: number }> {
    if (messages.length === 0) return { queued: 0, alreadyQueued: 0 };
    const rows = messages.map((message) => ({
      key: message.idempotencyKey,
      channel: outboxChannel(message),
      purpose: message.purpose,
      payload: { text: message.text, blocks: message.blocks },
    }));
    const { rows: result } = await this.pool.query<{ queued: number }>(
      `WITH pruned AS (
         DELETE FROM outbox WHERE status IN ('sent', 'failed') AND created_at < now() - make_interval(days => $2::int)
       ), input AS (
         SELECT m.key, m.channel, m.purpose, m.payload, e.n
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(value, n),
              jsonb_to_record(e.value) AS m(key text, channel text, purpose text, payload jsonb)
       ), inserted AS (
         INSERT INTO outbox (idempotency_key, channel, purpose, payload)
         SELECT key, channel, purpose, payload FROM input ORDER BY n
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING channel
       ), channels AS (
         INSERT INTO outbox_channels (channel) SELECT DISTINCT channel FROM inserted ON CONFLICT DO NOTHING
       )
       SELECT count(*)::int AS queued FROM inserted`,
      [JSON.stringify(rows), this.keepDays],
    );
    const queued = result[0]?.queued ?? 0;
    if (queued > 0) await this.pool.query('SELECT pg_notify($1::text, $2::text)', [NOTIFY_CHANNEL, String(queued)]);
    return { queued, alreadyQueued: messages.length - queued };
  }

  async claim(options: { claimant: string; limit: number; leaseMs: number }): Promise<ClaimedMessage[]> {
    // Channels first, locked and skipped when another replica holds them, then the oldest due row
    // of each: one message per channel per claim, so a claim never outruns the channel's pacing.
    // A row claimed while 'sending' has outlived its claimant's lease: it becomes uncertain as of
    // that claimant's claim.
    const { rows } = await this.pool.query<ClaimRow>(
      `WITH ready AS (
         SELECT c.channel, c.slack_id
         FROM outbox_channels c
         WHERE c.next_post_at <= now()
           AND EXISTS (SELECT 1 FROM outbox o WHERE o.channel = c.channel AND o.status IN ('pending', 'sending') AND o.not_before <= now())
         -- Channels never posted to or longest waiting first; ties by their oldest message.
         ORDER BY c.next_post_at, (SELECT min(o.id) FROM outbox o WHERE o.channel = c.channel AND o.status IN ('pending', 'sending'))
         LIMIT $2::int
         FOR UPDATE OF c SKIP LOCKED
       ), picked AS (
         SELECT o.id, r.slack_id
         FROM ready r
         CROSS JOIN LATERAL (
           SELECT o.id FROM outbox o
           WHERE o.channel = r.channel AND o.status IN ('pending', 'sending') AND o.not_before <= now()
           ORDER BY o.id
           LIMIT 1
           FOR UPDATE SKIP LOCKED
         ) o
       ), claimed AS (
         UPDATE outbox o
         SET status = 'sending', claimed_by = $1::text, claimed_at = now(), attempts = o.attempts + 1,
             not_before = now() + make_interval(secs => $3::double precision / 1000),
             uncertain_since = CASE WHEN o.status = 'sending' THEN COALESCE(o.uncertain_since, o.claimed_at) ELSE o.uncertain_since END
         FROM picked p
         WHERE o.id = p.id
         RETURNING o.id, o.idempotency_key, o.channel, o.purpose, o.payload, o.attempts, o.uncertain_since, COALESCE(o.slack_channel, p.slack_id) AS channel_id
       ), paced AS (
         UPDATE outbox_channels c SET next_post_at = now() + make_interval(secs => $3::double precision / 1000)
         FROM claimed WHERE c.channel = claimed.channel
       )
       SELECT * FROM claimed ORDER BY id`,
      [options.claimant, options.limit, options.leaseMs],
    );
    return rows.map(toClaimedMessage);
  }

  async markSent(id: string, result: { channelId: string; ts: string }, options: { spacingMs: number }): Promise<void> {
    // Not conditional on the claimant: Slack's answer is the truth, even for a lease that ran out.
    await this.pool.query(
      `WITH sent AS (
         UPDATE outbox SET status = 'sent', sent_at = now(), slack_channel = $2::text, slack_ts = $3::text, claimed_by = NULL, last_error = NULL
         WHERE id = $1::bigint AND status <> 'sent'
         RETURNING channel
       )
       UPDATE outbox_channels c
       SET next_post_at = now() + make_interval(secs => $4::double precision / 1000), slack_id = $2::text
       FROM outbox o
       WHERE o.id = $1::bigint AND c.channel = o.channel`,
      [id, result.channelId, result.ts, options.spacingMs],
    );
  }

  async retryLater(id: string, claimant: string, options: { delayMs: number; channelDelayMs: number; error: string | null; uncertain: boolean; giveBackAttempt: boolean }): Promise<void> {
    await this.pool.query(
      `WITH released AS (
         UPDATE outbox
         SET status = 'pending', claimed_by = NULL,
             not_before = now() + make_interval(secs => $3::double precision / 1000),
             last_error = COALESCE($4::text, last_error),
             attempts = attempts - CASE WHEN $6::boolean THEN 1 ELSE 0 END,
             uncertain_since = CASE WHEN $5::boolean THEN COALESCE(uncertain_since, claimed_at) ELSE uncertain_since END
         WHERE id = $1::bigint AND status = 'sending' AND claimed_by = $2::text
         RETURNING channel
       )
       UPDATE outbox_channels c SET next_post_at = now() + make_interval(secs => $7::double precision / 1000)
       FROM released WHERE c.channel = released.channel`,
      [id, claimant, options.delayMs, options.error, options.uncertain, options.giveBackAttempt, options.channelDelayMs],
    );
  }

  async fail(id: string, claimant: string, error: string, options: { spacingMs: number }): Promise<void> {
    await this.pool.query(
      `WITH failed AS (
         UPDATE outbox SET status = 'failed', claimed_by = NULL, last_error = $3::text
         WHERE id = $1::bigint AND status = 'sending' AND claimed_by = $2::text
         RETURNING channel
       )
       UPDATE outbox_channels c SET next_post_at = now() + make_interval(secs => $4::double precision / 1000)
       FROM failed WHERE c.channel = failed.channel`,
      [id, claimant, error, options.spacingMs],
    );
  }

  async nextDueInMs(): Promise<number | null> {
    // GREATEST skips NULLs, so an empty outbox (min() is NULL) must stay NULL here rather than
    // become 0, which would read as "due now" and make an idle sender query in a tight loop.
    const { rows } = await this.pool.query<{ ms: number | null }>(
      `SELECT CASE WHEN due IS NULL THEN NULL ELSE GREATEST(0, extract(epoch FROM due - now()) * 1000)::float8 END AS ms
       FROM (SELECT min(GREATEST(o.not_before, c.next_post_at)) AS due
             FROM outbox o JOIN outbox_channels c ON c.channel = o.channel
             WHERE o.status IN ('pending', 'sending')) next`,
    );
    return rows[0]?.ms ?? null;
  }

  /** Counts by status, for tests, benchmarks and operators. */
  async counts(): Promise<Record<'pending' | 'sending' | 'sent' | 'failed', number>> {
    const { rows } = await this.pool.query<{ status: 'pending' | 'sending' | 'sent' | 'failed'; n: number }>('SELECT status, count(*)::int AS n FROM outbox GROUP BY status');
    const counts = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
}

interface ClaimRow {
  id: string;
  idempotency_key: string;
  channel: string;
  purpose: string;
  payload: { text: string; blocks: KnownBlock[] };
  attempts: number;
  uncertain_since: Date | null;
  channel_id: string | null;
}

function toClaimedMessage(row: ClaimRow): ClaimedMessage {
  return {
    id: String(row.id),
    idempotencyKey: row.idempotency_key,
    channel: row.channel,
    channelId: row.channel_id,
    purpose: row.purpose,
    text: row.payload.text,
    blocks: row.payload.blocks ?? [],
    attempts: row.attempts,
    uncertainSince: row.uncertain_since,
  };
}

/**
 * The channel as the outbox keys it: `#payments` and `payments` are one channel (and one pace);
 * ids stay as they are.
 */
function outboxChannel(message: OutgoingMessage): string {
  const channel = message.channel.trim().replace(/^#/, '');
  if (!channel) throw new ValidationError(`Message '${message.idempotencyKey}' has no channel: set the owning team's slack.com/channel annotation to a channel id or name.`);
  if (!message.idempotencyKey) throw new ValidationError(`A ${message.purpose} message for #${channel} has no idempotency key: give each message a key that names what it is and its slot.`);
  return channel;
}

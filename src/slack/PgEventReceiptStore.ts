import type pg from 'pg';

/**
 * Remembers what Slack asked for that must happen once: Events API deliveries (Slack retries
 * those it thinks failed), answers to requests Socket Mode may deliver again, and posts made by
 * buttons (pressed twice, or replayed).
 */
export interface EventReceiptStore extends AnswerClaims {
  /** True the first time an event id is seen; false for every later delivery of it. */
  firstDelivery(eventId: string): Promise<boolean>;
  /**
   * Claims the post a button press makes. `first` is true for the first press of that button on
   * that message; later presses get false, with who pressed first when that is known.
   */
  claimPost(pressKey: string, userId: string | null): Promise<{ first: true } | { first: false; by: string | null }>;
  /** Gives a claim back when its post failed, so that pressing again can post. */
  releasePost(pressKey: string): Promise<void>;
}

/**
 * Who answers a request Slack may deliver more than once: Socket Mode sends an envelope again when
 * it did not get its ack. Keys name the request (its trigger_id), not the delivery.
 */
export interface AnswerClaims {
  /**
   * `first`: nobody has answered it. `again`: it was answered inside an ack, and Slack sending it
   * again means that ack never reached it. `taken`: it was answered, or is being answered, elsewhere.
   */
  claimAnswer(requestKey: string): Promise<'first' | 'again' | 'taken'>;
  /** The claimed answer went out inside the ack. */
  answeredInAck(requestKey: string): Promise<void>;
  /** Nothing reached the user: the next delivery of the request answers it. */
  releaseAnswer(requestKey: string): Promise<void>;
}

export class PgEventReceiptStore implements EventReceiptStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgEventReceiptStore {
    return new PgEventReceiptStore(options.pool);
  }

  async firstDelivery(eventId: string): Promise<boolean> {
    // Slack stops retrying after about five minutes, so receipts older than a day are pruned as we go.
    const { rowCount } = await this.pool.query(
      `WITH pruned AS (DELETE FROM slack_event_receipts WHERE received_at < now() - interval '1 day')
       INSERT INTO slack_event_receipts (event_id) VALUES ($1::text) ON CONFLICT DO NOTHING`,
      [eventId],
    );
    return rowCount === 1;
  }

  // Claims share slack_event_receipts with Events API ids (which never hold a colon): `answer:KEY`
  // while a delivery answers the request, and `acked:KEY` once that answer went inside an ack.
  async claimAnswer(requestKey: string): Promise<'first' | 'again' | 'taken'> {
    const { rows } = await this.pool.query<{ first: boolean; again: boolean }>(
      `WITH pruned AS (DELETE FROM slack_event_receipts WHERE received_at < now() - interval '1 day'),
       claimed AS (INSERT INTO slack_event_receipts (event_id) VALUES ('answer:' || $1::text) ON CONFLICT DO NOTHING RETURNING 1),
       retaken AS (DELETE FROM slack_event_receipts WHERE event_id = 'acked:' || $1::text AND NOT EXISTS (SELECT 1 FROM claimed) RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM claimed) AS first, EXISTS (SELECT 1 FROM retaken) AS again`,
      [requestKey],
    );
    return rows[0]!.first ? 'first' : rows[0]!.again ? 'again' : 'taken';
  }

  async answeredInAck(requestKey: string): Promise<void> {
    await this.pool.query(`INSERT INTO slack_event_receipts (event_id) VALUES ('acked:' || $1::text) ON CONFLICT DO NOTHING`, [requestKey]);
  }

  async releaseAnswer(requestKey: string): Promise<void> {
    await this.pool.query(`DELETE FROM slack_event_receipts WHERE event_id IN ('answer:' || $1::text, 'acked:' || $1::text)`, [requestKey]);
  }

  async claimPost(pressKey: string, userId: string | null): Promise<{ first: true } | { first: false; by: string | null }> {
    // An ephemeral card can sit in an open Slack window for days; a month covers its life, and
    // claims older than that are pruned as we go. A claim committed by another press while this
    // statement ran is not visible to its SELECT (the INSERT waited for it, the snapshot did not), so
    // its holder is read again in a statement of its own.
    const { rows } = await this.pool.query<{ first: boolean; by: string | null }>(
      `WITH pruned AS (DELETE FROM slack_button_posts WHERE posted_at < now() - interval '30 days'),
       claimed AS (INSERT INTO slack_button_posts (press_key, user_id) VALUES ($1::text, $2::text) ON CONFLICT DO NOTHING RETURNING 1)
       SELECT true AS first, NULL::text AS by FROM claimed
       UNION ALL
       SELECT false, user_id FROM slack_button_posts WHERE press_key = $1::text AND NOT EXISTS (SELECT 1 FROM claimed)`,
      [pressKey, userId],
    );
    const row = rows[0];
    if (row?.first) return { first: true };
    if (row) return { first: false, by: row.by };
    const holder = await this.pool.query<{ by: string | null }>('SELECT user_id AS by FROM slack_button_posts WHERE press_key = $1::text', [pressKey]);
    return { first: false, by: holder.rows[0]?.by ?? null };
  }

  async releasePost(pressKey: string): Promise<void> {
    await this.pool.query('DELETE FROM slack_button_posts WHERE press_key = $1::text', [pressKey]);
  }
}

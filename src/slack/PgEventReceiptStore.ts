import type pg from 'pg';

/** Remembers which Events API deliveries were handled, so that retries are recognised. */
export interface EventReceiptStore {
  /** True the first time an event id is seen; false for every later delivery of it. */
  firstDelivery(eventId: string): Promise<boolean>;
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
}

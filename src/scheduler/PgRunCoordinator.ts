import os from 'node:os';
import type pg from 'pg';
import type { RunCoordinator } from 'node-cron';

/**
 * node-cron's RunCoordinator over PostgreSQL: with `distributed: true`, node-cron asks every replica's
 * coordinator `shouldRun('<task name>:<slot ISO time>', ttlMs)` at each slot, and only the replica
 * whose INSERT lands runs it. A slot is claimed once and never handed over: the jobs it runs key what
 * they produce by the slot (outbox idempotency keys), so a later replica re-running it would add
 * nothing, and a replica that dies mid-job has already queued whatever it queued.
 */
export class PgRunCoordinator implements RunCoordinator {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly claimant: string,
    private readonly keepDays: number,
  ) {}

  /** `claimant` names this replica in cron_runs (default host:pid); claims older than `keepDays` are pruned. */
  static create(options: { pool: pg.Pool; claimant?: string; keepDays?: number }): PgRunCoordinator {
    return new PgRunCoordinator(options.pool, options.claimant ?? `${os.hostname()}:${process.pid}`, options.keepDays ?? 2);
  }

  async shouldRun(key: string, ttlMs: number): Promise<boolean> {
    // Pruned as we go, like Slack event receipts: a slot is only ever asked about at its own time.
    const { rowCount } = await this.pool.query(
      `WITH pruned AS (DELETE FROM cron_runs WHERE claimed_at < now() - make_interval(days => $4::int))
       INSERT INTO cron_runs (key, claimed_by, lease_until)
       VALUES ($1::text, $2::text, now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (key) DO NOTHING
       RETURNING 1`,
      [key, this.claimant, ttlMs, this.keepDays],
    );
    return rowCount === 1;
  }

  async onComplete(key: string): Promise<void> {
    await this.pool.query('UPDATE cron_runs SET completed_at = now() WHERE key = $1::text AND claimed_by = $2::text', [key, this.claimant]);
  }
}

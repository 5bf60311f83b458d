import type pg from 'pg';
import type { ProviderAnswer } from './provider';

/** A provider's answer as remembered: the shifts of a window of time, and when they were fetched. */
export interface CachedOnCall {
  key: string;
  answer: ProviderAnswer;
  coversFrom: number;
  coversTo: number;
  fetchedAt: number;
}

/** Where provider answers are kept between requests and replicas. */
export interface OnCallCacheStore {
  get(key: string): Promise<CachedOnCall | undefined>;
  put(entry: CachedOnCall): Promise<void>;
}

interface CacheRow {
  key: string;
  answer: ProviderAnswer;
  covers_from: Date;
  covers_to: Date;
  fetched_at: Date;
}

/** Provider answers in the oncall_cache table (migrations/000004_oncall.sql). */
export class PgOnCallCacheStore implements OnCallCacheStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgOnCallCacheStore {
    return new PgOnCallCacheStore(options.pool);
  }

  async get(key: string): Promise<CachedOnCall | undefined> {
    const { rows } = await this.pool.query<CacheRow>('SELECT key, answer, covers_from, covers_to, fetched_at FROM oncall_cache WHERE key = $1::text', [key]);
    const row = rows[0];
    return row && { key: row.key, answer: row.answer, coversFrom: row.covers_from.getTime(), coversTo: row.covers_to.getTime(), fetchedAt: row.fetched_at.getTime() };
  }

  async put(entry: CachedOnCall): Promise<void> {
    await this.pool.query(
      `INSERT INTO oncall_cache (key, answer, covers_from, covers_to, fetched_at)
       VALUES ($1::text, $2::jsonb, to_timestamp($3::float8 / 1000), to_timestamp($4::float8 / 1000), to_timestamp($5::float8 / 1000))
       ON CONFLICT (key) DO UPDATE SET answer = excluded.answer, covers_from = excluded.covers_from, covers_to = excluded.covers_to, fetched_at = excluded.fetched_at`,
      [entry.key, JSON.stringify(entry.answer), entry.coversFrom, entry.coversTo, entry.fetchedAt],
    );
  }
}

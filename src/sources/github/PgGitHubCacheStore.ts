import type pg from 'pg';
import type { CacheEntry, GitHubCacheStore } from './cache';

interface CacheRow {
  key: string;
  status: number;
  etag: string | null;
  body: unknown;
  version: string | null;
  checked_at: Date;
}

/** GitHub answers in the github_cache table (migrations/000003_github.sql). */
export class PgGitHubCacheStore implements GitHubCacheStore {
  private constructor(private readonly pool: pg.Pool) {}

  static create(options: { pool: pg.Pool }): PgGitHubCacheStore {
    return new PgGitHubCacheStore(options.pool);
  }

  async getMany(keys: string[]): Promise<Map<string, CacheEntry>> {
    if (keys.length === 0) return new Map();
    const { rows } = await this.pool.query<CacheRow>('SELECT key, status, etag, body, version, checked_at FROM github_cache WHERE key = ANY($1::text[])', [keys]);
    return new Map(rows.map((row) => [row.key, toEntry(row)]));
  }

  async put(entry: CacheEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO github_cache (key, status, etag, body, version, checked_at)
       VALUES ($1::text, $2::int, $3::text, $4::jsonb, $5::text, to_timestamp($6::float8 / 1000))
       ON CONFLICT (key) DO UPDATE SET status = excluded.status, etag = excluded.etag, body = excluded.body, version = excluded.version, checked_at = excluded.checked_at`,
      [entry.key, entry.status, entry.etag, JSON.stringify(entry.body ?? null), entry.version, entry.checkedAt],
    );
  }

  async touch(keys: string[], version: string | null, checkedAt: number): Promise<void> {
    if (keys.length === 0) return;
    await this.pool.query('UPDATE github_cache SET version = $2::text, checked_at = to_timestamp($3::float8 / 1000) WHERE key = ANY($1::text[])', [keys, version, checkedAt]);
  }

  async delete(key: string): Promise<void> {
    await this.pool.query('DELETE FROM github_cache WHERE key = $1::text', [key]);
  }

  async prune(before: number): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM github_cache WHERE checked_at < to_timestamp($1::float8 / 1000)', [before]);
    return rowCount ?? 0;
  }
}

function toEntry(row: CacheRow): CacheEntry {
  return { key: row.key, status: row.status, etag: row.etag, body: row.body, version: row.version, checkedAt: row.checked_at.getTime() };
}

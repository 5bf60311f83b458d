/** A remembered GitHub answer: enough to ask conditionally next time and to answer a 304 from here. */
export interface CacheEntry {
  key: string;
  /** 200, or 404 remembered (a repository without a catalog file). */
  status: number;
  etag: string | null;
  body: unknown;
  /** What the answer depends on (a repository's pushed_at); equal and recent means fresh without asking. */
  version: string | null;
  checkedAt: number;
}

/** Where GitHub answers are kept between passes (and between processes): PgGitHubCacheStore. */
export interface GitHubCacheStore {
  getMany(keys: string[]): Promise<Map<string, CacheEntry>>;
  put(entry: CacheEntry): Promise<void>;
  /** Marks entries as checked now (a 304 or a fresh answer), with the version they now hold for. */
  touch(keys: string[], version: string | null, checkedAt: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Forgets answers not checked since `before` (repositories gone, files no longer read). Returns how many. */
  prune(before: number): Promise<number>;
}

/** An in-process cache, for tests of the client and for runs that keep nothing. */
export class MemoryGitHubCacheStore implements GitHubCacheStore {
  readonly entries = new Map<string, CacheEntry>();

  async getMany(keys: string[]): Promise<Map<string, CacheEntry>> {
    const found = new Map<string, CacheEntry>();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) found.set(key, { ...entry });
    }
    return found;
  }

  async put(entry: CacheEntry): Promise<void> {
    this.entries.set(entry.key, { ...entry });
  }

  async touch(keys: string[], version: string | null, checkedAt: number): Promise<void> {
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) this.entries.set(key, { ...entry, version, checkedAt });
    }
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async prune(before: number): Promise<number> {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.checkedAt < before) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }
}

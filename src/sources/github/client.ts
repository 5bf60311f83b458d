import type { CacheEntry, GitHubCacheStore } from './cache';
import { GitHubTransportError, type GitHubRequest, type GitHubResponse, type GitHubTransport } from './transport';

/** Time, injected so that tests of rate-limit waits run on a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** GitHub could not be read; the message names the request and, where there is one, the fix. */
export class GitHubError extends Error {
  override name = 'GitHubError';
}

/** The rate limit resets later than Backline may wait: the pass stops, and says until when. */
export class GitHubRateLimitError extends GitHubError {
  override name = 'GitHubRateLimitError';
  constructor(
    message: string,
    readonly resumeAt: number,
  ) {
    super(message);
  }
}

/** An error GitHub's GraphQL API answered beside (or instead of) data; `path` leads to the field it spoilt. */
export interface GraphqlError {
  message: string;
  type: string | null;
  path: Array<string | number>;
}

export interface GitHubStats {
  /** HTTP requests sent, including 304s and retries. */
  requests: number;
  /** Conditional requests GitHub answered 304 Not Modified (free of rate limit). */
  notModified: number;
  /** Answers taken from the cache without asking: the repository had not been pushed to since. */
  fromCache: number;
  rateLimitWaits: number;
  waitedMs: number;
  /** From the latest x-ratelimit-* headers. */
  rateLimit: { limit: number; remaining: number; resetAt: number } | null;
}

export interface GitHubClientOptions {
  transport: GitHubTransport;
  cache: GitHubCacheStore;
  clock?: Clock;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Longest wait for a rate limit to reset before stopping with GitHubRateLimitError. */
  maxRateLimitWaitMs?: number;
  /** Retries of 5xx answers and network failures, with backoff. */
  retries?: number;
  /** How long an answer checked against a version (pushed_at) is trusted without asking. */
  maxAgeMs?: number;
  onWait?: (wait: { reason: string; ms: number }) => void;
}

export type MediaType = 'json' | 'raw';
const ACCEPT: Record<MediaType, string> = { json: 'application/vnd.github+json', raw: 'application/vnd.github.raw+json' };

export interface CachedGet<T> {
  request: GitHubRequest;
  accept?: MediaType;
  /** What to keep of a 200 answer: the cache stores it, and a 304 answers with it. */
  keep: (data: unknown, response: GitHubResponse) => T;
  /** Distinguishes answers of one request kept for different purposes (a tree filtered by a glob). */
  keySuffix?: string;
  /** Fresh without asking when the cached answer was checked at this version, recently. */
  version?: string;
  /** Ask even when fresh by version (a webhook said the repository changed). */
  force?: boolean;
  /** Statuses that mean "not there" rather than failure. */
  absent?: number[];
  /** Remember "not there" at this version, so an unchanged repository is not asked again. */
  rememberAbsent?: boolean;
  /** The cache entry, when the caller loaded many at once; null when known to be missing. */
  entry?: CacheEntry | null;
}

export type CachedAnswer<T> = { found: true; data: T; etag: string | null; source: 'network' | 'revalidated' | 'cache' } | { found: false; source: 'network' | 'cache' };

const RATE_LIMIT_RETRIES = 5;
const SECONDARY_DEFAULT_WAIT_MS = 60_000;

/**
 * GitHub's REST API as Backline uses it: every GET conditional on the cached ETag (a 304 costs no
 * rate limit and is answered from the cache), at most `concurrency` requests in flight, waits for a
 * rate-limit reset (`x-ratelimit-reset`) or a secondary limit's `retry-after` on the injected clock,
 * and a stop with a clear message when the wait would exceed the configured maximum.
 */
export class GitHubClient {
  readonly stats: GitHubStats = { requests: 0, notModified: 0, fromCache: 0, rateLimitWaits: 0, waitedMs: 0, rateLimit: null };
  private readonly transport: GitHubTransport;
  private readonly cache: GitHubCacheStore;
  private readonly clock: Clock;
  private readonly limiter: Limiter;
  private readonly maxWaitMs: number;
  private readonly retries: number;
  private readonly maxAgeMs: number;
  private readonly onWait: GitHubClientOptions['onWait'];
  private pause: Promise<void> | undefined;
  private exhaustedUntil = 0;
  private stopped: GitHubRateLimitError | undefined;
  private aborted: GitHubError | undefined;
  private readonly abortController = new AbortController();

  constructor(options: GitHubClientOptions) {
    this.transport = options.transport;
    this.cache = options.cache;
    this.clock = options.clock ?? systemClock;
    this.limiter = new Limiter(options.concurrency ?? 8);
    this.maxWaitMs = options.maxRateLimitWaitMs ?? 15 * 60_000;
    this.retries = options.retries ?? 2;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60_000;
    this.onWait = options.onWait;
  }

  /** Fails every request from now on, including those waiting for a rate limit: the process is stopping. */
  abort(reason: string): void {
    this.aborted ??= new GitHubError(reason);
    this.abortController.abort();
  }

  get cacheStore(): GitHubCacheStore {
    return this.cache;
  }

  /** The cache key of a GET: method, path, sorted query and media type. */
  keyOf(request: GitHubRequest, accept: MediaType = 'json', suffix?: string): string {
    const query = Object.entries(request.query ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
      .join('&');
    return `${request.method} ${request.path}${query ? `?${query}` : ''} ${accept}${suffix ? ` ${suffix}` : ''}`;
  }

  /**
   * A GET through the cache: fresh by version without asking, else conditional on the cached ETag.
   * Throws GitHubError for answers other than 200, 304 and the `absent` statuses.
   */
  async getCached<T>(get: CachedGet<T>): Promise<CachedAnswer<T>> {
    const accept = get.accept ?? 'json';
    const key = this.keyOf(get.request, accept, get.keySuffix);
    const entry = get.entry !== undefined ? get.entry : ((await this.cache.getMany([key])).get(key) ?? null);
    const version = get.version ?? null;
    if (entry && !get.force && version !== null && entry.version === version && this.clock.now() - entry.checkedAt < this.maxAgeMs) {
      this.stats.fromCache++;
      return entry.status === 200 ? { found: true, data: entry.body as T, etag: entry.etag, source: 'cache' } : { found: false, source: 'cache' };
    }
    const headers: Record<string, string> = { ...get.request.headers, accept: ACCEPT[accept] };
    if (entry?.status === 200 && entry.etag) headers['if-none-match'] = entry.etag;
    const response = await this.request({ ...get.request, headers });
    const checkedAt = this.clock.now();
    if (response.status === 304 && entry?.status === 200) {
      this.stats.notModified++;
      await this.cache.touch([key], version, checkedAt);
      return { found: true, data: entry.body as T, etag: entry.etag, source: 'revalidated' };
    }
    if (response.status === 200) {
      const data = get.keep(response.data, response);
      const etag = response.headers.etag ?? null;
      await this.cache.put({ key, status: 200, etag, body: data, version, checkedAt });
      return { found: true, data, etag, source: 'network' };
    }
    if ((get.absent ?? [404]).includes(response.status)) {
      if (get.rememberAbsent) await this.cache.put({ key, status: 404, etag: null, body: null, version, checkedAt });
      else if (entry) await this.cache.delete(key);
      return { found: false, source: 'network' };
    }
    throw errorFor(get.request, response);
  }

  /**
   * A GraphQL query, within the same bounds and rate-limit waits as REST. GraphQL answers cannot be
   * asked conditionally, so callers cache what they read by the repository's pushed_at themselves.
   * Data that came with errors (one repository of a batch gone) is answered with the errors.
   */
  async graphql<T>(query: string, variables: Record<string, unknown>, owner?: string): Promise<{ data: T; errors: GraphqlError[] }> {
    const request: GitHubRequest = { method: 'POST', path: '/graphql', body: { query, variables }, owner, graphql: true };
    const response = await this.request(request);
    if (response.status !== 200) throw errorFor(request, response);
    const body = (response.data ?? {}) as { data?: T | null; errors?: unknown };
    const errors = (Array.isArray(body.errors) ? body.errors : []).map((error: { message?: unknown; type?: unknown; path?: unknown }) => ({
      message: typeof error?.message === 'string' ? error.message : 'an unnamed error',
      type: typeof error?.type === 'string' ? error.type : null,
      path: Array.isArray(error?.path) ? (error.path as Array<string | number>) : [],
    }));
    // GraphQL's own rate limit is answered 200 with an error; the pass stops as it does for REST's.
    if (errors.some((error) => error.type === 'RATE_LIMITED')) {
      const reset = Number(response.headers['x-ratelimit-reset']);
      const resumeAt = Number.isFinite(reset) ? reset * 1000 : this.clock.now() + 60 * 60_000;
      throw new GitHubRateLimitError(`GitHub's GraphQL rate limit stops reading until ${new Date(resumeAt).toISOString()}; entities already in the catalog are kept`, resumeAt);
    }
    if (!body.data) throw new GitHubError(`GitHub's GraphQL API answered no data${errors.length ? `: ${errors[0]!.message}` : ''}`);
    return { data: body.data, errors };
  }

  /**
   * Sends one request within the concurrency bound, waiting out rate limits and retrying 5xx answers
   * and network failures with backoff. Answers every other status as it came.
   */
  async request(request: GitHubRequest): Promise<GitHubResponse> {
    let rateLimited = 0;
    for (let attempt = 0; ; attempt++) {
      let response: GitHubResponse;
      let wait: { ms: number; reason: string } | undefined;
      try {
        ({ response, wait } = await this.limiter.run(async () => {
          await this.waitUntilAllowed();
          this.stats.requests++;
          const answer = await this.transport.request(request);
          // Read the rate-limit headers before the slot passes on, so the next request sees them.
          return { response: answer, wait: this.rateLimitOf(answer) };
        }));
      } catch (error) {
        if (!(error instanceof GitHubTransportError) || attempt >= this.retries) throw asGitHubError(request, error);
        await this.interruptible(this.sleep(backoff(attempt)));
        continue;
      }
      if (wait) {
        if (++rateLimited > RATE_LIMIT_RETRIES) throw new GitHubError(`${describe(request)}: GitHub still answers "rate limited" after ${RATE_LIMIT_RETRIES} waits; try again later`);
        await this.waitFor(wait.ms, wait.reason, request);
        continue;
      }
      if (response.status >= 500 && attempt < this.retries) {
        await this.interruptible(this.sleep(backoff(attempt)));
        continue;
      }
      return response;
    }
  }

  /** Reads rate-limit headers; returns the wait when the answer is a rate limit. */
  private rateLimitOf(response: GitHubResponse): { ms: number; reason: string } | undefined {
    const { headers } = response;
    const now = this.clock.now();
    const remaining = headers['x-ratelimit-remaining'];
    const reset = Number(headers['x-ratelimit-reset']);
    if (remaining !== undefined && Number.isFinite(reset)) {
      this.stats.rateLimit = { limit: Number(headers['x-ratelimit-limit'] ?? 0), remaining: Number(remaining), resetAt: reset * 1000 };
    }
    const limited = response.status === 403 || response.status === 429;
    if (!limited) {
      // The last request of the hour went through: the next ones wait for the reset rather than fail.
      if (remaining === '0' && Number.isFinite(reset)) this.exhaustedUntil = reset * 1000;
      return undefined;
    }
    const retryAfter = headers['retry-after'];
    if (retryAfter !== undefined) {
      const seconds = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - now;
      return { ms: Math.max(0, Number.isFinite(seconds) ? seconds : SECONDARY_DEFAULT_WAIT_MS), reason: 'a secondary rate limit (retry-after)' };
    }
    if (remaining === '0' && Number.isFinite(reset)) {
      // A second of margin: GitHub's reset is in whole seconds and clocks differ slightly.
      return { ms: Math.max(0, reset * 1000 - now) + 1000, reason: 'the rate limit (x-ratelimit-reset)' };
    }
    if (/secondary rate limit|abuse/i.test(messageOf(response.data))) {
      // GitHub's guidance without retry-after: wait at least a minute.
      return { ms: SECONDARY_DEFAULT_WAIT_MS, reason: 'a secondary rate limit' };
    }
    return undefined;
  }

  private async waitUntilAllowed(): Promise<void> {
    for (;;) {
      if (this.aborted) throw this.aborted;
      const now = this.clock.now();
      if (this.stopped) {
        if (now < this.stopped.resumeAt) throw this.stopped;
        this.stopped = undefined;
      }
      if (this.pause) {
        await this.interruptible(this.pause);
        continue;
      }
      if (this.exhaustedUntil > now) {
        await this.waitFor(this.exhaustedUntil - now + 1000, 'the rate limit (x-ratelimit-remaining: 0)');
        continue;
      }
      return;
    }
  }

  /** One shared wait: every request in flight joins it instead of sleeping (and counting) on its own. */
  private async waitFor(ms: number, reason: string, request?: GitHubRequest): Promise<void> {
    if (this.pause) return this.interruptible(this.pause);
    const now = this.clock.now();
    if (ms > this.maxWaitMs) {
      const resumeAt = now + ms;
      this.stopped = new GitHubRateLimitError(
        `GitHub's rate limit stops reading${request ? ` at ${describe(request)}` : ''}: ${reason} resets at ${new Date(resumeAt).toISOString()}, in ${minutes(ms)}, longer than the ${minutes(this.maxWaitMs)} BACKLINE_GITHUB_MAX_RATE_LIMIT_WAIT allows. Entities already in the catalog are kept; run again after the reset, or use a GitHub App for a higher limit.`,
        resumeAt,
      );
      throw this.stopped;
    }
    this.stats.rateLimitWaits++;
    this.stats.waitedMs += ms;
    this.onWait?.({ reason, ms });
    this.pause = this.sleep(ms).finally(() => {
      this.pause = undefined;
      if (this.exhaustedUntil <= this.clock.now()) this.exhaustedUntil = 0;
    });
    return this.interruptible(this.pause);
  }

  private sleep(ms: number): Promise<void> {
    return this.clock.sleep(ms, this.abortController.signal);
  }

  /** Waits; fails instead if the client was aborted meanwhile. */
  private async interruptible(wait: Promise<void>): Promise<void> {
    await wait;
    if (this.aborted) throw this.aborted;
  }
}

/** A counting semaphore; a finishing task hands its slot straight to the next in line. */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

function describe(request: GitHubRequest): string {
  return `${request.method} ${request.path}`;
}

function messageOf(data: unknown): string {
  if (typeof data === 'string') return data;
  const message = (data as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

function errorFor(request: GitHubRequest, response: GitHubResponse): GitHubError {
  const said = messageOf(response.data);
  const detail = said ? `: ${said}` : '';
  switch (response.status) {
    case 401:
      return new GitHubError(`GitHub rejected the credentials (401) for ${describe(request)}${detail}. Check GITHUB_TOKEN (or the GitHub App's ID and private key).`);
    case 403:
      return new GitHubError(`GitHub refused ${describe(request)} (403)${detail}. The token or App may lack access: it needs read access to repository contents, and read:org (members: read) to import teams.`);
    default:
      return new GitHubError(`GitHub answered ${response.status} to ${describe(request)}${detail}`);
  }
}

function asGitHubError(request: GitHubRequest, error: unknown): Error {
  if (error instanceof GitHubError) return error;
  return new GitHubError(`${describe(request)}: ${(error as Error).message}`, { cause: error });
}

function backoff(attempt: number): number {
  return 1000 * 2 ** attempt;
}

function minutes(ms: number): string {
  const total = Math.ceil(ms / 60_000);
  return total === 1 ? '1 minute' : `${total} minutes`;
}

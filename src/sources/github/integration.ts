import { ingest, type IngestDependencies, type IngestReport, type RootLocation } from '../../catalog/ingest';
import type { LocationSource } from '../../catalog/locationSources';
import type { UrlReader } from '../../catalog/placeholders';
import type { GitHubAuth } from './transport';
import type { Logger } from '../../logger';
import type { GitHubCacheStore } from './cache';
import { GitHubClient, systemClock, type Clock, type GitHubStats } from './client';
import { createGitHubUrlReader, createOrgSource } from './discovery';
import { repoKey, type GitHubContext } from './context';
import type { DeclaredRepositories, OwnershipCorrections } from '../../catalog/corrections';
import { createInferredSource, INFERRED_LOCATION } from './inferredSource';
import { createTeamsSource } from './teams';
import { createOctokitTransport, type GitHubTransport } from './transport';
import { githubHosts, orgTarget, teamsTarget, type GitHubHosts } from './urls';

export const ORG_LOCATION = 'github-org';
const CACHE_RETENTION_MS = 7 * 24 * 60 * 60_000;
export const TEAMS_LOCATION = 'github-teams';

export interface GitHubIntegrationOptions {
  apiUrl: string;
  auth: GitHubAuth;
  cache: GitHubCacheStore;
  maxBytes: number;
  includeArchived?: boolean;
  includeForks?: boolean;
  /** Repositories without a catalog file become inferred Components (BACKLINE_GITHUB_INFER). */
  infer?: boolean;
  corrections?: OwnershipCorrections;
  declared?: DeclaredRepositories;
  concurrency?: number;
  maxRateLimitWaitMs?: number;
  clock?: Clock;
  /** Replaces octokit (tests of the client's own behaviour). */
  transport?: GitHubTransport;
  logger?: Logger;
}

/** What every ingestion needs besides its sources: the store, the limits and the catalog rules. */
export type IngestBase = Pick<IngestDependencies, 'store' | 'maxBytes' | 'rules' | 'organisations' | 'maxPlaceholderBytes'>;

/** What the ingestion pipeline needs to read GitHub: its location sources and its URL reader. */
export interface GitHubIntegration {
  hosts: GitHubHosts;
  client: GitHubClient;
  context: GitHubContext;
  sources: Record<string, LocationSource>;
  urlReader: UrlReader;
  /** The root locations for organisations: catalog files, and teams when asked. */
  roots(orgs: string[], options: { catalogPath: string; importTeams: boolean }): RootLocation[];
  /** Ingestion dependencies with GitHub plugged in. */
  ingestDependencies(base: IngestBase): IngestDependencies;
}

export function createGitHubIntegration(options: GitHubIntegrationOptions): GitHubIntegration {
  const hosts = githubHosts(options.apiUrl);
  const clock = options.clock ?? systemClock;
  const client = new GitHubClient({
    transport: options.transport ?? createOctokitTransport({ apiUrl: hosts.apiUrl, auth: options.auth }),
    cache: options.cache,
    clock,
    concurrency: options.concurrency,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs,
    onWait: ({ reason, ms }) => options.logger?.warn(`GitHub: waiting ${Math.ceil(ms / 1000)} s for ${reason}`),
  });
  const context: GitHubContext = {
    client,
    hosts,
    maxBytes: options.maxBytes,
    includeArchived: options.includeArchived ?? false,
    includeForks: options.includeForks ?? false,
    infer: options.infer ?? false,
    corrections: options.corrections,
    declared: options.declared,
    prefetched: new Map(),
    repoVersions: new Map(),
    stale: new Set(),
    discoveries: new Map(),
    now: () => clock.now(),
  };
  const sources = { [ORG_LOCATION]: createOrgSource(context), [TEAMS_LOCATION]: createTeamsSource(context), [INFERRED_LOCATION]: createInferredSource(context) };
  const urlReader = createGitHubUrlReader(context);
  return {
    hosts,
    client,
    context,
    sources,
    urlReader,
    roots: (orgs, { catalogPath, importTeams }) => [
      ...orgs.map((org) => ({ type: ORG_LOCATION, target: orgTarget(hosts, org, catalogPath) })),
      // Teams are written by Backline from the organisation's own records, not by a repository.
      ...(importTeams ? orgs.map((org) => ({ type: TEAMS_LOCATION, target: teamsTarget(hosts, org), trusted: true })) : []),
    ],
    ingestDependencies: (base) => ({ ...base, urlReader, sources }),
  };
}

/** Requests and answers since the last snapshot, for reports and logs. */
export function statsSince(before: GitHubStats, after: GitHubStats): Omit<GitHubStats, 'rateLimit'> & Pick<GitHubStats, 'rateLimit'> {
  return {
    requests: after.requests - before.requests,
    notModified: after.notModified - before.notModified,
    fromCache: after.fromCache - before.fromCache,
    rateLimitWaits: after.rateLimitWaits - before.rateLimitWaits,
    waitedMs: after.waitedMs - before.waitedMs,
    rateLimit: after.rateLimit,
  };
}

export interface RefresherOptions {
  integration: GitHubIntegration;
  /** The store, limits and rules every pass ingests with; the organisations are added to it. */
  base: IngestBase;
  orgs: string[];
  catalogPath: string;
  importTeams: boolean;
  logger: Logger;
}

/**
 * Keeps the configured organisations fresh for `serve`: full passes on a schedule, and a pass for
 * one organisation when a webhook says a repository changed. Passes run one at a time; requests that
 * arrive while one runs are merged into the next.
 */
export class GitHubRefresher {
  private tail: Promise<unknown> = Promise.resolve();
  private queued: { orgs: Set<string>; promise: Promise<IngestReport> } | undefined;
  private readonly orgs: Map<string, string>;

  constructor(private readonly options: RefresherOptions) {
    this.orgs = new Map(options.orgs.map((org) => [org.toLowerCase(), org]));
  }

  /** The configured spelling of an organisation, or undefined when it is not configured. */
  configuredOrg(name: string): string | undefined {
    return this.orgs.get(name.toLowerCase());
  }

  refreshAll(): Promise<IngestReport> {
    return this.enqueue([...this.orgs.values()]);
  }

  /** Re-reads a repository that a webhook says changed (pushed, renamed, archived, deleted). */
  refreshRepository(owner: string, repo: string): Promise<IngestReport> | undefined {
    const org = this.configuredOrg(owner);
    if (!org) return undefined;
    this.options.integration.context.stale.add(repoKey(owner, repo));
    return this.enqueue([org]);
  }

  /** Stops: requests under way fail fast (their locations keep their entities), then passes end. */
  async stop(): Promise<void> {
    this.options.integration.client.abort('Backline is stopping; the next refresh reads GitHub again');
    await this.idle();
  }

  /** Resolves when every pass asked for so far has finished. */
  async idle(): Promise<void> {
    for (let tail = this.tail; ; tail = this.tail) {
      await tail.catch(() => undefined);
      if (tail === this.tail) return;
    }
  }

  private enqueue(orgs: string[]): Promise<IngestReport> {
    if (this.queued) {
      for (const org of orgs) this.queued.orgs.add(org);
      return this.queued.promise;
    }
    const queued = { orgs: new Set(orgs), promise: undefined as unknown as Promise<IngestReport> };
    queued.promise = this.tail.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.pass([...queued.orgs]);
    });
    this.queued = queued;
    this.tail = queued.promise;
    return queued.promise;
  }

  private async pass(orgs: string[]): Promise<IngestReport> {
    const { integration, logger } = this.options;
    const before = { ...integration.client.stats };
    const started = performance.now();
    const roots = integration.roots(orgs, { catalogPath: this.options.catalogPath, importTeams: this.options.importTeams });
    try {
      const report = await ingest(roots, integration.ingestDependencies({ ...this.options.base, organisations: [...this.orgs.values()] }));
      const github = statsSince(before, integration.client.stats);
      logger.info('GitHub refresh finished', {
        orgs,
        seconds: Math.round(performance.now() - started) / 1000,
        locations: report.locations,
        entities: report.entities,
        errors: report.errors.length,
        requests: github.requests,
        notModified: github.notModified,
        fromCache: github.fromCache,
        rateLimitRemaining: github.rateLimit?.remaining,
      });
      for (const problem of report.errors.slice(0, 20)) logger.warn('catalog problem', { file: problem.file, line: problem.line, message: problem.message });
      // Answers trusted by pushed_at are re-checked daily, so a week unchecked means nothing reads them.
      await integration.client.cacheStore.prune(integration.context.now() - CACHE_RETENTION_MS);
      return report;
    } catch (error) {
      logger.error('GitHub refresh failed', { orgs, error });
      throw error;
    }
  }
}

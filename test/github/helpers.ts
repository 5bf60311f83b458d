import { ingest, type IngestReport } from '../../src/catalog/ingest';
import type { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import type { CatalogRule } from '../../src/catalog/rules';
import { loadConfig, type Config } from '../../src/config';
import type { Clock } from '../../src/sources/github/client';
import { createGitHubIntegration, type GitHubIntegrationOptions, type GitHubIntegration } from '../../src/sources/github/integration';
import { PgGitHubCacheStore } from '../../src/sources/github/PgGitHubCacheStore';
import type { FakeGitHub } from '../support/fakeGithub';
import type { TestDatabase } from '../support/testDatabase';

export const TOKEN = 'ghp_backline_test';
export const MAX_BYTES = 64 * 1024;

/** A fresh integration, as a new `backline catalog ingest` process builds it: only the database remembers. */
export function connect(github: FakeGitHub, db: TestDatabase, overrides: Partial<GitHubIntegrationOptions> = {}): GitHubIntegration {
  return createGitHubIntegration({ apiUrl: github.url, auth: { kind: 'token', token: TOKEN }, cache: PgGitHubCacheStore.create({ pool: db.pool }), maxBytes: MAX_BYTES, ...overrides });
}

/** One pass over organisations, as serve's refresher makes it: they are the configured sources. */
export async function pass(integration: GitHubIntegration, store: PgCatalogStore, orgs: string[], options: { catalogPath?: string; importTeams?: boolean; rules?: CatalogRule[] } = {}): Promise<IngestReport> {
  const roots = integration.roots(orgs, { catalogPath: options.catalogPath ?? 'catalog-info.yaml', importTeams: options.importTeams ?? false });
  return ingest(roots, integration.ingestDependencies({ store, maxBytes: MAX_BYTES, organisations: orgs, rules: options.rules }));
}

/** Time that only moves when the code under test sleeps. */
export function fakeClock(start = Date.UTC(2025, 5, 2, 9, 0, 0)): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

export async function refs(db: TestDatabase, kind?: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ ref: string }>('SELECT ref FROM entities WHERE $1::text IS NULL OR kind = $1::text ORDER BY ref', [kind ?? null]);
  return rows.map((row) => row.ref);
}

export async function resetCatalog(db: TestDatabase): Promise<void> {
  await db.pool.query('TRUNCATE locations, entities, relations, processing_errors, github_cache');
}

/**
 * `serve`'s configuration with the organisation `acme` on the fake GitHub and Slack on the fake
 * Slack; only the pass at start and webhooks refresh it (no schedule), so tests decide when it reads.
 */
export function serveConfig(options: { db: TestDatabase; github: FakeGitHub; slackUrl: string; port: number }, extra: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: options.db.url,
    PORT: String(options.port),
    SLACK_BOT_TOKEN: 'xoxb-e2e',
    SLACK_SIGNING_SECRET: 'e2e-signing-secret-0123456789',
    SLACK_API_URL: options.slackUrl,
    GITHUB_API_URL: options.github.url,
    GITHUB_TOKEN: TOKEN,
    BACKLINE_GITHUB_ORGS: 'acme',
    BACKLINE_GITHUB_REFRESH_MINUTES: '0',
    ...extra,
  });
}

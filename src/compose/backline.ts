import { pathToFileURL } from 'node:url';
import { ingest, locationKey, rootFromPath, type IngestReport } from '../catalog/ingest';
import { PgCatalogStore } from '../catalog/PgCatalogStore';
import { type Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { createGitHubDocsChanges } from '../docs/githubDocsChanges';
import { DocsLibrary } from '../docs/library';
import { PgDocsStore } from '../docs/PgDocsStore';
import { createDocsSite } from '../docs/site';
import { type Logger } from '../logger';
import { DEMO_CATALOG, DEMO_TECHDOCS } from '../paths';
import type { SlackDirectory } from '../directory';
import { createOpsgenieProvider } from '../oncall/opsgenie';
import { createPagerDutyProvider } from '../oncall/pagerduty';
import { PgOnCallCacheStore } from '../oncall/PgOnCallCacheStore';
import type { OnCallProvider } from '../oncall/provider';
import { createOnCallResolver, type OnCallResolver } from '../oncall/resolve';
import type { Clock } from '../sources/github/client';
import { createGitHubIntegration, type GitHubIntegration, type IngestBase } from '../sources/github/integration';
import { PgGitHubCacheStore } from '../sources/github/PgGitHubCacheStore';
import { PgOwnershipCorrections } from '../catalog/PgOwnershipCorrections';
import { createCatalogFilePullRequests, type CatalogFilePullRequests } from '../scaffolder/catalogFilePullRequests';
import { composeScaffolder, createGitHubWriter } from '../scaffolder/compose';
import { PgTaskStore } from '../scaffolder/PgTaskStore';
import type { Scaffolder } from '../scaffolder/service';
import { PgSearchStore } from '../search/PgSearchStore';
import { githubHosts } from '../sources/github/urls';
import type { UnfurlSettings } from '../../commands/unfurl';

/**
 * How the world is built: configuration → database → stores → clients. The entry (src/main.ts),
 * its commands (src/cli) and serve (src/serve) build what they need from these functions and
 * nowhere else; nothing below them imports them (.dependency-cruiser.cjs).
 */
export interface Backline {
  config: Config;
  database: Database;
  catalog: PgCatalogStore;
  close(): Promise<void>;
}

export async function openBackline(config: Config, options: { log?: (line: string) => void; poolSize?: number } = {}): Promise<Backline> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log: options.log, poolSize: options.poolSize });
  const catalog = PgCatalogStore.create({ pool: database.pool });
  return { config, database, catalog, close: () => database.close() };
}

/**
 * What every ingestion reads with: this catalog, the file and placeholder limits, the catalog rules,
 * and the GitHub organisations that are sources (whose repositories catalog files may read).
 */
export function ingestBase(backline: Backline, organisations: string[] = backline.config.github.orgs): IngestBase {
  const { config } = backline;
  return { store: backline.catalog, maxBytes: config.maxFileBytes, rules: config.catalog.rules, organisations, maxPlaceholderBytes: config.catalog.maxPlaceholderBytes };
}

/** Loads the demo company's catalog into an empty database, so a first run has something to show. */
export async function loadDemoCatalogIfEmpty(backline: Backline): Promise<IngestReport | undefined> {
  if ((await backline.catalog.countEntities()) > 0) return undefined;
  return ingest([await rootFromPath(DEMO_CATALOG)], ingestBase(backline));
}

/**
 * GitHub discovery over this database's response cache, when credentials are configured. Nothing is
 * loaded or asked until the first read (octokit is imported then).
 */
export function openGitHub(backline: Backline, options: { logger?: Logger; clock?: Clock; infer?: boolean } = {}): GitHubIntegration | undefined {
  const { github, maxFileBytes } = backline.config;
  if (!github.auth) return undefined;
  const ownership = PgOwnershipCorrections.create({ pool: backline.database.pool });
  return createGitHubIntegration({
    apiUrl: github.apiUrl,
    auth: github.auth,
    cache: PgGitHubCacheStore.create({ pool: backline.database.pool }),
    maxBytes: maxFileBytes,
    includeArchived: github.includeArchived,
    includeForks: github.includeForks,
    infer: options.infer ?? github.infer,
    corrections: ownership,
    declared: ownership,
    concurrency: github.concurrency,
    maxRateLimitWaitMs: github.maxRateLimitWaitSeconds * 1000,
    clock: options.clock,
    logger: options.logger,
  });
}

/**
 * TechDocs sites over this database's docs cache. `baseUrl` overrides TECHDOCS_BASE_URL (serve and
 * the shell default it to the folder they host or read). With GitHub credentials, freshness also
 * compares builds with the last commit to each docs folder.
 */
export function openDocs(backline: Backline, options: { baseUrl?: string | null; logger?: Logger; github?: GitHubIntegration } = {}): DocsLibrary {
  const { docs } = backline.config;
  const github = options.github ?? openGitHub(backline, { logger: options.logger });
  return new DocsLibrary({
    baseUrl: options.baseUrl !== undefined ? options.baseUrl : docs.baseUrl,
    site: createDocsSite({ timeoutMs: docs.timeoutMs, maxIndexBytes: docs.maxIndexBytes }),
    store: PgDocsStore.create({ pool: backline.database.pool }),
    changes: github && createGitHubDocsChanges(github.client),
    githubWebUrl: github?.hosts.webUrl,
    maxAgeDays: docs.maxAgeDays,
    timeoutMs: docs.timeoutMs,
    logger: options.logger,
  });
}

/**
 * Where local surfaces (the shell, the CLI) read TechDocs: TECHDOCS_BASE_URL; else BACKLINE_DOCS_DIR
 * from disk; else, when the catalog is the demo's, the demo's own sites in examples/demo-techdocs.
 */
export async function localDocsBaseUrl(backline: Backline): Promise<string | null> {
  const { docs } = backline.config;
  if (docs.baseUrl) return docs.baseUrl;
  const demo = !docs.dir && (await backline.catalog.hasLocation(locationKey({ type: 'file', target: DEMO_CATALOG })));
  const dir = docs.dir ?? (demo ? DEMO_TECHDOCS : null);
  return dir ? pathToFileURL(dir).toString().replace(/\/+$/, '') : null;
}

/**
 * Who is on call: the configured providers (PAGERDUTY_TOKEN, OPSGENIE_API_KEY) and catalog Rotations,
 * with answers cached in this database.
 */
export function openOnCall(backline: Backline, options: { directory?: SlackDirectory; logger?: Logger } = {}): OnCallResolver {
  const { oncall } = backline.config;
  const providers: OnCallProvider[] = [];
  if (oncall.pagerDuty) providers.push(createPagerDutyProvider(oncall.pagerDuty));
  if (oncall.opsgenie) providers.push(createOpsgenieProvider(oncall.opsgenie));
  return createOnCallResolver({
    catalog: backline.catalog,
    providers,
    cache: PgOnCallCacheStore.create({ pool: backline.database.pool }),
    directory: options.directory,
    timeoutMs: oncall.timeoutMs,
    cacheTtlMs: oncall.cacheTtlMs,
    logger: options.logger,
  });
}

/**
 * The scaffolder: templates from BACKLINE_TEMPLATES_DIR and the catalog, tasks in this database,
 * publishing to GitHub when credentials are configured (else to local git repositories), and
 * registration through the same ingestion pipeline as everything else.
 */
export function openScaffolder(backline: Backline, options: { logger: Logger; github?: GitHubIntegration; spareSandboxes?: boolean }): Scaffolder {
  const { config } = backline;
  const github = options.github ?? openGitHub(backline, { logger: options.logger });
  const base = ingestBase(backline);
  return composeScaffolder({
    settings: config.scaffolder,
    store: PgTaskStore.create({ pool: backline.database.pool }),
    catalog: backline.catalog,
    ingest: (root) => ingest([root], github ? github.ingestDependencies(base) : base),
    github:
      github && config.github.auth
        ? { api: createGitHubWriter({ apiUrl: github.hosts.apiUrl, auth: config.github.auth, cache: PgGitHubCacheStore.create({ pool: backline.database.pool }) }), webUrl: github.hosts.webUrl }
        : undefined,
    logger: options.logger,
    spareSandboxes: options.spareSandboxes,
  });
}

/**
 * Pull requests that add a catalog-info.yaml to a repository (the Confirm button of an inferred
 * entity), through the scaffolder's GitHub pull request action; undefined without GitHub credentials.
 */
export function openCatalogFilePullRequests(backline: Backline, github: GitHubIntegration | undefined): CatalogFilePullRequests | undefined {
  const { auth } = backline.config.github;
  if (!github || !auth) return undefined;
  const api = createGitHubWriter({ apiUrl: github.hosts.apiUrl, auth, cache: PgGitHubCacheStore.create({ pool: backline.database.pool }) });
  return createCatalogFilePullRequests({ api, webUrl: github.hosts.webUrl, catalogPath: backline.config.github.catalogPath });
}

/** Full-text search over this database's catalog and docs cache: /find and questions in plain words. */
export function openSearch(backline: Backline): PgSearchStore {
  return PgSearchStore.create({ pool: backline.database.pool, genericPlanPool: backline.database.genericPlanPool });
}

/**
 * The links that unfurl into ownership cards: repositories on GitHub's web host (GITHUB_API_URL's),
 * pages of the TechDocs sites, and entity pages of the Backstage portal at BACKLINE_CATALOG_URL.
 */
export function unfurlSettings(config: Config, docsBaseUrl: string | null): UnfurlSettings {
  return {
    githubHosts: [new URL(githubHosts(config.github.apiUrl).webUrl).host],
    techdocsBaseUrls: docsBaseUrl && /^https?:/i.test(docsBaseUrl) ? [docsBaseUrl] : [],
    catalogBaseUrls: config.catalogUrl ? [config.catalogUrl] : [],
  };
}

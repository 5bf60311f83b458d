import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingest, rootFromPath, type IngestReport } from './catalog/ingest';
import { PgCatalogStore } from './catalog/PgCatalogStore';
import { cacheCatalogReads } from './catalog/readCache';
import { createCommandSet } from '../commands';
import { requireGitHubAuth, requireSlackConfig, type Config } from './config';
import { openDatabase, type Database } from './db/database';
import { createGitHubDocsChanges } from './docs/githubDocsChanges';
import { resolveDocs } from './docs/resolve';
import { DocsLibrary } from './docs/library';
import { createHealthJob } from './health/job';
import type { HealthReader, Scorecard } from './health/model';
import { PgHealthStore } from './health/PgHealthStore';
import { createHealthReader } from './health/reader';
import { createHealthService, type HealthService } from './health/service';
import { EvaluationStopped, evaluateOnThreads } from './health/evaluationThread';
import { startDelivery } from './scheduler';
import type { Outbox, ScheduledJob } from './scheduler/ports';
import { renderDigest, renderNudge } from '../commands/digest.blocks';
import type { DigestCommandPorts } from '../commands/digest';
import type { TeamDigest } from './health/digest';
import { digestJob, dryRunDigests } from './health/digestJob';
import { gatherDigest } from './health/digestSources';
import { nudgeJob } from './health/nudges';
import { PgDigestStore } from './health/PgDigestStore';
import { PgDocsStore } from './docs/PgDocsStore';
import { createDocsSite } from './docs/site';
import { TECHDOCS_PATH } from './docs/staticSite';
import { silentLogger, type Logger } from './logger';
import { createBacklineMetrics, watchEventLoop } from './metrics';
import { DEMO_CATALOG, DEMO_TECHDOCS } from './paths';
import type { SlackServer } from './slack/app';
import { directoryListingJob, listDirectoryOnStart, type CompletedListing, type DirectoryListingPorts } from './slack/directoryListing';
import { createSlackDirectory, type CachingSlackDirectory } from './slack/identity';
import { PgEventReceiptStore } from './slack/PgEventReceiptStore';
import { PgSlackIdentityStore } from './slack/PgSlackIdentityStore';
import type { SlackDirectory } from './directory';
import { createOpsgenieProvider } from './oncall/opsgenie';
import { createPagerDutyProvider } from './oncall/pagerduty';
import { PgOnCallCacheStore } from './oncall/PgOnCallCacheStore';
import type { OnCallProvider } from './oncall/provider';
import { createOnCallResolver, type OnCallResolver } from './oncall/resolve';
import { createSlackTimeZones } from './oncall/viewerTimeZone';
import type { Clock } from './sources/github/client';
import { createGitHubIntegration, GitHubRefresher, type GitHubIntegration, type IngestBase } from './sources/github/integration';
import { PgGitHubCacheStore } from './sources/github/PgGitHubCacheStore';
import { handleGitHubWebhook } from './sources/github/webhook';
import { receiveGitHubWebhooks } from './sources/github/webhookReceiver';
import { composeScaffolder, createGitHubWriter, repoTargetOf } from './scaffolder/compose';
import { PgTaskStore } from './scaffolder/PgTaskStore';
import type { Scaffolder } from './scaffolder/service';
import { createSlackProgressMessenger } from './slack/progressMessages';

/**
 * The one composition root: configuration → database → stores → (later) clients and the Slack app.
 * Every command builds its world here and nowhere else.
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
export function openGitHub(backline: Backline, options: { logger?: Logger; clock?: Clock } = {}): GitHubIntegration | undefined {
  const { github, maxFileBytes } = backline.config;
  if (!github.auth) return undefined;
  return createGitHubIntegration({
    apiUrl: github.apiUrl,
    auth: github.auth,
    cache: PgGitHubCacheStore.create({ pool: backline.database.pool }),
    maxBytes: maxFileBytes,
    includeArchived: github.includeArchived,
    includeForks: github.includeForks,
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
  const demoRoot = (await backline.catalog.getByRef('group:default/northwind-labs'))?.locationKey.startsWith(`file:${path.dirname(DEMO_CATALOG)}${path.sep}`);
  const dir = docs.dir ?? (demoRoot ? DEMO_TECHDOCS : null);
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

export interface OpenHealth {
  /** What digests, nudges, App Home and the CLI read (and where waivers are written). */
  reader: HealthReader;
  /** Collects facts and scores: everything (`collectAndScore`) or a few entities now (`evaluate`). */
  service: HealthService;
  scorecard: Scorecard;
  /** The scheduled evaluation, on backline.yaml's `health.schedule` (hourly by default), for the scheduler. */
  job: ScheduledJob;
}

/**
 * Health checks and scorecards over this database: the scorecard of backline.yaml (else the
 * default one), facts from the catalog, the docs cache (through `docs`, default openDocs), on-call
 * (through `oncall`, default openOnCall) and GitHub when configured.
 */
export function openHealth(
  backline: Backline,
  options: { logger?: Logger; docs?: DocsLibrary; oncall?: OnCallResolver; github?: GitHubIntegration; timezone?: string; evaluateAll?: Pick<HealthService, 'collectAndScore'> } = {},
): OpenHealth {
  const { pool } = backline.database;
  const { scorecard, schedule } = backline.config.health;
  const store = PgHealthStore.create({ pool });
  const docs = options.docs ?? openDocs(backline, { logger: options.logger });
  const docsCache = PgDocsStore.create({ pool });
  const github = options.github ?? openGitHub(backline, { logger: options.logger });
  const service = createHealthService({
    catalog: backline.catalog,
    store,
    scorecard,
    github: github && { client: github.client, hosts: github.hosts },
    docs: {
      baseUrl: docs.baseUrl,
      maxAgeDays: docs.maxAgeDays,
      getSites: (urls) => docsCache.getSites(urls),
      // An evaluation asked for now reads its few sites first, so it does not depend on serve's refresh.
      refresh: async (entities) => {
        const sites = new Map(entities.map((entity) => resolveDocs(entity, docs.baseUrl).site).filter((site) => site !== null).map((site) => [site.url, site]));
        await Promise.all([...sites.values()].map((site) => docs.refresh(site, { index: false })));
      },
    },
    oncall: options.oncall ?? openOnCall(backline, { logger: options.logger }),
    concurrency: backline.config.github.concurrency,
    logger: options.logger,
  });
  return {
    reader: createHealthReader({ catalog: backline.catalog, store, scorecard }),
    service,
    scorecard,
    job: createHealthJob(options.evaluateAll ?? service, { cron: schedule, timezone: options.timezone, logger: options.logger }),
  };
}

export interface OpenDigests {
  /** createCommandSet's `digests` port: the Snooze / Not applicable / Show all buttons, their modals, App Home's health section. */
  commandPorts(options?: { directory?: SlackDirectory }): DigestCommandPorts;
  /** For startDelivery's `jobs`: the due-digest job (every minute) and the nudge job (hourly), queueing into `outbox`. */
  jobs(outbox: Outbox, options?: { directory?: SlackDirectory }): ScheduledJob[];
  /** `backline digest --dry-run`: each owning team's digest (or one team's) as it would be composed now; records nothing. */
  dryRun(options: { team?: string; now?: Date }): Promise<TeamDigest[]>;
}

/**
 * Health digests and nudges over this database: read through `health` (default openHealth's
 * reader), remembered in the digests and nudges tables. Teams without a backline.dev/timezone
 * annotation get theirs on `defaultTimeZone` (default UTC). A Slack directory, when given, also
 * names members whose Slack account was deactivated.
 */
export function openDigests(backline: Backline, options: { health?: HealthReader; logger?: Logger; defaultTimeZone?: string; catchUpMs?: number; now?: () => Date } = {}): OpenDigests {
  const logger = options.logger ?? silentLogger;
  const health = options.health ?? openHealth(backline, { logger }).reader;
  const store = PgDigestStore.create({ pool: backline.database.pool });
  const schedule = { defaultTimeZone: options.defaultTimeZone ?? 'UTC', catchUpMs: options.catchUpMs };
  const reads = (directory?: SlackDirectory) => ({ health, store, catalog: backline.catalog, directory });
  return {
    commandPorts: ({ directory } = {}) => ({ health, now: options.now, digestOf: (team, now) => gatherDigest(team, now, reads(directory)) }),
    jobs: (outbox, { directory } = {}) => [
      digestJob({ ...reads(directory), outbox, render: renderDigest, logger: logger.child({ component: 'digests' }) }, schedule),
      nudgeJob({ health, store, outbox, render: renderNudge, logger: logger.child({ component: 'nudges' }) }),
    ],
    dryRun: ({ team, now }) => dryRunDigests(now ?? options.now?.() ?? new Date(), reads(), { team, defaultTimeZone: schedule.defaultTimeZone }),
  };
}

/**
 * The scaffolder: templates from BACKLINE_TEMPLATES_DIR and the catalog, tasks in this database,
 * publishing to GitHub when credentials are configured (else to local git repositories), and
 * registration through the same ingestion pipeline as everything else.
 */
export function openScaffolder(backline: Backline, options: { logger: Logger; github?: GitHubIntegration }): Scaffolder {
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
  });
}

export interface RunningServer {
  slack: SlackServer;
  /** Keeps BACKLINE_GITHUB_ORGS fresh, when configured. */
  github: GitHubRefresher | undefined;
  /** Settles when the health evaluation serve may run at start is over (it never rejects). */
  healthEvaluatedAtStart: Promise<void>;
  /** Settles when the listing of Slack's people serve may run at start is over (it never rejects). */
  directoryListedAtStart: Promise<void>;
  stop(): Promise<void>;
}

/**
 * `backline serve`: the Slack app over the catalog, with health and metrics endpoints.
 */
export async function startServer(config: Config, options: { logger: Logger; ackBudgetMs?: number }): Promise<RunningServer> {
  const slack = requireSlackConfig(config);
  // Before opening the database: a rejected token should stop start-up with nothing to clean up.
  // Bolt is loaded here, not at the top: every other command (ingest, whoowns, shell) starts
  // about half a second sooner without it.
  const { createSlackApp, identifyBot } = require('./slack/app') as typeof import('./slack/app');
  const { logger } = options;
  const bot = await identifyBot(slack, logger.child({ component: 'slack' }));
  if (config.github.orgs.length) requireGitHubAuth(config);
  const backline = await openBackline(config, { log: (line) => logger.info(line), poolSize: 20 });
  const { pool } = backline.database;
  const metrics = createBacklineMetrics();
  const eventLoop = watchEventLoop(metrics);
  const identities = PgSlackIdentityStore.create({ pool });
  // Cards asked for again are answered from memory until the catalog changes (one pool connection listens).
  const catalogReads = cacheCatalogReads(backline.catalog, backline.catalog);
  const refreshGauges = async () => {
    metrics.catalogEntities.set({}, await backline.catalog.countEntities());
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM processing_errors');
    metrics.ingestionErrors.set({}, rows[0]?.n ?? 0);
  };
  // One GitHub client for every part of serve, so they share its rate-limit budget and concurrency.
  const githubIntegration = openGitHub(backline, { logger: logger.child({ component: 'github' }) });
  const github = startGitHub(backline, config, githubIntegration, logger.child({ component: 'github' }));
  const scaffolder = openScaffolder(backline, { logger: logger.child({ component: 'scaffolder' }), github: githubIntegration });
  // Hosting BACKLINE_DOCS_DIR without TECHDOCS_BASE_URL: links point at this server on this machine.
  const docs = openDocs(backline, { baseUrl: config.docs.baseUrl ?? (config.docs.dir ? `http://localhost:${config.port}${TECHDOCS_PATH}` : null), logger: logger.child({ component: 'docs' }), github: githubIntegration });
  // Whole-catalog evaluations (hourly, and at start) run on a thread of their own, away from requests.
  const evaluations = evaluateOnThreads(
    { collectAndScore: () => health.service.collectAndScore() },
    { config: { ...config, databaseUrl: backline.database.connectionString }, docsBaseUrl: docs.baseUrl },
    { logger: logger.child({ component: 'health' }) },
  );
  const health = openHealth(backline, { docs, github: githubIntegration, logger: logger.child({ component: 'health' }), evaluateAll: evaluations });
  const digests = openDigests(backline, { health: health.reader, defaultTimeZone: config.digests.defaultTimeZone, logger });
  // Made with the Slack client below; the scheduled jobs use the same one as the commands.
  let directory: CachingSlackDirectory | undefined;
  const server = createSlackApp({
    bot,
    slack,
    port: config.port,
    logger,
    metrics,
    receipts: PgEventReceiptStore.create({ pool }),
    ackBudgetMs: options.ackBudgetMs,
    commands: (client) => {
      const countSlackCall = (method: string, ok: boolean) => metrics.slackCalls.inc({ method, outcome: ok ? 'ok' : 'error' });
      // One directory for every command, so people looked up for one card are known to the next.
      directory = createSlackDirectory({ client, store: identities, onApiCall: countSlackCall });
      return createCommandSet({
        catalog: catalogReads.catalog,
        directory,
        oncall: openOnCall(backline, { directory, logger: logger.child({ component: 'oncall' }) }),
        timeZoneOf: createSlackTimeZones({ client, onApiCall: countSlackCall }),
        docs,
        createService: {
          scaffolder,
          catalog: backline.catalog,
          directory,
          messenger: createSlackProgressMessenger(client, countSlackCall),
          repoTarget: repoTargetOf(config.github),
        },
        digests: digests.commandPorts({ directory }),
      });
    },
    ...(config.docs.dir && { techdocsDir: config.docs.dir }),
    healthy: async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    ...(config.github.webhookSecret && {
      githubWebhook: receiveGitHubWebhooks({
        secret: config.github.webhookSecret,
        limits: config.github.webhook,
        handle: (delivery) =>
          handleGitHubWebhook(delivery, {
            catalogPath: config.github.catalogPath,
            refreshRepository: (owner, repo) => github?.refresher.refreshRepository(owner, repo),
            logger: logger.child({ component: 'github-webhook' }),
          }),
        logger: logger.child({ component: 'github-webhook' }),
      }),
    }),
  });
  try {
    await refreshGauges();
    await server.start();
  } catch (error) {
    eventLoop.stop();
    await catalogReads.stop();
    await backline.close();
    throw error;
  }
  const gauges = setInterval(() => void refreshGauges().catch((error: unknown) => logger.warn('could not refresh catalog metrics', { error })), 30_000);
  gauges.unref();
  github?.start();
  const docsRefresh = startDocsRefresh(docs, config, logger.child({ component: 'docs' }));
  // Slack's people are listed hourly (and at start when no recent listing exists), so a team's
  // first card finds its members' accounts in the identity cache.
  const stopListing = new AbortController();
  // What this replica remembers of people's accounts is read afresh from the identity cache after
  // each listing, and at start, so a team's first card asks PostgreSQL nothing about its people.
  const recallPeople = async (catalogEmails?: string[]) => {
    if (directory) await directory.recall(catalogEmails ?? (await backline.catalog.userEmails()));
  };
  const listing: DirectoryListingPorts & { logger: Logger; listed: (listing: CompletedListing) => Promise<void> } = {
    client: server.app.client,
    store: identities,
    catalogEmails: () => backline.catalog.userEmails(),
    onApiCall: (method, ok) => metrics.slackCalls.inc({ method, outcome: ok ? 'ok' : 'error' }),
    logger: logger.child({ component: 'slack-directory' }),
    listed: (completed) => recallPeople(completed.catalogEmails),
    signal: stopListing.signal,
  };
  // Every replica drains the outbox; each scheduled slot (health evaluation, due digests, nudges,
  // the listing of Slack's people) runs on one replica only, through cron_runs.
  const delivery = startDelivery({
    pool,
    client: server.app.client,
    logger: logger.child({ component: 'delivery' }),
    metrics,
    jobs: (outbox) => [health.job, ...digests.jobs(outbox, { directory }), directoryListingJob(listing)],
  });
  const firstEvaluation = evaluateHealthOnStart(health.service, evaluations, logger.child({ component: 'health' }));
  const firstListing = listDirectoryOnStart(listing).then(async (listed) => {
    if (listed) return;
    await recallPeople().catch((error: unknown) => listing.logger.warn('could not read Slack accounts into memory at start; cards read them as they need them', { error }));
  });
  let stopping: Promise<void> | undefined;
  return {
    slack: server,
    github: github?.refresher,
    healthEvaluatedAtStart: firstEvaluation,
    directoryListedAtStart: firstListing,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(gauges);
        stopListing.abort();
        await server.stop();
        await evaluations.stop();
        await delivery.stop();
        await firstEvaluation;
        await firstListing;
        await github?.stop();
        await docsRefresh.stop();
        await catalogReads.stop();
        await backline.close();
        eventLoop.stop();
      })()),
  };
}

/** How recent an evaluation must be for serve to skip its own at start. */
const FRESH_EVALUATION_MS = 60 * 60_000;

/**
 * One evaluation of every entity when serve starts and none ran in the last hour (a first
 * deployment, or a long outage), so App Home, `backline health` and the first digest have results
 * without waiting for the scheduled slot. Replicas starting together may each run one; the health
 * store's lock keeps their writes from interleaving, and a failure is only logged.
 */
async function evaluateHealthOnStart(health: Pick<HealthService, 'lastEvaluatedAt'>, evaluations: Pick<HealthService, 'collectAndScore'>, logger: Logger): Promise<void> {
  try {
    const last = await health.lastEvaluatedAt();
    if (last && Date.now() - last.getTime() < FRESH_EVALUATION_MS) return;
    const report = await evaluations.collectAndScore();
    logger.info(`health: evaluated ${report.entities} entities and ${report.teams} teams at start`);
  } catch (error) {
    if (error instanceof EvaluationStopped) logger.info(error.message);
    else logger.error('health evaluation at start failed; the next scheduled one will try again', { error });
  }
}

/**
 * Every documented entity's TechDocs site, read once at start and then every
 * BACKLINE_DOCS_REFRESH_MINUTES, so cards show current build ages and searches cover every site.
 */
function startDocsRefresh(docs: DocsLibrary, config: Config, logger: Logger): { stop(): Promise<void> } {
  if (!docs.baseUrl || config.docs.refreshMinutes <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const refresh = () => {
    running ??= docs
      .refreshAll()
      .then(
        ({ sites, failed }) => logger.info(`read ${sites} docs site(s)${failed ? `, ${failed} with problems (see /docs <entity>)` : ''}`),
        (error: unknown) => logger.error('docs refresh failed', { error }),
      )
      .finally(() => (running = undefined));
  };
  refresh();
  const timer = setInterval(refresh, config.docs.refreshMinutes * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The organisations of BACKLINE_GITHUB_ORGS, refreshed once at start and then every
 * BACKLINE_GITHUB_REFRESH_MINUTES (and by webhooks). Errors of a pass are logged by the refresher.
 */
function startGitHub(backline: Backline, config: Config, github: GitHubIntegration | undefined, logger: Logger): { refresher: GitHubRefresher; start(): void; stop(): Promise<void> } | undefined {
  const integration = config.github.orgs.length ? github : undefined;
  if (!integration) return undefined;
  const refresher = new GitHubRefresher({
    integration,
    base: ingestBase(backline),
    orgs: config.github.orgs,
    catalogPath: config.github.catalogPath,
    importTeams: config.github.importTeams,
    logger,
  });
  let timer: NodeJS.Timeout | undefined;
  const refresh = () => void refresher.refreshAll().catch(() => undefined);
  return {
    refresher,
    start: () => {
      refresh();
      const minutes = config.github.refreshMinutes;
      if (minutes > 0) {
        timer = setInterval(refresh, minutes * 60_000);
        timer.unref();
      }
    },
    stop: async () => {
      clearInterval(timer);
      await refresher.stop();
    },
  };
}

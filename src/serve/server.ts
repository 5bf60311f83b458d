import { createCommandSet } from '../../commands';
import { requireGitHubAuth, requireSlackConfig, type Config } from '../config';
import { evaluateOnThreads } from './evaluationThread';
import { startDelivery } from '../slack/delivery';
import { TECHDOCS_PATH } from '../docs/staticSite';
import { type Logger } from '../logger';
import { createBacklineMetrics, watchEventLoop } from '../metrics';
import type { SlackDirectory } from '../directory';
import type { SlackServer } from '../slack/app';
import { directoryListingJob, listDirectoryOnStart, type DirectoryListingPorts } from '../slack/directoryListing';
import { createSlackDirectory } from '../slack/identity';
import { PgEventReceiptStore } from '../slack/PgEventReceiptStore';
import { PgSlackIdentityStore } from '../slack/PgSlackIdentityStore';
import { createSlackTimeZones } from '../oncall/viewerTimeZone';
import { GitHubRefresher } from '../sources/github/integration';
import { handleGitHubWebhook } from '../sources/github/webhook';
import { receiveGitHubWebhooks } from '../sources/github/webhookReceiver';
import { repoTargetOf } from '../scaffolder/compose';
import { createSlackProgressMessenger } from '../slack/progressMessages';
import { openBackline, openCatalogFilePullRequests, openDocs, openGitHub, openOnCall, openScaffolder, openSearch, unfurlSettings } from '../compose/backline';
import { PgOwnershipCorrections } from '../catalog/PgOwnershipCorrections';
import { openDigests, openHealth } from '../compose/health';
import { openMcp } from '../compose/mcp';
import { createMcpHttpHandler } from '../mcp/http';
import { evaluateHealthOnStart, startDocsRefresh, startGitHub } from './lifecycle';
import { readMigrations } from '../db/migrate';
import { databaseReadiness } from './readiness';
import { stopWithin, type ShutdownReport } from './shutdown';
import { checkInstallationAtStart } from './checksAtStart';

export interface RunningServer {
  slack: SlackServer;
  /** Keeps BACKLINE_GITHUB_ORGS fresh, when configured. */
  github: GitHubRefresher | undefined;
  /** Settles when the health evaluation serve may run at start is over (it never rejects). */
  healthEvaluatedAtStart: Promise<void>;
  /** Settles when the listing of Slack's people serve may run at start is over (it never rejects). */
  directoryListedAtStart: Promise<void>;
  /** Settles when `backline doctor`'s checks, run at start and logged as warnings, are over (it never rejects). */
  checkedAtStart: Promise<void>;
  /**
   * Stops taking requests, finishes those under way and the background work, and closes the
   * database, within `deadlineMs` (BACKLINE_SHUTDOWN_SECONDS unless given); what the deadline
   * cut is logged and reported.
   */
  stop(options?: { deadlineMs?: number }): Promise<ShutdownReport>;
}

/**
 * `backline serve`: the Slack app over the catalog, with health and metrics endpoints.
 */
export async function startServer(config: Config, options: { logger: Logger; ackBudgetMs?: number; socketPingTimeoutMs?: number }): Promise<RunningServer> {
  const slack = requireSlackConfig(config);
  // Before opening the database: a rejected token should stop start-up with nothing to clean up.
  // Bolt is loaded here, not at the top: every other command (ingest, whoowns, shell) starts
  // about half a second sooner without it.
  const { createSlackApp, identifyBot } = require('../slack/app') as typeof import('../slack/app');
  const { logger } = options;
  const bot = await identifyBot(slack, logger.child({ component: 'slack' }));
  if (config.github.orgs.length) requireGitHubAuth(config);
  const backline = await openBackline(config, { log: (line) => logger.info(line), poolSize: 20 });
  const { pool } = backline.database;
  const metrics = createBacklineMetrics();
  const eventLoop = watchEventLoop(metrics);
  const identities = PgSlackIdentityStore.create({ pool });
  const refreshGauges = async () => {
    metrics.catalogEntities.set({}, await backline.catalog.countEntities());
    metrics.ingestionErrors.set({}, await backline.catalog.countProblems());
  };
  // One GitHub client for every part of serve, so they share its rate-limit budget and concurrency.
  const githubIntegration = openGitHub(backline, { logger: logger.child({ component: 'github' }) });
  const github = startGitHub(backline, config, githubIntegration, logger.child({ component: 'github' }));
  // A warmed sandbox waits for the next task, which then renders its skeleton about twice as fast.
  const scaffolder = openScaffolder(backline, { logger: logger.child({ component: 'scaffolder' }), github: githubIntegration, spareSandboxes: true });
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
  // Read once: /readyz compares them with the database's on every probe.
  const migrations = readMigrations();
  // AI assistants at POST /mcp: the same answers as the commands, as the token's catalog User.
  const mcpOnCall = openOnCall(backline, { logger: logger.child({ component: 'oncall' }) });
  const mcp = openMcp(backline, { logger, docs, oncall: mcpOnCall, health, scaffolder, timeZone: config.digests.defaultTimeZone });
  if (config.mcp.tokens.length === 0) logger.info('POST /mcp refuses every request: set BACKLINE_MCP_TOKENS to let AI assistants in (docs/mcp.md)');
  // Made with the Slack client below; the scheduled jobs use the same one as the commands.
  let directory: SlackDirectory | undefined;
  const server = createSlackApp({
    bot,
    slack,
    port: config.port,
    logger,
    metrics,
    receipts: PgEventReceiptStore.create({ pool }),
    ackBudgetMs: options.ackBudgetMs,
    socketPingTimeoutMs: options.socketPingTimeoutMs,
    commands: (client) => {
      const countSlackCall = (method: string, ok: boolean) => metrics.slackCalls.inc({ method, outcome: ok ? 'ok' : 'error' });
      // One directory for every command, so people looked up for one card are known to the next.
      directory = createSlackDirectory({ client, store: identities, onApiCall: countSlackCall });
      return createCommandSet({
        catalog: backline.catalog,
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
        inferred: {
          corrections: PgOwnershipCorrections.create({ pool }),
          pullRequests: openCatalogFilePullRequests(backline, githubIntegration),
          refreshRepository: (owner, repo) => github?.refresher.refreshRepository(owner, repo),
          // Buttons are pressed once serve has started, by when delivery (below) is running.
          outbox: { enqueue: (messages) => delivery.outbox.enqueue(messages) },
        },
        finder: openSearch(backline),
        unfurls: unfurlSettings(config, docs.baseUrl),
      });
    },
    ...(config.docs.dir && { techdocsDir: config.docs.dir }),
    readiness: () => databaseReadiness(backline.database, migrations),
    mcp: createMcpHttpHandler({ surface: mcp, tokens: config.mcp.tokens, logger }),
    ...(config.github.webhookSecret && {
      githubWebhook: receiveGitHubWebhooks({
        secret: config.github.webhookSecret,
        limits: config.github.webhook,
        handle: (delivery) =>
          handleGitHubWebhook(delivery, {
            catalogPath: config.github.catalogPath,
            infer: config.github.infer,
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
    scaffolder.close();
    eventLoop.stop();
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
  const listing: DirectoryListingPorts & { logger: Logger } = {
    client: server.app.client,
    store: identities,
    catalogEmails: () => backline.catalog.userEmails(),
    onApiCall: (method, ok) => metrics.slackCalls.inc({ method, outcome: ok ? 'ok' : 'error' }),
    logger: logger.child({ component: 'slack-directory' }),
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
  const firstListing = listDirectoryOnStart(listing).then(() => undefined);
  const checks = checkInstallationAtStart(config, backline.database, logger.child({ component: 'doctor' }));
  let stopping: Promise<ShutdownReport> | undefined;
  return {
    slack: server,
    github: github?.refresher,
    healthEvaluatedAtStart: firstEvaluation,
    directoryListedAtStart: firstListing,
    checkedAtStart: checks,
    stop: (stopOptions = {}) =>
      (stopping ??= (async () => {
        clearInterval(gauges);
        stopListing.abort();
        return stopWithin(
          stopOptions.deadlineMs ?? config.shutdownMs,
          [
            { what: 'Slack requests', run: () => server.stop() },
            { what: 'MCP requests', run: () => mcp.close() },
            { what: 'the scaffolder', run: async () => scaffolder.close() },
            { what: 'the health evaluation', run: () => evaluations.stop() },
            { what: 'scheduled jobs and the outbox sender', run: () => delivery.stop() },
            { what: 'the evaluation at start', run: () => firstEvaluation },
            { what: "the listing of Slack's people", run: () => firstListing },
            { what: 'the checks at start', run: () => checks },
            { what: 'the GitHub refresh', run: async () => github?.stop() },
            { what: 'the docs refresh', run: () => docsRefresh.stop() },
          ],
          {
            unfinished: () => server.inFlight(),
            close: async () => {
              await backline.close();
              eventLoop.stop();
            },
            logger,
          },
        );
      })()),
  };
}

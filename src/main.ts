import { ingest, rootFromPath, type IngestReport } from './catalog/ingest';
import { PgCatalogStore } from './catalog/PgCatalogStore';
import { createCommandSet } from '../commands';
import { requireSlackConfig, type Config } from './config';
import { openDatabase, type Database } from './db/database';
import type { Logger } from './logger';
import { createBacklineMetrics } from './metrics';
import { DEMO_CATALOG } from './paths';
import { createSlackApp, type SlackServer } from './slack/app';
import { createSlackDirectory } from './slack/identity';
import { PgEventReceiptStore } from './slack/PgEventReceiptStore';
import { PgSlackIdentityStore } from './slack/PgSlackIdentityStore';

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

/** Loads the demo company's catalog into an empty database, so a first run has something to show. */
export async function loadDemoCatalogIfEmpty(backline: Backline): Promise<IngestReport | undefined> {
  if ((await backline.catalog.countEntities()) > 0) return undefined;
  return ingest([await rootFromPath(DEMO_CATALOG)], { store: backline.catalog, maxBytes: backline.config.maxFileBytes });
}

export interface RunningServer {
  slack: SlackServer;
  stop(): Promise<void>;
}

/**
 * `backline serve`: the Slack app over the catalog, with health and metrics endpoints.
 */
export async function startServer(config: Config, options: { logger: Logger; ackBudgetMs?: number }): Promise<RunningServer> {
  const slack = requireSlackConfig(config);
  const { logger } = options;
  const backline = await openBackline(config, { log: (line) => logger.info(line), poolSize: 20 });
  const { pool } = backline.database;
  const metrics = createBacklineMetrics();
  const identities = PgSlackIdentityStore.create({ pool });
  const refreshGauges = async () => {
    metrics.catalogEntities.set({}, await backline.catalog.countEntities());
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM processing_errors');
    metrics.ingestionErrors.set({}, rows[0]?.n ?? 0);
  };
  const server = createSlackApp({
    slack,
    port: config.port,
    logger,
    metrics,
    receipts: PgEventReceiptStore.create({ pool }),
    ackBudgetMs: options.ackBudgetMs,
    commands: (client) =>
      createCommandSet({
        catalog: backline.catalog,
        directory: createSlackDirectory({ client, store: identities, onApiCall: (method, ok) => metrics.slackCalls.inc({ method, outcome: ok ? 'ok' : 'error' }) }),
      }),
    healthy: async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
  });
  try {
    await refreshGauges();
    await server.start();
  } catch (error) {
    await backline.close();
    throw error;
  }
  const gauges = setInterval(() => void refreshGauges().catch((error: unknown) => logger.warn('could not refresh catalog metrics', { error })), 30_000);
  gauges.unref();
  let stopping: Promise<void> | undefined;
  return {
    slack: server,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(gauges);
        await server.stop();
        await backline.close();
      })()),
  };
}

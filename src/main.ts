import { ingest, rootFromPath, type IngestReport } from './catalog/ingest';
import { PgCatalogStore } from './catalog/PgCatalogStore';
import type { Config } from './config';
import { openDatabase, type Database } from './db/database';
import { DEMO_CATALOG } from './paths';

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

import type pg from 'pg';
import { redactSecrets } from '../redact';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { checkConnection, createPool } from './pool';

export interface Database {
  pool: pg.Pool;
  /**
   * A few connections whose named statements always run their generic plan: for statements that
   * take longer to plan than to run (full-text search's, one statement of many parts), which
   * PostgreSQL would otherwise plan afresh at every run when a plan made for the values looks cheaper.
   * A statement whose best plan depends on its values does not belong here.
   */
  genericPlanPool: pg.Pool;
  /** Where the data lives, for messages: the server's address or the embedded data folder. */
  described: string;
  /** How to connect to it (DATABASE_URL, or the embedded server's address), for other threads of this process. */
  connectionString: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Apply pending migrations on open (every command but `migrate` itself wants this). */
  migrate?: boolean;
  log?: (line: string) => void;
  poolSize?: number;
}

const GENERIC_PLAN_POOL_SIZE = 5;

/** DATABASE_URL when given; otherwise the embedded server in the data folder, started on demand. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const embedded = options.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: options.dataDir, log: options.log });
  const connectionString = options.databaseUrl ?? embedded!.connectionString;
  const described = options.databaseUrl ? redactSecrets(options.databaseUrl) : `the embedded database in ${options.dataDir}`;
  const pool = createPool(connectionString, { max: options.poolSize });
  // Connections are opened when first used: commands that never search never open one.
  const genericPlanPool = createPool(connectionString, { max: GENERIC_PLAN_POOL_SIZE, genericPlans: true });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all([pool.end(), genericPlanPool.end()]);
    await embedded?.release();
  };
  try {
    await checkConnection(pool, described);
    if (options.migrate !== false) await migrate(pool);
  } catch (error) {
    await close();
    throw error;
  }
  return { pool, genericPlanPool, described, connectionString, close };
}

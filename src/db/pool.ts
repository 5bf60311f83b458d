import pg from 'pg';
import { AppError } from '../errors';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/**
 * What this process's connections call themselves in pg_stat_activity: operators see which Backline
 * process holds a connection, and the embedded server's owner can tell its own connections (still
 * closing when it stops) from another process's.
 */
export const APPLICATION_NAME = `backline/${process.pid}`;

export function createPool(connectionString: string, options: { max?: number; genericPlans?: boolean } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    application_name: APPLICATION_NAME,
    ...(options.genericPlans && { Client: GenericPlanClient }),
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A client whose session runs every named statement's generic plan, set once connected and before
 * the pool hands it out. Set in the session, not as a startup option, which connection poolers such
 * as PgBouncer refuse. A server without the setting (before PostgreSQL 12) plans as it always does:
 * slower, not wrong.
 */
class GenericPlanClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
    const ready = super.connect().then(() =>
      this.query('SET plan_cache_mode = force_generic_plan').then(
        () => this,
        () => this,
      ),
    );
    if (!callback) return ready;
    const answer = callback as (error: Error | null, client?: pg.Client) => void;
    ready.then(
      (client) => answer(null, client),
      (error: Error) => answer(error),
    );
  }
}

type ConnectCallback = ((error: Error) => void) | ((error: null, client: pg.Client) => void);

/** Fails with a message that says what to do when the database cannot be reached. */
export async function checkConnection(pool: pg.Pool, described: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw new AppError('DATABASE_UNAVAILABLE', `Cannot connect to ${described}: ${(error as Error).message}. Check DATABASE_URL, or unset it to use the embedded database.`, { cause: error });
  }
}

/** The server's version, e.g. "16.4": what `backline doctor` shows when the database answers. */
export async function serverVersion(pool: Queryable): Promise<string> {
  const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
  return rows[0]?.server_version ?? 'unknown';
}

/**
 * A client checked out of the pool, guarded: a connection lost between its queries (while the work
 * computes, or a COPY waits) is an 'error' event no query hears, which would end the process. The
 * next query fails instead, and the pool drops the client.
 */
export async function checkedOut(pool: pg.Pool): Promise<pg.PoolClient & { done(): void }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const lost = (error: Error) => {
    broken = error;
  };
  client.on('error', lost);
  return Object.assign(client, {
    done() {
      client.off('error', lost);
      // A lost connection goes back destroyed, not to be handed out again.
      client.release(broken);
    },
  });
}

export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await checkedOut(pool);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.done();
  }
}

import type { Database } from '../db/database';
import { migrationState, type Migration } from '../db/migrate';
import { redactSecrets } from '../redact';
import type { Readiness } from '../slack/httpRoutes';

/** How long GET /readyz waits for PostgreSQL: an orchestrator's probe gives up after a few seconds. */
const DATABASE_WAIT_MS = 2000;

/**
 * Ready while PostgreSQL answers and has every migration this version knows. Migrations are
 * applied at start, so pending ones mean the database was replaced or restored behind serve's back.
 */
export async function databaseReadiness(database: Pick<Database, 'pool'>, migrations: Migration[], waitMs = DATABASE_WAIT_MS): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${waitMs} ms`)), waitMs);
  });
  let pending: string[];
  try {
    pending = (await Promise.race([migrationState(database.pool, migrations), gaveUp])).pending;
  } catch (error) {
    return { ready: false, status: 'database unreachable', reason: `PostgreSQL did not answer (${redactSecrets((error as Error).message)}); commands answer again as soon as it does` };
  } finally {
    clearTimeout(timer);
  }
  if (pending.length === 0) return { ready: true };
  return { ready: false, status: 'migrations pending', reason: `the database lacks ${pending.length === 1 ? 'migration' : 'migrations'} ${pending.join(', ')}: run \`backline migrate\` with this version, or restart serve, which applies them at start` };
}

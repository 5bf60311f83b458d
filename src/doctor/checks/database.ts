import { count, messageOf, ok, problem, skipped, type Finding } from '../findings';
import type { DatabasePort } from '../ports';

/**
 * The database answers, and its schema is the one this Backline expects. `ready` says whether the
 * catalog can be read for the checks that need it (team channels, docs sites, catalog templates).
 */
export async function checkDatabase(database: DatabasePort): Promise<{ findings: Finding[]; ready: boolean }> {
  let version: string;
  try {
    ({ version } = await database.connect());
  } catch (error) {
    const fix = database.embedded
      ? `With DATABASE_URL unset, Backline runs an embedded PostgreSQL in BACKLINE_DATA_DIR: check that the folder is writable by this user and has free space, and look for a PostgreSQL error above.\nOr set DATABASE_URL to your PostgreSQL server (postgresql://user:password@host:5432/backline).`
      : 'Check that PostgreSQL is running and reachable from here, and that DATABASE_URL names the right host, port, user, password and database.\nOr unset DATABASE_URL to use the embedded database in BACKLINE_DATA_DIR.';
    return {
      findings: [problem('database', `cannot connect to ${database.described}: ${reasonOf(error)}`, fix), skipped('database.migrations', 'not checked: the database did not answer')],
      ready: false,
    };
  }
  const connected = ok('database', `PostgreSQL ${version} answers at ${database.described}`);
  try {
    const state = await database.migrations();
    if (state.revision > state.latestKnown) {
      return {
        findings: [connected, problem('database.migrations', `the database is at schema revision ${state.revision}, newer than the ${state.latestKnown} this Backline knows: a newer Backline migrated it`, 'Upgrade Backline to the version the other processes run, or point DATABASE_URL at another database.\nTo go back to this version, restore the backup taken before the upgrade (docs/operations.md#upgrades-and-migrations).')],
        ready: false,
      };
    }
    if (state.pending.length > 0) {
      const what = state.revision === 0 ? `the database has no Backline schema yet: ${count(state.pending.length, 'migration')} to apply` : `${count(state.pending.length, 'migration')} ${state.pending.length === 1 ? 'is' : 'are'} pending: ${state.pending.join(', ')}`;
      return {
        findings: [connected, problem('database.migrations', what, 'Run `backline migrate` (every other command, serve included, also applies them when it starts).')],
        ready: state.revision > 0,
      };
    }
    return { findings: [connected, ok('database.migrations', `schema revision ${state.revision}, the latest this Backline knows`)], ready: true };
  } catch (error) {
    return { findings: [connected, problem('database.migrations', `the migrations table could not be read: ${messageOf(error)}`, 'Check that the DATABASE_URL user may read the backline_migrations table, then run `backline migrate`.')], ready: false };
  }
}

/** The database's own words: "Cannot connect to X: <reason>. Check …" loses its frame. */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const text = cause instanceof Error && cause.message ? cause.message : messageOf(error);
  return text.replace(/\s+/g, ' ').trim() || 'no reason given';
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEMPLATE_DATABASE = 'backline_test_template';

export interface TestDatabase {
  pool: pg.Pool;
  url: string;
}

/** Throws when clients of the pool are still checked out: a test forgot a release(). */
export function assertNoCheckedOutClients(pool: pg.Pool): void {
  const checkedOut = pool.totalCount - pool.idleCount;
  if (checkedOut > 0) throw new Error(`A test leaked ${checkedOut} pool client(s): every pool.connect() needs a release().`);
}

function adminUrl(): string {
  const url = process.env.BACKLINE_TEST_ADMIN_URL;
  if (!url) throw new Error('BACKLINE_TEST_ADMIN_URL is not set: run the tests through jest, whose global setup starts PostgreSQL.');
  return url;
}

function urlFor(database: string): string {
  const parsed = new URL(adminUrl());
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Gives the calling test file a database of its own, cloned from the migrated template, and
 * registers hooks that fail the file when a test leaves a pool client checked out.
 */
export function useTestDatabase(): () => TestDatabase {
  let current: TestDatabase | undefined;
  let name = '';

  beforeAll(async () => {
    name = `backline_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
    } finally {
      await admin.end();
    }
    const url = urlFor(name);
    current = { pool: new pg.Pool({ connectionString: url, max: 5 }), url };
  });

  afterEach(() => {
    if (current) assertNoCheckedOutClients(current.pool);
  });

  afterAll(async () => {
    if (!current) return;
    // pool.end() resolves once its clients are asked to end, before their server processes have
    // exited. The forced drop below terminates any still there, and the pool re-emits that
    // termination as an error: it is expected here and must not fail the file.
    current.pool.on('error', () => undefined);
    await current.pool.end();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  return () => {
    if (!current) throw new Error('The test database is only available inside tests and hooks.');
    return current;
  };
}

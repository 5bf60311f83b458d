import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { migrate } from '../../src/db/migrate';
import { TEMPLATE_DATABASE } from './testDatabase';

/**
 * Starts one real PostgreSQL for the whole run (or uses DATABASE_URL), and builds a migrated
 * template database that each test file clones into a database of its own.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir, unsafeFast: true });
    adminUrl = server.connectionString;
    (globalThis as Record<string, unknown>).__backlineTestServer = { server, dataDir };
  }
  process.env.BACKLINE_TEST_ADMIN_URL = adminUrl;

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, TEMPLATE_DATABASE) });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

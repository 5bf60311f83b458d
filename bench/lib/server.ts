import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded';

/**
 * The PostgreSQL server a benchmark runs against: DATABASE_URL when set (used as an admin
 * connection to create scratch databases), else a throwaway embedded cluster with durability off.
 */
export interface BenchServer {
  adminUrl: string;
  described: string;
  /** The server's log file, when this process started the server. */
  logFile?: string;
  /** Creates an empty database, or a copy of `template` (a database nobody is connected to), and returns its URL. */
  createDatabase(prefix: string, template?: string): Promise<{ url: string; name: string }>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchServer(log: (line: string) => void): Promise<BenchServer> {
  let adminUrl = process.env.DATABASE_URL;
  let stopServer = async () => undefined as void;
  let described = 'DATABASE_URL';
  let logFile: string | undefined;
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-bench-pg-'));
    const started = performance.now();
    const server = await startEmbeddedPostgres({ dataDir, unsafeFast: true });
    log(`Started a throwaway embedded PostgreSQL (fsync=off) in ${dataDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    adminUrl = server.connectionString;
    logFile = path.join(dataDir, 'postgres.log');
    described = 'embedded PostgreSQL, fsync=off, synchronous_commit=off, full_page_writes=off';
    stopServer = async () => {
      await server.release();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    adminUrl,
    described,
    logFile,
    async createDatabase(prefix, template) {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      await admin((client) => client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
      return { url: withDatabase(adminUrl!, name), name };
    },
    async dropDatabase(name) {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
    stop: () => stopServer(),
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The server's version and the settings that matter for these numbers. */
export async function describeServer(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'fsync', 'synchronous_commit', 'max_parallel_workers_per_gather', 'work_mem') ORDER BY name`,
  );
  return rows.map((row) => `${row.name}=${row.setting}`).join(', ');
}

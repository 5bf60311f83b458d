import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/db/database';
import { startEmbeddedPostgres } from '../../src/db/embedded';

jest.setTimeout(60_000);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-embedded-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const pidFile = () => path.join(dataDir, 'pgdata', 'postmaster.pid');

describe('the embedded PostgreSQL default', () => {
  it('creates a cluster on first use, applies migrations, and stops when the last user closes it', async () => {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    const { rows } = await database.pool.query(`SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`);
    expect(rows).toEqual([{ extname: 'pg_trgm' }]);
    expect(fs.existsSync(pidFile())).toBe(true);
    await database.close();
    expect(fs.existsSync(pidFile())).toBe(false);
  });

  it('keeps data between runs', async () => {
    const first = await openDatabase({ databaseUrl: undefined, dataDir });
    await first.pool.query(`CREATE TABLE IF NOT EXISTS kept (v text); INSERT INTO kept VALUES ('still here')`);
    await first.close();
    const second = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      expect((await second.pool.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
    } finally {
      await second.close();
    }
  });

  it('lets a second process connect to the server the first one holds, and leaves it running for the holder', async () => {
    const holder = await startEmbeddedPostgres({ dataDir });
    const holderPool = new pg.Pool({ connectionString: holder.connectionString, max: 1 });
    await holderPool.query('SELECT 1');
    const visitor = await startEmbeddedPostgres({ dataDir });
    expect(holder.started).toBe(true);
    expect(visitor.started).toBe(false);
    expect(new URL(visitor.connectionString).port).toBe(new URL(holder.connectionString).port);

    await visitor.release();
    expect((await holderPool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);

    await holderPool.end();
    await holder.release();
    expect(fs.existsSync(pidFile())).toBe(false);
  });

  it('has two processes starting at once share one server', async () => {
    const [a, b] = await Promise.all([startEmbeddedPostgres({ dataDir }), startEmbeddedPostgres({ dataDir })]);
    expect([a.started, b.started].sort()).toEqual([false, true]);
    expect(a.connectionString).toBe(b.connectionString);
    const owner = a.started ? a : b;
    const other = a.started ? b : a;
    await other.release();
    await owner.release();
    expect(fs.existsSync(pidFile())).toBe(false);
  });
});

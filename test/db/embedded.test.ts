import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/db/database';
import { APPLICATION_NAME } from '../../src/db/pool';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { embeddedPostgresEnvironment } from '../../src/db/embeddedEnvironment';

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

  it("stops the server it started although its own connections are still listed, but not while another process's are", async () => {
    const holder = await startEmbeddedPostgres({ dataDir });
    expect(holder.started).toBe(true);
    // Stands for a connection of this process's pool whose backend has not finished exiting.
    const own = new pg.Client({ connectionString: holder.connectionString, application_name: APPLICATION_NAME });
    const anothers = new pg.Client({ connectionString: holder.connectionString, application_name: 'backline/1' });
    own.on('error', () => undefined);
    await own.connect();
    await anothers.connect();

    await holder.release();
    expect(fs.existsSync(pidFile())).toBe(true);
    await anothers.end();
    await holder.release();
    expect(fs.existsSync(pidFile())).toBe(false);
    await own.end().catch(() => undefined);
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

describe('what the embedded PostgreSQL is given of Backline’s environment', () => {
  const SECRETS = { SLACK_BOT_TOKEN: 'xoxb-1-2-embedded-secret', SLACK_SIGNING_SECRET: 'signing-embedded-secret', GITHUB_TOKEN: 'ghp_embeddedsecret', DATABASE_URL: 'postgresql://u:embedded-secret@db/x', PGPASSWORD: 'embedded-secret' };

  it('keeps the path, home, user, time zone and locale, and none of Backline’s settings or secrets', () => {
    const env = embeddedPostgresEnvironment({ PATH: '/usr/bin', HOME: '/home/b', USER: 'b', TZ: 'Europe/Paris', LANG: 'fr_FR.UTF-8', LC_TIME: 'de_DE.UTF-8', LC_ALL: 'fr_FR.UTF-8', PORT: '3000', ...SECRETS });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/b', USER: 'b', TZ: 'Europe/Paris', LANG: 'fr_FR.UTF-8', LC_TIME: 'de_DE.UTF-8', LC_ALL: 'C' });
  });

  (process.platform === 'linux' ? it : it.skip)('leaves the running server without SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or GITHUB_TOKEN', async () => {
    const saved = Object.fromEntries(Object.keys(SECRETS).map((name) => [name, process.env[name]]));
    Object.assign(process.env, SECRETS);
    let server: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    try {
      server = await startEmbeddedPostgres({ dataDir });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    try {
      expect(server.started).toBe(true);
      const postmaster = Number(fs.readFileSync(pidFile(), 'utf8').split('\n')[0]);
      const environ = fs.readFileSync(`/proc/${postmaster}/environ`, 'utf8').split('\0').filter(Boolean);
      const names = environ.map((entry) => entry.slice(0, entry.indexOf('=')));
      expect(names).toEqual(expect.arrayContaining(['PATH', 'LC_ALL']));
      expect(names).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(SLACK_|GITHUB_|DATABASE_URL$|PGPASSWORD$)/)]));
      expect(environ.join('\n')).not.toContain('secret');
    } finally {
      await server.release();
    }
  });
});

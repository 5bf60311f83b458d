import pg from 'pg';
import { readMigrations } from '../../src/db/migrate';
import { freePort } from '../support/net';
import { useTestDatabase } from '../support/testDatabase';
import { catalogOf, check, doctor } from './helpers';

const db = useTestDatabase();
const migrations = readMigrations();
const latest = migrations.at(-1)!;
const latestName = `${String(latest.id).padStart(6, '0')}_${latest.name}`;

beforeAll(() => catalogOf(db()));

describe('the database', () => {
  it('answers, at the latest schema revision', async () => {
    const report = await doctor({ DATABASE_URL: db().url });
    expect(check(report, 'database')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^PostgreSQL \d+(\.\d+)? answers at postgres(ql)?:\/\/.+/) });
    expect(check(report, 'database.migrations')).toEqual({ name: 'database.migrations', status: 'ok', message: `schema revision ${latest.id}, the latest this Backline knows`, fix: null });
  });

  it('names a pending migration and the command that applies it, and applies nothing itself', async () => {
    await db().pool.query('DELETE FROM backline_migrations WHERE id = $1::int', [latest.id]);
    try {
      const report = await doctor({ DATABASE_URL: db().url });
      expect(check(report, 'database.migrations')).toEqual({
        name: 'database.migrations',
        status: 'problem',
        message: `1 migration is pending: ${latestName}`,
        fix: 'Run `backline migrate` (every other command, serve included, also applies them when it starts).',
      });
      expect(report.ok).toBe(false);
      const { rows } = await db().pool.query('SELECT 1 FROM backline_migrations WHERE id = $1::int', [latest.id]);
      expect(rows).toEqual([]);
    } finally {
      await db().pool.query('INSERT INTO backline_migrations (id, name) VALUES ($1::int, $2::text) ON CONFLICT DO NOTHING', [latest.id, latest.name]);
    }
  });

  it('says when a newer Backline has migrated the database', async () => {
    await db().pool.query(`INSERT INTO backline_migrations (id, name) VALUES ($1::int, 'from_the_future')`, [latest.id + 1]);
    try {
      expect(check(await doctor({ DATABASE_URL: db().url }), 'database.migrations')).toMatchObject({
        status: 'problem',
        message: `the database is at schema revision ${latest.id + 1}, newer than the ${latest.id} this Backline knows: a newer Backline migrated it`,
        fix: expect.stringMatching(/^Upgrade Backline to the version the other processes run/),
      });
    } finally {
      await db().pool.query('DELETE FROM backline_migrations WHERE id = $1::int', [latest.id + 1]);
    }
  });

  it('counts every migration of a database that has no Backline schema yet, and reads no catalog from it', async () => {
    const admin = new pg.Client({ connectionString: process.env.BACKLINE_TEST_ADMIN_URL });
    await admin.connect();
    const name = `doctor_empty_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(process.env.BACKLINE_TEST_ADMIN_URL!);
      url.pathname = `/${name}`;
      const report = await doctor({ DATABASE_URL: url.toString() });
      expect(check(report, 'database.migrations')).toMatchObject({ status: 'problem', message: `the database has no Backline schema yet: ${migrations.length} migrations to apply` });
      expect(check(report, 'scaffolder.templates')).toMatchObject({ status: 'ok', message: expect.not.stringContaining('the catalog') });
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('says when the database does not answer, what to check, and leaves the catalog unread', async () => {
    const url = `postgresql://backline:secret-password@127.0.0.1:${await freePort()}/backline`;
    const report = await doctor({ DATABASE_URL: url });
    const found = check(report, 'database');
    expect(found.status).toBe('problem');
    expect(found.message).toMatch(/^cannot connect to postgresql:\/\/backline:\*+@127\.0\.0\.1:\d+\/backline: .*ECONNREFUSED/);
    expect(found.message).not.toContain('secret-password');
    expect(found.fix).toBe('Check that PostgreSQL is running and reachable from here, and that DATABASE_URL names the right host, port, user, password and database.\nOr unset DATABASE_URL to use the embedded database in BACKLINE_DATA_DIR.');
    expect(check(report, 'database.migrations')).toMatchObject({ status: 'skipped', message: 'not checked: the database did not answer' });
    expect(check(report, 'scaffolder.templates')).toMatchObject({ status: 'ok', message: expect.not.stringContaining('the catalog') });
  });
});

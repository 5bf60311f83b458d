import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, readMigrations } from '../../src/db/migrate';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

/** A pool for a scratch database; dropping that database WITH (FORCE) may cut its idle connections. */
function scratchPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return pool;
}

async function freshDatabase(admin: pg.Pool, name: string): Promise<string> {
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.BACKLINE_TEST_ADMIN_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('migrations', () => {
  it('leave the cloned test database at the latest revision with pg_trgm enabled', async () => {
    const { rows } = await db().pool.query('SELECT max(id)::int AS id FROM backline_migrations');
    expect(rows[0].id).toBe(readMigrations().length);
    const ext = await db().pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`);
    expect(ext.rowCount).toBe(1);
  });

  it('apply each migration once when two processes start at the same moment', async () => {
    const admin = new pg.Pool({ connectionString: process.env.BACKLINE_TEST_ADMIN_URL, max: 1 });
    const name = `migrate_race_${process.pid}`;
    const url = await freshDatabase(admin, name);
    const first = scratchPool(url);
    const second = scratchPool(url);
    try {
      const [a, b] = await Promise.all([migrate(first), migrate(second)]);
      expect([...a.applied, ...b.applied].sort()).toEqual(readMigrations().map((m) => `${String(m.id).padStart(6, '0')}_${m.name}`).sort());
      const { rows } = await first.query('SELECT count(*)::int AS n FROM backline_migrations');
      expect(rows[0].n).toBe(readMigrations().length);
    } finally {
      await first.end();
      await second.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('roll back a failing migration completely and name the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    fs.writeFileSync(path.join(dir, '000001_good.sql'), 'CREATE TABLE good_one (id int);');
    fs.writeFileSync(path.join(dir, '000002_bad.sql'), 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;');
    const admin = new pg.Pool({ connectionString: process.env.BACKLINE_TEST_ADMIN_URL, max: 1 });
    const name = `migrate_fail_${process.pid}`;
    const pool = scratchPool(await freshDatabase(admin, name));
    try {
      await expect(migrate(pool, readMigrations(dir))).rejects.toThrow(/000002_bad\.sql failed: relation "no_such_table" does not exist/);
      const tables = await pool.query(`SELECT table_name FROM information_schema.tables WHERE table_name IN ('good_one', 'half_done')`);
      expect(tables.rows.map((r) => r.table_name)).toEqual(['good_one']);
      const { rows } = await pool.query('SELECT id FROM backline_migrations');
      expect(rows).toEqual([{ id: 1 }]);
    } finally {
      await pool.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse a database whose schema is newer than the code', async () => {
    await db().pool.query(`INSERT INTO backline_migrations (id, name) VALUES (999, 'from_the_future')`);
    try {
      await expect(migrate(db().pool)).rejects.toThrow(`The database is at schema revision 999, but this Backline only knows revisions up to ${readMigrations().length}. Upgrade Backline`);
    } finally {
      await db().pool.query('DELETE FROM backline_migrations WHERE id = 999');
    }
  });

  it('reject migration files that skip a number', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    fs.writeFileSync(path.join(dir, '000001_a.sql'), 'SELECT 1;');
    fs.writeFileSync(path.join(dir, '000003_c.sql'), 'SELECT 1;');
    try {
      expect(() => readMigrations(dir)).toThrow(/without gaps; found 000003_c\.sql at position 2/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

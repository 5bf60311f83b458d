import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { AppError } from '../errors';
import { MIGRATIONS_DIR } from '../paths';
import { checkedOut } from './pool';


export interface Migration {
  id: number;
  name: string;
  sql: string;
}

const FILE_PATTERN = /^(\d{6})_([a-z0-9_]+)\.sql$/;
// Serialises migration runs across processes; the value is arbitrary but fixed.
const MIGRATION_LOCK = 727_001;

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new AppError('MIGRATION_FAILED', `Migration file ${file} does not follow the NNNNNN_name.sql pattern.`);
      return { id: Number(match[1]), name: match[2]!, sql: fs.readFileSync(path.join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.id - b.id);
  migrations.forEach((migration, index) => {
    if (migration.id !== index + 1) throw new AppError('MIGRATION_FAILED', `Migrations must be numbered 000001, 000002, … without gaps; found ${String(migration.id).padStart(6, '0')}_${migration.name}.sql at position ${index + 1}.`);
  });
  return migrations;
}

/**
 * Applies pending migrations, forward only, each in its own transaction. The migration row is
 * inserted first inside that transaction, and runs are serialised by an advisory lock, so two
 * processes starting at once never both apply one.
 */
export async function migrate(pool: pg.Pool, migrations = readMigrations()): Promise<{ applied: string[] }> {
  const client = await checkedOut(pool);
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS backline_migrations (
      id integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ id: number }>('SELECT id FROM backline_migrations ORDER BY id');
    const done = new Set(rows.map((row) => row.id));
    const latestKnown = migrations.at(-1)?.id ?? 0;
    const newest = rows.at(-1)?.id ?? 0;
    if (newest > latestKnown) {
      throw new AppError('DATABASE_SCHEMA_NEWER', `The database is at schema revision ${newest}, but this Backline only knows revisions up to ${latestKnown}. Upgrade Backline, or point DATABASE_URL at another database.`);
    }
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO backline_migrations (id, name) VALUES ($1::int, $2::text)', [migration.id, migration.name]);
        await client.query(migration.sql);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new AppError('MIGRATION_FAILED', `Migration ${String(migration.id).padStart(6, '0')}_${migration.name}.sql failed: ${(error as Error).message}. Nothing from it was applied.`, { cause: error });
      }
      applied.push(`${String(migration.id).padStart(6, '0')}_${migration.name}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK]).catch(() => undefined);
    client.done();
  }
  return { applied };
}

export interface MigrationState {
  /** The newest revision the database has applied; 0 when it has no Backline schema yet. */
  revision: number;
  /** The newest revision this Backline knows. */
  latestKnown: number;
  /** Migrations this Backline knows and the database has not applied, as NNNNNN_name. */
  pending: string[];
}

/** What `backline migrate` would apply, without applying anything: for `backline doctor` and GET /readyz. */
export async function migrationState(pool: pg.Pool, migrations = readMigrations()): Promise<MigrationState> {
  const { rows } = await pool.query<{ present: boolean }>(`SELECT to_regclass('backline_migrations') IS NOT NULL AS present`);
  const applied = rows[0]?.present ? (await pool.query<{ id: number }>('SELECT id FROM backline_migrations ORDER BY id')).rows.map((row) => row.id) : [];
  const done = new Set(applied);
  return {
    revision: applied.at(-1) ?? 0,
    latestKnown: migrations.at(-1)?.id ?? 0,
    pending: migrations.filter((migration) => !done.has(migration.id)).map((migration) => `${String(migration.id).padStart(6, '0')}_${migration.name}`),
  };
}

import { copyRows } from '../../src/db/copy';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

describe('COPY through pg', () => {
  beforeAll(async () => {
    await db().pool.query('CREATE TABLE copied (id text PRIMARY KEY, note text, tags text[], doc jsonb)');
  });

  it('writes every row exactly, whatever characters the values hold', async () => {
    const awkward = ['tab\there', 'new\nline', 'carriage\rreturn', 'back\\slash', '\\N is not null here', 'ünïcødé ✓', ''];
    const client = await db().pool.connect();
    try {
      const rows = awkward.map((note, i) => [`row-${i}`, note, '{alpha,beta}', JSON.stringify({ note, n: i })]);
      expect(await copyRows(client, 'copied', ['id', 'note', 'tags', 'doc'], [...rows, ['row-null', null, null, null]])).toBe(awkward.length + 1);
    } finally {
      client.release();
    }
    const { rows } = await db().pool.query<{ id: string; note: string | null; tags: string[] | null; doc: { note: string } | null }>('SELECT id, note, tags, doc FROM copied ORDER BY id');
    expect(rows.find((row) => row.id === 'row-null')).toEqual({ id: 'row-null', note: null, tags: null, doc: null });
    for (const [i, note] of awkward.entries()) {
      expect(rows.find((row) => row.id === `row-${i}`)).toEqual({ id: `row-${i}`, note, tags: ['alpha', 'beta'], doc: { note, n: i } });
    }
  });

  it('writes rows spread over many protocol messages', async () => {
    const client = await db().pool.connect();
    try {
      const many = Array.from({ length: 5_000 }, (_, i) => [`bulk-${i}`, 'x'.repeat(100), null, null]);
      expect(await copyRows(client, 'copied', ['id', 'note', 'tags', 'doc'], many)).toBe(5_000);
    } finally {
      client.release();
    }
    expect((await db().pool.query(`SELECT count(*)::int AS n FROM copied WHERE id LIKE 'bulk-%'`)).rows[0].n).toBe(5_000);
  });

  it('rejects with PostgreSQL’s error and leaves the connection usable, the transaction rolled back', async () => {
    const client = await db().pool.connect();
    try {
      await client.query('BEGIN');
      await copyRows(client, 'copied', ['id', 'note'], [['fresh-1', 'kept?']]);
      await expect(copyRows(client, 'copied', ['id', 'note'], [['row-0', 'duplicate']])).rejects.toThrow(/duplicate key value violates unique constraint/);
      await client.query('ROLLBACK');
      expect((await client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      client.release();
    }
    expect((await db().pool.query(`SELECT count(*)::int AS n FROM copied WHERE id = 'fresh-1'`)).rows[0].n).toBe(0);
  });

  it('stops sending rows once PostgreSQL refuses the COPY, rejects with its error and leaves the connection usable', async () => {
    await db().pool.query(`INSERT INTO copied (id, note) VALUES ('taken', 'first')`);
    // The duplicate is the first of about 48 MiB of rows: PostgreSQL refuses it long before the last is encoded.
    const rows = [['taken', 'duplicate'], ...Array.from({ length: 12_000 }, (_, i) => [`late-${i}`, 'y'.repeat(4_096)])];
    let lastEncoded = false;
    const watched = new Proxy(rows, {
      get(target, property, receiver) {
        if (property === String(rows.length - 1)) lastEncoded = true;
        return Reflect.get(target, property, receiver);
      },
    });
    const client = await db().pool.connect();
    try {
      await expect(copyRows(client, 'copied', ['id', 'note'], watched)).rejects.toThrow(/duplicate key value violates unique constraint/);
      expect(lastEncoded).toBe(false);
      expect((await client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      expect(await copyRows(client, 'copied', ['id', 'note'], [['after-refusal', 'written']])).toBe(1);
    } finally {
      client.release();
    }
    expect((await db().pool.query(`SELECT count(*)::int AS n FROM copied WHERE id LIKE 'late-%'`)).rows[0].n).toBe(0);
  });

  it('encodes a large batch a chunk at a time, handing the event loop back between chunks', async () => {
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const rows = Array.from({ length: 8_000 }, (_, i) => [`turn-${i}`, 'z'.repeat(4_096)]);
    // Records how many turns the loop had taken when the first and the last row were encoded.
    const seen: number[] = [];
    const watched = new Proxy(rows, {
      get(target, property, receiver) {
        if (property === '0' || property === String(rows.length - 1)) seen.push(turns);
        return Reflect.get(target, property, receiver);
      },
    });
    const client = await db().pool.connect();
    try {
      expect(await copyRows(client, 'copied', ['id', 'note'], watched)).toBe(rows.length);
    } finally {
      ticking = false;
      client.release();
    }
    expect(seen).toHaveLength(2);
    expect(seen[1]!).toBeGreaterThan(seen[0]!);
  });

  it('rejects with PostgreSQL’s error when it refuses the statement itself', async () => {
    const client = await db().pool.connect();
    try {
      await expect(copyRows(client, 'not_a_table', ['id'], [['x']])).rejects.toThrow('relation "not_a_table" does not exist');
      expect((await client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      client.release();
    }
  });

  it('does nothing for no rows', async () => {
    const client = await db().pool.connect();
    try {
      expect(await copyRows(client, 'copied', ['id'], [])).toBe(0);
    } finally {
      client.release();
    }
  });
});

import { assertNoCheckedOutClients, useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

describe('the per-file test database', () => {
  it('is a clone of the migrated template, separate from other files', async () => {
    const { rows } = await db().pool.query<{ name: string }>('SELECT current_database() AS name');
    expect(rows[0]!.name).toMatch(/^backline_test_[0-9a-f]{12}$/);
    expect((await db().pool.query('SELECT count(*)::int AS n FROM entities')).rows).toEqual([{ n: 0 }]);
  });

  it('fails a test that leaves a pool client checked out', async () => {
    const client = await db().pool.connect();
    try {
      expect(() => assertNoCheckedOutClients(db().pool)).toThrow('A test leaked 1 pool client(s): every pool.connect() needs a release().');
    } finally {
      client.release();
    }
    expect(() => assertNoCheckedOutClients(db().pool)).not.toThrow();
  });
});

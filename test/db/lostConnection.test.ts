import { createPool, withTransaction } from '../../src/db/pool';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

describe('a transaction whose connection is lost between its statements', () => {
  it('fails that transaction, not the process, and the pool goes on with a new connection', async () => {
    const pool = createPool(db().url, { max: 1 });
    const unhandled: unknown[] = [];
    const onUncaught = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const failed = await withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // Another session ends this one while the work is computing, between its statements.
        await db().pool.query('SELECT pg_terminate_backend($1::int)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await client.query('SELECT 1');
      }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failed?.message).toMatch(/terminat|Connection/i);
      expect(unhandled).toEqual([]);
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
    }
  });
});

import pg from 'pg';
import { asAppError } from '../../src/errors';
import { isDatabaseUnavailable } from '../../src/databaseUnavailable';
import { freePort } from '../support/net';

describe('telling a database that is not answering from other failures', () => {
  it('recognises a refused connection as node-postgres reports it', async () => {
    const client = new pg.Client({ connectionString: `postgresql://backline@127.0.0.1:${await freePort()}/backline` });
    const refused = await client.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(asAppError(refused)).toMatchObject({ code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/^The catalog database is not answering: connect ECONNREFUSED 127\.0\.0\.1:\d+$/) });
  });

  it('recognises a dropped connection, a server shutting down, and a pool that could not connect in time', () => {
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('leaves statements PostgreSQL refused, and HTTP clients’ network failures, as the failures they are', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBe(false);
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(isDatabaseUnavailable(new TypeError('fetch failed', { cause: socket }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect', config: {} }))).toBe(false);
    expect(asAppError(new Error('something else')).code).toBe('INTERNAL');
  });
});

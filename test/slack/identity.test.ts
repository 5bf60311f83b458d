import { WebClient } from '@slack/web-api';
import { createSlackDirectory } from '../../src/slack/identity';
import { PgSlackIdentityStore, type SlackIdentityStore } from '../../src/slack/PgSlackIdentityStore';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { useTestDatabase } from '../support/testDatabase';

type DirectoryStore = Pick<SlackIdentityStore, 'fresh' | 'save' | 'emailOf'>;

const database = useTestDatabase();
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack({
    users: {
      'ada@northwind.example': { id: 'U0ADA', real_name: 'Ada Lovelace' },
      'left@northwind.example': { id: 'U0LEFT', real_name: 'Gone Person', deleted: true },
    },
  });
});
afterAll(() => slack.close());
beforeEach(async () => {
  slack.reset();
  await database().pool.query('TRUNCATE slack_identities');
});

/** The real store, counting how often the directory reads it. */
function countingStore(): DirectoryStore & { reads: number } {
  const store = PgSlackIdentityStore.create({ pool: database().pool });
  const counting = {
    reads: 0,
    fresh: (emails: string[], now: Date) => {
      counting.reads += 1;
      return store.fresh(emails, now);
    },
    save: store.save.bind(store),
    emailOf: store.emailOf.bind(store),
  };
  return counting;
}

function directoryAt(clock: { now: number }, store: DirectoryStore, options: { foundTtlMs?: number } = {}) {
  const client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  return createSlackDirectory({ client, store, now: () => new Date(clock.now), ...options });
}

describe('the Slack directory', () => {
  it('answers people it has looked up before from the shared cache, without asking Slack again', async () => {
    const clock = { now: Date.parse('2026-11-02T10:00:00Z') };
    const store = countingStore();
    const directory = directoryAt(clock, store);

    const first = await directory.accountsByEmail(['Ada@northwind.example', 'left@northwind.example', 'nobody@northwind.example']);
    expect(first.get('ada@northwind.example')).toEqual({ slackUserId: 'U0ADA', deactivated: false });
    expect(first.get('left@northwind.example')).toEqual({ slackUserId: null, deactivated: true });
    expect(first.get('nobody@northwind.example')).toEqual({ slackUserId: null, deactivated: false });
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(3);

    clock.now += 60_000;
    const again = await directory.accountsByEmail(['ada@northwind.example', 'left@northwind.example', 'nobody@northwind.example']);
    expect(again).toEqual(first);
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(3);
    expect(store.reads).toBe(2);
  });

  it('sees at once what another replica or a listing saved to the shared cache', async () => {
    const clock = { now: Date.parse('2026-11-02T10:00:00Z') };
    const store = countingStore();
    const directory = directoryAt(clock, store);
    await directory.accountsByEmail(['ada@northwind.example']);
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(1);

    // Another replica learns that Ada left; the next card here says so.
    await database().pool.query(`UPDATE slack_identities SET deleted = true WHERE email = 'ada@northwind.example'`);
    expect((await directory.accountsByEmail(['ada@northwind.example'])).get('ada@northwind.example')).toEqual({ slackUserId: null, deactivated: true });
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(1);
  });

  it('asks nothing for an empty list of people', async () => {
    const store = countingStore();
    expect((await directoryAt({ now: Date.parse('2026-11-02T10:00:00Z') }, store).accountsByEmail(['', '  '])).size).toBe(0);
    expect(store.reads).toBe(0);
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(0);
  });

  it('looks a person up again once the cached answer expires', async () => {
    const clock = { now: Date.parse('2026-11-02T10:00:00Z') };
    const store = countingStore();
    const directory = directoryAt(clock, store, { foundTtlMs: 60_000 });
    await directory.accountsByEmail(['ada@northwind.example']);
    clock.now += 61_000;
    await directory.accountsByEmail(['ada@northwind.example']);
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(2);
  });

  it('does not remember an answer Slack could not give, and asks again next time', async () => {
    const clock = { now: Date.parse('2026-11-02T10:00:00Z') };
    const directory = directoryAt(clock, countingStore());
    slack.failNext('users.lookupByEmail', 'internal_error', { status: 500 });
    expect((await directory.accountsByEmail(['ada@northwind.example'])).get('ada@northwind.example')).toEqual({ slackUserId: null, deactivated: false });
    expect((await directory.accountsByEmail(['ada@northwind.example'])).get('ada@northwind.example')).toEqual({ slackUserId: 'U0ADA', deactivated: false });
  });
});

describe('the shared identity cache', () => {
  it('reads the people asked for by cards at the same moment in one statement, each judged by its own clock', async () => {
    const pool = database().pool;
    await pool.query(
      `INSERT INTO slack_identities (email, slack_user_id, deleted, expires_at) VALUES
         ('ada@northwind.example', 'U0ADA', false, '2026-11-02T12:00:00Z'),
         ('left@northwind.example', 'U0LEFT', true, '2026-11-02T10:30:00Z')`,
    );
    const statements: string[] = [];
    const countingPool = { query: (query: { text: string }, values?: unknown[]) => (statements.push(query.text), pool.query(query, values)) } as unknown as typeof pool;
    const store = PgSlackIdentityStore.create({ pool: countingPool });

    const [early, late] = await Promise.all([
      store.fresh(['ada@northwind.example', 'nobody@northwind.example'], new Date('2026-11-02T10:00:00Z')),
      store.fresh(['left@northwind.example', 'ada@northwind.example'], new Date('2026-11-02T11:00:00Z')),
    ]);
    expect(statements).toHaveLength(1);
    expect([...early.keys()]).toEqual(['ada@northwind.example']);
    expect(late.get('ada@northwind.example')).toMatchObject({ slackUserId: 'U0ADA', deleted: false });
    // Expired by the later caller's clock, though the same statement read it.
    expect(late.has('left@northwind.example')).toBe(false);
    expect((await store.fresh(['left@northwind.example'], new Date('2026-11-02T10:00:00Z'))).get('left@northwind.example')).toMatchObject({ slackUserId: 'U0LEFT', deleted: true });
    expect(statements).toHaveLength(2);
  });
});

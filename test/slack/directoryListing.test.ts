import { LogLevel, WebClient } from '@slack/web-api';
import { createLogger, type Logger } from '../../src/logger';
import { directoryListingJob, listDirectoryOnStart, listSlackDirectory, type DirectoryListingPorts } from '../../src/slack/directoryListing';
import { createSlackDirectory } from '../../src/slack/identity';
import { PgSlackIdentityStore } from '../../src/slack/PgSlackIdentityStore';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { useTestDatabase } from '../support/testDatabase';

const database = useTestDatabase();
let slack: FakeSlack;

const CATALOG_EMAILS = ['ada@northwind.example', 'grace@northwind.example', 'left@northwind.example', 'nobody@northwind.example'];

beforeAll(async () => {
  slack = await startFakeSlack({
    users: {
      'ada@northwind.example': { id: 'U0ADA', real_name: 'Ada Lovelace' },
      'grace@northwind.example': { id: 'U0GRACE', real_name: 'Grace Hopper' },
      // An old, deactivated account of Grace's, listed after her active one.
      'GRACE@northwind.example': { id: 'U0GRACEOLD', real_name: 'Grace Hopper', deleted: true },
      'left@northwind.example': { id: 'U0LEFT', real_name: 'Gone Person', deleted: true },
      'deploybot@northwind.example': { id: 'U0BOT', real_name: 'Deploy Bot', is_bot: true },
      'visitor@elsewhere.example': { id: 'U0VISIT', real_name: 'Not In The Catalog' },
    },
  });
});
afterAll(() => slack.close());
beforeEach(async () => {
  slack.reset();
  await database().pool.query('TRUNCATE slack_identities, slack_directory_listings');
});

const store = () => PgSlackIdentityStore.create({ pool: database().pool });
const client = () => new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 2 }, logLevel: LogLevel.ERROR });

function listingPorts(overrides: Partial<DirectoryListingPorts> = {}): DirectoryListingPorts {
  return { client: client(), store: store(), catalogEmails: async () => CATALOG_EMAILS, pageSize: 2, ...overrides };
}

async function cachedIdentities(): Promise<Array<{ email: string; slack_user_id: string | null; deleted: boolean }>> {
  const { rows } = await database().pool.query('SELECT email, slack_user_id, deleted FROM slack_identities ORDER BY email');
  return rows;
}

/** How many listings began: each reads its first page without a cursor. */
function listingsStarted(): number {
  return slack.callsTo('users.list').filter((call) => !(call.args as { cursor?: string }).cursor).length;
}

/** A real logger whose lines are kept, as level and message. */
function recordingLogger(): Logger & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  const logger = createLogger({ level: 'debug', write: (line) => void lines.push(messageOf(line)) });
  return Object.assign(logger, { lines });
}

function messageOf(line: string): { level: string; message: string } {
  const { level, msg } = JSON.parse(line) as { level: string; msg: string };
  return { level, message: msg };
}

describe('listing Slack’s people', () => {
  it('reads every page into the identity cache, so the directory then answers without asking Slack person by person', async () => {
    const listing = await listSlackDirectory(listingPorts());

    // Slackbot (no email), the other five seeded accounts and one page past them: 7 members, 2 a page.
    expect(slack.callsTo('users.list').map((call) => call.args.cursor ?? null)).toEqual([null, 'offset:2', 'offset:4', 'offset:6']);
    expect(listing).toMatchObject({ accounts: 4, absent: 1 });
    expect(await cachedIdentities()).toEqual([
      { email: 'ada@northwind.example', slack_user_id: 'U0ADA', deleted: false },
      { email: 'grace@northwind.example', slack_user_id: 'U0GRACE', deleted: false },
      { email: 'left@northwind.example', slack_user_id: 'U0LEFT', deleted: true },
      { email: 'nobody@northwind.example', slack_user_id: null, deleted: false },
      { email: 'visitor@elsewhere.example', slack_user_id: 'U0VISIT', deleted: false },
    ]);
    expect(await store().lastListingFinishedAt()).toEqual(listing.finishedAt);

    const directory = createSlackDirectory({ client: client(), store: store() });
    const accounts = await directory.accountsByEmail(CATALOG_EMAILS);
    expect(Object.fromEntries(accounts)).toEqual({
      'ada@northwind.example': { slackUserId: 'U0ADA', deactivated: false },
      'grace@northwind.example': { slackUserId: 'U0GRACE', deactivated: false },
      'left@northwind.example': { slackUserId: null, deactivated: true },
      'nobody@northwind.example': { slackUserId: null, deactivated: false },
    });
    expect(slack.callsTo('users.lookupByEmail')).toEqual([]);
  });

  it('keeps the pages it read when a later page fails, and records no listing', async () => {
    const failSecondPage: DirectoryListingPorts['onApiCall'] = (method, ok) => {
      if (method === 'users.list' && ok && slack.callsTo('users.list').length === 1) slack.failNext('users.list', 'internal_error');
    };
    await expect(listSlackDirectory(listingPorts({ onApiCall: failSecondPage }))).rejects.toThrow('users.list failed (internal_error)');
    expect(await cachedIdentities()).toEqual([{ email: 'ada@northwind.example', slack_user_id: 'U0ADA', deleted: false }]);
    expect(await store().lastListingFinishedAt()).toBeNull();
  });

  it('tells the operator which scopes to add when Slack refuses the listing', async () => {
    slack.failNext('users.list', 'missing_scope');
    await expect(listSlackDirectory(listingPorts())).rejects.toThrow('the app needs the users:read and users:read.email bot scopes');
  });

  it('waits out a rate limit and finishes', async () => {
    slack.rateLimit('users.list', 1, 1);
    const listing = await listSlackDirectory(listingPorts({ pageSize: 200 }));
    expect(listing).toMatchObject({ accounts: 4, absent: 1 });
    expect(listingsStarted()).toBe(2);
  });

  it('stops between pages when serve shuts down, keeping what it read', async () => {
    const stop = new AbortController();
    const stopAfterFirstPage: DirectoryListingPorts['onApiCall'] = () => stop.abort();
    await expect(listSlackDirectory(listingPorts({ signal: stop.signal, onApiCall: stopAfterFirstPage }))).rejects.toThrow(/abort/i);
    expect(listingsStarted()).toBe(1);
    expect(await cachedIdentities()).toHaveLength(1);
  });
});

describe('the listing when serve starts', () => {
  it('lists when no listing finished in the last hour, and not again within the hour', async () => {
    const logger = recordingLogger();
    expect(await listDirectoryOnStart({ ...listingPorts(), logger })).toBe(true);
    expect(listingsStarted()).toBe(1);
    expect(logger.lines).toEqual([{ level: 'info', message: expect.stringMatching(/^slack directory: listed 4 account\(s\) in \d+\.\d s; 1 catalog user\(s\) have no Slack account$/) }]);

    const later = new Date(Date.now() + 50 * 60_000);
    expect(await listDirectoryOnStart({ ...listingPorts({ now: () => later }), logger })).toBe(false);
    expect(listingsStarted()).toBe(1);
    const muchLater = new Date(Date.now() + 70 * 60_000);
    expect(await listDirectoryOnStart({ ...listingPorts({ now: () => muchLater }), logger })).toBe(true);
    expect(listingsStarted()).toBe(2);
  });

  it('logs a failure with what happens meanwhile, and never rejects', async () => {
    const logger = recordingLogger();
    slack.failNext('users.list', 'missing_scope');
    await expect(listDirectoryOnStart({ ...listingPorts(), logger })).resolves.toBe(false);
    expect(logger.lines).toEqual([{ level: 'error', message: 'listing Slack’s people at start failed; cards look people up one by one until the hourly listing succeeds' }]);
  });
});

describe('the hourly listing', () => {
  it('lists and says what it found; stopped by shutdown, it ends quietly, and a failure is the scheduler’s to log', async () => {
    const logger = recordingLogger();
    await directoryListingJob({ ...listingPorts(), logger }).run(new Date());
    expect(logger.lines).toEqual([{ level: 'info', message: expect.stringMatching(/^slack directory: listed 4 account\(s\)/) }]);

    const stop = new AbortController();
    stop.abort();
    await expect(directoryListingJob({ ...listingPorts({ signal: stop.signal }), logger }).run(new Date())).resolves.toBeUndefined();

    slack.failNext('users.list', 'missing_scope');
    await expect(directoryListingJob({ ...listingPorts(), logger }).run(new Date())).rejects.toThrow('users:read.email');
    expect(logger.lines).toHaveLength(1);
  });
});

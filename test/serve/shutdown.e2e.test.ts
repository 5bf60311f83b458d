/**
 * `backline serve` in a child process, stopped as an orchestrator stops it: SIGTERM, then waiting
 * for the process to exit.
 */
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DEMO_CATALOG } from '../../src/paths';
import { PgSlackIdentityStore } from '../../src/slack/PgSlackIdentityStore';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { spawnServe, type ServeProcess } from '../support/serve';
import { postSignedToSlackEndpoint, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';

// The signing secret test/support/serve.ts gives serve.
const SECRET = 'test-signing-secret-0123456789';
const db = useTestDatabase();
let slack: FakeSlack;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  slack = await startFakeSlack({ users: { 'chloe.martin@northwind.example': { id: 'U0CHLOE', real_name: 'Chloé Martin' } } });
});

beforeEach(async () => {
  // No identity is cached and a listing has just finished, so serve lists nobody at start and the
  // first card looks the team's people up, each lookup as slow as the test makes it.
  await db().pool.query('TRUNCATE slack_identities, slack_directory_listings');
  await PgSlackIdentityStore.create({ pool: db().pool }).recordListing({ startedAt: new Date(), finishedAt: new Date(), accounts: 0, absent: 0 });
});

afterEach(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
  await serve?.exited;
  slack.reset();
});

afterAll(async () => {
  await slack.close();
});

async function slowCommandUnderWay(env: Record<string, string>, lookupMs: number): Promise<ServeProcess> {
  serve = await spawnServe({ databaseUrl: db().url, slackUrl: slack.url, env });
  await serve.ready;
  slack.delay('users.lookupByEmail', lookupMs, 10);
  const acked = await postSignedToSlackEndpoint(`http://127.0.0.1:${serve.port}/slack/events`, SECRET, slashCommandBody({ text: 'payments-service', response_url: slack.responseUrl() }));
  expect(acked).toMatchObject({ status: 200, text: '' });
  return serve;
}

it('answers the request under way, then exits 0, on SIGTERM', async () => {
  const child = await slowCommandUnderWay({}, 2500);
  child.child.kill('SIGTERM');
  expect(await child.exited).toBe(0);
  expect(slack.responses.map((response) => response.body.text)).toEqual(['component:default/payments-service is owned by Payments']);
});

it('exits 1 once BACKLINE_SHUTDOWN_SECONDS have passed, logging the request it cut', async () => {
  const child = await slowCommandUnderWay({ BACKLINE_SHUTDOWN_SECONDS: '1' }, 30_000);
  const signalled = Date.now();
  child.child.kill('SIGTERM');
  expect(await child.exited).toBe(1);
  expect(Date.now() - signalled).toBeLessThan(8000);
  const warning = child.stderr
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: string; msg: string })
    .find((line) => line.msg.startsWith('stopping took longer than 1 s'));
  expect(warning?.msg).toMatch(/^stopping took longer than 1 s \(BACKLINE_SHUTDOWN_SECONDS\); exiting anyway, cutting: \/whoowns \(request [0-9a-f]{16}, for \d+\.\d s\); stopping Slack requests$/);
  expect(slack.responses).toEqual([]);
});

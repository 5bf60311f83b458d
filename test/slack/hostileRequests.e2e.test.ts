import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/main';
import { DEMO_CATALOG } from '../../src/paths';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { nowInSeconds, postToSlackEndpoint, signSlackRequest, slashCommandBody } from '../support/slackSigning';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'hostile-signing-secret-0123456789';
const db = useTestDatabase();
let slack: FakeSlack;
// serve reaches PostgreSQL through this proxy, so a test can take the database away and bring it back.
let proxy: TcpProxy;
let server: RunningServer;
let base: string;
const logLines: string[] = [];

async function startReplica(): Promise<{ server: RunningServer; base: string }> {
  const port = await freePort();
  const config = loadConfig({ DATABASE_URL: proxy.through(db().url), PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, BACKLINE_DOCS_REFRESH_MINUTES: '0' });
  const logger = createLogger({ level: 'warn', write: (line) => logLines.push(line) });
  return { server: await startServer(config, { logger }), base: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  const target = new URL(db().url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  slack = await startFakeSlack({ users: { 'chloe.martin@northwind.example': { id: 'U0CHLOE', real_name: 'Chloé Martin' } } });
  ({ server, base } = await startReplica());
  await server.directoryListedAtStart;
  slack.reset();
});

afterAll(async () => {
  await server.stop();
  await proxy.close();
  await slack.close();
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
  logLines.length = 0;
});

const events = (at = base) => `${at}/slack/events`;
const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
const waitFor = (condition: () => boolean, what: string, timeoutMs = 5000) => waitUntil(condition, timeoutMs, what);

describe('a request signed with a timestamp from the future', () => {
  it('is refused with 401 and logged when it is more than five minutes ahead, and nothing is answered', async () => {
    const body = slashCommandBody({ text: 'payments-service', response_url: slack.responseUrl() });
    const response = await postToSlackEndpoint(events(), body, signSlackRequest(SECRET, body, nowInSeconds() + 6 * 60));
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.calls).toEqual([]);
    expect(slack.responses).toEqual([]);
    expect(logged()).toContainEqual(expect.objectContaining({ level: 'warn', reason: expect.stringMatching(/^X-Slack-Request-Timestamp is 3[56]\d s in the future$/) }));
  });

  it('is answered when it is a little ahead, as clocks drift', async () => {
    const body = slashCommandBody({ text: 'payments-service', response_url: slack.responseUrl() });
    const response = await postToSlackEndpoint(events(), body, signSlackRequest(SECRET, body, nowInSeconds() + 60));
    expect(response.status).toBe(200);
    expect((response.json as { text: string }).text).toBe('component:default/payments-service is owned by Payments');
  });
});

import http from 'node:http';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { DEMO_CATALOG } from '../../src/paths';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { buttonPress, interactionBody, nowInSeconds, postSignedToSlackEndpoint, postToSlackEndpoint, signSlackRequest, slashCommandBody } from '../support/slackSigning';
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
  // The checks at start call Slack too; tests count calls from here on.
  await server.checkedAtStart;
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
const sharedPosts = () => slack.responses.filter((response) => response.body.response_type === 'in_channel');

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

  it.each(['/slack/./events', '/slack/events/../events'])('is refused at %s too, which Bolt routes to its events endpoint', async (path) => {
    const body = slashCommandBody({ text: 'payments-service', response_url: slack.responseUrl() });
    // node:http sends the path as written; fetch would normalise it first.
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${base}/`, { method: 'POST', path, headers: signSlackRequest(SECRET, body, nowInSeconds() + 6 * 60) }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end(body);
    });
    expect(status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.calls).toEqual([]);
    expect(slack.responses).toEqual([]);
  });

  it('is answered when it is a little ahead, as clocks drift', async () => {
    const body = slashCommandBody({ text: 'payments-service', response_url: slack.responseUrl() });
    const response = await postToSlackEndpoint(events(), body, signSlackRequest(SECRET, body, nowInSeconds() + 60));
    expect(response.status).toBe(200);
    expect((response.json as { text: string }).text).toBe('component:default/payments-service is owned by Payments');
  });
});

describe('"Share in channel"', () => {
  /** The card's share button, as a press of it on the ephemeral message with this ts. */
  async function sharePress(messageTs: string, actionTs = '1.3') {
    const card = (await postSignedToSlackEndpoint(events(), SECRET, slashCommandBody({ text: 'payments-api', response_url: slack.responseUrl() }))).json as { blocks: Array<{ type: string; block_id?: string; elements?: Array<{ action_id: string; value: string }> }> };
    const actions = card.blocks.find((block) => block.type === 'actions')!;
    const share = actions.elements!.find((element) => element.action_id === 'whoowns:share')!;
    return interactionBody(buttonPress({ ...share, block_id: actions.block_id }, { responseUrl: slack.responseUrl(`share-${messageTs}-${actionTs}`), messageTs, actionTs }));
  }

  it('posts the card once when the identical request arrives twice, and tells the second privately that it was shared', async () => {
    const body = await sharePress('1700000001.000100');
    const headers = signSlackRequest(SECRET, body);
    expect((await postToSlackEndpoint(events(), body, headers)).status).toBe(200);
    expect((await postToSlackEndpoint(events(), body, headers)).status).toBe(200);
    await waitFor(() => slack.responses.length === 2, 'both presses to be answered');
    expect(sharedPosts()).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    const second = slack.responses.find((response) => response.body.response_type === 'ephemeral')!;
    expect(second.body).toMatchObject({ replace_original: false, text: ':information_source: Already shared: <@U0TESTER> posted this in the channel, so it is not posted again.' });
  });

  it('posts once for a double click that reaches two replicas at the same moment', async () => {
    const replica = await startReplica();
    await replica.server.directoryListedAtStart;
    try {
      const [first, second] = [await sharePress('1700000002.000100', '2.1'), await sharePress('1700000002.000100', '2.2')];
      const answers = await Promise.all([postSignedToSlackEndpoint(events(), SECRET, first), postSignedToSlackEndpoint(events(replica.base), SECRET, second)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      await waitFor(() => slack.responses.length === 2, 'both presses to be answered');
      expect(sharedPosts()).toHaveLength(1);
    } finally {
      await replica.server.stop();
    }
  });

  it('posts again from another card, which is another message', async () => {
    await postSignedToSlackEndpoint(events(), SECRET, await sharePress('1700000003.000100'));
    await postSignedToSlackEndpoint(events(), SECRET, await sharePress('1700000004.000100'));
    await waitFor(() => sharedPosts().length === 2, 'both cards to be shared');
  });
});

describe('when PostgreSQL stops answering', () => {
  afterEach(async () => {
    // Whatever happened in the test, the database comes back for the next one.
    await proxy.restore().catch(() => undefined);
  });

  it('commands say the catalog database is not answering, /readyz reports it while /healthz stays live, and both recover when it is back', async () => {
    await proxy.cut();
    const down = (await postSignedToSlackEndpoint(events(), SECRET, slashCommandBody({ text: 'ledger-service', response_url: slack.responseUrl() }))).json as { response_type: string; text: string };
    expect(down.response_type).toBe('ephemeral');
    expect(down.text).toMatch(/^:warning: Sorry, \/whoowns failed: the catalog database is not answering\. Try again in a minute; if it keeps failing, tell whoever runs Backline \(operators: see \/readyz; reference [a-z0-9]+\)\.$/);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'database unreachable', reason: expect.stringMatching(/^PostgreSQL did not answer \(.+\); commands answer again as soon as it does$/) });
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });

    await proxy.restore();
    await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000, '/readyz to report the database back');
    const back = (await postSignedToSlackEndpoint(events(), SECRET, slashCommandBody({ text: 'ledger-service', response_url: slack.responseUrl() }))).json as { text: string };
    expect(back.text).toBe('component:default/ledger-service is owned by Ledger');
  });
});

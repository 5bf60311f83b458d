import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { DEMO_CATALOG, DEMO_TECHDOCS } from '../../src/paths';
import { startServer, type RunningServer } from '../../src/serve/server';
import { checkMessageLimits, checkViewLimits } from '../../commands/blockKit/checks';
import { expectNoViolations, FAKE_BOT, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { buttonPress, interactionBody, newTriggerId, nowInSeconds, postSignedToSlackEndpoint, postToSlackEndpoint, signSlackRequest, slashCommandBody } from '../support/slackSigning';
import { freePort } from '../support/net';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'e2e-signing-secret-0123456789';
const CATALOG_URL = 'https://backstage.northwind.example';
const db = useTestDatabase();
let slack: FakeSlack;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  slack = await startFakeSlack({ users: { 'chloe.martin@northwind.example': { id: 'U0CHLOE', real_name: 'Chloé Martin' } } });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // serve hosts the demo's TechDocs and reads their search indexes at start.
  const config = loadConfig({ DATABASE_URL: db().url, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, BACKLINE_DOCS_DIR: DEMO_TECHDOCS, BACKLINE_CATALOG_URL: CATALOG_URL });
  server = await startServer(config, { logger: silentLogger });
  await waitUntil(async () => (await db().pool.query('SELECT count(*)::int AS n FROM docs_pages')).rows[0].n > 100, 20_000, 'the demo TechDocs to be cached');
});

afterAll(async () => {
  await server.stop();
  await slack.close();
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
});

const events = () => `${base}/slack/events`;
const blocksText = (blocks: unknown) => JSON.stringify(blocks);
const waitFor = (condition: () => boolean, timeoutMs = 5000) => waitUntil(condition, timeoutMs, 'Slack to be called');
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

let eventCounter = 0;
/** An Events API delivery as Slack posts it, for the app's own workspace and bot. */
function eventBody(event: Record<string, unknown>, eventId = `Ev${++eventCounter}FIND`): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0BACKLINE',
    api_app_id: 'A0BACKLINE',
    type: 'event_callback',
    event_id: eventId,
    event_time: nowInSeconds(),
    event: { event_ts: `${nowInSeconds()}.000100`, ...event },
    authorizations: [{ team_id: 'T0BACKLINE', user_id: FAKE_BOT.userId, is_bot: true, is_enterprise_install: false }],
  });
}

const mention = (text: string, ts = '1767225600.000100') => ({ type: 'app_mention', user: 'U0TESTER', text: `<@${FAKE_BOT.userId}> ${text}`, ts, channel: 'C0GENERAL' });
const directMessage = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'message', channel_type: 'im', channel: 'D0TESTER', user: 'U0TESTER', text, ts: '1767225600.000200', ...extra });
const linkShared = (...urls: string[]) => ({ type: 'link_shared', channel: 'C0GENERAL', user: 'U0TESTER', message_ts: '1767225600.000300', unfurl_id: 'U1', source: 'conversations_history', links: urls.map((url) => ({ domain: new URL(url).host, url })) });

describe('/find', () => {
  it('answers a question with a ranked list: owner team and channel, why it matched, and buttons', async () => {
    const response = await postSignedToSlackEndpoint(events(), SECRET, slashCommandBody({ command: '/find', text: 'is there an api for refunds?', response_url: slack.responseUrl() }));
    expect(response.status).toBe(200);
    const body = response.json as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(checkMessageLimits(body)).toEqual([]);
    const text = blocksText(body.blocks);
    expect(text).toContain('*Payments API (v2)*  _API · openapi_  ·  Payments <#C04PAYMENTS1>');
    expect(text).toContain('*refunds*');
    expect(text).toMatch(/"action_id":"find:card:\d","value":"ref:api:default\/payments-api"/);
    expect(text).toContain('"text":"More like this"');
  });

  it('opens the card of a result in a message of its own when its Card button is pressed', async () => {
    const body = (await postSignedToSlackEndpoint(events(), SECRET, slashCommandBody({ command: '/find', text: 'payments api', response_url: slack.responseUrl() }))).json as { blocks: Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }> };
    const card = body.blocks.filter((block) => block.type === 'actions').flatMap((block) => block.elements ?? []).find((element) => element.action_id.startsWith('find:card:'))!;
    expect(card.value).toBe('ref:api:default/payments-api');
    await postSignedToSlackEndpoint(events(), SECRET, interactionBody(buttonPress(card, { responseUrl: slack.responseUrl() })));
    await waitFor(() => slack.responses.length === 1);
    expect(slack.responses[0]!.body).toMatchObject({ replace_original: false, text: 'api:default/payments-api is owned by Payments' });
  });
});

describe('@backline and direct messages', () => {
  it('answers "who owns payments-api?" in the thread of the mention, with the card', async () => {
    const response = await postSignedToSlackEndpoint(events(), SECRET, eventBody(mention('who owns payments-api?')));
    expect(response.status).toBe(200);
    await waitFor(() => slack.callsTo('chat.postMessage').length === 1);
    const post = slack.callsTo('chat.postMessage')[0]!;
    expect(post.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1767225600.000100', text: 'api:default/payments-api is owned by Payments' });
    expect(blocksText(post.args.blocks)).toContain('<#C04PAYMENTS1>');
  });

  it('answers a direct message in plain words with the same search as /find, in its thread', async () => {
    await postSignedToSlackEndpoint(events(), SECRET, eventBody(directMessage('is there an api for refunds?')));
    await waitFor(() => slack.callsTo('chat.postMessage').length === 1);
    const post = slack.callsTo('chat.postMessage')[0]!;
    expect(post.args).toMatchObject({ channel: 'D0TESTER', thread_ts: '1767225600.000200' });
    expect(blocksText(post.args.blocks)).toContain('Payments API (v2)');
  });

  it("answers who's on call from the catalog's rotation", async () => {
    await postSignedToSlackEndpoint(events(), SECRET, eventBody(mention("who's on call for risk?")));
    await waitFor(() => slack.callsTo('chat.postMessage').length === 1);
    expect(String(slack.callsTo('chat.postMessage')[0]!.args.text)).toMatch(/is on call for group:default\/risk/);
  });

  it('answers a retried delivery once', async () => {
    const body = eventBody(directMessage('docs for payments refunds'), 'Ev-find-retried');
    expect((await postSignedToSlackEndpoint(events(), SECRET, body)).status).toBe(200);
    const retry = await postToSlackEndpoint(events(), body, { ...signSlackRequest(SECRET, body), 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    await waitFor(() => slack.callsTo('chat.postMessage').length >= 1);
    await settle();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(blocksText(slack.callsTo('chat.postMessage')[0]!.args.blocks)).toContain('Refunds');
  });

  it("never answers its own messages, nor another bot's", async () => {
    await postSignedToSlackEndpoint(events(), SECRET, eventBody(directMessage('who owns payments-api?', { user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId })));
    await postSignedToSlackEndpoint(events(), SECRET, eventBody(directMessage('who owns payments-api?', { user: 'U0OTHERBOT', bot_id: 'B0OTHERBOT', subtype: 'bot_message' })));
    await postSignedToSlackEndpoint(events(), SECRET, eventBody({ ...mention('who owns payments-api?'), bot_id: 'B0OTHERBOT', user: 'U0OTHERBOT' }));
    await settle();
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('gives unclear words its best guess and the exact commands', async () => {
    await postSignedToSlackEndpoint(events(), SECRET, eventBody(mention('fraud rules')));
    await waitFor(() => slack.callsTo('chat.postMessage').length === 1);
    const text = blocksText(slack.callsTo('chat.postMessage')[0]!.args.blocks);
    expect(text).toContain('Fraud Rules Engine');
    expect(text).toContain('I took that as a search. To be exact, ask `/whoowns fraud rules`');
  });
});

describe('pasted links', () => {
  it('unfurls a known repository into the ownership card: the entity, its team and channel, and who is on call now', async () => {
    const url = 'https://github.com/northwind/risk-scoring-service';
    await postSignedToSlackEndpoint(events(), SECRET, eventBody(linkShared(url)));
    await waitFor(() => slack.callsTo('chat.unfurl').length === 1);
    const call = slack.callsTo('chat.unfurl')[0]!;
    expect(call.args).toMatchObject({ channel: 'C0GENERAL', ts: '1767225600.000300' });
    const unfurls = call.args.unfurls as Record<string, { blocks: unknown[] }>;
    expect(Object.keys(unfurls)).toEqual([url]);
    const card = blocksText(unfurls[url]!.blocks);
    expect(card).toContain('*Risk Scoring Service*');
    expect(card).toContain('Owned by *Risk &amp; Fraud*  <#C04RISK0001>');
    expect(card).toMatch(/On call: <@U\w+> until <!date\^\d+\^[^>]+> \(Rotation\)/);
  });

  it('unfurls TechDocs pages and Backstage catalog pages of the catalog’s entities', async () => {
    const docsUrl = `${base.replace('127.0.0.1', 'localhost')}/techdocs/default/component/payments-service/refunds/`;
    const catalogUrl = `${CATALOG_URL}/catalog/default/api/payments-api`;
    await postSignedToSlackEndpoint(events(), SECRET, eventBody(linkShared(docsUrl, catalogUrl)));
    await waitFor(() => slack.callsTo('chat.unfurl').length === 1);
    const unfurls = slack.callsTo('chat.unfurl')[0]!.args.unfurls as Record<string, { blocks: unknown[] }>;
    expect(blocksText(unfurls[docsUrl]!.blocks)).toContain('*Payments Service*');
    expect(blocksText(unfurls[catalogUrl]!.blocks)).toContain('*Payments API (v2)*');
  });

  it('leaves a repository it does not know alone', async () => {
    await postSignedToSlackEndpoint(events(), SECRET, eventBody(linkShared('https://github.com/northwind/not-in-the-catalog', 'https://example.com/anything')));
    await settle();
    expect(slack.callsTo('chat.unfurl')).toEqual([]);
  });
});

describe('App Home', () => {
  it('offers a search above "My teams" that opens a modal and answers in it', async () => {
    await postSignedToSlackEndpoint(events(), SECRET, eventBody({ type: 'app_home_opened', user: 'U04ASILVA01', channel: 'D1', tab: 'home' }));
    await waitFor(() => slack.callsTo('views.publish').length === 1);
    const home = (slack.callsTo('views.publish')[0]!.args.view as { blocks: Array<{ accessory?: { action_id: string; value: string }; text?: { text: string } }> }).blocks;
    expect(home[0]!.accessory).toMatchObject({ action_id: 'find:open' });
    expect(blocksText(home).indexOf('find:open')).toBeLessThan(blocksText(home).indexOf('My teams'));

    const press: Record<string, unknown> = { ...(buttonPress(home[0]!.accessory!, { responseUrl: slack.responseUrl() }) as Record<string, unknown>), trigger_id: newTriggerId(), container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home', callback_id: '', hash: 'h' } };
    delete press.response_url;
    delete press.channel;
    await postSignedToSlackEndpoint(events(), SECRET, interactionBody(press));
    await waitFor(() => slack.callsTo('views.update').length === 1);
    expect(slack.callsTo('views.open')[0]!.args.view).toMatchObject({ callback_id: 'find:search' });

    const submission = { type: 'view_submission', team: { id: 'T0BACKLINE' }, user: { id: 'U04ASILVA01' }, api_app_id: 'A0BACKLINE', view: { id: 'V1', type: 'modal', callback_id: 'find:search', private_metadata: '', state: { values: { 'find:query': { text: { type: 'plain_text_input', value: 'kafka cluster' } } } } } };
    const answer = (await postSignedToSlackEndpoint(events(), SECRET, interactionBody(submission))).json as { response_action: string; view: { blocks: unknown[] } };
    expect(answer.response_action).toBe('update');
    expect(checkViewLimits(answer.view)).toEqual([]);
    expect(blocksText(answer.view.blocks)).toContain('Event bus (Kafka)');
  });
});

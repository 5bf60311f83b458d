/**
 * `serve` in Socket Mode end to end: Bolt's SocketModeReceiver connects to the fake Slack's Socket
 * Mode side (test/support/fakeSocketMode.ts) through apps.connections.open at SLACK_API_URL, and
 * every request arrives as an envelope on that WebSocket. What a user sees of a request is the
 * ack Slack took for it, when the ack carries an answer, and what was posted to its response_url.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkMessageLimits } from '../../commands/blockKit/checks';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { DEMO_CATALOG } from '../../src/paths';
import { startServer, type RunningServer } from '../../src/serve/server';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import type { SocketEnvelope } from '../support/fakeSocketMode';
import { freePort } from '../support/net';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const APP_TOKEN = 'xapp-1-A0BACKLINE-socket-e2e';
const REQUESTER = 'U0TESTER';
// The person asking, in a team of the demo catalog, so that /create-service offers its templates.
const REQUESTER_CATALOG = `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: tess.tester
  annotations:
    slack.com/user-id: ${REQUESTER}
spec:
  memberOf: [payments]
`;

const db = useTestDatabase();
let slack: FakeSlack;
let server: RunningServer;
let base: string;
let scratch: string;
const logLines: string[] = [];

async function startReplica(): Promise<{ server: RunningServer; base: string }> {
  const port = await freePort();
  const config = loadConfig({
    DATABASE_URL: db().url,
    PORT: String(port),
    SLACK_BOT_TOKEN: 'xoxb-socket-e2e',
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: slack.url,
    BACKLINE_DOCS_REFRESH_MINUTES: '0',
    BACKLINE_TEMPLATE_ALLOWED_GROUPS: 'northwind-labs',
    BACKLINE_LOCAL_REPOS_DIR: path.join(scratch, 'repositories'),
  });
  const logger = createLogger({ level: 'info', write: (line) => logLines.push(line) });
  // A 2.5 s pong timeout makes the client reconnect 2.5 s after a disconnect instead of 5 s.
  const started = await startServer(config, { logger, socketPingTimeoutMs: 2500 });
  // What serve does once at start (Slack's people, the checks of backline doctor, a health
  // evaluation) is over before the tests count calls, or stop it.
  await Promise.all([started.directoryListedAtStart, started.checkedAtStart, started.healthEvaluatedAtStart]);
  return { server: started, base: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'backline-socket-mode-'));
  await fs.writeFile(path.join(scratch, 'requester.yaml'), REQUESTER_CATALOG);
  const report = await ingest([await rootFromPath(DEMO_CATALOG), await rootFromPath(path.join(scratch, 'requester.yaml'))], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  slack = await startFakeSlack({
    users: {
      'chloe.martin@northwind.example': { id: 'U0CHLOE', real_name: 'Chloé Martin' },
      'tomas.novak@northwind.example': { id: 'U0TOMAS', real_name: 'Tomáš Novák', deleted: true },
    },
  });
  ({ server, base } = await startReplica());
});

afterAll(async () => {
  await server.stop();
  await slack.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
  logLines.length = 0;
});

const socket = () => slack.socketMode;
const whoowns = (text: string, fields: Record<string, string> = {}) => socket().slashCommand({ text, response_url: slack.responseUrl(), ...fields });
const blocksText = (blocks: unknown) => JSON.stringify(blocks);
const waitFor = (condition: () => boolean, what: string, timeoutMs = 5000) => waitUntil(condition, timeoutMs, what);
const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

/** Every answer the user saw: the ack Slack took, when it carries one, and each post to the response_url. */
function answersTo(envelope: SocketEnvelope): Array<Record<string, unknown>> {
  const ack = envelope.acknowledged?.payload;
  const inAck = ack && Object.keys(ack).length > 0 ? [ack] : [];
  return [...inAck, ...slack.responses.filter((response) => response.url === envelope.payload.response_url).map((response) => response.body)];
}

/** Makes the next card slow: the team's people are looked up again, each lookup taking `ms`. */
async function slowNextCard(ms: number): Promise<void> {
  await db().pool.query('DELETE FROM slack_identities');
  slack.delay('users.lookupByEmail', ms, 10);
}

describe('the Socket Mode connection', () => {
  it('is opened through apps.connections.open at SLACK_API_URL with the app-level token, beside probes and metrics on PORT', async () => {
    // The checks at start ask for a URL too, to see that the token works, and leave it unused.
    const asked = slack.callsTo('apps.connections.open');
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(new Set(asked.map((call) => call.token))).toEqual(new Set([APP_TOKEN]));
    expect(socket().connections).toEqual([{ id: 1, open: true }]);
    const probes = await Promise.all(['/healthz', '/readyz', '/metrics'].map((route) => fetch(`${base}${route}`)));
    expect(probes.map((probe) => probe.status)).toEqual([200, 200, 200]);
    expect(await probes[1]!.json()).toEqual({ status: 'ok' });
    expect(await probes[2]!.text()).toMatch(/^backline_catalog_entities \d+$/m);
    expect((await fetch(`${base}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('refuses to start with an app-level token Slack rejects, saying where to make one', async () => {
    slack.failNext('apps.connections.open', 'invalid_auth');
    const config = loadConfig({ DATABASE_URL: db().url, PORT: String(await freePort()), SLACK_BOT_TOKEN: 'xoxb-socket-e2e', SLACK_APP_TOKEN: 'xapp-revoked', SLACK_API_URL: slack.url });
    await expect(startServer(config, { logger: createLogger({ level: 'error', write: () => undefined }) })).rejects.toThrow(
      'Slack refused to open a Socket Mode connection with SLACK_APP_TOKEN (invalid_auth). Create an app-level token with the connections:write scope at https://api.slack.com/apps',
    );
    expect(slack.callsTo('apps.connections.open').map((call) => call.token)).toEqual(['xapp-revoked']);
  });
});

describe('/whoowns', () => {
  it('answers with its card in the ack, inside Block Kit limits', async () => {
    const envelope = whoowns('payments-service');
    const ack = await socket().acknowledged(envelope, 3000);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: 'component:default/payments-service is owned by Payments' });
    expect(checkMessageLimits(ack.payload as { text: string; blocks: unknown[] })).toEqual([]);
    expect(blocksText(ack.payload.blocks)).toContain('*Payments*  <#C04PAYMENTS1>  <!subteam^S04PAYTEAM>');
    expect(answersTo(envelope)).toHaveLength(1);
  });

  it('acks empty inside 3 s and answers through response_url when a dependency is slow', async () => {
    await slowNextCard(3000);
    const envelope = whoowns('payments-service');
    const ack = await socket().acknowledged(envelope, 3000);
    expect(ack.payload).toEqual({});
    expect(ack.at - envelope.deliveries[0]!.at).toBeLessThan(3000);
    await waitFor(() => answersTo(envelope).length === 1, 'the card through response_url', 8000);
    expect(answersTo(envelope)[0]).toMatchObject({ text: 'component:default/payments-service is owned by Payments' });
  });

  it('logs each request with one request id and its envelope id on every line', async () => {
    const envelope = whoowns('', { command: '/no-such-command' });
    await socket().acknowledged(envelope);
    await waitFor(() => logged().some((line) => line.msg === 'handled /no-such-command'), 'the request to be logged');
    const lines = logged().filter((line) => line.envelopeId === envelope.id);
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['request refused', 'handled /no-such-command']));
    expect(new Set(lines.map((line) => line.requestId)).size).toBe(1);
    expect(lines[0]!.requestId).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('buttons, forms and App Home', () => {
  type Button = { action_id: string; value: string; block_id?: string };
  const press = (button: Button, responseUrl: string) =>
    socket().interaction({
      type: 'block_actions',
      user: { id: REQUESTER, username: 'tester', team_id: 'T0BACKLINE' },
      team: { id: 'T0BACKLINE', domain: 'backline-test' },
      api_app_id: 'A0BACKLINE',
      channel: { id: 'C0GENERAL', name: 'general' },
      container: { type: 'message', message_ts: `${Date.now()}.000100`, channel_id: 'C0GENERAL', is_ephemeral: true },
      response_url: responseUrl,
      actions: [{ type: 'button', block_id: button.block_id ?? 'b', action_id: button.action_id, value: button.value, action_ts: '1.3' }],
    });
  const buttonsOf = (payload: Record<string, unknown>) => (payload.blocks as Array<{ type: string; elements?: Button[] }>).filter((block) => block.type === 'actions').flatMap((block) => block.elements ?? []);

  it('re-runs the lookup in place from a "did you mean" button', async () => {
    const card = (await socket().acknowledged(whoowns('paymnets-servce'))).payload;
    const suggestion = buttonsOf(card)[0]!;
    expect(suggestion).toMatchObject({ action_id: 'whoowns:lookup:0', value: 'ref:component:default/payments-service' });
    const responseUrl = slack.responseUrl();
    const envelope = press(suggestion, responseUrl);
    expect((await socket().acknowledged(envelope)).payload).toEqual({});
    await waitFor(() => slack.responses.length === 1, 'the card to be replaced');
    expect(slack.responses[0]!.body).toMatchObject({ replace_original: true, response_type: 'ephemeral', text: 'component:default/payments-service is owned by Payments' });
  });

  it('shares a card in the channel once, however often Slack delivers the press', async () => {
    const card = (await socket().acknowledged(whoowns('payments-api'))).payload;
    const share = buttonsOf(card).find((button) => button.action_id === 'whoowns:share')!;
    const envelope = press(share, slack.responseUrl());
    await socket().acknowledged(envelope);
    await waitFor(() => slack.responses.length === 1, 'the card to be shared');
    socket().redeliver(envelope);
    await waitFor(() => envelope.acks.length === 2, 'the second delivery to be acknowledged');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.responses.map((response) => response.body.response_type)).toEqual(['in_channel']);
    expect(blocksText(slack.responses[0]!.body.blocks)).toContain(`Shared by <@${REQUESTER}> with /whoowns`);
  });

  it('answers a form with inline errors in the ack of its submission', async () => {
    const opening = socket().slashCommand({ command: '/create-service', text: '', user_id: REQUESTER, response_url: slack.responseUrl() });
    expect((await socket().acknowledged(opening)).payload).toEqual({});
    await waitFor(() => slack.callsTo('views.update').length === 1, 'the template picker to load');
    expect(slack.callsTo('views.open')[0]!.args.trigger_id).toBe(opening.payload.trigger_id);
    const picker = slack.callsTo('views.update')[0]!.args.view as { callback_id: string; private_metadata: string };
    const submit = (view: { callback_id: string; private_metadata?: string }, values: Record<string, unknown>) =>
      socket().interaction({
        type: 'view_submission',
        team: { id: 'T0BACKLINE', domain: 'backline-test' },
        user: { id: REQUESTER, username: 'tess', team_id: 'T0BACKLINE' },
        api_app_id: 'A0BACKLINE',
        view: { id: 'V0FORM', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata ?? '', hash: '1.2', state: { values } },
      });
    const next = (await socket().acknowledged(submit(picker, { template: { value: { type: 'static_select', selected_option: { value: 'typescript-service' } } } }))).payload;
    expect(next.response_action).toBe('update');
    const form = next.view as { callback_id: string; private_metadata: string };
    const answer = await socket().acknowledged(
      submit(form, {
        'f:name': { value: { type: 'plain_text_input', value: 'checkout-gateway' } },
        'f:description': { value: { type: 'plain_text_input', value: null } },
        'f:owner': { 'entity-picker:group': { type: 'external_select', selected_option: { value: 'group:default/payments' } } },
      }),
    );
    expect(answer.payload).toEqual({ response_action: 'errors', errors: { 'f:description': 'Description is required.' } });
  });

  it('publishes App Home once when Slack delivers the event again', async () => {
    const envelope = socket().event({ type: 'app_home_opened', user: 'U04ASILVA01', channel: 'D1', tab: 'home' }, 'Ev0SOCKETHOME1');
    expect((await socket().acknowledged(envelope)).payload).toEqual({});
    await waitFor(() => slack.callsTo('views.publish').length === 1, 'App Home to be published');
    socket().redeliver(envelope, 'timeout');
    await waitFor(() => envelope.acks.length === 2, 'the retry to be acknowledged');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(envelope.deliveries.map((delivery) => delivery.attempt)).toEqual([0, 1]);
    expect(slack.callsTo('views.publish')).toHaveLength(1);
    expect(blocksText((slack.callsTo('views.publish')[0]!.args.view as { blocks: unknown[] }).blocks)).toContain('My teams');
  });
});

describe('requests Slack delivers again', () => {
  it('answers once when the ack that carried the card was lost and Slack sends the command again', async () => {
    socket().loseAcks(1);
    const envelope = whoowns('ledger-service');
    await waitFor(() => envelope.deliveries.length === 2, 'Slack to send the command again after 3 s', 6000);
    const ack = await socket().acknowledged(envelope, 3000);
    expect(envelope.acks.map((a) => a.outcome)).toEqual(['lost', 'taken']);
    expect(ack.payload).toMatchObject({ text: 'component:default/ledger-service is owned by Ledger' });
    expect(answersTo(envelope)).toHaveLength(1);
  });

  it('acks empty a command delivered again while its first delivery is still answering, and answers once', async () => {
    await slowNextCard(2800);
    const envelope = whoowns('payments-service');
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket().redeliver(envelope);
    await waitFor(() => answersTo(envelope).length === 1, 'the card through response_url', 8000);
    await waitFor(() => envelope.acks.length === 2, 'both deliveries to be acknowledged');
    expect(envelope.acks.map((a) => a.payload)).toEqual([{}, {}]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answersTo(envelope)).toEqual([expect.objectContaining({ text: 'component:default/payments-service is owned by Payments' })]);
  });
});

describe('a reconnect in the middle of traffic', () => {
  it('answers a command in flight when Slack asks to disconnect once, through response_url, acks its redelivery empty, and is not ready meanwhile', async () => {
    const connections = socket().connections.length;
    await slowNextCard(700);
    const envelope = whoowns('payments-service');
    await new Promise((resolve) => setTimeout(resolve, 150));
    socket().disconnect('refresh_requested');
    await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 503, 2000, '/readyz to say Slack is not connected');
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'slack not connected' });
    await socket().connected(connections + 1);
    await waitFor(() => envelope.deliveries.length === 2 && envelope.acknowledged !== undefined, 'the redelivery to be acknowledged', 8000);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(envelope.deliveries.map((delivery) => delivery.reason)).toEqual(['first', 'connection closed']);
    expect(envelope.acknowledged!.payload).toEqual({});
    expect(answersTo(envelope)).toEqual([expect.objectContaining({ text: 'component:default/payments-service is owned by Payments' })]);
    expect(socket().connections[connections - 1]!.closedWith).toBe(1000);
  });

  it('loses nothing and answers nothing twice while Slack refreshes and disables connections during steady traffic', async () => {
    const services = ['payments-service', 'ledger-service', 'card-vault', 'kyc-service', 'risk-scoring-service'];
    const sent: Array<{ envelope: SocketEnvelope; service: string }> = [];
    const connections = socket().connections.length;
    for (let i = 0; i < 30; i += 1) {
      if (i === 10) socket().disconnect('refresh_requested');
      if (i === 20) {
        await socket().connected(connections + 1);
        socket().disconnect('link_disabled');
      }
      const service = services[i % services.length]!;
      sent.push({ envelope: whoowns(service), service });
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await waitFor(() => sent.every(({ envelope }) => answersTo(envelope).length >= 1), 'every command to be answered', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const { envelope, service } of sent) {
      expect({ service, answers: answersTo(envelope).map((answer) => answer.text) }).toEqual({ service, answers: [expect.stringMatching(new RegExp(`^component:default/${service} is owned by `))] });
    }
    expect(socket().connections.length).toBeGreaterThanOrEqual(connections + 2);
    expect(sent.flatMap(({ envelope }) => envelope.acks).filter((ack) => ack.outcome === 'other connection')).toEqual([]);
  });
});

describe('stopping', () => {
  it('is not ready, leaves requests that arrive to another replica, acknowledges those it took, and closes cleanly', async () => {
    const other = await startReplica();
    try {
      const mine = socket().connections.filter((connection) => connection.open).at(-2)!;
      await slowNextCard(900);
      const taken = socket().slashCommand({ text: 'payments-service', response_url: slack.responseUrl() }, { connection: mine.id });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopped = server.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const arriving = socket().slashCommand({ text: 'ledger-service', response_url: slack.responseUrl() }, { connection: mine.id });
      const readiness = await fetch(`${base}/readyz`);
      expect(readiness.status).toBe(503);
      expect(await readiness.json()).toEqual({ status: 'stopping', reason: 'this replica is shutting down and finishing the requests under way' });
      expect(await stopped).toEqual({ cut: [] });
      expect(taken.acknowledged).toMatchObject({ connection: mine.id, outcome: 'taken' });
      expect(answersTo(taken)).toEqual([expect.objectContaining({ text: 'component:default/payments-service is owned by Payments' })]);
      expect(mine.closedWith).toBe(1000);
      const answer = await socket().acknowledged(arriving, 3000);
      expect(answer.connection).not.toBe(mine.id);
      expect(answersTo(arriving)).toEqual([expect.objectContaining({ text: 'component:default/ledger-service is owned by Ledger' })]);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      await other.server.stop();
    }
  });
});

import nock from 'nock';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { DEMO_CATALOG } from '../../src/paths';
import { checkMessageLimits } from '../../commands/blockKit/checks';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { interactionBody, postSignedToSlackEndpoint, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { PAGERDUTY, PD_TOKEN, pagerDutyService } from './providerFakes';
import { waitUntil } from '../support/waitFor';

const SECRET = 'oncall-e2e-signing-secret-0123';
const db = useTestDatabase();
let slack: FakeSlack;
let server: RunningServer;
let events: string;

const HOUR = 3_600_000;
const hourNow = Math.floor(Date.now() / HOUR) * HOUR;
const shiftEnd = hourNow + 50 * HOUR;
const shifts = [
  { level: 1, name: 'Ben Okafor', email: 'ben.okafor@northwind.example', start: new Date(hourNow - 20 * HOUR).toISOString(), end: new Date(shiftEnd).toISOString() },
  { level: 2, name: 'Marcus Webb', email: 'marcus.webb@northwind.example', start: null, end: null },
  { level: 1, name: 'Ana Silva', email: 'ana.silva@northwind.example', start: new Date(shiftEnd).toISOString(), end: new Date(shiftEnd + 168 * HOUR).toISOString() },
];

/** How a New Yorker reads an instant, written out here rather than taken from the renderer. */
function inNewYork(at: number): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at).map((part) => [part.type, part.value]));
  return `${parts.weekday} ${parts.day} ${parts.month}, ${parts.hour}:${parts.minute}`;
}

beforeAll(async () => {
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  slack = await startFakeSlack({ users: { 'tester@northwind.example': { id: 'U0TESTER', real_name: 'Tess Tester', tz: 'America/New_York' } } });
  const port = await freePort();
  events = `http://127.0.0.1:${port}/slack/events`;
  const config = loadConfig({ DATABASE_URL: db().url, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, PAGERDUTY_TOKEN: PD_TOKEN, PAGERDUTY_API_URL: PAGERDUTY });
  server = await startServer(config, { logger: silentLogger });
  // serve evaluates health at start, asking the same providers: let that settle before the tests set up theirs.
  await server.healthEvaluatedAtStart;
});

afterAll(async () => {
  await server.stop();
  await slack.close();
});

beforeEach(async () => {
  await db().pool.query('DELETE FROM oncall_cache');
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
  nock.abortPendingRequests();
  nock.cleanAll();
});

const command = (name: string, text: string, extra: Record<string, string> = {}) => postSignedToSlackEndpoint(events, SECRET, slashCommandBody({ command: name, text, response_url: slack.responseUrl(), ...extra }));
const text = (blocks: unknown) => JSON.stringify(blocks);

const waitFor = (condition: () => boolean, timeoutMs = 8000) => waitUntil(condition, timeoutMs, 'the answer through response_url');

describe('/oncall over signed Slack requests', () => {
  it('names the level-1 person first, until when in the asker\'s time zone, who is next, and links to PagerDuty', async () => {
    pagerDutyService(shifts);
    const response = await command('/oncall', 'payments');
    expect(response.status).toBe(200);
    const body = response.json as { response_type: string; text: string; blocks: Array<{ type: string; text?: { text: string }; elements?: Array<Record<string, unknown>> }> };
    expect(checkMessageLimits(body)).toEqual([]);
    expect(body.response_type).toBe('ephemeral');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'On call for Payments', emoji: true } });
    const people = body.blocks.find((block) => block.type === 'section')!.text!.text;
    expect(people.split('\n')).toEqual([`*Level 1*  <@U04BOKAFOR1>  until ${inNewYork(shiftEnd)} ${people.match(/GMT-\d/)![0]}`, '*Level 2*  <@U02MWEBB001>  _no end set_']);
    expect(text(body.blocks)).toContain(`*Next:* <@U04ASILVA01> from ${inNewYork(shiftEnd)}`);
    expect(text(body.blocks)).toContain('Times in America/New_York');
    const page = body.blocks.find((block) => block.type === 'actions')!.elements![0];
    expect(page).toMatchObject({ type: 'button', url: 'https://northwind.pagerduty.com/service-directory/PQ7K2ZL', text: { text: 'Page in PagerDuty' } });
    expect(slack.callsTo('users.info').map((call) => call.args.user)).toEqual(['U0TESTER']);
  });

  it('acks inside Slack\'s 3 s while PagerDuty takes 10 s, then answers through response_url with a warning', async () => {
    nock(PAGERDUTY).get('/services/PQ7K2ZL').delay(10_000).reply(200, {});
    const response = await command('/oncall', 'payments');
    // Bolt answers 404 to a command not acked within 3 s; an empty 200 is the ack without the answer.
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    await waitFor(() => slack.responses.length === 1);
    const answer = slack.responses[0]!.body as { text: string; blocks: unknown[] };
    expect(answer.text).toBe('Nobody is on call for group:default/payments');
    expect(text(answer.blocks)).toContain(':warning: PagerDuty did not answer in 2 s.');
  });

  it('answers for the team of the channel it is asked in', async () => {
    pagerDutyService(shifts);
    const response = await command('/oncall', '', { channel_id: 'C04PAYMENTS1', channel_name: 'team-payments' });
    expect((response.json as { text: string }).text).toMatch(/^Ben Okafor is on call for group:default\/payments until /);
  });

  it('answers from a catalog Rotation without any provider call, with no page button', async () => {
    const response = await command('/oncall', 'risk');
    const body = response.json as { text: string; blocks: Array<{ type: string }> };
    expect(text(body.blocks)).toContain('Rotation · Risk primary on-call');
    expect(body.blocks.some((block) => block.type === 'actions')).toBe(false);
  });

  it('offers "did you mean" buttons for a typo, and a press answers in place', async () => {
    const body = (await command('/oncall', 'paymnets-servce')).json as { blocks: Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }> };
    const suggestion = body.blocks.find((block) => block.type === 'actions')!.elements![0]!;
    expect(suggestion).toMatchObject({ action_id: 'oncall:lookup:0', value: 'ref:component:default/payments-service' });
    pagerDutyService(shifts);
    const press = await postSignedToSlackEndpoint(events, SECRET, interactionBody({ type: 'block_actions', user: { id: 'U0TESTER' }, channel: { id: 'C0CHANNEL', name: 'general' }, response_url: slack.responseUrl(), actions: [{ type: 'button', action_id: suggestion.action_id, value: suggestion.value, block_id: 'oncall:lookup' }] }));
    expect(press.status).toBe(200);
    await waitFor(() => slack.responses.length === 1);
    expect(slack.responses[0]!.body).toMatchObject({ replace_original: true, text: expect.stringMatching(/^Ben Okafor is on call for component:default\/payments-service until /) });
  });
});

describe('the on-call line of /whoowns', () => {
  it('shows who is on call with a Slack date that each viewer reads in their own time zone', async () => {
    pagerDutyService(shifts);
    const body = (await command('/whoowns', 'payments-service')).json as { blocks: unknown[] };
    const seconds = Math.floor(shiftEnd / 1000);
    expect(text(body.blocks)).toContain(`*On call*\\n<@U04BOKAFOR1> until <!date^${seconds}^{date_short_pretty} {time}|`);
    expect(text(body.blocks)).toContain('(PagerDuty)');
  });
});

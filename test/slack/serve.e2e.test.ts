import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { DEMO_CATALOG } from '../../src/paths';
import { checkMessageLimits } from '../../commands/blockKit/checks';
import { PgSlackIdentityStore } from '../../src/slack/PgSlackIdentityStore';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { buttonPress, interactionBody, nowInSeconds, postSignedToSlackEndpoint, postToSlackEndpoint, signSlackRequest, slashCommandBody } from '../support/slackSigning';
import { freePort } from '../support/net';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'e2e-signing-secret-0123456789';
const db = useTestDatabase();
let slack: FakeSlack;
let server: RunningServer;
let base: string;


async function start(): Promise<void> {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DATABASE_URL: db().url, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url });
  server = await startServer(config, { logger: silentLogger });
  // The checks at start call Slack too; tests count calls from here on.
  await server.checkedAtStart;
}

beforeAll(async () => {
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  slack = await startFakeSlack({
    users: {
      'chloe.martin@northwind.example': { id: 'U0CHLOE', real_name: 'Chloé Martin' },
      'tomas.novak@northwind.example': { id: 'U0TOMAS', real_name: 'Tomáš Novák', deleted: true },
    },
  });
  await start();
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

/**
 * Forgets every Slack identity in the shared cache. A listing is recorded as just finished, so the
 * restarted server lists nobody.
 */
async function coldIdentityCache(): Promise<void> {
  await restart(async () => {
    await db().pool.query('DELETE FROM slack_identities');
    await PgSlackIdentityStore.create({ pool: db().pool }).recordListing({ startedAt: new Date(), finishedAt: new Date(), accounts: 0, absent: 0 });
  });
}

/** Stops serve, does `meanwhile`, and starts it again, waiting for what it does with Slack's people at start. */
async function restart(meanwhile: () => unknown = () => undefined): Promise<void> {
  await server.stop();
  await meanwhile();
  await start();
  await server.directoryListedAtStart;
}
const command = (text: string, extra: Record<string, string> = {}) => postSignedToSlackEndpoint(events(), SECRET, slashCommandBody({ text, response_url: slack.responseUrl(), ...extra }));
const blocksText = (blocks: unknown) => JSON.stringify(blocks);

describe('a signed /whoowns', () => {
  it('answers 200 within 3 s with the card naming the owner team, inside Block Kit limits', async () => {
    const started = Date.now();
    const response = await command('payments-service');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    const body = response.json as { response_type: string; blocks: unknown[]; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('component:default/payments-service is owned by Payments');
    expect(checkMessageLimits(body)).toEqual([]);
    expect(blocksText(body.blocks)).toContain('*Payments*  <#C04PAYMENTS1>  <!subteam^S04PAYTEAM>');
  });

  it('mentions members found by email and caches the lookup in Postgres', async () => {
    await coldIdentityCache();
    const first = (await command('payments-service')).json as { blocks: unknown[] };
    expect(blocksText(first.blocks)).toContain('<@U0CHLOE>');
    expect(blocksText(first.blocks)).toContain('Tomáš Novák');
    expect(blocksText(first.blocks)).toContain(':warning: Tomáš Novák left Slack but is still listed in group:default/payments.');
    expect(slack.callsTo('users.lookupByEmail').map((call) => call.args.email).sort()).toEqual(['chloe.martin@northwind.example', 'tomas.novak@northwind.example']);
    const { rows } = await db().pool.query('SELECT email, slack_user_id FROM slack_identities ORDER BY email');
    expect(rows).toEqual([
      { email: 'chloe.martin@northwind.example', slack_user_id: 'U0CHLOE' },
      { email: 'tomas.novak@northwind.example', slack_user_id: 'U0TOMAS' },
    ]);
    slack.reset();
    await command('payments-service');
    expect(slack.callsTo('users.lookupByEmail')).toEqual([]);
  });

  it('needs no lookup per person for a team’s first card once serve has listed Slack’s people', async () => {
    await restart(() => db().pool.query('TRUNCATE slack_identities, slack_directory_listings'));
    expect(slack.callsTo('users.list')).toHaveLength(1);
    const card = (await command('payments-service')).json as { blocks: unknown[] };
    expect(blocksText(card.blocks)).toContain('<@U0CHLOE>');
    expect(blocksText(card.blocks)).toContain(':warning: Tomáš Novák left Slack but is still listed in group:default/payments.');
    expect(slack.callsTo('users.lookupByEmail')).toEqual([]);
  });

  it('restarted within the hour, uses the accounts the last listing saved instead of listing again', async () => {
    await restart(() => db().pool.query('TRUNCATE slack_identities, slack_directory_listings'));
    await restart(() => slack.reset());
    expect(slack.callsTo('users.list')).toEqual([]);
    const card = (await command('payments-service')).json as { blocks: unknown[] };
    expect(blocksText(card.blocks)).toContain('<@U0CHLOE>');
    expect(blocksText(card.blocks)).toContain(':warning: Tomáš Novák left Slack but is still listed in group:default/payments.');
    expect(slack.callsTo('users.lookupByEmail')).toEqual([]);
  });

  it('offers "did you mean" buttons for a typo, and a button press re-runs the lookup in place', async () => {
    const body = (await command('paymnets-servce')).json as { blocks: Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }> };
    const buttons = body.blocks.find((block) => block.type === 'actions')!.elements!;
    expect(buttons[0]).toMatchObject({ action_id: 'whoowns:lookup:0', value: 'ref:component:default/payments-service' });

    const press = await postSignedToSlackEndpoint(events(), SECRET, interactionBody(buttonPress(buttons[0]!, { responseUrl: slack.responseUrl() })));
    expect(press.status).toBe(200);
    await waitFor(() => slack.responses.length === 1);
    expect(slack.responses[0]!.body).toMatchObject({ replace_original: true, response_type: 'ephemeral', text: 'component:default/payments-service is owned by Payments' });
  });

  it('shares the card visibly in the channel, saying who shared it', async () => {
    const body = (await command('payments-api')).json as { blocks: Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }> };
    const share = body.blocks.find((block) => block.type === 'actions')!.elements!.find((element) => element.action_id === 'whoowns:share')!;
    await postSignedToSlackEndpoint(events(), SECRET, interactionBody(buttonPress(share, { responseUrl: slack.responseUrl() })));
    await waitFor(() => slack.responses.length === 1);
    const shared = slack.responses[0]!.body as { response_type: string; blocks: unknown[] };
    expect(shared.response_type).toBe('in_channel');
    expect(blocksText(shared.blocks)).toContain('Shared by <@U0TESTER> with /whoowns');
    expect(blocksText(shared.blocks)).not.toContain('whoowns:share');
  });

  it('lists what the team of a channel owns, and what a person and their teams own', async () => {
    const channel = (await command('<#C04PAYMENTS1|team-payments>')).json as { blocks: unknown[] };
    expect(blocksText(channel.blocks)).toContain('Payments Service');
    const here = (await command('', { channel_id: 'C04PAYMENTS1', channel_name: 'team-payments' })).json as { blocks: unknown[] };
    expect(blocksText(here.blocks)).toContain('Payments Service');
    const person = (await command('<@U04ASILVA01|ana>')).json as { blocks: unknown[] };
    expect(blocksText(person.blocks)).toMatch(/What .+ and their teams own/);
    expect(blocksText(person.blocks)).toContain('Card Vault');
  });

  it('answers through response_url when a dependency is slow, with the ack still inside 3 s', async () => {
    await coldIdentityCache();
    slack.delay('users.lookupByEmail', 3500, 2);
    const started = Date.now();
    const response = await command('payments-service');
    const ackMs = Date.now() - started;
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(ackMs).toBeLessThan(3000);
    await waitFor(() => slack.responses.length === 1, 8000);
    expect(slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: 'component:default/payments-service is owned by Payments' });
  });
});

describe('talking to Slack', () => {
  it('asks auth.test once at start-up, not once per request', async () => {
    await command('payments-service');
    await command('ledger-service');
    expect(slack.callsTo('auth.test')).toEqual([]);
  });

  it('refuses to start with a token Slack rejects, saying where to get a good one', async () => {
    slack.failNext('auth.test', 'invalid_auth');
    const config = loadConfig({ DATABASE_URL: db().url, PORT: String(await freePort()), SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url });
    await expect(startServer(config, { logger: silentLogger })).rejects.toThrow('Slack rejected SLACK_BOT_TOKEN (invalid_auth). Copy the Bot User OAuth Token again from https://api.slack.com/apps');
  });

  it('still answers through response_url when the ack came too late for Bolt', async () => {
    const port = await freePort();
    const late = await startServer(loadConfig({ DATABASE_URL: db().url, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url }), { logger: silentLogger, ackBudgetMs: 3300 });
    try {
      await coldIdentityCache();
      slack.delay('users.lookupByEmail', 3600, 2);
      const response = await postSignedToSlackEndpoint(`http://127.0.0.1:${port}/slack/events`, SECRET, slashCommandBody({ text: 'payments-service', response_url: slack.responseUrl() }));
      expect(response.status).toBe(404);
      await waitFor(() => slack.responses.length === 1, 6000);
      expect(slack.responses[0]!.body).toMatchObject({ text: 'component:default/payments-service is owned by Payments' });
    } finally {
      await late.stop();
    }
  });
});

describe('requests that are not from Slack', () => {
  it.each([
    ['a wrong secret', () => signSlackRequest('not-the-secret-at-all-123', slashCommandBody({ text: 'x' }))],
    ['a stale timestamp', () => signSlackRequest(SECRET, slashCommandBody({ text: 'x' }), nowInSeconds() - 6 * 60)],
    ['no signature headers', () => ({ 'Content-Type': 'application/x-www-form-urlencoded' }) as Record<string, string>],
  ])('get 401 for %s, and nothing is answered', async (_what, headers) => {
    const body = slashCommandBody({ text: 'x' });
    const response = await postToSlackEndpoint(events(), body, headers() as unknown as Record<string, string>);
    expect(response.status).toBe(401);
    expect(slack.calls).toEqual([]);
  });

  it('gets 400 for a malformed body, and the server keeps serving', async () => {
    const body = 'payload=%7Bnot-json';
    const response = await postToSlackEndpoint(events(), body, { ...signSlackRequest(SECRET, body) });
    expect(response.status).toBe(400);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers url_verification with the challenge once the signature passes', async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'c-123' });
    const response = await postSignedToSlackEndpoint(events(), SECRET, body);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ challenge: 'c-123' });
  });
});

describe('events and interactions', () => {
  const homeOpened = (eventId: string) =>
    JSON.stringify({ type: 'event_callback', team_id: 'T0BACKLINE', api_app_id: 'A0BACKLINE', event_id: eventId, event_time: nowInSeconds(), event: { type: 'app_home_opened', user: 'U04ASILVA01', channel: 'D1', tab: 'home' } });

  it('publishes App Home once even when Slack retries the delivery', async () => {
    const body = homeOpened('Ev-home-1');
    expect((await postSignedToSlackEndpoint(events(), SECRET, body)).status).toBe(200);
    const retry = await postToSlackEndpoint(events(), body, { ...signSlackRequest(SECRET, body), 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    await waitFor(() => slack.callsTo('views.publish').length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const published = slack.callsTo('views.publish');
    expect(published).toHaveLength(1);
    expect(published[0]!.args.user_id).toBe('U04ASILVA01');
    expect(blocksText((published[0]!.args.view as { blocks: unknown[] }).blocks)).toContain('My teams');
  });

  it('suggests catalog entities for an external select as the user types', async () => {
    const body = interactionBody({ type: 'block_suggestion', user: { id: 'U0TESTER' }, team: { id: 'T0BACKLINE' }, api_app_id: 'A0BACKLINE', action_id: 'entity-picker:group', block_id: 'owner', value: 'pay', container: { type: 'view', view_id: 'V1' } });
    const response = await postSignedToSlackEndpoint(events(), SECRET, body);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ options: [{ text: { type: 'plain_text', text: 'Payments (group)' }, value: 'group:default/payments' }, { text: { type: 'plain_text', text: 'Payouts (group)' }, value: 'group:default/payouts' }] });
  });

  it('serves health and Prometheus metrics', async () => {
    await command('payments-service');
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/backline_requests_total\{command="\/whoowns",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/backline_request_duration_seconds_count\{command="\/whoowns"\} \d+/);
    expect(metrics).toMatch(/backline_catalog_entities 130/);
    const delay = Number(/^backline_event_loop_delay_max_seconds (\S+)$/m.exec(metrics)?.[1]);
    const p99 = Number(/^backline_event_loop_delay_p99_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(p99).toBeGreaterThanOrEqual(0);
    expect(p99).toBeLessThanOrEqual(delay);
  });
});

describe('errors', () => {
  it('refuses to serve without Slack credentials, naming the variables and where to find them', async () => {
    await expect(startServer(loadConfig({ DATABASE_URL: db().url }), { logger: silentLogger })).rejects.toThrow(/SLACK_BOT_TOKEN is not set\. Find it at https:\/\/api\.slack\.com\/apps.*\n- SLACK_SIGNING_SECRET is not set/s);
  });
});


const waitFor = (condition: () => boolean, timeoutMs = 3000) => waitUntil(condition, timeoutMs, 'Slack to be called');

describe('shutting down', () => {
  it('finishes answers already under way before closing the database', async () => {
    await coldIdentityCache();
    slack.delay('users.lookupByEmail', 2600, 2);
    const acked = await command('payments-service');
    expect(acked.text).toBe('');
    await server.stop();
    expect(slack.responses).toHaveLength(1);
    expect(slack.responses[0]!.body).toMatchObject({ text: 'component:default/payments-service is owned by Payments' });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

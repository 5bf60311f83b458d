import { createCommandSet } from '../../commands';
import { renderDigest } from '../../commands/digest.blocks';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { loadConfig } from '../../src/config';
import type { TeamDigest } from '../../src/health/digest';
import { silentLogger } from '../../src/logger';
import { openDigests, openHealth } from '../../src/compose/health';
import { openBackline, type Backline } from '../../src/compose/backline';
import { createBacklineMetrics } from '../../src/metrics';
import { DEMO_CATALOG } from '../../src/paths';
import { createSlackApp, type SlackServer } from '../../src/slack/app';
import { createSlackDirectory } from '../../src/slack/identity';
import { PgEventReceiptStore } from '../../src/slack/PgEventReceiptStore';
import { PgSlackIdentityStore } from '../../src/slack/PgSlackIdentityStore';
import { expectNoViolations, FAKE_BOT, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { interactionBody, newTriggerId, nowInSeconds, postSignedToSlackEndpoint } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const SECRET = 'digests-signing-secret-0123456789';
// Web fails several checks in the demo catalog; Payments (Ana's team) opens App Home.
const WEB = 'group:default/web';
const DAY = 86_400_000;
// The buttons' clock, fixed for the run: expiries are counted from it. Waivers are stamped with the
// health reader's own clock, so it runs a little ahead of that, for what they store to be in force.
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 10 * 60_000);
const db = useTestDatabase();
let slack: FakeSlack;
let backline: Backline;
let server: SlackServer;
let events: string;
let digest: TeamDigest;

// The real stack: the demo catalog evaluated by the health core, the Bolt app with the same
// listeners as `serve`, and Slack played by the loopback fake that enforces Block Kit limits.
beforeAll(async () => {
  backline = await openBackline(loadConfig({ DATABASE_URL: db().url }));
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: backline.catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  const health = openHealth(backline);
  await health.service.collectAndScore();
  const digests = openDigests(backline, { health: health.reader, now: () => NOW });
  [digest] = (await digests.dryRun({ team: WEB })) as [TeamDigest];
  expect(digest.actions.length).toBeGreaterThan(1);
  slack = await startFakeSlack();
  const port = await freePort();
  events = `http://127.0.0.1:${port}/slack/events`;
  const identities = PgSlackIdentityStore.create({ pool: backline.database.pool });
  server = createSlackApp({
    bot: { botId: FAKE_BOT.botId, botUserId: FAKE_BOT.userId },
    slack: { botToken: 'xoxb-digests', signingSecret: SECRET, appToken: undefined, apiUrl: slack.url },
    port,
    logger: silentLogger,
    metrics: createBacklineMetrics(),
    receipts: PgEventReceiptStore.create({ pool: backline.database.pool }),
    commands: (client) => {
      const directory = createSlackDirectory({ client, store: identities });
      return createCommandSet({ catalog: backline.catalog, directory, digests: digests.commandPorts({ directory }) });
    },
    readiness: async () => ({ ready: true }),
  });
  await server.start();
});

afterAll(async () => {
  await server.stop();
  await slack.close();
  await backline.close();
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
});

type Button = { action_id: string; value: string };
const buttonsOf = (blocks: unknown[]): Button[] => (blocks as Array<{ type: string; elements?: Button[] }>).filter((block) => block.type === 'actions').flatMap((block) => block.elements ?? []);

function press(button: Button) {
  return postSignedToSlackEndpoint(
    events,
    SECRET,
    interactionBody({
      type: 'block_actions',
      user: { id: 'U0TESTER', username: 'tester', team_id: 'T0BACKLINE' },
      team: { id: 'T0BACKLINE', domain: 'backline-test' },
      api_app_id: 'A0BACKLINE',
      channel: { id: 'C04WEBTEAM1', name: 'team-web' },
      container: { type: 'message', message_ts: '1.2', channel_id: 'C04WEBTEAM1', is_ephemeral: false },
      trigger_id: newTriggerId(),
      response_url: slack.responseUrl(),
      actions: [{ type: 'button', block_id: 'b', action_id: button.action_id, value: button.value, action_ts: '1.3' }],
    }),
  );
}

function submit(view: { id: string; callback_id: string; private_metadata: string }, reason: string) {
  return postSignedToSlackEndpoint(
    events,
    SECRET,
    interactionBody({
      type: 'view_submission',
      team: { id: 'T0BACKLINE', domain: 'backline-test' },
      user: { id: 'U0TESTER', username: 'tester', team_id: 'T0BACKLINE' },
      api_app_id: 'A0BACKLINE',
      trigger_id: newTriggerId(),
      view: { ...view, type: 'modal', hash: '1.2', state: { values: { reason: { value: { type: 'plain_text_input', value: reason } }, expiry: { value: { type: 'static_select', selected_option: { value: '365' } } } } } },
    }),
  );
}

const waivers = async (checkId: string) =>
  (await backline.database.pool.query<{ entity_ref: string; kind: string; reason: string | null; created_by: string; created_at: Date; expires_at: Date | null }>(
    'SELECT entity_ref, kind, reason, created_by, created_at, expires_at FROM waivers WHERE check_id = $1 ORDER BY entity_ref',
    [checkId],
  )).rows;

describe('the digest buttons, through signed Slack requests', () => {
  it('"Snooze 2 weeks" records a snooze by the presser for two weeks and tells them it took effect', async () => {
    const action = digest.actions[0]!;
    const snooze = buttonsOf(renderDigest(digest).blocks).find((button) => button.action_id === 'digest:snooze' && button.value === `${WEB}|${action.checkId}`)!;
    expect((await press(snooze)).status).toBe(200);
    await waitUntil(() => slack.responses.length === 1, 5000, 'the snooze confirmation');
    expect(slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(slack.responses[0]!.body.text)).toMatch(new RegExp(`^:zzz: Snoozed \\*${action.title}\\* on .+ \\(by <@U0TESTER>\\)\\.`));
    const stored = await waivers(action.checkId);
    expect(stored.map((waiver) => waiver.entity_ref).sort()).toEqual(action.entities.map((entity) => entity.ref).sort());
    for (const waiver of stored) {
      expect(waiver).toMatchObject({ kind: 'snooze', reason: null, created_by: 'U0TESTER' });
      expect(waiver.expires_at).toEqual(new Date(NOW.getTime() + 14 * DAY));
    }
  });

  it('"Not applicable…" opens a modal, answers an empty reason inline, then records who, when, why and until when', async () => {
    const action = digest.actions[1]!;
    const button = buttonsOf(renderDigest(digest).blocks).find((candidate) => candidate.action_id === 'digest:not-applicable' && candidate.value === `${WEB}|${action.checkId}`)!;
    expect((await press(button)).status).toBe(200);
    await waitUntil(() => slack.callsTo('views.update').length === 1, 5000, 'the modal to load');
    expect(slack.callsTo('views.open')).toHaveLength(1);
    const view = { ...(slack.callsTo('views.update')[0]!.args.view as { callback_id: string; private_metadata: string }), id: String(slack.callsTo('views.update')[0]!.args.view_id) };
    expect(view.callback_id).toBe('digest:not-applicable');

    const empty = await submit(view, '   ');
    expect(empty.json).toEqual({ response_action: 'errors', errors: { reason: 'Say why this check does not apply: your team reads it in its digests.' } });
    expect(await waivers(action.checkId)).toEqual([]);

    const saved = await submit(view, 'Internal tool: no customers depend on it.');
    expect(saved.json).toMatchObject({ response_action: 'update', view: { type: 'modal', callback_id: 'digest:not-applicable' } });
    const stored = await waivers(action.checkId);
    expect(stored.map((waiver) => waiver.entity_ref).sort()).toEqual(action.entities.map((entity) => entity.ref).sort());
    for (const waiver of stored) {
      expect(waiver).toMatchObject({ kind: 'not_applicable', reason: 'Internal tool: no customers depend on it.', created_by: 'U0TESTER' });
      expect(waiver.expires_at).toEqual(new Date(NOW.getTime() + 365 * DAY));
    }
  });

  it('leaves snoozed and waived checks out of the next digest', async () => {
    const [next] = (await openDigests(backline).dryRun({ team: WEB })) as [TeamDigest];
    expect(next.actions.map((action) => action.checkId)).not.toContain(digest.actions[0]!.checkId);
    expect(next.actions.map((action) => action.checkId)).not.toContain(digest.actions[1]!.checkId);
    expect(next.waived.length).toBe(digest.actions[0]!.entities.length + digest.actions[1]!.entities.length);
  });

  it('"Show all" opens a modal with every failing check', async () => {
    const showAll = buttonsOf(renderDigest(digest).blocks).find((button) => button.action_id === 'digest:show-all')!;
    await press(showAll);
    await waitUntil(() => slack.callsTo('views.update').length === 1, 5000, 'the Show all modal');
    const view = slack.callsTo('views.update')[0]!.args.view as { callback_id: string; blocks: unknown[] };
    expect(view.callback_id).toBe('digest:show-all');
    expect(JSON.stringify(view.blocks)).toContain('Snoozed or not applicable');
  });
});

describe('App Home', () => {
  it("shows the viewer's teams with level, score and open actions, inside the Home tab's limits", async () => {
    const body = JSON.stringify({ type: 'event_callback', team_id: 'T0BACKLINE', api_app_id: 'A0BACKLINE', event_id: 'Ev-digest-home', event_time: nowInSeconds(), event: { type: 'app_home_opened', user: 'U04ASILVA01', channel: 'D1', tab: 'home' } });
    expect((await postSignedToSlackEndpoint(events, SECRET, body)).status).toBe(200);
    await waitUntil(() => slack.callsTo('views.publish').length === 1, 5000, 'App Home to be published');
    expect(slack.callsTo('views.publish')[0]!.response.ok).toBe(true);
    const blocks = JSON.stringify((slack.callsTo('views.publish')[0]!.args.view as { blocks: unknown[] }).blocks);
    expect(blocks).toContain('Health of my teams');
    expect(blocks).toMatch(/\*Payments\*  \*(Below bronze|:\w+: \w+)\*/);
    expect(blocks).toContain('My teams');
  });
});

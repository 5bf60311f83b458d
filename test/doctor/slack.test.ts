import { WHERE_TO_GET } from '../../src/config';
import { manifestScopes } from '../../src/compose/doctor';
import { group } from '../support/catalogFiles';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from '../support/fakeSlack';
import { useTestDatabase } from '../support/testDatabase';
import { catalogOf, check, doctor } from './helpers';

const db = useTestDatabase();
const SECRET = '8f742231b10e8888abcd99aa11ee85a5';
let slack: FakeSlack;

async function withSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  slack = await startFakeSlack(options);
  return slack;
}
afterEach(() => slack?.close());

const env = (extra: Record<string, string> = {}) => ({ DATABASE_URL: db().url, SLACK_BOT_TOKEN: 'xoxb-doctor', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, ...extra });

describe('the bot token and its scopes', () => {
  beforeAll(() => catalogOf(db()));

  it('finds nothing wrong with a working token that has every scope manifest.yml asks for', async () => {
    await withSlack();
    const report = await doctor(env());
    expect(check(report, 'slack.token')).toEqual({ name: 'slack.token', status: 'ok', message: 'the bot token works: @backline (U0BACKLINE) in Backline Test (T0BACKLINE)', fix: null });
    expect(check(report, 'slack.scopes')).toEqual({ name: 'slack.scopes', status: 'ok', message: `the bot token has all ${manifestScopes().length} scopes manifest.yml asks for`, fix: null });
    expect(slack.callsTo('auth.test').map((call) => call.token)).toEqual(['xoxb-doctor']);
  });

  it('names the scopes the token lacks, and how to grant them', async () => {
    await withSlack({ scopes: manifestScopes().filter((scope) => scope !== 'channels:history' && scope !== 'groups:history') });
    const found = check(await doctor(env()), 'slack.scopes');
    expect(found.status).toBe('problem');
    expect(found.message).toBe('the bot token lacks 2 scopes manifest.yml asks for: channels:history, groups:history');
    expect(found.fix).toBe(
      "Add them to the app's Bot Token Scopes (https://api.slack.com/apps → your app → OAuth & Permissions → Scopes, or paste manifest.yml under App Manifest), then reinstall the app (https://api.slack.com/apps → your app → OAuth & Permissions → Reinstall to Workspace).\nIf Slack shows a new Bot User OAuth Token, set SLACK_BOT_TOKEN to it.",
    );
  });

  it('says when Slack rejects the token and where to copy it again, and checks nothing that needs it', async () => {
    await withSlack({ tokens: ['xoxb-the-real-one'] });
    const report = await doctor(env());
    expect(check(report, 'slack.token')).toEqual({ name: 'slack.token', status: 'problem', message: 'Slack rejected SLACK_BOT_TOKEN (invalid_auth)', fix: `Copy the Bot User OAuth Token again and set SLACK_BOT_TOKEN. ${WHERE_TO_GET.SLACK_BOT_TOKEN}` });
    expect(check(report, 'slack.scopes')).toMatchObject({ status: 'skipped', message: 'not checked: the bot token does not work (see slack.token)' });
    expect(check(report, 'slack.channels')).toMatchObject({ status: 'skipped' });
  });

  it('says when Slack cannot be reached, naming SLACK_API_URL', async () => {
    await withSlack();
    const url = slack.url;
    await slack.close();
    const found = check(await doctor({ DATABASE_URL: db().url, SLACK_BOT_TOKEN: 'xoxb-doctor', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: url }), 'slack.token');
    expect(found.status).toBe('problem');
    expect(found.message).toMatch(/^auth\.test failed: Slack could not be reached \(.+\)$/);
    expect(found.fix).toBe(`Check SLACK_API_URL (${url}): unset it to talk to Slack itself.`);
    slack = await startFakeSlack();
  });

  it('says when Slack is rate-limiting the app, without waiting for it', async () => {
    await withSlack();
    slack.rateLimit('auth.test', 30);
    expect(check(await doctor(env()), 'slack.token')).toEqual({ name: 'slack.token', status: 'problem', message: 'auth.test failed: Slack answered ratelimited (retry after 30 s)', fix: 'Slack is rate-limiting this app just now: run backline doctor again in a minute.' });
  });

  it('leaves the scopes unchecked when Slack does not say which the token has', async () => {
    await withSlack({ scopes: null });
    expect(check(await doctor(env()), 'slack.scopes')).toMatchObject({ status: 'skipped', message: expect.stringContaining('no x-oauth-scopes header') });
  });

  it('skips Slack when no bot token is set', async () => {
    await withSlack();
    const report = await doctor({ DATABASE_URL: db().url });
    expect(report.checks.filter((found) => found.name.startsWith('slack.')).map(({ name, status }) => `${name} ${status}`)).toEqual([
      'slack.token skipped',
      'slack.scopes skipped',
      'slack.signing-secret skipped',
      'slack.app-token skipped',
      'slack.channels skipped',
    ]);
    expect(slack.calls).toEqual([]);
  });
});

describe('the signing secret', () => {
  beforeAll(() => catalogOf(db()));
  beforeEach(() => withSlack());
  const secretCheck = async (extra: Record<string, string>, without: string[] = []) => {
    const settings: Record<string, string> = env(extra);
    for (const name of without) delete settings[name];
    return check(await doctor(settings), 'slack.signing-secret');
  };
  const fix = `Set SLACK_SIGNING_SECRET to the Signing Secret, not a token or the Client Secret. ${WHERE_TO_GET.SLACK_SIGNING_SECRET}`;

  it('has the shape of a Slack signing secret: 32 hexadecimal characters', async () => {
    expect(await secretCheck({})).toMatchObject({ status: 'ok' });
  });

  it('is not a token pasted in the wrong place', async () => {
    expect(await secretCheck({ SLACK_SIGNING_SECRET: 'xoxb-1234567890-abcdefghijkl' })).toEqual({ name: 'slack.signing-secret', status: 'problem', message: 'SLACK_SIGNING_SECRET holds a Slack token, not the signing secret', fix });
  });

  it('says how long a secret of the wrong shape is', async () => {
    expect(await secretCheck({ SLACK_SIGNING_SECRET: 'not-the-signing-secret' })).toEqual({ name: 'slack.signing-secret', status: 'problem', message: 'SLACK_SIGNING_SECRET does not look like a Slack signing secret (32 hexadecimal characters; it has 22 characters)', fix });
  });

  it('is needed in HTTP mode, and not in Socket Mode', async () => {
    expect(await secretCheck({}, ['SLACK_SIGNING_SECRET'])).toMatchObject({ status: 'problem', message: 'SLACK_SIGNING_SECRET is not set, and serve needs it in HTTP mode to verify that requests come from Slack', fix: expect.stringContaining('Or run in Socket Mode with SLACK_APP_TOKEN.') });
    expect(await secretCheck({ SLACK_APP_TOKEN: 'xapp-1-A0BACKLINE-1-abc' }, ['SLACK_SIGNING_SECRET'])).toMatchObject({ status: 'skipped', message: expect.stringContaining('Socket Mode') });
  });
});

describe('the Socket Mode app token', () => {
  beforeAll(() => catalogOf(db()));
  beforeEach(() => withSlack());

  it('opens a connection with apps.connections.open, and keeps no socket', async () => {
    const found = check(await doctor(env({ SLACK_APP_TOKEN: 'xapp-1-A0BACKLINE-1-abc' })), 'slack.app-token');
    expect(found).toMatchObject({ status: 'ok', message: expect.stringContaining('apps.connections.open answered') });
    expect(slack.callsTo('apps.connections.open').map((call) => call.token)).toEqual(['xapp-1-A0BACKLINE-1-abc']);
  });

  it('says when Slack rejects it, and how to create one', async () => {
    slack.failNext('apps.connections.open', 'invalid_auth');
    expect(check(await doctor(env({ SLACK_APP_TOKEN: 'xapp-1-A0BACKLINE-1-old' })), 'slack.app-token')).toEqual({
      name: 'slack.app-token',
      status: 'problem',
      message: 'Slack rejected SLACK_APP_TOKEN (invalid_auth)',
      fix: `${WHERE_TO_GET.SLACK_APP_TOKEN}\nThen set SLACK_APP_TOKEN to the new xapp- token.`,
    });
  });

  it('says when it lacks connections:write', async () => {
    slack.failNext('apps.connections.open', 'missing_scope');
    expect(check(await doctor(env({ SLACK_APP_TOKEN: 'xapp-1-A0BACKLINE-1-abc' })), 'slack.app-token')).toMatchObject({ status: 'problem', message: 'SLACK_APP_TOKEN lacks the connections:write scope', fix: WHERE_TO_GET.SLACK_APP_TOKEN });
  });

  it('is skipped in HTTP mode', async () => {
    expect(check(await doctor(env()), 'slack.app-token')).toMatchObject({ status: 'skipped', message: expect.stringContaining('HTTP mode') });
  });
});

describe("the teams' channels", () => {
  const channels = [
    { id: 'C0PAYMENTS', name: 'payments' },
    { id: 'C0RISK', name: 'risk', is_member: false },
    { id: 'C0LEGACY', name: 'legacy', is_archived: true },
    { id: 'G0SECRET', name: 'secret-team', is_private: true, is_member: false },
    { id: 'C0OPS', name: 'ops-team' },
  ];

  it('finds the bot in every channel a Group names, by id or by name', async () => {
    await catalogOf(db(), group('payments', { channel: 'C0PAYMENTS' }), group('ops', { channel: '"#ops-team"' }));
    await withSlack({ channels });
    expect(check(await doctor(env()), 'slack.channels')).toEqual({ name: 'slack.channels', status: 'ok', message: '@backline is in each of the 2 team channels the catalog names', fix: null });
    expect(slack.callsTo('conversations.info').map((call) => call.args.channel)).toEqual(['C0PAYMENTS']);
    expect(slack.callsTo('conversations.list')).toHaveLength(1);
  });

  it('names each channel the bot cannot post to or read, with its fix', async () => {
    await catalogOf(
      db(),
      group('payments', { channel: 'C0PAYMENTS' }),
      group('risk', { channel: 'C0RISK' }),
      group('fraud', { channel: 'C0RISK' }),
      group('legacy', { channel: 'C0LEGACY' }),
      group('secret', { channel: 'G0SECRET' }),
      group('ghosts', { channel: 'C0GHOSTS' }),
      group('typo', { channel: 'ops-teem' }),
    );
    await withSlack({ channels });
    const found = check(await doctor(env()), 'slack.channels');
    expect(found.status).toBe('problem');
    expect(found.message).toBe(
      '@backline cannot post to or read 5 of the 6 team channels the catalog names: C0GHOSTS (Slack has no such channel that @backline can see); C0LEGACY (archived); C0RISK (@backline is not a member); G0SECRET (@backline is not a member); #ops-teem (Slack has no such channel that @backline can see)',
    );
    expect(found.fix!.split('\n')).toEqual([
      'C0GHOSTS: check the slack.com/channel annotation of group:default/ghosts (a channel id such as C04PAYMENTS1, or its name); if the channel is private, type /invite @backline in the channel',
      'C0LEGACY: unarchive it, or point the slack.com/channel annotation of group:default/legacy at the team\'s current channel',
      'C0RISK: type /invite @backline in the channel (it can post with chat:write.public, but cannot read the history it checks after a restart so as not to post a digest twice)',
      'G0SECRET: type /invite @backline in the channel (it cannot post in a private channel it is not in)',
      '#ops-teem: check the slack.com/channel annotation of group:default/typo (a channel id such as C04PAYMENTS1, or its name); if the channel is private, type /invite @backline in the channel',
    ]);
  });

  it("looks the channels of many teams up in one listing, within Slack's rate limits", async () => {
    const teams = Array.from({ length: 25 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
    await catalogOf(db(), ...teams.map((name, i) => group(name, { channel: `C0TEAM${String(i).padStart(2, '0')}` })));
    await withSlack({ channels: teams.map((name, i) => ({ id: `C0TEAM${String(i).padStart(2, '0')}`, name, is_member: i !== 7 })) });
    expect(check(await doctor(env()), 'slack.channels')).toMatchObject({ status: 'problem', message: '@backline cannot post to or read 1 of the 25 team channels the catalog names: C0TEAM07 (@backline is not a member)' });
    expect(slack.callsTo('conversations.info')).toEqual([]);
    expect(slack.callsTo('conversations.list')).toHaveLength(1);
  });

  it('says when the channels cannot be listed, once rather than per channel', async () => {
    await catalogOf(db(), group('ops', { channel: 'ops-team' }), group('sre', { channel: 'sre' }));
    await withSlack({ channels });
    slack.failNext('conversations.list', 'missing_scope');
    expect(check(await doctor(env()), 'slack.channels')).toEqual({
      name: 'slack.channels',
      status: 'problem',
      message: 'the channels the catalog names could not be looked up: the token lacks channels:read or groups:read to look at channels',
      fix: 'Add the scopes of manifest.yml to the app and reinstall it (see slack.scopes).',
    });
  });

  it('says which scope it lacks to look at a channel', async () => {
    await catalogOf(db(), group('payments', { channel: 'C0PAYMENTS' }));
    await withSlack({ channels });
    slack.failNext('conversations.info', 'missing_scope');
    expect(check(await doctor(env()), 'slack.channels')).toMatchObject({ status: 'problem', message: expect.stringContaining('C0PAYMENTS (the token lacks channels:read or groups:read to look at channels)'), fix: 'C0PAYMENTS: add the scopes of manifest.yml to the app and reinstall it (see slack.scopes)' });
  });

  it('is skipped when no Group names a channel', async () => {
    await catalogOf(db(), group('payments'));
    await withSlack({ channels });
    expect(check(await doctor(env()), 'slack.channels')).toMatchObject({ status: 'skipped', message: 'not checked: no Group in the catalog names a Slack channel (annotation slack.com/channel)' });
  });
});

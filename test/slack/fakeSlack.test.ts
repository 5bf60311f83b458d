import { ErrorCode, LogLevel, WebClient, type Logger } from '@slack/web-api';
import { manifestScopes } from '../../src/compose/doctor';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { waitUntil } from '../support/waitFor';

// WebClient logs the "[ERROR] …" lines of an invalid_blocks answer; these tests expect them.
const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });

async function slackError(promise: Promise<unknown>): Promise<{ code?: string; data?: unknown; retryAfter?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; data?: unknown; retryAfter?: number };
  }
  throw new Error('expected the Slack call to fail');
}

describe('the fake Slack Web API', () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeEach(async () => {
    slack = await startFakeSlack({
      users: { 'jane@example.com': { id: 'U0JANE', name: 'jane', real_name: 'Jane Doe' } },
      channels: [{ id: 'C0PAY', name: 'payments' }],
      usergroups: [
        { id: 'S0PAY', handle: 'payments', name: 'Payments', users: ['U0JANE'] },
        { id: 'S0OLD', handle: 'old', name: 'Old team', date_delete: 1700000000 },
      ],
    });
    client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quietLogger });
  });

  afterEach(async () => {
    await slack.close();
  });

  it('records a chat.postMessage with its blocks decoded and the bearer token', async () => {
    const blocks = [{ type: 'header', text: plain('payments-api') }, section('Owned by *Payments*')];

    const result = await client.chat.postMessage({ channel: 'C0PAY', text: 'payments-api is owned by Payments', blocks });

    expect(result).toEqual(expect.objectContaining({ ok: true, channel: 'C0PAY', ts: expect.stringMatching(/^\d+\.\d{6}$/) }));
    expect(slack.calls).toEqual([
      {
        method: 'chat.postMessage',
        args: { channel: 'C0PAY', text: 'payments-api is owned by Payments', blocks },
        token: 'xoxb-test',
        at: expect.any(Number),
        status: 200,
        response: expect.objectContaining({ ok: true }),
      },
    ]);
    expect(slack.messages).toEqual([{ channel: 'C0PAY', ts: result.ts, text: 'payments-api is owned by Payments', blocks, edits: 0 }]);
    expectNoViolations(slack);
  });

  it('rejects a block over a limit with invalid_blocks and keeps the violation for expectNoViolations', async () => {
    const error = await slackError(client.chat.postMessage({ channel: 'C0PAY', text: 'card', blocks: [section('x'.repeat(3001))] }));

    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data).toEqual(
      expect.objectContaining({
        ok: false,
        error: 'invalid_blocks',
        response_metadata: { messages: ["[ERROR] blocks[0].text.text: section text is 3001 characters, over Slack's limit of 3000"], scopes: manifestScopes() },
      }),
    );
    expect(slack.violations).toEqual([
      { method: 'chat.postMessage', problems: ["blocks[0].text.text: section text is 3001 characters, over Slack's limit of 3000"] },
    ]);
    expect(slack.messages).toEqual([]);
    expect(() => expectNoViolations(slack)).toThrow();
  });

  it('checks chat.update and chat.postEphemeral the same way', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0PAY', text: 'Starting…' });
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));

    await expect(client.chat.update({ channel: 'C0PAY', ts: ts ?? '', text: 'Done', blocks: tooMany })).rejects.toThrow('invalid_blocks');
    await expect(client.chat.postEphemeral({ channel: 'C0PAY', user: 'U0JANE', text: 'x'.repeat(4001) })).rejects.toThrow('invalid_blocks');

    expect(slack.violations.map((v) => v.method)).toEqual(['chat.update', 'chat.postEphemeral']);
  });

  it('updates a posted message in place and refuses to update one it never saw', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0PAY', text: 'Step 1 of 3' });

    await client.chat.update({ channel: 'C0PAY', ts: ts ?? '', text: 'Step 2 of 3' });
    const missing = await slackError(client.chat.update({ channel: 'C0PAY', ts: '1.000001', text: 'nope' }));

    expect(slack.messages).toEqual([{ channel: 'C0PAY', ts, text: 'Step 2 of 3', edits: 1 }]);
    expect(missing.data).toEqual(expect.objectContaining({ error: 'message_not_found' }));
  });

  it('answers HTTP 429 with Retry-After for the rate-limited number of calls, then recovers', async () => {
    slack.rateLimit('chat.postMessage', 7, 2);

    const first = await slackError(client.chat.postMessage({ channel: 'C0PAY', text: 'one' }));
    const second = await slackError(client.chat.postMessage({ channel: 'C0PAY', text: 'two' }));
    const third = await client.chat.postMessage({ channel: 'C0PAY', text: 'three' });

    expect([first.code, first.retryAfter, second.retryAfter]).toEqual([ErrorCode.RateLimitedError, 7, 7]);
    expect(third.ok).toBe(true);
    expect(slack.callsTo('chat.postMessage').map((call) => [call.args.text, call.status])).toEqual([
      ['one', 429],
      ['two', 429],
      ['three', 200],
    ]);
    expect(slack.messages.map((m) => m.text)).toEqual(['three']);
  });

  it('sends the Retry-After header itself on a 429', async () => {
    slack.rateLimit('auth.test', 30);
    const response = await fetch(`${slack.url}auth.test`, { method: 'POST', headers: { Authorization: 'Bearer xoxb-test' } });
    expect([response.status, response.headers.get('retry-after'), await response.json()]).toEqual([429, '30', { ok: false, error: 'ratelimited' }]);
  });

  it('fails the next call to a method with the given error, once', async () => {
    slack.failNext('users.lookupByEmail', 'fatal_error');

    const failed = await slackError(client.users.lookupByEmail({ email: 'jane@example.com' }));
    const next = await client.users.lookupByEmail({ email: 'jane@example.com' });

    expect(failed.data).toEqual(expect.objectContaining({ ok: false, error: 'fatal_error' }));
    expect(next.user?.id).toBe('U0JANE');
  });

  it('answers not_authed without a token and invalid_auth with a bad one', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: slack.url, retryConfig: { retries: 0 }, logger: quietLogger });
    const wrong = new WebClient('not-a-token', { slackApiUrl: slack.url, retryConfig: { retries: 0 }, logger: quietLogger });

    expect((await slackError(anonymous.auth.test())).data).toEqual(expect.objectContaining({ error: 'not_authed' }));
    expect((await slackError(wrong.auth.test())).data).toEqual(expect.objectContaining({ error: 'invalid_auth' }));
  });

  it('accepts only the configured tokens when given a list', async () => {
    const strict = await startFakeSlack({ tokens: ['xoxb-only-this'] });
    try {
      const other = new WebClient('xoxb-test', { slackApiUrl: strict.url, retryConfig: { retries: 0 }, logger: quietLogger });
      const allowed = new WebClient('xoxb-only-this', { slackApiUrl: strict.url, retryConfig: { retries: 0 }, logger: quietLogger });
      expect((await slackError(other.auth.test())).data).toEqual(expect.objectContaining({ error: 'invalid_auth' }));
      expect((await allowed.auth.test()).user_id).toBe('U0BACKLINE');
    } finally {
      await strict.close();
    }
  });

  it('answers unknown_method for methods it does not implement', async () => {
    const error = await slackError(client.apiCall('reactions.add', { channel: 'C0PAY', name: 'eyes' }));
    expect(error.data).toEqual(expect.objectContaining({ ok: false, error: 'unknown_method' }));
  });

  it("identifies the bot in auth.test", async () => {
    expect(await client.auth.test()).toEqual(
      expect.objectContaining({ ok: true, team_id: 'T0BACKLINE', user_id: 'U0BACKLINE', bot_id: 'B0BACKLINE' }),
    );
  });

  it('finds users by email regardless of case, and by id', async () => {
    const byEmail = await client.users.lookupByEmail({ email: 'Jane@Example.com' });
    const byId = await client.users.info({ user: 'U0JANE' });
    const unknown = await slackError(client.users.lookupByEmail({ email: 'left@example.com' }));

    expect(byEmail.user).toEqual({
      id: 'U0JANE',
      team_id: 'T0BACKLINE',
      name: 'jane',
      real_name: 'Jane Doe',
      deleted: false,
      is_bot: false,
      profile: { email: 'jane@example.com', real_name: 'Jane Doe', display_name: 'jane' },
    });
    expect(byId.user).toEqual(byEmail.user);
    expect(unknown.data).toEqual(expect.objectContaining({ error: 'users_not_found' }));
  });

  it('answers conversations.info from its channels and channel_not_found otherwise', async () => {
    const found = await client.conversations.info({ channel: 'C0PAY' });
    const missing = await slackError(client.conversations.info({ channel: 'C0NOPE' }));
    expect(found.channel).toEqual({ id: 'C0PAY', name: 'payments', is_channel: true, is_private: false, is_archived: false, is_member: true });
    expect(missing.data).toEqual(expect.objectContaining({ error: 'channel_not_found' }));
  });

  it("sends the bot token's scopes in x-oauth-scopes, as Slack does: those of manifest.yml unless told otherwise", async () => {
    expect((await client.auth.test()).response_metadata?.scopes).toEqual(manifestScopes());
    const narrow = await startFakeSlack({ scopes: ['commands', 'chat:write'] });
    const silent = await startFakeSlack({ scopes: null });
    try {
      expect((await new WebClient('xoxb-test', { slackApiUrl: narrow.url, retryConfig: { retries: 0 } }).auth.test()).response_metadata?.scopes).toEqual(['commands', 'chat:write']);
      expect((await new WebClient('xoxb-test', { slackApiUrl: silent.url, retryConfig: { retries: 0 } }).auth.test()).response_metadata?.scopes).toBeUndefined();
    } finally {
      await narrow.close();
      await silent.close();
    }
  });

  it('opens Socket Mode connections for app-level tokens only', async () => {
    const app = new WebClient('xapp-1-A0BACKLINE-1-abc', { slackApiUrl: slack.url, retryConfig: { retries: 0 }, logger: quietLogger });
    // A loopback WebSocket URL the fake's Socket Mode side answers on (test/slack/fakeSocketMode.test.ts).
    expect((await app.apps.connections.open()).url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    expect((await slackError(client.apps.connections.open())).data).toEqual(expect.objectContaining({ error: 'invalid_auth' }));
    expect((await slackError(app.auth.test())).data).toEqual(expect.objectContaining({ error: 'invalid_auth' }));
  });

  it('lists enabled user groups, with members only when asked', async () => {
    const withUsers = await client.usergroups.list({ include_users: true });
    const withoutUsers = await client.usergroups.list();
    expect(withUsers.usergroups).toEqual([
      { id: 'S0PAY', handle: 'payments', name: 'Payments', users: ['U0JANE'], team_id: 'T0BACKLINE', is_usergroup: true, date_delete: 0 },
    ]);
    expect(withoutUsers.usergroups).toEqual([
      { id: 'S0PAY', handle: 'payments', name: 'Payments', team_id: 'T0BACKLINE', is_usergroup: true, date_delete: 0 },
    ]);
  });

  describe('views', () => {
    const modal = { type: 'modal' as const, callback_id: 'create-service', title: plain('Create a service'), blocks: [section('Pick a template')] };

    it('opens a modal once per trigger_id, as Slack does', async () => {
      const opened = await client.views.open({ trigger_id: 't-1', view: modal });
      const again = await slackError(client.views.open({ trigger_id: 't-1', view: modal }));

      expect(opened.view).toEqual(expect.objectContaining({ id: expect.stringMatching(/^V/), type: 'modal', callback_id: 'create-service' }));
      expect(again.data).toEqual(expect.objectContaining({ error: 'expired_trigger_id' }));
      expect(slack.calls[0]?.args.view).toEqual(modal);
    });

    it('rejects a modal whose title is over 24 characters', async () => {
      const error = await slackError(client.views.open({ trigger_id: 't-2', view: { ...modal, title: plain('Create a brand new service') } }));
      expect(error.data).toEqual(expect.objectContaining({ error: 'invalid_blocks' }));
      expect(slack.violations).toEqual([
        { method: 'views.open', problems: ["view.title.text: modal title is 26 characters, over Slack's limit of 24"] },
      ]);
    });

    it('updates a view by id, refusing a stale hash', async () => {
      const { view } = await client.views.open({ trigger_id: 't-3', view: modal });
      const [viewId, hash] = [view?.id ?? '', view?.hash ?? ''];
      const updated = await client.views.update({ view_id: viewId, hash, view: { ...modal, blocks: [section('Step 2')] } });
      const stale = await slackError(client.views.update({ view_id: viewId, hash, view: modal }));

      expect(updated.view?.id).toBe(viewId);
      expect(updated.view?.blocks).toEqual([section('Step 2')]);
      expect(stale.data).toEqual(expect.objectContaining({ error: 'hash_conflict' }));
    });

    it('publishes one Home tab per user and rejects a modal sent to views.publish', async () => {
      const home = { type: 'home' as const, blocks: [section('My teams')] };
      const first = await client.views.publish({ user_id: 'U0JANE', view: home });
      const second = await client.views.publish({ user_id: 'U0JANE', view: { ...home, blocks: [section('My teams (2)')] } });
      const wrongType = await slackError(client.views.publish({ user_id: 'U0JANE', view: modal }));

      expect(second.view?.id).toBe(first.view?.id);
      expect(slack.views.get(first.view?.id ?? '')?.blocks).toEqual([section('My teams (2)')]);
      expect(wrongType.data).toEqual(expect.objectContaining({ error: 'invalid_blocks' }));
      expect(slack.violations).toEqual([{ method: 'views.publish', problems: ["view.type: views.publish needs a home view, not 'modal'"] }]);
    });
  });

  describe('response_url', () => {
    it('records what is posted to a response_url', async () => {
      const url = slack.responseUrl('cmd-1');

      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', text: 'payments is owned by Payments', blocks: [section('Owned by *Payments*')] }),
      });

      expect([response.status, await response.json()]).toEqual([200, { ok: true }]);
      expect(slack.responses).toEqual([
        {
          id: 'cmd-1',
          url,
          body: { response_type: 'ephemeral', text: 'payments is owned by Payments', blocks: [section('Owned by *Payments*')] },
          at: expect.any(Number),
          status: 200,
        },
      ]);
      expectNoViolations(slack);
    });

    it('gives each response_url a distinct id', () => {
      expect(slack.responseUrl()).not.toBe(slack.responseUrl());
      expect(slack.responseUrl('x')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\/x$/);
    });

    it('answers 400 and records a violation when the blocks break a limit', async () => {
      const response = await fetch(slack.responseUrl('cmd-2'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ blocks: [{ type: 'header', text: plain('h'.repeat(151)) }] }),
      });
      expect(response.status).toBe(400);
      expect(slack.violations).toEqual([
        { method: 'response_url', problems: ["blocks[0].text.text: header text is 151 characters, over Slack's limit of 150"] },
      ]);
    });

    it('allows five posts to one response_url and refuses the sixth', async () => {
      const url = slack.responseUrl('cmd-3');
      const statuses: number[] = [];
      for (let i = 1; i <= 6; i += 1) {
        const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: `update ${i}` }) });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
      expect(slack.violations).toEqual([{ method: 'response_url', problems: ["response_url 'cmd-3' used 6 times; Slack allows 5"] }]);
    });
  });

  it('parses JSON-bodied calls as well as form-encoded ones', async () => {
    await fetch(`${slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C0PAY', text: 'hi', unfurl_links: false }),
    });
    expect(slack.calls.map((c) => [c.args, c.token, c.response.ok])).toEqual([[{ channel: 'C0PAY', text: 'hi', unfurl_links: false }, 'xoxb-json', true]]);
  });

  it('forgets calls, responses and violations on reset', async () => {
    slack.rateLimit('auth.test', 1);
    await slackError(client.chat.postMessage({ channel: 'C0PAY', blocks: [{ type: 'nope' }] as never }));
    slack.reset();
    await client.auth.test();
    expect([slack.calls.length, slack.violations, slack.responses]).toEqual([1, [], []]);
  });
});

describe('the fake Slack with the per-channel rate limit', () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeEach(async () => {
    slack = await startFakeSlack({ enforceChannelRateLimit: true, channels: [{ id: 'C0PAY', name: 'payments' }, { id: 'C0RISK', name: 'risk' }] });
    client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quietLogger });
  });
  afterEach(() => slack.close());

  it('answers a second post to a channel within a second with 429 and Retry-After, and records it', async () => {
    await client.chat.postMessage({ channel: 'C0PAY', text: 'one' });
    await client.chat.postMessage({ channel: 'C0RISK', text: 'another channel is fine' });
    const error = await slackError(client.chat.postMessage({ channel: '#payments', text: 'two' }));
    expect([error.code, error.retryAfter]).toEqual([ErrorCode.RateLimitedError, 1]);
    expect(slack.channelRateLimits).toEqual([{ channel: 'C0PAY', at: expect.any(Number), retryAfterSeconds: 1 }]);
    expect(slack.messages.map((m) => m.text)).toEqual(['one', 'another channel is fine']);
    expectNoViolations(slack);
  });

  it('records a violation when a client posts again before the Retry-After it was given', async () => {
    await client.chat.postMessage({ channel: 'C0PAY', text: 'one' });
    // Another message told nothing yet is only rate limited; the same one back too soon is a violation.
    await slackError(client.chat.postMessage({ channel: 'C0PAY', text: 'two' }));
    await slackError(client.chat.postMessage({ channel: 'C0PAY', text: 'three' }));
    expectNoViolations(slack);
    await slackError(client.chat.postMessage({ channel: 'C0PAY', text: 'two' }));
    expect(slack.violations).toEqual([{ method: 'chat.postMessage', problems: [expect.stringMatching(/^posted to C0PAY again \d+ ms before the Retry-After of its 429 had passed$/)] }]);
  });

  it('posts to a channel by name as its id, and refuses archived channels', async () => {
    const answer = await client.chat.postMessage({ channel: '#risk', text: 'by name' });
    expect(answer.channel).toBe('C0RISK');
    const archived = await startFakeSlack({ channels: [{ id: 'C0OLD', name: 'old', is_archived: true }] });
    try {
      const old = new WebClient('xoxb-test', { slackApiUrl: archived.url, retryConfig: { retries: 0 }, logger: quietLogger });
      expect(((await slackError(old.chat.postMessage({ channel: 'old', text: 'x' }))).data as { error: string }).error).toBe('is_archived');
    } finally {
      await archived.close();
    }
  });

  it('answers conversations.history newest first from the posted messages, with metadata only when asked, page by page', async () => {
    const metadata = (key: string) => ({ event_type: 'backline_outbox', event_payload: { key } });
    await client.chat.postMessage({ channel: 'C0PAY', text: 'first', metadata: metadata('k1') });
    const firstTs = slack.messages[0]!.ts;
    slack.reset(); // forgets the channel's pace, so the next post is accepted at once
    await client.chat.postMessage({ channel: 'C0PAY', text: 'second', metadata: metadata('k2') });
    slack.reset();
    await client.chat.postMessage({ channel: 'C0PAY', text: 'third' });
    const all = await client.conversations.history({ channel: 'C0PAY', include_all_metadata: true, limit: 2 });
    expect(all.messages!.map((m) => [m.text, m.metadata])).toEqual([
      ['third', undefined],
      ['second', metadata('k2')],
    ]);
    expect(all.has_more).toBe(true);
    const rest = await client.conversations.history({ channel: 'C0PAY', include_all_metadata: true, limit: 2, cursor: all.response_metadata!.next_cursor });
    expect(rest.messages!.map((m) => [m.text, m.metadata])).toEqual([['first', metadata('k1')]]);
    expect(rest.has_more).toBe(false);
    const since = await client.conversations.history({ channel: 'C0PAY', oldest: firstTs });
    expect(since.messages!.map((m) => [m.text, m.metadata])).toEqual([
      ['third', undefined],
      ['second', undefined],
    ]);
    expect(((await slackError(client.conversations.history({ channel: 'payments' }))).data as { error: string }).error).toBe('channel_not_found');
  });

  it('lists its channels with conversations.list', async () => {
    const answer = await client.conversations.list({ types: 'public_channel,private_channel', limit: 1 });
    expect(answer.channels!.map((c) => [c.id, c.name])).toEqual([['C0PAY', 'payments']]);
    const next = await client.conversations.list({ types: 'public_channel,private_channel', limit: 1, cursor: answer.response_metadata!.next_cursor });
    expect(next.channels!.map((c) => [c.id, c.name])).toEqual([['C0RISK', 'risk']]);
    expect(next.response_metadata!.next_cursor).toBe('');
  });

  it('takes a delayed-answer call at once and answers it later', async () => {
    slack.delayAnswer('chat.postMessage', 200);
    const posting = client.chat.postMessage({ channel: 'C0PAY', text: 'landed' });
    await waitUntil(() => slack.messages.length === 1, 2_000, 'the message to land');
    expect((await posting).ok).toBe(true);
  });
});

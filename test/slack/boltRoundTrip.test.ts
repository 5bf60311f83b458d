/**
 * The test helpers against the real thing: signed HTTP requests into a real Bolt app (its own
 * signature check, its own body parsing), whose WebClient and respond() talk to the fake Slack.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { interactionBody, postSignedToSlackEndpoint, postToSlackEndpoint, signSlackRequest, slashCommandBody } from '../support/slackSigning';

const SIGNING_SECRET = 'test-signing-secret';

describe('a Bolt app behind signed requests and the fake Slack', () => {
  let slack: FakeSlack;
  let app: App;
  let endpoint: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    app = new App({
      signingSecret: SIGNING_SECRET,
      token: 'xoxb-test',
      // With botId/botUserId given, Bolt does not call auth.test at start.
      botId: 'B0BACKLINE',
      botUserId: 'U0BACKLINE',
      processBeforeResponse: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.url, retryConfig: { retries: 0 } },
    });
    app.command('/whoowns', async ({ ack, command, respond, client }) => {
      await ack();
      await respond({ response_type: 'ephemeral', text: `Looking up ${command.text}` });
      await client.views.open({
        trigger_id: command.trigger_id,
        view: { type: 'modal', title: { type: 'plain_text', text: 'Who owns' }, blocks: [{ type: 'divider' }] },
      });
    });
    app.action('share', async ({ ack, respond, body }) => {
      await ack();
      await respond({ response_type: 'in_channel', replace_original: false, text: `Shared by <@${body.user.id}>` });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app.stop();
    await slack.close();
  });

  beforeEach(() => slack.reset());

  it('accepts a signed slash command, responds through response_url and opens a modal', async () => {
    const responseUrl = slack.responseUrl('whoowns-1');
    const body = slashCommandBody({ text: 'payments', response_url: responseUrl });

    const response = await postSignedToSlackEndpoint(endpoint, SIGNING_SECRET, body);

    expect(response.status).toBe(200);
    expect(slack.responses).toEqual([
      { id: 'whoowns-1', url: responseUrl, body: { response_type: 'ephemeral', text: 'Looking up payments' }, at: expect.any(Number), status: 200 },
    ]);
    expect(slack.callsTo('views.open').map((call) => [call.token, call.args.trigger_id, call.response.ok])).toEqual([
      ['xoxb-test', new URLSearchParams(body).get('trigger_id'), true],
    ]);
    expectNoViolations(slack);
  });

  it('accepts a signed block_actions interaction', async () => {
    const payload = {
      type: 'block_actions',
      api_app_id: 'A0BACKLINE',
      team: { id: 'T0BACKLINE', domain: 'backline-test' },
      user: { id: 'U0JANE', username: 'jane', team_id: 'T0BACKLINE' },
      channel: { id: 'C0PAY', name: 'payments' },
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0PAY', is_ephemeral: true },
      trigger_id: '1.2.3',
      response_url: slack.responseUrl('share-1'),
      actions: [{ type: 'button', action_id: 'share', block_id: 'card', value: 'component:default/payments', action_ts: '1700000001.0' }],
    };

    const response = await postSignedToSlackEndpoint(endpoint, SIGNING_SECRET, interactionBody(payload));

    expect(response.status).toBe(200);
    expect(slack.responses.map((r) => r.body)).toEqual([
      { response_type: 'in_channel', replace_original: false, text: 'Shared by <@U0JANE>' },
    ]);
  });

  it('answers 401 to a request signed with another secret, and runs no handler', async () => {
    const body = slashCommandBody({ text: 'payments', response_url: slack.responseUrl() });
    const response = await postToSlackEndpoint(endpoint, body, { ...signSlackRequest('wrong-secret', body) });
    expect(response.status).toBe(401);
    expect(slack.responses).toEqual([]);
    expect(slack.calls).toEqual([]);
  });

  it('answers 401 to a replayed request older than five minutes', async () => {
    const body = slashCommandBody({ text: 'payments', response_url: slack.responseUrl() });
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await postSignedToSlackEndpoint(endpoint, SIGNING_SECRET, body, sixMinutesAgo);
    expect(response.status).toBe(401);
    expect(slack.responses).toEqual([]);
  });

  it('answers 400 when the form content type carries a charset, as Slack never sends', async () => {
    const body = slashCommandBody({ text: 'payments', response_url: slack.responseUrl() });
    const headers = { ...signSlackRequest(SIGNING_SECRET, body), 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const response = await postToSlackEndpoint(endpoint, body, headers);
    expect(response.status).toBe(400);
  });
});

import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  interactionBody,
  postSignedToSlackEndpoint,
  postToSlackEndpoint,
  signSlackRequest,
  slashCommandBody,
} from '../support/slackSigning';

// Slack's published example ("Verifying requests from Slack").
const SLACK_EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
    '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('signSlackRequest', () => {
  it("reproduces Slack's published test vector", () => {
    expect(signSlackRequest(SLACK_EXAMPLE.secret, SLACK_EXAMPLE.body, SLACK_EXAMPLE.timestamp)).toEqual({
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': '1531420618',
      'X-Slack-Signature': SLACK_EXAMPLE.signature,
    });
  });

  it('signs with the current time by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest('secret', 'a=b');
    const timestamp = Number(headers['X-Slack-Request-Timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    const expected = createHmac('sha256', 'secret').update(`v0:${timestamp}:a=b`).digest('hex');
    expect(headers['X-Slack-Signature']).toBe(`v0=${expected}`);
  });

  it('marks an Events API JSON body as application/json', () => {
    expect(signSlackRequest('secret', '{"type":"url_verification"}', 1)['Content-Type']).toBe('application/json');
  });
});

describe('slashCommandBody', () => {
  it('fills every field Slack sends, overridden by what the test gives', () => {
    const fields = Object.fromEntries(new URLSearchParams(slashCommandBody({ command: '/oncall', text: '#payments' })));
    expect(fields).toEqual({
      token: 'legacy-verification-token',
      team_id: 'T0BACKLINE',
      team_domain: 'backline-test',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: 'U0TESTER',
      user_name: 'tester',
      command: '/oncall',
      text: '#payments',
      api_app_id: 'A0BACKLINE',
      is_enterprise_install: 'false',
      response_url: 'https://hooks.slack.com/commands/T0BACKLINE/1/test-response-url',
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]{32}$/),
    });
  });

  it('gives each command a trigger_id of its own, as Slack does', () => {
    const triggerOf = (body: string) => new URLSearchParams(body).get('trigger_id');
    expect(triggerOf(slashCommandBody())).not.toBe(triggerOf(slashCommandBody()));
  });

  it('encodes escaped mentions so they arrive intact', () => {
    const body = slashCommandBody({ text: '<#C0PAY|payments> & <@U0JANE|jane>' });
    expect(new URLSearchParams(body).get('text')).toBe('<#C0PAY|payments> & <@U0JANE|jane>');
  });
});

describe('interactionBody', () => {
  it('carries the payload as JSON in a single payload form field', () => {
    const payload = { type: 'block_actions', actions: [{ action_id: 'share', value: 'a b&c' }] };
    const params = new URLSearchParams(interactionBody(payload));
    expect([...params.keys()]).toEqual(['payload']);
    expect(JSON.parse(params.get('payload') ?? '')).toEqual(payload);
  });
});

describe('postToSlackEndpoint', () => {
  let server: Server;
  let url: string;
  const received: Array<{ headers: Record<string, unknown>; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"response_action":"clear"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the body byte for byte with the signed headers and reads the JSON answer', async () => {
    const body = slashCommandBody({ text: 'payments' });
    const response = await postSignedToSlackEndpoint(url, 'shh', body, 1700000000);

    expect(response).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
      text: '{"response_action":"clear"}',
      json: { response_action: 'clear' },
    });
    expect(received.at(-1)).toEqual({
      body,
      headers: expect.objectContaining({
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': '1700000000',
        'x-slack-signature': signSlackRequest('shh', body, 1700000000)['X-Slack-Signature'],
      }),
    });
  });

  it('leaves json undefined when the answer is not JSON', async () => {
    server.removeAllListeners('request');
    server.on('request', (_req, res) => res.writeHead(200).end(''));
    expect(await postToSlackEndpoint(url, 'a=b', {})).toEqual({ status: 200, headers: expect.any(Object), text: '', json: undefined });
  });
});

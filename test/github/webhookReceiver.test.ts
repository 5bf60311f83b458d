import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/logger';
import type { WebhookRequest } from '../../src/sources/github/webhook';
import { receiveGitHubWebhooks } from '../../src/sources/github/webhookReceiver';
import { uploadSlowly } from '../support/slowUpload';

const SECRET = 'webhook-receiver-secret';
const MAX_BYTES = 256 * 1024;
const LARGE = 24 * 1024 * 1024;
let server: http.Server;
let url: string;
const handled: WebhookRequest[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  const receive = receiveGitHubWebhooks({
    secret: SECRET,
    limits: { maxBytes: MAX_BYTES, maxInFlight: 2, timeoutMs: 500 },
    handle: (delivery) => {
      handled.push(delivery);
      return { status: 202, body: { status: 'refreshing' } };
    },
    logger: createLogger({ level: 'warn', write: (line) => logLines.push(line) }),
  });
  server = http.createServer(receive);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/webhook`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  handled.length = 0;
  logLines.length = 0;
});

const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const headers = (event: string, signature?: string) => ({ 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': 'd-1', ...(signature && { 'x-hub-signature-256': signature }) });
const post = async (event: string, body: string, signature?: string) => {
  const response = await fetch(url, { method: 'POST', headers: headers(event, signature), body });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { status: string; reason?: string } };
};

describe('a GitHub delivery', () => {
  it('reaches the handler, body and all, once its signature matches', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { name: 'billing' } });
    expect(await post('push', body, sign(body))).toEqual({ status: 202, retryAfter: null, body: { status: 'refreshing' } });
    expect(handled.map((delivery) => delivery.body.toString())).toEqual([body]);
  });

  it('of an event nobody reads is verified without its body being kept', async () => {
    const body = JSON.stringify({ action: 'completed', workflow_run: { logs: 'x'.repeat(100_000) } });
    expect((await post('workflow_run', body, sign(body))).status).toBe(202);
    expect(handled.map((delivery) => delivery.body.length)).toEqual([0]);
  });

  it('without a signature is refused with 401 while the client is still sending its body', async () => {
    const outcome = await uploadSlowly(url, { headers: headers('push'), totalBytes: LARGE }).done;
    expect(outcome.status).toBe(401);
    expect(JSON.parse(outcome.body)).toMatchObject({ reason: expect.stringContaining('X-Hub-Signature-256 is missing') });
    expect(outcome.sentBytes).toBeLessThan(LARGE / 4);
    expect(handled).toEqual([]);
  });

  it('with a signature that is not sha256 hex is refused with 401 before its body is read', async () => {
    const outcome = await uploadSlowly(url, { headers: headers('push', 'sha1=0123456789abcdef0123456789abcdef01234567'), totalBytes: LARGE }).done;
    expect(outcome.status).toBe(401);
    expect(outcome.sentBytes).toBeLessThan(LARGE / 4);
  });

  it('declared larger than the cap is refused with 413 before its body is read', async () => {
    const outcome = await uploadSlowly(url, { headers: headers('push', sign('anything')), totalBytes: LARGE }).done;
    expect(outcome.status).toBe(413);
    expect(JSON.parse(outcome.body)).toEqual({ status: 'rejected', reason: `the body is over ${MAX_BYTES} bytes (BACKLINE_GITHUB_WEBHOOK_MAX_BYTES)` });
    expect(outcome.sentBytes).toBeLessThan(LARGE / 4);
  });

  it('sent without a length is refused with 413 as soon as it passes the cap, not once it has all arrived', async () => {
    const outcome = await uploadSlowly(url, { headers: headers('push', sign('anything')), totalBytes: LARGE, declareLength: false }).done;
    expect(outcome.status).toBe(413);
    expect(outcome.sentBytes).toBeGreaterThan(MAX_BYTES);
    expect(outcome.sentBytes).toBeLessThan(LARGE / 4);
    expect(handled).toEqual([]);
  });

  it('signed with another secret is refused with 401 and never reaches the handler', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    expect(await post('push', body, sign(body, 'another-secret'))).toMatchObject({ status: 401, body: { reason: expect.stringContaining('does not match') } });
    expect(handled).toEqual([]);
    expect(logLines.join('')).toContain('GitHub webhook refused');
  });

  it('whose body does not arrive in time is refused with 408, freeing its place', async () => {
    const outcome = await uploadSlowly(url, { headers: headers('push', sign('anything')), totalBytes: 1000, hold: 10 }).done;
    expect(outcome.status).toBe(408);
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    expect((await post('push', body, sign(body))).status).toBe(202);
  });
});

describe('too many unverified deliveries at once', () => {
  it('get 503 with Retry-After beyond the limit, and places free up as deliveries finish or go away', async () => {
    const held = [1, 2].map(() => uploadSlowly(url, { headers: headers('push', sign('anything')), totalBytes: 1000, hold: 10 }));
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await post('push', body, sign(body))).toMatchObject({ status: 503, retryAfter: '5', body: { reason: 'too many deliveries are being received at once; try again shortly' } });
    } finally {
      held.forEach((upload) => upload.abort());
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await post('push', body, sign(body))).toMatchObject({ status: 202 });
  });
});

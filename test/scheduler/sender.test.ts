import { WebClient } from '@slack/web-api';
import { createLogger, type Logger } from '../../src/logger';
import { createBacklineMetrics } from '../../src/metrics';
import type { OutgoingMessage } from '../../src/scheduler/ports';
import { PgOutboxStore } from '../../src/scheduler/PgOutboxStore';
import { createDeliveryClient, OUTBOX_EVENT_TYPE } from '../../src/slack/deliveryClient';
import { startSender, type Sender, type SenderOptions } from '../../src/slack/sender';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

const TOKEN = 'xoxb-test';
let slack: FakeSlack;
let store: PgOutboxStore;
let sender: Sender | undefined;
// Declared before the test database's hooks, which run after it (in the order declared): its
// check for leaked clients must see the sender stopped, not a claim it is still making.
afterEach(async () => {
  await sender?.stop();
  sender = undefined;
});
const db = useTestDatabase();
let lines: Array<{ level: string; msg: string; [field: string]: unknown }>;
let logger: Logger;

beforeAll(async () => {
  slack = await startFakeSlack({
    enforceChannelRateLimit: true,
    channels: [
      { id: 'C0PAY', name: 'payments' },
      { id: 'C0RISK', name: 'risk' },
      { id: 'C0SEARCH', name: 'search' },
      { id: 'C0DOCS', name: 'docs' },
      { id: 'C0OLD', name: 'old-team', is_archived: true },
    ],
  });
  store = PgOutboxStore.create({ pool: db().pool });
});
afterAll(() => slack.close());
beforeEach(async () => {
  slack.reset();
  slack.messages.length = 0;
  await db().pool.query('TRUNCATE outbox, outbox_channels');
  lines = [];
  logger = createLogger({ level: 'debug', write: (line) => void lines.push(JSON.parse(line)) });
});

function start(options: Partial<SenderOptions> = {}): Sender {
  sender = startSender({
    queue: store,
    slack: createDeliveryClient({ client: new WebClient(TOKEN, { slackApiUrl: slack.url }), timeoutMs: 2_000 }),
    logger,
    concurrency: 4,
    pollMs: 50,
    retryBaseMs: 20,
    settleMs: 50,
    ...options,
  });
  return sender;
}

function message(key: string, channel: string): OutgoingMessage {
  return { idempotencyKey: key, channel, text: `digest ${key}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${key}*` } }], purpose: 'digest' };
}

/** How many times each key reached Slack, from the metadata of the fake's messages. */
function arrivals(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of slack.messages) {
    const key = String((m.metadata?.event_payload as { key?: string } | undefined)?.key);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Waits until `count` messages are sent or failed, then stops the sender (before the pool-leak check runs). */
async function settled(count: number): Promise<void> {
  await waitUntil(async () => {
    const { sent, failed } = await store.counts();
    return sent + failed >= count;
  }, 15_000, `${count} settled messages`);
  await sender?.stop();
}

describe('the outbox sender', () => {
  it('posts every message once, keeping to one per second per channel, with its key in the metadata', async () => {
    const channels = ['C0PAY', '#risk', 'search', 'C0DOCS'];
    const messages = [1, 2, 3].flatMap((round) => channels.map((channel) => message(`digest:${channel.replace('#', '')}:${round}`, channel)));
    await store.enqueue(messages);
    start();
    await settled(messages.length);
    expectNoViolations(slack);
    expect(slack.channelRateLimits).toEqual([]);
    expect([...arrivals().values()]).toEqual(messages.map(() => 1));
    expect(new Set(arrivals().keys())).toEqual(new Set(messages.map((m) => m.idempotencyKey)));
    // Names reach the channel they name, in the order they were queued.
    const inRisk = slack.messages.filter((m) => m.channel === 'C0RISK').map((m) => m.text);
    expect(inRisk).toEqual(['digest digest:risk:1', 'digest digest:risk:2', 'digest digest:risk:3']);
    expect(slack.messages[0]!.metadata).toEqual({ event_type: OUTBOX_EVENT_TYPE, event_payload: { key: slack.messages[0]!.text!.replace('digest ', '') } });
    const { rows } = await db().pool.query("SELECT DISTINCT channel, slack_channel FROM outbox WHERE channel = 'search'");
    expect(rows).toEqual([{ channel: 'search', slack_channel: 'C0SEARCH' }]);
  });

  it('looks at an empty outbox once per poll interval rather than in a tight loop', async () => {
    let claims = 0;
    const counting = Object.assign(Object.create(store) as PgOutboxStore, {
      claim: (...args: Parameters<PgOutboxStore['claim']>) => {
        claims += 1;
        return store.claim(...args);
      },
    });
    start({ queue: counting, pollMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await sender?.stop();
    // About five looks in a second; a sender that took "nothing queued" for "due now" made dozens.
    expect(claims).toBeGreaterThanOrEqual(2);
    expect(claims).toBeLessThanOrEqual(8);
  });

  it("waits out a 429's Retry-After before posting to that channel again, and counts it", async () => {
    // Someone else just posted in #payments, so the sender's first post there is one too many.
    const other = new WebClient(TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    await other.chat.postMessage({ channel: 'C0PAY', text: 'a human was here' });
    await store.enqueue([message('digest:payments:1', 'C0PAY'), message('digest:risk:1', 'C0RISK')]);
    const metrics = createBacklineMetrics();
    start({ metrics });
    await settled(2);
    expectNoViolations(slack);
    expect(slack.channelRateLimits.map((r) => r.channel)).toEqual(['C0PAY']);
    expect(arrivals().get('digest:payments:1')).toBe(1);
    expect(arrivals().get('digest:risk:1')).toBe(1);
    expect(metrics.registry.render()).toContain('backline_slack_rate_limited_total{method="chat.postMessage"} 1');
    const { rows } = await db().pool.query("SELECT attempts FROM outbox WHERE idempotency_key = 'digest:payments:1'");
    expect(rows).toEqual([{ attempts: 1 }]);
  });

  it('pauses all posting on a method-wide ratelimited answer, then posts the message once', async () => {
    slack.failNext('chat.postMessage', 'ratelimited');
    await store.enqueue([message('digest:payments:1', 'C0PAY')]);
    start();
    await settled(1);
    expect(arrivals().get('digest:payments:1')).toBe(1);
    expect(slack.callsTo('chat.postMessage').map((c) => c.response.error ?? 'ok')).toEqual(['ratelimited', 'ok']);
  });

  it('fails a message Slack will never take at once, logging the fix, and goes on with the others', async () => {
    slack.failNext('chat.postMessage', 'not_in_channel');
    await store.enqueue([message('digest:payments:1', 'C0PAY')]);
    await store.enqueue([message('digest:old:1', 'old-team'), message('digest:gone:1', '#no-such-channel-x')]);
    await store.enqueue([message('digest:risk:1', 'C0RISK')]);
    start({ concurrency: 1 });
    await settled(4);
    const { rows } = await db().pool.query('SELECT idempotency_key, status, attempts, last_error FROM outbox ORDER BY id');
    expect(rows.map((r: { idempotency_key: string; status: string; attempts: number }) => [r.idempotency_key, r.status, r.attempts])).toEqual([
      ['digest:payments:1', 'failed', 1],
      ['digest:old:1', 'failed', 1],
      ['digest:gone:1', 'sent', 1],
      ['digest:risk:1', 'sent', 1],
    ]);
    expect(rows[0].last_error).toBe('Slack refused the message for channel C0PAY (not_in_channel): @backline is not in channel C0PAY: invite it there (type /invite @backline in the channel)');
    expect(rows[1].last_error).toMatch(/^Slack refused the message for #old-team \(is_archived\): #old-team is archived: unarchive it/);
    const errors = lines.filter((l) => l.level === 'error').map((l) => [l.msg, l.key]);
    expect(errors).toEqual([
      [`could not post a digest: ${rows[0].last_error}`, 'digest:payments:1'],
      [`could not post a digest: ${rows[1].last_error}`, 'digest:old:1'],
    ]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(4);
  });

  it('retries 5xx answers with backoff, checking the channel first, and posts once', async () => {
    slack.failNext('chat.postMessage', 'internal_error', { status: 503, times: 2 });
    await store.enqueue([message('digest:payments:1', 'payments')]);
    start();
    await settled(1);
    expect(arrivals().get('digest:payments:1')).toBe(1);
    // A 5xx may come after Slack posted, so every later try looks in the channel first.
    expect(slack.callsTo('conversations.history').map((c) => [c.args.channel, c.args.include_all_metadata])).toEqual([
      ['C0PAY', 'true'],
      ['C0PAY', 'true'],
    ]);
    const { rows } = await db().pool.query('SELECT status, attempts, last_error FROM outbox');
    expect(rows).toEqual([{ status: 'sent', attempts: 3, last_error: null }]);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      expect.stringMatching(/^posting a digest failed \(try 1 of 5\), trying again in [\d.]+ s: Slack answered HTTP 503$/),
      expect.stringMatching(/^posting a digest failed \(try 2 of 5\), trying again in [\d.]+ s: Slack answered HTTP 503$/),
    ]);
  });

  it('gives up on a message after its tries run out, saying how to queue it again', async () => {
    slack.failNext('chat.postMessage', 'internal_error', { times: 3 });
    await store.enqueue([message('digest:payments:1', 'C0PAY')]);
    start({ maxAttempts: 3 });
    await settled(1);
    const { rows } = await db().pool.query('SELECT status, attempts, last_error FROM outbox');
    expect(rows).toEqual([
      {
        status: 'failed',
        attempts: 3,
        last_error: "gave up after 3 tries: Slack answered internal_error for channel C0PAY. Once Slack answers again, queue it anew with UPDATE outbox SET status = 'pending', attempts = 0 WHERE idempotency_key = 'digest:payments:1'",
      },
    ]);
    expect(slack.messages).toEqual([]);
  });

  it('keeps messages queued while the token is rejected', async () => {
    slack.failNext('chat.postMessage', 'invalid_auth');
    await store.enqueue([message('digest:payments:1', 'C0PAY')]);
    start({ blockedPauseMs: 100 });
    await settled(1);
    expect(arrivals().get('digest:payments:1')).toBe(1);
    expect(lines.find((l) => l.level === 'error')?.msg).toMatch(/^Slack rejected SLACK_BOT_TOKEN \(invalid_auth\): copy the Bot User OAuth Token again/);
  });
});

describe('the outbox sender after a crash', () => {
  /** A claim by a replica that died after posting (or not): the lease has already run out. */
  async function claimedByDeadReplica(key: string, channel: string): Promise<void> {
    await store.enqueue([message(key, channel)]);
    const [claimed] = await store.claim({ claimant: 'dead-replica', limit: 1, leaseMs: 0 });
    expect(claimed?.idempotencyKey).toBe(key);
  }

  it('marks an ambiguous message sent when the channel already has it, without posting again', async () => {
    await claimedByDeadReplica('digest:payments:1', 'payments');
    const earlier = await new WebClient(TOKEN, { slackApiUrl: slack.url }).chat.postMessage({
      channel: 'C0PAY',
      text: 'digest digest:payments:1',
      metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { key: 'digest:payments:1' } },
    });
    start();
    await settled(1);
    expect(arrivals().get('digest:payments:1')).toBe(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    const { rows } = await db().pool.query('SELECT status, slack_channel, slack_ts FROM outbox');
    expect(rows).toEqual([{ status: 'sent', slack_channel: 'C0PAY', slack_ts: earlier.ts }]);
    // The channel was found by name, once.
    expect(slack.callsTo('conversations.list')).toHaveLength(1);
  });

  it('posts an ambiguous message the channel does not have, once', async () => {
    // Another message in the channel, with another key, is not this one.
    await new WebClient(TOKEN, { slackApiUrl: slack.url }).chat.postMessage({
      channel: 'C0RISK',
      text: 'another digest',
      metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { key: 'digest:risk:0' } },
    });
    await claimedByDeadReplica('digest:risk:1', 'C0RISK');
    start();
    await settled(1);
    expect(arrivals().get('digest:risk:1')).toBe(1);
    // It looked before posting (and again after the 429 the earlier post caused: still unsure then).
    const calls = slack.calls.slice(1).map((c) => `${c.method} ${c.status}`);
    expect(calls[0]).toBe('conversations.history 200');
    expect(calls.at(-1)).toBe('chat.postMessage 200');
    expect(calls.filter((c) => c === 'chat.postMessage 200')).toHaveLength(1);
    expectNoViolations(slack);
  });
});

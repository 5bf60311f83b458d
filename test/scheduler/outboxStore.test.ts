import pg from 'pg';
import type { OutgoingMessage } from '../../src/scheduler/ports';
import { PgOutboxStore } from '../../src/scheduler/PgOutboxStore';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let store: PgOutboxStore;

beforeAll(() => {
  store = PgOutboxStore.create({ pool: db().pool });
});
beforeEach(async () => {
  await db().pool.query('TRUNCATE outbox, outbox_channels');
});

function message(key: string, channel: string): OutgoingMessage {
  return { idempotencyKey: key, channel, text: `text of ${key}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: key } }], purpose: 'digest' };
}

describe('the outbox', () => {
  it('queues a key once, however often and by whomever it is enqueued', async () => {
    expect(await store.enqueue([message('digest:payments:1', 'C0PAY'), message('digest:payments:1', 'C0PAY')])).toEqual({ queued: 1, alreadyQueued: 1 });
    expect(await store.enqueue([message('digest:payments:1', 'C0PAY'), message('digest:risk:1', 'C0RISK')])).toEqual({ queued: 1, alreadyQueued: 1 });
    const { rows } = await db().pool.query('SELECT idempotency_key, channel, status, payload FROM outbox ORDER BY id');
    expect(rows).toEqual([
      { idempotency_key: 'digest:payments:1', channel: 'C0PAY', status: 'pending', payload: { text: 'text of digest:payments:1', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'digest:payments:1' } }] } },
      { idempotency_key: 'digest:risk:1', channel: 'C0RISK', status: 'pending', payload: { text: 'text of digest:risk:1', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'digest:risk:1' } }] } },
    ]);
  });

  it('refuses a message without a channel, naming the annotation to set', async () => {
    await expect(store.enqueue([message('digest:x:1', ' # ')])).rejects.toThrow(/slack.com\/channel/);
  });

  it('claims at most one message per channel, treating #payments and payments as one channel', async () => {
    await store.enqueue([message('a1', '#payments'), message('a2', 'payments'), message('b1', 'C0RISK')]);
    const first = await store.claim({ claimant: 'r1', limit: 10, leaseMs: 60_000 });
    expect(first.map((m) => [m.idempotencyKey, m.channel, m.attempts, m.uncertainSince])).toEqual([
      ['a1', 'payments', 1, null],
      ['b1', 'C0RISK', 1, null],
    ]);
    expect(first[0]!.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'a1' } }]);
    // The channel is held while its message is in flight.
    expect(await store.claim({ claimant: 'r2', limit: 10, leaseMs: 60_000 })).toEqual([]);
  });

  it('has nothing due when the outbox holds no open message, so an idle sender waits its poll interval', async () => {
    expect(await store.nextDueInMs()).toBeNull();
    await store.enqueue([message('a1', 'C0PAY')]);
    const [a1] = await store.claim({ claimant: 'r1', limit: 10, leaseMs: 60_000 });
    await store.markSent(a1!.id, { channelId: 'C0PAY', ts: '1.000001' }, { spacingMs: 0 });
    expect(await store.nextDueInMs()).toBeNull();
  });

  it("keeps a channel's next message until the spacing after the last one has passed", async () => {
    await store.enqueue([message('a1', 'C0PAY'), message('a2', 'C0PAY')]);
    const [a1] = await store.claim({ claimant: 'r1', limit: 10, leaseMs: 60_000 });
    await store.markSent(a1!.id, { channelId: 'C0PAY', ts: '1.000001' }, { spacingMs: 60_000 });
    expect(await store.claim({ claimant: 'r1', limit: 10, leaseMs: 60_000 })).toEqual([]);
    expect(await store.nextDueInMs()).toBeGreaterThan(50_000);
    await db().pool.query("UPDATE outbox_channels SET next_post_at = now() WHERE channel = 'C0PAY'");
    const [a2] = await store.claim({ claimant: 'r1', limit: 10, leaseMs: 60_000 });
    expect(a2!.idempotencyKey).toBe('a2');
    expect(a2!.channelId).toBe('C0PAY');
    const { rows } = await db().pool.query("SELECT status, slack_ts, slack_channel FROM outbox WHERE idempotency_key = 'a1'");
    expect(rows).toEqual([{ status: 'sent', slack_ts: '1.000001', slack_channel: 'C0PAY' }]);
  });

  it('hands a claim whose lease ran out to the next claimant as uncertain, from the time of the first claim', async () => {
    await store.enqueue([message('a1', 'C0PAY')]);
    const [first] = await store.claim({ claimant: 'dead', limit: 10, leaseMs: 0 });
    const [again] = await store.claim({ claimant: 'r2', limit: 10, leaseMs: 60_000 });
    expect(again!.idempotencyKey).toBe('a1');
    expect(again!.attempts).toBe(2);
    const { rows } = await db().pool.query("SELECT claimed_by, uncertain_since FROM outbox WHERE idempotency_key = 'a1'");
    expect(rows[0].claimed_by).toBe('r2');
    expect(again!.uncertainSince).toEqual(rows[0].uncertain_since);
    expect(again!.uncertainSince).not.toBeNull();
    expect(first!.uncertainSince).toBeNull();
  });

  it('gives a rate-limited try back and pauses its channel; a failure settles the row for good', async () => {
    await store.enqueue([message('a1', 'C0PAY'), message('b1', 'C0RISK')]);
    const [a1, b1] = await store.claim({ claimant: 'r1', limit: 10, leaseMs: 60_000 });
    await store.retryLater(a1!.id, 'r1', { delayMs: 30_000, channelDelayMs: 30_000, error: null, uncertain: false, giveBackAttempt: true });
    await store.fail(b1!.id, 'r1', 'invite @backline to channel C0RISK', { spacingMs: 0 });
    // Settling someone else's claim changes nothing.
    await store.fail(a1!.id, 'r2', 'not mine', { spacingMs: 0 });
    const { rows } = await db().pool.query('SELECT idempotency_key, status, attempts, last_error, not_before > now() + interval \'20 seconds\' AS later FROM outbox ORDER BY id');
    expect(rows).toEqual([
      { idempotency_key: 'a1', status: 'pending', attempts: 0, last_error: null, later: true },
      { idempotency_key: 'b1', status: 'failed', attempts: 1, last_error: 'invite @backline to channel C0RISK', later: true },
    ]);
    expect(await store.claim({ claimant: 'r1', limit: 10, leaseMs: 60_000 })).toEqual([]);
    expect(await store.counts()).toEqual({ pending: 1, sending: 0, sent: 0, failed: 1 });
  });

  it('never gives one message to two claimants claiming at once', async () => {
    await store.enqueue(Array.from({ length: 40 }, (_, i) => message(`m${i}`, `C0CH${i % 20}`)));
    const other = new pg.Pool({ connectionString: db().url, max: 3 });
    // Its server processes may outlive other.end() until the file's forced DROP DATABASE ends them.
    other.on('error', () => undefined);
    try {
      const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : db().pool)).map((pool, i) => PgOutboxStore.create({ pool }).claim({ claimant: `r${i}`, limit: 5, leaseMs: 60_000 })));
      const keys = claims.flat().map((m) => m.idempotencyKey);
      const channels = claims.flat().map((m) => m.channel);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(channels).size).toBe(channels.length);
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      await other.end();
    }
  });
});

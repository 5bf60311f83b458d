import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { silentLogger } from '../../src/logger';
import { PgOutboxStore } from '../../src/scheduler/PgOutboxStore';
import { createDeliveryClient } from '../../src/slack/deliveryClient';
import { startSender } from '../../src/slack/sender';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { useTestDatabase } from '../support/testDatabase';
import { waitUntil } from '../support/waitFor';

/**
 * Replicas as separate processes on one database (test/support/deliveryWorker.js), against the
 * loopback fake Slack enforcing one message per second per channel.
 */
const db = useTestDatabase();
const WORKER = path.join(__dirname, '..', 'support', 'deliveryWorker.js');
let slack: FakeSlack;
const children: Worker[] = [];

interface Worker {
  child: ChildProcess;
  stderr: string[];
  exited: Promise<number | null>;
}

beforeAll(async () => {
  const channels = [{ id: 'C0TICK', name: 'ticks' }, ...Array.from({ length: 50 }, (_, i) => ({ id: `C0FAN${String(i).padStart(2, '0')}`, name: `fan-${i}` }))];
  slack = await startFakeSlack({ enforceChannelRateLimit: true, channels });
});
afterAll(async () => {
  for (const worker of children) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await Promise.all(children.map((worker) => worker.exited));
  await slack.close();
});

async function startWorker(name: string, env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, [WORKER], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: db().url, SLACK_API_URL: slack.url, WORKER_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const worker = { child, stderr, exited };
  children.push(worker);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    void exited.then((code) => reject(new Error(`worker ${name} exited with ${code} before it was ready: ${stderr.join('')}`)));
  });
  return worker;
}

async function stopWorker(worker: Worker): Promise<number | null> {
  worker.child.kill('SIGTERM');
  return worker.exited;
}

function keyOf(message: FakeSlack['messages'][number]): string {
  return String((message.metadata?.event_payload as { key?: string } | undefined)?.key);
}

it('sends each slot of a schedule once with three replicas on one database', async () => {
  const env = { WORKER_CRON: '* * * * * *', WORKER_CHANNEL: 'ticks' };
  const workers = await Promise.all(['a', 'b', 'c'].map((name) => startWorker(name, env)));
  await waitUntil(() => slack.messages.filter((m) => m.channel === 'C0TICK').length >= 3, 20_000, 'three scheduled messages');
  expect(await Promise.all(workers.map(stopWorker))).toEqual([0, 0, 0]);

  // What the replicas queued but had not posted when they stopped goes out now, from here.
  const store = PgOutboxStore.create({ pool: db().pool });
  const sender = startSender({ queue: store, slack: createDeliveryClient({ client: new WebClient('xoxb-test', { slackApiUrl: slack.url }) }), logger: silentLogger, pollMs: 50 });
  await waitUntil(async () => (await store.counts()).pending === 0, 10_000, 'the outbox to drain');
  await sender.stop();

  const { rows } = await db().pool.query<{ key: string }>("SELECT key FROM cron_runs WHERE key LIKE 'tick:%'");
  const slots = rows.map((r) => r.key.slice('tick:'.length)).sort();
  const ticks = slack.messages.filter((m) => m.channel === 'C0TICK').map(keyOf);
  // One message per slot, whichever replica ran it: a slot run twice would show its key twice or
  // with two replicas' names.
  expect(ticks.map((key) => key.split(':').slice(1, -1).join(':')).sort()).toEqual(slots);
  expect(new Set(ticks).size).toBe(ticks.length);
  expect(await store.counts()).toEqual({ pending: 0, sending: 0, sent: slots.length, failed: 0 });
  expectNoViolations(slack);
});

it('sends each of 50 channels its message exactly once when a replica is killed mid-fan-out and another takes over', async () => {
  slack.reset();
  await db().pool.query('TRUNCATE outbox, outbox_channels');
  const store = PgOutboxStore.create({ pool: db().pool });
  const channels = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? `#fan-${i}` : `C0FAN${String(i).padStart(2, '0')}`));
  await store.enqueue(channels.map((channel, i) => ({ idempotencyKey: `digest:fan-${i}:2026-11-23T09:30`, channel, text: `digest for fan-${i}`, blocks: [], purpose: 'digest' })));
  // Slack takes every post at once but answers each only 300 ms later, so a kill leaves posts that
  // reached the channel without the sender knowing.
  slack.delayAnswer('chat.postMessage', 300, 1_000);
  const env = { WORKER_LEASE_MS: '1500', WORKER_TIMEOUT_MS: '1000', WORKER_CONCURRENCY: '8' };
  const first = await startWorker('first', env);
  await waitUntil(() => slack.messages.filter((m) => m.channel.startsWith('C0FAN')).length >= 12, 20_000, 'the fan-out to be under way');
  first.child.kill('SIGKILL');
  await first.exited;
  const before = slack.messages.filter((m) => m.channel.startsWith('C0FAN')).length;
  expect(before).toBeLessThan(50);
  expect((await store.counts()).sending).toBeGreaterThan(0);

  slack.reset(); // answers at once from now on
  const second = await startWorker('second', env);
  await waitUntil(async () => (await store.counts()).sent === 50, 20_000, 'all 50 messages to be sent');
  expect(await stopWorker(second)).toBe(0);

  const fanned = slack.messages.filter((m) => m.channel.startsWith('C0FAN'));
  expect(fanned.map((m) => m.channel).sort()).toEqual(channels.map((_, i) => `C0FAN${String(i).padStart(2, '0')}`).sort());
  expect(fanned.map(keyOf).sort()).toEqual(channels.map((_, i) => `digest:fan-${i}:2026-11-23T09:30`).sort());
  // The second replica found posts the first made but never heard back about, and did not repeat them.
  const found = second.stderr.join('').split('\n').filter((line) => line.includes('found the message in the channel already'));
  expect(found.length).toBeGreaterThan(0);
  expectNoViolations(slack);
});

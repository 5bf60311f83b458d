import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import pg from 'pg';
import { migrate, readMigrations } from '../src/db/migrate';
import { silentLogger } from '../src/logger';
import { PgOutboxStore } from '../src/scheduler/PgOutboxStore';
import type { OutgoingMessage } from '../src/scheduler/ports';
import { createDeliveryClient } from '../src/slack/deliveryClient';
import { startSender } from '../src/slack/sender';
import { writeResults } from './lib/results';
import { startBenchServer } from './lib/server';
import { table } from './lib/stats';
import { numberFlags } from './lib/args';

/**
 * Fan-out of scheduled messages through the outbox to a loopback Slack that enforces one
 * chat.postMessage per second per channel (429 with Retry-After: 1 otherwise), as Slack does.
 * Cases: one message per channel, and several per channel (the limit then sets the pace). Baseline
 * in the same run: a bare loop of chat.postMessage at the same concurrency against the same fake
 * (no database; waits out each 429's Retry-After and tries again).
 *
 *   node <out>/bench/fanout.bench.js [--channels 1000] [--per-channel 3] [--concurrency 50]
 */
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Options {
  channels: number;
  'per-channel': number;
  concurrency: number;
}

function parseArgs(argv: string[]): Options {
  return numberFlags<Options>(argv, { channels: 1000, 'per-channel': 3, concurrency: 50 }, 'usage: fanout.bench [--channels N] [--per-channel K] [--concurrency C]', 1);
}

/** A minimal Slack: chat.postMessage only, one accepted post per channel per second. */
interface RateLimitedSlack {
  url: string;
  server: Server;
  /** Accepted posts per message key (from metadata, or the text when there is none). */
  accepted: Map<string, number>;
  rateLimited: number;
  /** Posts that came back before the Retry-After of an earlier 429 had passed. */
  ignoredRetryAfter: number;
  reset(): void;
}

async function startRateLimitedSlack(): Promise<RateLimitedSlack> {
  /** Per channel: when its last post was accepted. Per message key: until when its 429's Retry-After runs. */
  const pace = new Map<string, number>();
  const retryWindows = new Map<string, number>();
  let sequence = 0;
  const fake: RateLimitedSlack = {
    url: '',
    server: undefined as unknown as Server,
    accepted: new Map(),
    rateLimited: 0,
    ignoredRetryAfter: 0,
    reset() {
      pace.clear();
      retryWindows.clear();
      fake.accepted.clear();
      fake.rateLimited = 0;
      fake.ignoredRetryAfter = 0;
    },
  };
  fake.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const args = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const channel = args.get('channel') ?? '';
      const now = Date.now();
      const metadata = args.get('metadata');
      const key = metadata ? String((JSON.parse(metadata) as { event_payload?: { key?: string } }).event_payload?.key) : (args.get('text') ?? '');
      // A message back before the Retry-After of its own 429 ignored it (50 ms of grace for timers).
      const window = retryWindows.get(key);
      if (window !== undefined && now < window - 50) fake.ignoredRetryAfter += 1;
      const acceptedAt = pace.get(channel);
      if (acceptedAt !== undefined && now - acceptedAt < 1000) {
        retryWindows.set(key, now + 1000);
        fake.rateLimited += 1;
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' }).end('{"ok":false,"error":"ratelimited"}');
        return;
      }
      retryWindows.delete(key);
      pace.set(channel, now);
      fake.accepted.set(key, (fake.accepted.get(key) ?? 0) + 1);
      const ts = `${Math.floor(now / 1000)}.${String(++sequence).padStart(6, '0')}`;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, channel, ts }));
    });
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/api/`;
  return fake;
}

function messagesFor(channels: number, perChannel: number, run: string): OutgoingMessage[] {
  // Channel by channel, as digests of several teams sharing a channel would be queued.
  return Array.from({ length: channels }, (_, c) => Array.from({ length: perChannel }, (_, m) => c * perChannel + m)).flat().map((n) => {
    const channel = `C${String(Math.floor(n / perChannel)).padStart(8, '0')}`;
    const key = `digest:${run}:${channel}:${n % perChannel}`;
    return { idempotencyKey: key, channel, text: key, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${key}*` } }], purpose: 'digest' };
  });
}

interface CaseResult {
  what: string;
  messages: number;
  seconds: number;
  enqueueSeconds?: number;
  rateLimited: number;
  ignoredRetryAfter: number;
  duplicates: number;
  missing: number;
}

function tally(what: string, messages: OutgoingMessage[], slack: RateLimitedSlack, seconds: number): CaseResult {
  const missing = messages.filter((m) => !slack.accepted.has(m.idempotencyKey)).length;
  const duplicates = [...slack.accepted.values()].reduce((sum, n) => sum + n - 1, 0);
  return { what, messages: messages.length, seconds, rateLimited: slack.rateLimited, ignoredRetryAfter: slack.ignoredRetryAfter, duplicates, missing };
}

async function bareLoop(slack: RateLimitedSlack, messages: OutgoingMessage[], concurrency: number): Promise<CaseResult> {
  slack.reset();
  const client = new WebClient('xoxb-bench', { slackApiUrl: slack.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, maxRequestConcurrency: concurrency });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages.length) {
        const message = messages[next++]!;
        for (;;) {
          try {
            await client.chat.postMessage({ channel: message.channel, text: message.text, blocks: message.blocks, metadata: { event_type: 'backline_outbox', event_payload: { key: message.idempotencyKey } } });
            break;
          } catch (error) {
            const retryAfter = (error as { retryAfter?: number }).retryAfter;
            if (retryAfter === undefined) throw error;
            await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
          }
        }
      }
    }),
  );
  return tally(`bare chat.postMessage loop, ${messages.length / new Set(messages.map((m) => m.channel)).size} per channel (baseline)`, messages, slack, (performance.now() - started) / 1000);
}

async function throughOutbox(slack: RateLimitedSlack, pool: pg.Pool, messages: OutgoingMessage[], concurrency: number): Promise<CaseResult> {
  slack.reset();
  await pool.query('TRUNCATE outbox, outbox_channels');
  const store = PgOutboxStore.create({ pool });
  const started = performance.now();
  await store.enqueue(messages);
  const enqueueSeconds = (performance.now() - started) / 1000;
  const sender = startSender({ queue: store, slack: createDeliveryClient({ client: { token: 'xoxb-bench', slackApiUrl: slack.url }, maxRequestConcurrency: concurrency }), logger: silentLogger, concurrency, pollMs: 100 });
  for (;;) {
    const { sent, failed } = await store.counts();
    if (sent + failed >= messages.length) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  await sender.stop();
  const counts = await store.counts();
  if (counts.failed) throw new Error(`${counts.failed} message(s) failed`);
  return { ...tally(`outbox sender, ${messages.length / new Set(messages.map((m) => m.channel)).size} per channel`, messages, slack, seconds), enqueueSeconds };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = process.env.BACKLINE_ROOT ?? process.cwd();
  const server = await startBenchServer(log);
  const database = await server.createDatabase('bench_fanout');
  // As many connections as `backline serve` opens.
  const pool = new pg.Pool({ connectionString: database.url, max: 20 });
  const slack = await startRateLimitedSlack();
  try {
    await migrate(pool, readMigrations(path.join(root, 'migrations')));
    const { channels, concurrency } = options;
    const perChannel = options['per-channel'];
    log(`${channels} channels, ${concurrency} posts in flight; Slack fake: 1 chat.postMessage per second per channel, else 429 Retry-After: 1`);
    log(`Load average before measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
    // Warm-up, not counted: the first few hundred calls of each path also pay for JIT compilation.
    await bareLoop(slack, messagesFor(200, 1, 'warm-bare'), concurrency);
    await throughOutbox(slack, pool, messagesFor(200, 1, 'warm-outbox'), concurrency);
    const results: CaseResult[] = [];
    results.push(await bareLoop(slack, messagesFor(channels, 1, 'bare1'), concurrency));
    results.push(await throughOutbox(slack, pool, messagesFor(channels, 1, 'outbox1'), concurrency));
    results.push(await bareLoop(slack, messagesFor(channels, perChannel, 'bareK'), concurrency));
    results.push(await throughOutbox(slack, pool, messagesFor(channels, perChannel, 'outboxK'), concurrency));
    // The least any sender can take: the limit's (K − 1) s per channel, plus one round of posts
    // (measured as the bare loop's time for one message per channel).
    const round = results[0]!.seconds;
    const minimum = (k: number) => k - 1 + round;
    log('');
    log(
      table(
        ['case', 'messages', 'seconds', 'vs minimum', 'messages/s', '429s', 'ignored Retry-After', 'duplicates', 'missing'],
        results.map((r) => {
          const k = r.messages / channels;
          return [
            r.what,
            String(r.messages),
            `${r.seconds.toFixed(2)}${r.enqueueSeconds !== undefined ? ` (enqueue ${r.enqueueSeconds.toFixed(2)})` : ''}`,
            `${(r.seconds / minimum(k)).toFixed(2)}× of ${minimum(k).toFixed(2)} s`,
            (r.messages / r.seconds).toFixed(0),
            String(r.rateLimited),
            String(r.ignoredRetryAfter),
            String(r.duplicates),
            String(r.missing),
          ];
        }),
      ),
    );
    log(`\nLoad average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const file = writeResults('fanout', { options, oneRoundSeconds: round, results });
    if (file) log(`Saved ${file}`);
    if (results.some((r) => r.what.startsWith('outbox') && (r.duplicates || r.missing))) process.exitCode = 1;
  } finally {
    slack.server.close();
    await pool.end();
    await server.dropDatabase(database.name);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

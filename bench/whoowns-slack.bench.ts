import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { migrate, readMigrations } from '../src/db/migrate';
import { silentLogger } from '../src/logger';
import { evaluateOnThreads, EVALUATION_WORKER } from '../src/serve/evaluationThread';
import type { CollectReport } from '../src/health/service';
import { startServer, type RunningServer } from '../src/serve/server';
import { openHealth } from '../src/compose/health';
import { openBackline } from '../src/compose/backline';
import { MIGRATIONS_DIR } from '../src/paths';
import { checkMessageLimits } from '../commands/blockKit/checks';
import { messageText, mrkdwn, section } from '../commands/blockKit/mrkdwn';
import { createSlackApp } from '../src/slack/app';
import { createBacklineMetrics } from '../src/metrics';
import type { CommandSet } from '../commands';
import type { CommandReply } from '../commands/types';
import { loadCatalog, misspell, SeededRandom, type PlannedCatalog } from './slack-catalog';
import { BenchWorker, slackKnows, type FakeSlackStats, type LoadClient, type LoadResult } from './slack-workers';

/**
 * `/whoowns` over Slack's HTTP path: 100,000 entities in PostgreSQL, the real `backline serve`
 * (startServer) on loopback, and signed slash commands sent with 50 in flight; per request, the
 * time from send to the HTTP response, which is Slack's ack, and whether the ack carried the card.
 *
 * Baselines in the same run, same client, same concurrency, same request bodies: a plain node:http
 * server answering 200 (the HTTP floor), once more through the other load client to show what the
 * client itself costs the shared CPUs; a Bolt app whose command handler acks at once, given
 * botId/botUserId (HTTP + Bolt + signature check); and Backline's own Slack layer
 * (src/slack/app.ts) with a command set that answers at once. Scenarios: exact names with the Slack identity cache
 * cold and warm (the warm run asks the cold run's names again), exact names not asked before, misspelled names, the same with the fake Slack Web API 50 ms away, one request at
 * a time (service time), and a short run with Slack answering in 1.5 s. Then diagnostics: queries
 * per request, a CPU profile of the server's main thread, EXPLAIN ANALYZE of the slowest statements.
 * Each scenario also reports the CPU it cost per request, read from /proc: the server's thread,
 * the benchmark's other threads (load generator, fake Slack) and PostgreSQL's processes, with the
 * machine's idle share, and the server thread's garbage collection pauses.
 *
 * Build and run from the checkout (bench/tsconfig.json lists only the other benchmarks):
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out
 *   ln -sfn "$PWD/node_modules" /tmp/bench-out/node_modules; ln -sfn "$PWD/migrations" /tmp/bench-out/migrations
 *   node /tmp/bench-out/bench/whoowns-slack.bench.js [--entities 100000] [--requests 2000] [--concurrency 50]
 *        [--warmup 200] [--serial 200] [--slackLatency 50] [--slowSlack 1500] [--healthEvaluation 1] [--seed 42]
 *        [--client lean|node] [--json results.json]
 *
 * About 4–5 minutes on 2 CPUs, a third of it loading the catalog. Data and requests come from a
 * seeded PRNG (bench/slack-catalog.ts): the same seed, the same catalog and the same requests.
 * BENCH_CPU_PROFILE=file.cpuprofile keeps the diagnostic CPU profile (open it in Chrome DevTools).
 * BENCH_DUMP_LATENCIES=prefix writes each scenario's latencies, in request order, to prefix-<scenario>.json.
 * Each timed run reuses the keep-alive connections its warm-up opened, as Slack's requests arrive
 * over connections it keeps open; one scenario opens 50 new connections at once instead.
 * DATABASE_URL set: a scratch database is created on that server and dropped at the end. Unset: a
 * throwaway embedded PostgreSQL with durability off, removed at the end. Loopback only: the fake
 * Slack (bench/slack-workers.ts) plays the Web API and response_url; nothing reaches slack.com.
 * Not a test: nothing here asserts on time; it prints numbers and compares them with the targets.
 */
const log = (line = '') => process.stdout.write(`${line}\n`);
const SECRET = 'bench-signing-secret-0123456789abcdef';
const TARGET_P99_MS = { exact: 100, misspelled: 300 };

interface Options {
  entities: number;
  requests: number;
  concurrency: number;
  warmup: number;
  serial: number;
  /** Milliseconds the fake Slack Web API waits before answering, in the extra "slow Slack" runs. */
  slackLatency: number;
  /** A slow Slack (ms per Web API answer) for a last, short run near Slack's 3-second ack limit; 0 skips it. */
  slowSlack: number;
  /** 1: cards asked for during a whole-catalog health evaluation, on the request thread and on its own; 0 skips them. */
  healthEvaluation: number;
  seed: number;
  /** The load generator's HTTP client: 'lean' (its own, the default) or 'node' (node:http). */
  client: LoadClient;
  json?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { entities: 100_000, requests: 2_000, concurrency: 50, warmup: 200, serial: 200, slackLatency: 50, slowSlack: 1500, healthEvaluation: 1, seed: 42, client: 'lean' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const key = arg.replace(/^--/, '');
    const raw = argv[++i];
    if (key === 'json' && raw) {
      options.json = path.resolve(raw);
      continue;
    }
    if (key === 'client' && (raw === 'lean' || raw === 'node')) {
      options.client = raw;
      continue;
    }
    const value = Number(raw);
    if (!(key in options) || key === 'json' || key === 'client' || !Number.isInteger(value) || value < 0) {
      throw new Error(`usage: whoowns-slack.bench [--entities N] [--requests N] [--concurrency N] [--warmup N] [--serial N] [--slackLatency MS] [--slowSlack MS] [--healthEvaluation 0|1] [--seed S] [--client lean|node] [--json FILE]; bad ${arg} ${raw ?? ''}`);
    }
    (options as unknown as Record<string, number>)[key] = value;
  }
  if (options.requests < 1 || options.concurrency < 1 || options.entities < 1000) throw new Error('--requests and --concurrency must be ≥ 1, --entities ≥ 1000');
  return options;
}

// ---- statistics -----------------------------------------------------------------------------------

interface Summary {
  requests: number;
  concurrency: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  rps: number;
  /** Share of 200 answers whose body carried the card (blocks). */
  cardShare: number;
  /** Share of answers in the ack that named an entity. */
  matchedShare: number;
  /** Share of answers in the ack that offered "Did you mean" choices. */
  suggestedShare: number;
  /** Share of answers that named the intended entity (as the match, or among the choices). */
  intendedShare: number;
  non200: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summarise(result: LoadResult, concurrency: number): Summary {
  const ok = result.latencies.filter((value) => Number.isFinite(value));
  const sorted = [...ok].sort((a, b) => a - b);
  const ok200 = result.statuses.filter((status) => status === 200).length;
  return {
    requests: result.latencies.length,
    concurrency,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1)!,
    mean: ok.reduce((sum, x) => sum + x, 0) / ok.length,
    rps: result.latencies.length / (result.wallMs / 1000),
    cardShare: ok200 ? result.card.filter(Boolean).length / ok200 : 0,
    matchedShare: result.matched.filter(Boolean).length / result.latencies.length,
    suggestedShare: result.suggested.filter(Boolean).length / result.latencies.length,
    intendedShare: result.expected.filter(Boolean).length / result.latencies.length,
    non200: result.statuses.filter((status) => status !== 200).length,
    errors: result.errors.length,
  };
}

const f = (value: number) => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---- environment ------------------------------------------------------------------------------------

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
  let cpus = String(os.cpus().length);
  try {
    cpus = execFileSync('nproc').toString().trim();
  } catch {
    // os.cpus() it is.
  }
  return `${cpus} CPUs (nproc), ${cpu}, ${memory}, node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** The commit under test, and whether the code the benchmark runs differs from it. */
function codeVersion(): string {
  const root = path.resolve(process.env.BACKLINE_ROOT ?? process.cwd());
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'commands', 'migrations').split('\n').filter(Boolean).length;
    return `${git('log', '-1', '--format=%h %s')}${dirty ? ` + ${dirty} uncommitted change(s) in src/, commands/, migrations/` : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** The node flags the server under test runs with. */
const runtime = () => `node ${[...process.execArgv, ...(process.env.NODE_OPTIONS ? [`(NODE_OPTIONS: ${process.env.NODE_OPTIONS})`] : [])].join(' ') || 'with no flags'}`;

const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

interface Database {
  url: string;
  described: string;
  close(): Promise<void>;
}

/** A scratch database on DATABASE_URL's server, or on a throwaway embedded cluster. */
async function scratchDatabase(): Promise<Database> {
  let adminUrl = process.env.DATABASE_URL;
  let stopCluster = async () => undefined as void;
  let described = 'DATABASE_URL';
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-slack-bench-'));
    const started = performance.now();
    const server = await startEmbeddedPostgres({ dataDir, unsafeFast: true });
    log(`Started a throwaway embedded PostgreSQL (fsync=off) in ${dataDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    adminUrl = server.connectionString;
    described = 'embedded PostgreSQL, fsync=off, synchronous_commit=off, full_page_writes=off';
    stopCluster = async () => {
      await server.release();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const name = `bench_slack_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    described,
    close: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error: unknown) => log(`could not drop ${name}: ${(error as Error).message}`));
      await stopCluster();
    },
  };
}

// ---- the servers under test -----------------------------------------------------------------------

interface Target {
  url: string;
  stop(): Promise<void>;
}

async function startPlainHttp(): Promise<Target> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A Bolt app whose command handler acks at once, given botId/botUserId so that it never calls
 * auth.test (as src/slack/app.ts does). The Web API is the loopback fake, never slack.com.
 */
async function startTrivialBolt(slackUrl: string): Promise<Target> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR, unhandledRequestTimeoutMillis: 3001 });
  const app = new App({
    token: 'xoxb-bench',
    botId: 'B0BACKLINE',
    botUserId: 'U0BACKLINE',
    receiver,
    tokenVerificationEnabled: false,
    convoStore: false,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: `${slackUrl}/api/`, retryConfig: { retries: 0 } },
  });
  app.command(/^\/.+/, async ({ ack }) => {
    await ack();
  });
  const port = await freePort();
  await app.start(port);
  return { url: `http://127.0.0.1:${port}/slack/events`, stop: async () => {
    await app.stop();
  } };
}

/**
 * Backline's own Slack layer (createSlackApp: its listeners, metrics, logging and ack budget) with a
 * command set that answers every command at once with a one-line reply: everything a card costs
 * except the catalog and the card itself.
 */
async function startSlackLayer(slackUrl: string): Promise<Target> {
  const port = await freePort();
  const reply: CommandReply = { text: messageText(mrkdwn`answered`), blocks: [section(mrkdwn`answered`)], visibility: 'ephemeral' };
  const commands: CommandSet = {
    commands: [],
    run: async () => reply,
    act: async () => undefined,
    home: async () => [],
    suggest: async () => undefined,
  };
  const server = createSlackApp({
    slack: { botToken: 'xoxb-bench', signingSecret: SECRET, appToken: undefined, apiUrl: `${slackUrl}/api/` },
    bot: { botId: 'B0BACKLINE', botUserId: 'U0BACKLINE' },
    port,
    logger: silentLogger,
    metrics: createBacklineMetrics(),
    receipts: { firstDelivery: async () => true, claimAnswer: async () => 'first', answeredInAck: async () => undefined, releaseAnswer: async () => undefined, claimPost: async () => ({ first: true }), releasePost: async () => undefined },
    commands: () => commands,
    readiness: async () => ({ ready: true }),
  });
  await server.start();
  return { url: `http://127.0.0.1:${port}/slack/events`, stop: () => server.stop() };
}

async function startBackline(databaseUrl: string, slackUrl: string, dataDir: string): Promise<Target & { base: string; server: RunningServer }> {
  const port = await freePort();
  const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${slackUrl}/api/`, BACKLINE_DATA_DIR: dataDir });
  const server = await startServer(config, { logger: silentLogger });
  // A new catalog gets a health evaluation, and a new workspace a listing of Slack's people, at
  // start; measure requests once they are over, not beside them.
  await server.healthEvaluatedAtStart;
  await server.directoryListedAtStart;
  const base = `http://127.0.0.1:${port}`;
  return { url: `${base}/slack/events`, base, server, stop: async () => void (await server.stop()) };
}

/** The server's own view: mean time in the /whoowns handler (its request-duration histogram). */
async function handlerSeconds(base: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (suffix: string) => Number(new RegExp(`^backline_request_duration_seconds_${suffix}\\{command="/whoowns"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: read('sum'), count: read('count') };
}

// ---- CPU accounting (Linux /proc) ------------------------------------------------------------------

interface CpuSnapshot {
  serverThread: number;
  process: number;
  postgres: number;
  machineBusy: number;
  machineIdle: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux
const ticksOf = (statLine: string) => {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
};

/**
 * CPU time so far of this process's main thread (the server under test), of the whole process
 * (adding the load generator's and fake Slack's worker threads), and of every PostgreSQL process,
 * with the machine's busy and idle totals. Undefined where /proc cannot be read.
 */
function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    let postgres = 0;
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (stat.includes('(postgres)')) postgres += ticksOf(stat);
      } catch {
        // The process ended between listing and reading.
      }
    }
    const machine = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (machine[3] ?? 0) + (machine[4] ?? 0);
    return {
      serverThread: ticksOf(fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')),
      process: ticksOf(fs.readFileSync('/proc/self/stat', 'utf8')),
      postgres,
      machineBusy: (machine.reduce((sum, x) => sum + x, 0) - idle) * TICK_MS,
      machineIdle: idle * TICK_MS,
    };
  } catch {
    return undefined;
  }
}

function cpuSpent(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined) {
  if (!before || !after) return undefined;
  const busy = after.machineBusy - before.machineBusy;
  const idle = after.machineIdle - before.machineIdle;
  return {
    serverThreadMs: after.serverThread - before.serverThread,
    otherThreadsMs: after.process - before.process - (after.serverThread - before.serverThread),
    postgresMs: after.postgres - before.postgres,
    idleShare: busy + idle > 0 ? idle / (busy + idle) : 0,
  };
}

/** CPU spent over `requests` requests, per request, as the results file keeps it. */
function cpuPerRequest(cpu: ReturnType<typeof cpuSpent>, requests: number) {
  if (!cpu) return {};
  return { cpuPerRequestMs: { serverThread: cpu.serverThreadMs / requests, otherThreads: cpu.otherThreadsMs / requests, postgres: cpu.postgresMs / requests }, idleShare: cpu.idleShare };
}

/** The same, as the run prints it; PostgreSQL's share only where the server under test uses it. */
function describeCpuPerRequest(cpu: ReturnType<typeof cpuSpent>, requests: number, withPostgres: boolean): string {
  const { cpuPerRequestMs: per, idleShare } = cpuPerRequest(cpu, requests);
  if (!per) return '';
  return `CPU per request: server thread ${f(per.serverThread)} ms, load generator and fake Slack ${f(per.otherThreads)} ms${withPostgres ? `, PostgreSQL ${f(per.postgres)} ms` : ''}; machine idle ${(idleShare! * 100).toFixed(0)}%`;
}

// ---- per-query breakdown (diagnostic phase only) -------------------------------------------------

interface QueryStat {
  calls: number;
  ms: number;
}

/**
 * Times every pool query by statement shape. Installed only for the short serial diagnostic phase,
 * never during the timed runs.
 */
interface Statement {
  shape: string;
  text: string;
  values: unknown[];
  ms: number;
}

function instrumentQueries(): { stats: Map<string, QueryStat>; slowest: () => Statement | undefined; uninstall: () => void } {
  const stats = new Map<string, QueryStat>();
  let slowest: Statement | undefined;
  const prototype = pg.Pool.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '?');
    const key = shapeOf(text);
    const started = performance.now();
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      const done = () => {
        const ms = performance.now() - started;
        const stat = stats.get(key) ?? { calls: 0, ms: 0 };
        stat.calls++;
        stat.ms += ms;
        stats.set(key, stat);
        if (text.trimStart().toUpperCase().startsWith('SELECT') || text.trimStart().toUpperCase().startsWith('WITH')) {
          const values = Array.isArray(args[1]) ? (args[1] as unknown[]) : ((args[0] as { values?: unknown[] })?.values ?? []);
          if (!slowest || ms > slowest.ms) slowest = { shape: key, text, values, ms };
        }
      };
      (result as Promise<unknown>).then(done, done);
    }
    return result;
  };
  return { stats, slowest: () => slowest, uninstall: () => (prototype.query = original) };
}

function shapeOf(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  if (flat.startsWith('WITH by_name')) return 'findSimilar (trigram KNN on names and titles)';
  if (flat.includes('search_vocabulary')) return 'findSimilar: correct each word (search_vocabulary)';
  if (flat.includes('search_terms @>')) return 'findSimilar: entities holding all words (GIN)';
  if (flat.includes('search_terms &&')) return 'findSimilar: entities holding any word (GIN)';
  if (flat.startsWith('WITH roots AS')) return 'neighbourhood (the owner team, its members and parent)';
  if (flat.startsWith('SELECT (SELECT coalesce(json_agg(json_build_array(source_key')) return 'neighbourhood of one step (the system and its domain)';
  if (flat.startsWith('WITH RECURSIVE chain')) return 'groupAncestry (on-call: the owner team and its parents)';
  if (flat.includes('AS by_name')) return "findByNameOrTitle (with the entity's relations)";
  if (flat.includes('FROM relations')) return 'relationsFrom';
  if (flat.includes('slack_identities WHERE email = ANY')) return 'slack_identities fresh';
  if (flat.startsWith('INSERT INTO slack_identities')) return 'slack_identities save';
  const where = /FROM entities WHERE (\S+ \S+ \S+)/.exec(flat);
  if (where) return `entities WHERE ${where[1]}`;
  return flat.slice(0, 60);
}

// ---- CPU profile (diagnostic phase only) ---------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Samples the main thread's CPU while `work` runs; self time by code area and by function. */
async function profileWhile(work: () => Promise<unknown>): Promise<{ totalMs: number; byGroup: Array<[string, number]>; byFunction: Array<[string, number]> }> {
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  let profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  try {
    await work();
  } finally {
    profile = (await post<{ profile: typeof profile }>('Profiler.stop')).profile;
    session.disconnect();
  }
  if (process.env.BENCH_CPU_PROFILE) fs.writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of (node as ProfileNode & { children?: number[] }).children ?? []) parentOf.set(child, node.id);
  const ancestors = (id: number) => {
    const urls: string[] = [];
    for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) urls.push(byId.get(at)!.callFrame.url);
    return urls;
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    const above = ancestors(id);
    // The profiler's own work (serialising the profile when it stops) is not the server's.
    if (above.includes('node:inspector')) continue;
    totalMs += ms;
    const url = frame.url.replace(/^file:\/\//, '');
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    // Socket writes are one syscall per message; say whose messages they were.
    const writer = frame.functionName === 'writev' || frame.functionName === 'writeBuffer' || frame.functionName === 'writeUtf8String'
      ? above.some((u) => /node_modules\/pg\//.test(u)) ? ' ← pg queries' : above.some((u) => u.includes('_http_outgoing')) ? ' ← HTTP responses (acks)' : above.some((u) => u.includes('undici')) ? ' ← outbound HTTP (Web API)' : ''
      : '';
    const group = !url ? `${frame.functionName || '(native)'}${writer}` : pkg ? `node_modules/${pkg}` : url.startsWith('node:') ? 'node internals' : /\/(src|commands)\//.test(url) ? 'backline (src/, commands/)' : /\/(bench|test)\//.test(url) ? 'bench harness' : 'other';
    groups.set(group, (groups.get(group) ?? 0) + ms);
    const where = url ? `${url.replace(/^.*\/(node_modules|src|commands|bench|test)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const fn = `${frame.functionName || '(anonymous)'}${writer} ${where}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs, byGroup: sorted(groups), byFunction: sorted(functions) };
}

// ---- main -------------------------------------------------------------------------------------------

/**
 * Rejections nobody handled. Node would end the process on the first one (as it would end
 * `backline serve`); the benchmark counts them instead, so that one slow request does not end the
 * run, and reports them per scenario.
 */
const unhandled = { count: 0, messages: new Map<string, number>() };
process.on('unhandledRejection', (reason) => {
  unhandled.count++;
  const message = reason instanceof Error ? `${(reason as NodeJS.ErrnoException).code ?? reason.name}: ${reason.message}` : String(reason);
  unhandled.messages.set(message, (unhandled.messages.get(message) ?? 0) + 1);
});

/** Stops what the run started (servers, workers, the database) if the process is about to die. */
let emergencyCleanup: (() => Promise<void>) | undefined;
process.on('uncaughtException', (error) => {
  process.stderr.write(`whoowns-slack.bench: uncaught exception, cleaning up: ${error.stack ?? error}\n`);
  void (emergencyCleanup?.() ?? Promise.resolve()).finally(() => process.exit(1));
});

interface ScenarioResult {
  name: string;
  /** Unhandled promise rejections in the server process during this scenario (each would crash `backline serve`). */
  unhandledRejections?: number;
  summary: Summary;
  baselineRatios?: { plainP50: number; plainP99: number; boltP50: number; boltP99: number; boltRps: number };
  handlerMeanMs?: number;
  /** CPU time per request: the server's thread, the benchmark's other threads (load generator, fake Slack), PostgreSQL's processes. */
  cpuPerRequestMs?: { serverThread: number; otherThreads: number; postgres: number };
  /** Garbage collection on the server's thread during the run. */
  gc?: { count: number; totalMs: number; maxMs: number; major: number };
  /** Share of the machine's CPU time left idle during the run. */
  idleShare?: number;
  slack?: FakeSlackStats;
  responseUrl?: number;
  notes?: string;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  log(`== whoowns-slack benchmark ${new Date().toISOString()}`);
  log(`Machine: ${machine()}`);
  log(`Load average at start: ${loadAverage()} (other processes on this machine skew the numbers)`);
  log(`Options: ${JSON.stringify(options)}`);
  log(`Code: ${codeVersion()}`);
  log(`Server runtime: ${runtime()}`);

  // startServer migrates from the compiled copy's migrations folder: link the checkout's when absent.
  const root = path.resolve(process.env.BACKLINE_ROOT ?? process.cwd());
  if (!fs.existsSync(MIGRATIONS_DIR) && fs.existsSync(path.join(root, 'migrations'))) fs.symlinkSync(path.join(root, 'migrations'), MIGRATIONS_DIR);

  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
    cleanups.length = 0;
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  emergencyCleanup = cleanup;
  const results: ScenarioResult[] = [];

  try {
    const database = await scratchDatabase();
    cleanups.push(() => database.close());
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    cleanups.push(() => pool.end());
    await migrate(pool, readMigrations(MIGRATIONS_DIR));
    const { rows: version } = await pool.query<{ v: string; settings: string }>(
      `SELECT current_setting('server_version') AS v,
              (SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings
               WHERE name IN ('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', 'max_connections', 'jit')) AS settings`,
    );
    log(`PostgreSQL ${version[0]!.v} (${database.described}); ${version[0]!.settings}`);

    const phase = performance.now();
    log(`Loading ${options.entities} entities (seed ${options.seed})…`);
    const catalog = await loadCatalog(pool, { total: options.entities, seed: options.seed, log });
    const { rows: sizes } = await pool.query<{ entities: number; relations: number; size: string }>(
      `SELECT (SELECT count(*)::int FROM entities) AS entities, (SELECT count(*)::int FROM relations) AS relations,
              pg_size_pretty(pg_database_size(current_database())) AS size`,
    );
    log(`Loaded ${sizes[0]!.entities} entities (${JSON.stringify(catalog.counts)}), ${sizes[0]!.relations} relation rows, database ${sizes[0]!.size}, in ${secs(phase)} s (VACUUM ANALYZE included)`);

    // ---- requests, all from one seeded PRNG --------------------------------------------------------
    const rng = new SeededRandom(options.seed + 1);
    const exactNames = (count: number) => Array.from({ length: count }, () => rng.pick(catalog.names));
    /** Misspelled names, each remembered with the name it was made from. */
    const intended = new Map<string, string>();
    const typos = (count: number) => {
      const out: string[] = [];
      for (let guard = 0; out.length < count && guard < count * 10; guard++) {
        const name = rng.pick(catalog.names);
        const typo = misspell(name, rng, catalog.nameSet);
        if (typo) {
          out.push(typo);
          intended.set(typo, name);
        }
      }
      return out;
    };
    // The intended entity's ref appears in the card (exact) or in a "Did you mean" button (misspelled).
    const expectOf = (texts: string[]) => texts.map((text) => `:default/${intended.get(text) ?? text}"`);
    const warmExact = exactNames(options.warmup);
    const warmTypos = typos(options.warmup);
    const exact = exactNames(options.requests);
    const misspelled = typos(options.requests);
    const serialExact = exactNames(options.serial);
    const serialTypos = typos(options.serial);
    // Drawn last, so the sets above are the same as in runs before this one existed.
    const freshExact = exactNames(options.requests);
    const listedExact = exactNames(options.requests);
    // The diagnostics' requests, drawn after every timed set and never asked before in this run, so
    // that their statements and CPU profile describe cards PostgreSQL has not just answered.
    const asked = new Set([...warmExact, ...exact, ...serialExact, ...freshExact, ...listedExact]);
    const unaskedNames = (count: number) => {
      const out: string[] = [];
      for (let guard = 0; out.length < count && guard < count * 10; guard++) {
        const name = rng.pick(catalog.names);
        if (!asked.has(name)) {
          asked.add(name);
          out.push(name);
        }
      }
      return out;
    };
    const diagnosticExact = unaskedNames(100);
    const diagnosticTypos = typos(100);
    const profiledExact = unaskedNames(Math.max(1, Math.floor(options.requests / 2)));
    log(`Requests: ${exact.length} exact names (e.g. ${exact.slice(0, 2).join(', ')}), ${misspelled.length} misspelled (e.g. ${misspelled.slice(0, 2).join(', ')}), ${options.warmup} warm-up each, concurrency ${options.concurrency}`);

    const load = new BenchWorker('load');
    cleanups.push(() => load.terminate());
    await load.ready;
    const fakeSlack = new BenchWorker<{ url: string }>('fake-slack');
    cleanups.push(() => fakeSlack.terminate());
    const slackUrl = (await fakeSlack.ready).url;
    const slackPeople = await fakeSlack.call<number>({ type: 'people', emails: catalog.emails });
    const responseUrl = `${slackUrl}/response/`;

    const send = async (url: string, texts: string[], concurrency = options.concurrency, keepBodies = 0, client = options.client) =>
      load.call<LoadResult>({ type: 'run', run: { url, secret: SECRET, texts, concurrency, responseUrl, keepBodies, client } });
    const report = (name: string, summary: Summary) =>
      log(`  ${name}: ${summary.requests} req × ${summary.concurrency} in flight: p50 ${f(summary.p50)} ms, p95 ${f(summary.p95)}, p99 ${f(summary.p99)}, max ${f(summary.max)}; ${summary.rps.toFixed(0)} req/s; card in ack ${(summary.cardShare * 100).toFixed(1)}%${summary.non200 ? `; ${summary.non200} non-200` : ''}${summary.errors ? `; ${summary.errors} errors` : ''} (load avg ${loadAverage()})`);

    // ---- baselines -----------------------------------------------------------------------------------
    log(`Baselines (same client (${options.client}), same concurrency, same texts as the exact run; handlers ack at once):`);
    const baseline = async (name: string, start: () => Promise<Target>, texts: string[], concurrency: number, warm = true, client = options.client): Promise<Summary> => {
      const target = await start();
      try {
        if (warm) await send(target.url, warmExact, concurrency, 0, client);
        await fakeSlack.call<FakeSlackStats>({ type: 'stats' });
        const cpuBefore = cpuSnapshot();
        const summary = summarise(await send(target.url, texts, concurrency, 0, client), concurrency);
        const cpu = cpuSpent(cpuBefore, cpuSnapshot());
        const slack = await fakeSlack.call<FakeSlackStats>({ type: 'stats' });
        report(name, summary);
        if (cpu) log(`    ${describeCpuPerRequest(cpu, texts.length, false)}`);
        if (slack.authTest) log(`    auth.test calls to the fake Slack: ${slack.authTest} for ${texts.length} requests`);
        results.push({ name: `baseline: ${name}`, summary, slack, ...cpuPerRequest(cpu, texts.length) });
        return summary;
      } finally {
        await target.stop();
      }
    };
    const plainSummary = await baseline('plain node:http answering 200', startPlainHttp, exact, options.concurrency);
    // What the load generator's own client costs the shared CPUs: the floor again, sent through the other client.
    const otherClient: LoadClient = options.client === 'lean' ? 'node' : 'lean';
    await baseline(`plain node:http answering 200, sent through the ${otherClient} client`, startPlainHttp, exact, options.concurrency, true, otherClient);
    const boltSummary = await baseline('Bolt + signature check (botId/botUserId given)', () => startTrivialBolt(slackUrl), exact, options.concurrency);
    await baseline('Backline\'s Slack layer (src/slack/app.ts), command answering at once', () => startSlackLayer(slackUrl), exact, options.concurrency);

    // ---- Backline ---------------------------------------------------------------------------------------
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-slack-bench-data-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    let backline = await startBackline(database.url, slackUrl, dataDir);
    cleanups.push(() => backline.stop());
    log(`Backline serving on ${backline.base} (pool of 20 connections), fake Slack at ${slackUrl}`);
    const { rows: listings } = await pool.query<{ accounts: number; absent: number; ms: number }>(
      'SELECT accounts, absent, (extract(epoch FROM finished_at - started_at) * 1000)::float8 AS ms FROM slack_directory_listings ORDER BY finished_at DESC LIMIT 1',
    );
    const listingStats = await fakeSlack.call<FakeSlackStats>({ type: 'stats' });
    log(
      listings[0]
        ? `Slack's people listed at start: ${listings[0].accounts} accounts (of ${slackPeople} the fake Slack has) in ${listingStats.usersList} users.list pages, ${f(listings[0].ms)} ms; ${listings[0].absent} catalog users recorded as not in Slack`
        : 'Slack\'s people were NOT listed at start (see the server log): cards look people up one by one',
    );

    const scenario = async (name: string, texts: string[], concurrency: number, notes?: string, freshConnections = false): Promise<ScenarioResult> => {
      await fakeSlack.call<FakeSlackStats>({ type: 'stats' });
      const unhandledBefore = unhandled.count;
      const before = await handlerSeconds(backline.base);
      // The server runs on this thread: how long its event loop was blocked tells stalls inside
      // the server (a long task, garbage collection) from waits elsewhere (PostgreSQL, the OS).
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      // Garbage collection on the server's thread: each pause stops every request in flight.
      const gc = { count: 0, totalMs: 0, maxMs: 0, major: 0 };
      const gcObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          gc.count++;
          gc.totalMs += entry.duration;
          gc.maxMs = Math.max(gc.maxMs, entry.duration);
          if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
        }
      });
      gcObserver.observe({ entryTypes: ['gc'] });
      // Whose CPU the run took: the server's thread, this process's other threads, PostgreSQL.
      const cpuBefore = cpuSnapshot();
      const result = await load.call<LoadResult>({ type: 'run', run: { url: backline.url, secret: SECRET, texts, concurrency, responseUrl, keepBodies: 3, expect: expectOf(texts), freshConnections, client: options.client } });
      const cpu = cpuSpent(cpuBefore, cpuSnapshot());
      loopDelay.disable();
      gcObserver.disconnect();
      const after = await handlerSeconds(backline.base);
      // response_url posts happen after the ack: give stragglers a moment before counting.
      await sleep(concurrency > 1 ? 500 : 50);
      const slack = await fakeSlack.call<FakeSlackStats>({ type: 'stats' });
      const summary = summarise(result, concurrency);
      if (process.env.BENCH_DUMP_LATENCIES) fs.writeFileSync(`${process.env.BENCH_DUMP_LATENCIES}-${name.replace(/\W+/g, '_')}.json`, JSON.stringify(result.latencies));
      const unhandledRejections = unhandled.count - unhandledBefore;
      report(name, summary);
      log(`    answers in the ack: ${(summary.matchedShare * 100).toFixed(1)}% named an entity, ${(summary.suggestedShare * 100).toFixed(1)}% offered "Did you mean" choices, ${(summary.intendedShare * 100).toFixed(1)}% showed the intended entity`);
      const statuses = new Map<number, number>();
      for (const status of result.statuses) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (summary.non200) log(`    HTTP statuses: ${[...statuses].map(([status, n]) => `${status || 'no answer'} ×${n}`).join(', ')}`);
      if (unhandledRejections) log(`    ${unhandledRejections} unhandled promise rejections in the server process (each would have ended \`backline serve\`): ${[...unhandled.messages].map(([m, n]) => `${m} ×${n}`).join('; ')}`);
      unhandled.messages.clear();
      if (result.errors.length) log(`    first errors: ${result.errors.slice(0, 3).join(' | ')}`);
      for (const body of result.bodies.slice(0, 1)) {
        const message = (body.startsWith('{') ? JSON.parse(body) : {}) as { text?: string; blocks?: unknown[] };
        const problems = checkMessageLimits(message);
        log(`    e.g. "${message.text ?? '(empty ack)'}" — ${message.blocks?.length ?? 0} blocks, ${body.length} bytes${problems.length ? `, Block Kit problems: ${problems.join('; ')}` : ''}`);
      }
      const handlerMeanMs = after.count > before.count ? ((after.sum - before.sum) / (after.count - before.count)) * 1000 : undefined;
      log(
        `    ${cpu ? `${describeCpuPerRequest(cpu, texts.length, true)}; ` : ''}event loop blocked: p99 ${f(loopDelay.percentile(99) / 1e6)} ms, max ${f(loopDelay.max / 1e6)} ms; garbage collection ${gc.count}× (${gc.major} major), ${f(gc.totalMs)} ms in all, longest ${f(gc.maxMs)} ms; server-side mean handler time ${handlerMeanMs === undefined ? '?' : f(handlerMeanMs)} ms; fake Slack saw auth.test ×${slack.authTest}, users.lookupByEmail ×${slack.lookupByEmail} (${slack.found} found, ${slack.notFound} not found), response_url posts ×${slack.responseUrlPosts}`,
      );
      const entry: ScenarioResult = {
        name,
        summary,
        baselineRatios: { plainP50: summary.p50 / plainSummary.p50, plainP99: summary.p99 / plainSummary.p99, boltP50: summary.p50 / boltSummary.p50, boltP99: summary.p99 / boltSummary.p99, boltRps: summary.rps / boltSummary.rps },
        handlerMeanMs,
        gc,
        ...cpuPerRequest(cpu, texts.length),
        unhandledRejections,
        slack,
        responseUrl: slack.responseUrlPosts,
        ...(notes && { notes }),
      };
      results.push(entry);
      return entry;
    };

    log('Backline /whoowns:');
    // Warm connections, JIT and plans with exact names.
    await send(backline.url, warmExact);
    await send(backline.url, warmTypos);
    // The first cards after an installation: the listing at start filled the identity cache, the
    // and every name is new to this run.
    await scenario('exact, first asks after the listing at start', listedExact, options.concurrency, "names not asked before; members' accounts read from the identity cache the listing filled");
    // Without a listing (users.list refused, or not finished yet), each person is looked up on a
    // team's first card. A restarted server remembers nobody; the listing is not repeated within the hour.
    await backline.stop();
    await pool.query('TRUNCATE slack_identities');
    backline = await startBackline(database.url, slackUrl, dataDir);
    await send(backline.url, warmExact);
    await send(backline.url, warmTypos);
    await pool.query('TRUNCATE slack_identities');
    const cold = await scenario('exact, identity cache cold, no listing', exact, options.concurrency, 'server restarted and slack_identities emptied; members resolved through users.lookupByEmail as teams are first seen');
    const { rows: cached } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM slack_identities');
    log(`    distinct emails cached after the run: ${cached[0]!.n}; users.lookupByEmail calls: ${cold.slack?.lookupByEmail ?? '?'} (calls beyond one per email: concurrent requests looking up the same people)`);

    // Warm: every user's email cached, as after a day of use (the cache keeps found users for a day).
    await primeIdentities(pool, catalog);
    await send(backline.url, warmExact);
    await scenario('exact, identity cache warm', exact, options.concurrency, 'same names as the cold run; every email cached');
    // Every run above reuses the connections its warm-up opened, as Slack's keep-alive connections
    // would be. This one opens 50 new connections at once, as after a load balancer drops them.
    await scenario('exact, cache warm, 50 new connections at once', exact, options.concurrency, 'the names of the warm run again, each run on new connections', true);
    // Names not asked before in this run.
    await scenario('exact, new names, identity cache warm', freshExact, options.concurrency, 'names not asked before in this run; every email cached');
    // Any committed change to the catalog (an ingestion, a registration) empties every serve's read
    // cache, so each team's next card reads its team, its system and its climb to its parents again.
    // A statement that changes nothing still notifies, as an ingestion's would.
    await pool.query(`UPDATE entities SET body = body WHERE false`);
    await sleep(200);
    await scenario('exact, after a change to the catalog', exact, options.concurrency, "names asked before, after a change to the catalog; every email cached");

    await send(backline.url, warmTypos);
    await scenario('misspelled', misspelled, options.concurrency, "one letter dropped, swapped or substituted; never another entity's name");

    if (options.healthEvaluation > 0) {
      // serve evaluates the whole catalog's health hourly. Cards asked for meanwhile (names asked
      // before), with the evaluation on the request thread as serve ran it until 9228d8c, and on a
      // worker thread as serve runs it now (evaluateOnThreads, the compiled entry).
      const evaluator = await openBackline(loadConfig({ DATABASE_URL: database.url, BACKLINE_DATA_DIR: dataDir }), { poolSize: 4 });
      cleanups.push(() => evaluator.close());
      const health = openHealth(evaluator);
      const threads = evaluateOnThreads(health.service, { config: evaluator.config, docsBaseUrl: null }, { logger: silentLogger, entry: EVALUATION_WORKER });
      log(`Cards during a whole-catalog health evaluation (names asked before, ${options.concurrency} in flight, rounds of ${exact.length} until the evaluation ends):`);
      const during = async (name: string, evaluate: () => Promise<CollectReport>) => {
        await send(backline.url, exact);
        const loopDelay = monitorEventLoopDelay({ resolution: 10 });
        loopDelay.enable();
        const started = performance.now();
        let done = false;
        const evaluation = evaluate().finally(() => (done = true));
        const merged: LoadResult = { wallMs: 0, latencies: [], statuses: [], card: [], matched: [], suggested: [], expected: [], bodies: [], errors: [] };
        while (!done) {
          const round = await send(backline.url, exact);
          merged.wallMs += round.wallMs;
          for (const key of ['latencies', 'statuses', 'card', 'matched', 'suggested', 'expected', 'errors'] as const) (merged[key] as unknown[]).push(...round[key]);
        }
        const evaluated = await evaluation;
        const evaluationMs = performance.now() - started;
        loopDelay.disable();
        const summary = summarise(merged, options.concurrency);
        report(name, summary);
        log(`    evaluation: ${evaluated.entities} entities, ${evaluated.teams} teams in ${f(evaluationMs / 1000)} s; request thread's event loop blocked: p99 ${f(loopDelay.percentile(99) / 1e6)} ms, max ${f(loopDelay.max / 1e6)} ms`);
        results.push({ name, summary, notes: `evaluation of ${evaluated.entities} entities in ${f(evaluationMs / 1000)} s; event loop blocked max ${f(loopDelay.max / 1e6)} ms` });
      };
      await during('exact, cache warm, during a health evaluation on the request thread (before)', () => health.service.collectAndScore());
      await during('exact, cache warm, during a health evaluation on its own thread', () => threads.collectAndScore());
    }


    if (options.slackLatency > 0) {
      // Slack is not on loopback in production: every Web API call Backline makes before its ack
      // costs a round trip. Same requests with the fake answering after slackLatency ms.
      const half = Math.max(1, Math.floor(options.requests / 2));
      log(`With the fake Slack Web API answering after ${options.slackLatency} ms (a round trip to slack.com), first ${half} requests of each set:`);
      await fakeSlack.call({ type: 'delay', ms: options.slackLatency });
      try {
        await baseline(`Backline's Slack layer, command answering at once, Slack ${options.slackLatency} ms away`, () => startSlackLayer(slackUrl), exact.slice(0, half), options.concurrency, false);
        // Asked once more first, so that PostgreSQL has these cards' pages in its buffers, as in the warm run.
        await send(backline.url, exact.slice(0, half));
        await scenario(`exact, cache warm, Slack ${options.slackLatency} ms away`, exact.slice(0, half), options.concurrency);
        await scenario(`misspelled, Slack ${options.slackLatency} ms away`, misspelled.slice(0, half), options.concurrency);
      } finally {
        await fakeSlack.call({ type: 'delay', ms: 0 });
      }
    }

    if (options.serial > 0) {
      log('Service time without queueing (one request at a time):');
      await scenario('exact, cache warm, 1 in flight', serialExact, 1);
      await scenario('misspelled, 1 in flight', serialTypos, 1);
      await baseline('plain node:http, 1 in flight', startPlainHttp, serialExact, 1, false);
      await baseline('Bolt (botId/botUserId given), 1 in flight', () => startTrivialBolt(slackUrl), serialExact, 1, false);
    }

    // ---- diagnostics: where a request's time goes, query by query (not part of the timed runs) -------
    log('Diagnostics (queries timed from the client side of the pool; 100 requests each for names and typos not asked before, 1 in flight):');
    const slowest: Array<[string, Statement]> = [];
    for (const [name, texts] of [['exact', diagnosticExact], ['misspelled', diagnosticTypos]] as const) {
      const probe = instrumentQueries();
      let total: LoadResult;
      try {
        total = await send(backline.url, [...texts], 1);
      } finally {
        probe.uninstall();
      }
      const worst = probe.slowest();
      if (worst) slowest.push([name, worst]);
      const n = texts.length;
      const wall = total.latencies.reduce((sum, x) => sum + x, 0);
      const dbMs = [...probe.stats.values()].reduce((sum, s) => sum + s.ms, 0);
      const calls = [...probe.stats.values()].reduce((sum, s) => sum + s.calls, 0);
      log(`  ${name}: ${(calls / n).toFixed(1)} queries per request, ${f(dbMs / n)} ms of ${f(wall / n)} ms per request waiting on PostgreSQL`);
      for (const [shape, stat] of [...probe.stats.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
        log(`    ${shape}: ${(stat.calls / n).toFixed(2)} per request, mean ${f(stat.ms / stat.calls)} ms`);
      }
    }
    {
      // Where the server's main thread spends its CPU under load: a sampling profile of exact names
      // not asked before, at full concurrency (profiling slows it; these requests are not timed).
      const texts = profiledExact;
      const profile = await profileWhile(() => send(backline.url, texts, options.concurrency));
      log(`  CPU profile of the server's main thread, ${texts.length} exact requests for names not asked before × ${options.concurrency} in flight (${f(profile.totalMs)} ms sampled, ${f(profile.totalMs / texts.length)} ms per request):`);
      for (const [group, ms] of profile.byGroup.slice(0, 12)) log(`    ${group.padEnd(40)} ${((ms / profile.totalMs) * 100).toFixed(1).padStart(5)}%  ${f(ms / texts.length)} ms/request`);
      log('  hottest functions (self time):');
      for (const [fn, ms] of profile.byFunction.slice(0, 15)) log(`    ${((ms / profile.totalMs) * 100).toFixed(1).padStart(5)}%  ${fn}`);
    }
    for (const [name, statement] of slowest) {
      const values = statement.values;
      const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, values);
      log(`  The slowest statement of the ${name} diagnostic (${f(statement.ms)} ms then), EXPLAIN ANALYZE now on an idle server: ${statement.shape}`);
      log(`    parameters: ${JSON.stringify(values).slice(0, 200)}`);
      for (const row of plan) {
        const line = row['QUERY PLAN'];
        if (/^\s*(->\s+)?(Limit|Index|Bitmap|Seq Scan|Nested Loop|Hash|Sort|Aggregate|Unique|Append|Subquery)|Execution Time|Planning Time|Rows Removed/.test(line)) log(`    ${line.replace(/\s+$/, '')}`);
      }
    }

    if (options.slowSlack > 0) {
      // Slack's Web API answering slowly (an incident, a far region): the ack budget (2 s) starts when
      // the listener runs, after Bolt's auth.test; Bolt answers 404 itself at 3001 ms without an ack.
      await pool.query('TRUNCATE slack_identities');
      await fakeSlack.call({ type: 'delay', ms: options.slowSlack });
      log(`Slow Slack: the fake Web API answering after ${options.slowSlack} ms, identity cache cold, 20 exact requests, 10 in flight:`);
      try {
        await scenario(`exact, cache cold, Slack answering in ${options.slowSlack} ms`, exact.slice(0, 20), 10);
        await sleep(Math.min(15_000, options.slowSlack * 5));
      } finally {
        await fakeSlack.call({ type: 'delay', ms: 0 });
      }
      log(`    unhandled rejections after the answers settled: ${unhandled.count} in the whole run so far`);
    }

    // ---- summary ---------------------------------------------------------------------------------------
    log();
    log(`Results (${options.entities} entities, seed ${options.seed}; latency = send → HTTP response (the ack), over loopback, ${options.client} client in a worker thread; "Bolt" = the Bolt baseline with botId/botUserId):`);
    log(
      table(
        ['scenario', 'requests', 'in flight', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'req/s', 'card in ack', 'named / did-you-mean / intended', 'non-200', 'crashes*', 'p50 / Bolt', 'p99 / Bolt', 'req/s / Bolt', 'p99 / plain'],
        results.map((r) => [
          r.name,
          String(r.summary.requests),
          String(r.summary.concurrency),
          f(r.summary.p50),
          f(r.summary.p95),
          f(r.summary.p99),
          f(r.summary.max),
          r.summary.rps.toFixed(0),
          r.name.startsWith('baseline') ? '—' : `${(r.summary.cardShare * 100).toFixed(1)}%`,
          r.name.startsWith('baseline') ? '—' : `${(r.summary.matchedShare * 100).toFixed(0)}% / ${(r.summary.suggestedShare * 100).toFixed(0)}% / ${(r.summary.intendedShare * 100).toFixed(0)}%`,
          String(r.summary.non200),
          r.unhandledRejections === undefined ? '' : String(r.unhandledRejections),
          r.baselineRatios && r.summary.concurrency === options.concurrency ? `${r.baselineRatios.boltP50.toFixed(1)}×` : '',
          r.baselineRatios && r.summary.concurrency === options.concurrency ? `${r.baselineRatios.boltP99.toFixed(1)}×` : '',
          r.baselineRatios && r.summary.concurrency === options.concurrency ? `${r.baselineRatios.boltRps.toFixed(2)}×` : '',
          r.baselineRatios && r.summary.concurrency === options.concurrency ? `${r.baselineRatios.plainP99.toFixed(1)}×` : '',
        ]),
      ),
    );
    log('* crashes: unhandled promise rejections in the server process; each one would end a real `backline serve`.');
    const verdict = (name: string, target: number) => {
      const row = results.find((r) => r.name === name);
      if (row) log(`Target p99 ≤ ${target} ms for ${name}: measured ${f(row.summary.p99)} ms — ${row.summary.p99 <= target ? 'met' : 'NOT met'}`);
    };
    verdict('exact, identity cache warm', TARGET_P99_MS.exact);
    verdict('exact, first asks after the listing at start', TARGET_P99_MS.exact);
    verdict('exact, identity cache cold, no listing', TARGET_P99_MS.exact);
    verdict('exact, new names, identity cache warm', TARGET_P99_MS.exact);
    verdict('exact, after a change to the catalog', TARGET_P99_MS.exact);
    verdict('misspelled', TARGET_P99_MS.misspelled);
    log(`Load average at end: ${loadAverage()}; total ${secs(started)} s`);
    if (options.json) {
      fs.writeFileSync(options.json, `${JSON.stringify({ at: new Date().toISOString(), machine: machine(), runtime: runtime(), postgres: version[0]!.v, options, catalog: catalog.counts, results }, null, 2)}\n`);
      log(`Wrote ${options.json}`);
    }
  } finally {
    await cleanup();
  }
}

/** Caches every user's Slack identity as the fake Slack would answer, expiring as Backline's would. */
async function primeIdentities(pool: pg.Pool, catalog: PlannedCatalog): Promise<void> {
  const ids = catalog.emails.map((email) => slackKnows(email));
  await pool.query(
    `INSERT INTO slack_identities (email, slack_user_id, display_name, deleted, fetched_at, expires_at)
     SELECT email, id, NULL, false, now(), now() + CASE WHEN id IS NULL THEN interval '1 hour' ELSE interval '1 day' END
     FROM unnest($1::text[], $2::text[]) AS i(email, id)
     ON CONFLICT (email) DO UPDATE SET slack_user_id = excluded.slack_user_id, fetched_at = now(), expires_at = excluded.expires_at`,
    [catalog.emails, ids],
  );
}

const secs = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`whoowns-slack.bench failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);

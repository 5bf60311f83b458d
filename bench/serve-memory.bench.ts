import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../test/support/net';
import { backlineRoot, cleanEnv, runBackline } from './lib/cli';
import { writeResults } from './lib/results';
import { startBenchServer, type BenchServer } from './lib/server';
import { resetPeakMemory, residentMemory, sampleMemory, startServeChild } from './lib/serveChild';
import { get } from './lib/serveLoad';
import { ms, summarise, table, type Summary } from './lib/stats';
import { countsFor, loadCatalog, misspell, SeededRandom } from './slack-catalog';
import { BenchWorker, type LoadResult } from './slack-workers';

/**
 * Resident memory of the compiled `backline serve` over the Slack benchmark's catalog
 * (bench/slack-catalog.ts, 100,000 entities by default), for the floor "serve RSS at 100,000
 * entities ≤ 300 MB". serve runs as a child process (bench/lib/serveChild.ts) against a copy of
 * the loaded database, with the loopback fake Slack of the Slack benchmark (bench/slack-workers.ts:
 * it knows about half the catalog's people, so serve's listing of Slack's people at start has
 * something to keep). Its /proc/<pid>/status is read:
 *
 * - when it first answers GET /healthz;
 * - idle: once the work serve does at start is over (a health evaluation of the whole catalog on a
 *   thread of its own, and the listing of Slack's people), and --settle seconds more; VmHWM then is
 *   the peak of the start-up;
 * - under load: VmHWM started afresh (/proc/<pid>/clear_refs) before --requests signed `/whoowns`
 *   commands, --concurrency in flight, and VmRSS sampled every 100 ms; exact names, each asked once
 *   (so cards of most teams are read),
 *   mixed with --misspelled percent misspelled names (each a "did you mean" search);
 * - right after the load, and --settle seconds after it.
 *
 * Once per V8 setting of --variants, each serve on its own copy of the same database (CREATE
 * DATABASE … TEMPLATE): `default` is Node's own settings, `large-young` the larger heaps serve once
 * started itself again with (64 MB semi-spaces, a 256 MB initial old generation), anything else
 * node flags joined by "+" (`--max-semi-space-size=32+--max-old-space-size=256`). The measured pid
 * is the process that answers (checked: it has no child process).
 * Baseline, in the same run and per variant: an idle `node -e` process with the same flags that
 * only listens on a port and answers 200, the floor any Node server pays.
 *
 *   bench/run.sh serve-memory [--entities 100000] [--requests 4000] [--concurrency 50] [--misspelled 25]
 *        [--settle 5] [--seed 42] [--variants default]
 *
 * DATABASE_URL set: scratch databases on that server. Unset: a throwaway embedded PostgreSQL with
 * durability off. Loopback only. Data and requests are seeded (mulberry32). Not a test: nothing
 * asserts; it prints the figures and how they compare with the floor.
 */
const log = (line = '') => process.stdout.write(`${line}\n`);
const SECRET = 'bench-signing-secret-0123456789abcdef';
const FLOOR_MB = 300;
const SAMPLE_EVERY_MS = 100;
const START_TIMEOUT_MS = 20 * 60_000;

interface Variant {
  name: string;
  flags: string[];
}

interface Options {
  entities: number;
  requests: number;
  concurrency: number;
  /** Percent of the requests that are misspelled names. */
  misspelled: number;
  /** Seconds waited before an idle or after-load reading. */
  settle: number;
  seed: number;
  variants: Variant[];
}

const USAGE = 'usage: serve-memory.bench [--entities N] [--requests N] [--concurrency N] [--misspelled PERCENT] [--settle SECONDS] [--seed S] [--variants default[,large-young][,--flag=value+--flag=value]]';

function variantOf(token: string): Variant {
  if (token === 'large-young') return { name: 'large-young', flags: ['--max-semi-space-size=64', '--initial-old-space-size=256'] };
  if (token === 'default') return { name: 'default', flags: [] };
  const flags = token.split('+').filter(Boolean);
  if (flags.length === 0 || flags.some((flag) => !flag.startsWith('--'))) throw new Error(`${USAGE}; a variant is default, large-young or node flags joined by "+", not ${token}`);
  return { name: token, flags };
}

function parseArgs(argv: string[]): Options {
  const options: Options = { entities: 100_000, requests: 4_000, concurrency: 50, misspelled: 25, settle: 5, seed: 42, variants: [variantOf('default')] };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!.replace(/^--/, '');
    const raw = argv[++i];
    if (key === 'variants' && raw) {
      options.variants = raw.split(',').filter(Boolean).map(variantOf);
      continue;
    }
    const value = Number(raw);
    if (!(key in options) || key === 'variants' || !Number.isFinite(value) || value < 0) throw new Error(`${USAGE}; bad ${argv[i - 1]} ${raw ?? ''}`);
    (options as unknown as Record<string, number>)[key] = value;
  }
  if (options.entities < 1000 || options.requests < 1 || options.concurrency < 1 || options.misspelled > 100 || options.variants.length === 0) throw new Error(`${USAGE}; --entities ≥ 1000, --requests and --concurrency ≥ 1, --misspelled ≤ 100, at least one variant`);
  return options;
}

const loadAverage = () => os.loadavg().map((x) => Number(x.toFixed(2)));
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** Polls GET url until it answers 200; fails when `exited()` says the process is gone. */
async function waitForAnswer(url: string, exited: () => string | undefined, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const answer = await get(url).catch(() => undefined);
    if (answer?.status === 200) return;
    const gone = exited();
    if (gone) throw new Error(gone);
    if (performance.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
    await sleep(10);
  }
}

/** Processes whose parent is `pid`, with their command lines. */
function childProcesses(pid: number): string[] {
  const children: string[] = [];
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      children.push(fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // It ended between listing and reading.
    }
  }
  return children;
}

interface Reading {
  rss: number;
  peak: number;
}

interface BaselineResult {
  variant: string;
  flags: string[];
  idle: Reading;
}

/** An idle Node server with `flags`: listens, answers one GET, and is read --settle seconds later. */
async function measureBaseline(variant: Variant, options: Options): Promise<BaselineResult> {
  const port = await freePort();
  const script = "require('node:http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')";
  const child = spawn(process.execPath, [...variant.flags, '-e', script], { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForAnswer(`http://127.0.0.1:${port}/`, () => (child.exitCode !== null ? `the baseline server exited with ${child.exitCode}` : undefined), 30_000);
    await sleep(options.settle * 1000);
    const idle = residentMemory(child.pid!);
    if (!idle) throw new Error('could not read the baseline server’s /proc status');
    return { variant: variant.name, flags: variant.flags, idle };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

interface VariantResult {
  variant: string;
  flags: string[];
  /** serve's node arguments as /proc/<pid>/cmdline shows them. */
  cmdline: string;
  firstAnswerSeconds: number;
  startupWorkSeconds: number;
  startupLogs: string[];
  atFirstAnswer: Reading;
  /** After the start-up work and --settle seconds; `peak` is the start-up's VmHWM. */
  idle: Reading;
  /** VmHWM started afresh before the load (false: it is the lifetime peak). */
  peakReset: boolean;
  loadPeak: number;
  loadSampledMax: number;
  rightAfterLoad: number;
  afterSettle: Reading;
  load: { wallMs: number; sent: number; ok: number; cards: number; intended: number; errors: string[]; whoowns: Summary };
  /** RSS every 100 ms from the start of the load to the after-load reading (MiB). */
  series: Array<{ ms: number; rss: number }>;
  loadAverage: number[];
  problems: string[];
}

interface Shared {
  server: BenchServer;
  template: string;
  root: string;
  slackUrl: string;
  loader: BenchWorker;
  texts: string[];
  expect: string[];
}

async function runVariant(variant: Variant, shared: Shared, options: Options): Promise<VariantResult> {
  const database = await shared.server.createDatabase(`bench_rss_${variant.name.replace(/[^a-z0-9]/gi, '').slice(0, 20).toLowerCase()}`, shared.template);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-bench-rss-'));
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const spawnedAt = performance.now();
    const serve = startServeChild(
      shared.root,
      {
        DATABASE_URL: database.url,
        SLACK_BOT_TOKEN: 'xoxb-bench-token',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: `${shared.slackUrl}/api/`,
        BACKLINE_DOCS_REFRESH_MINUTES: '0',
        BACKLINE_LOG_LEVEL: 'info',
        PORT: String(port),
      },
      { cwd: scratch, v8Flags: variant.flags },
    );
    try {
      // What serve does once at start: a whole-catalog health evaluation, and a listing of Slack's people.
      const startupWork = Promise.all([
        serve.logged(/^health: evaluated .* at start$|^health evaluation at start failed/, START_TIMEOUT_MS),
        serve.logged(/^slack directory: listed |^listing Slack.s people at start failed/, START_TIMEOUT_MS),
      ]);
      startupWork.catch(() => undefined);
      await waitForAnswer(`${base}/healthz`, () => (serve.child.exitCode !== null ? `serve exited with ${serve.child.exitCode}: ${serve.problems.join('\n')}` : undefined), START_TIMEOUT_MS);
      const firstAnswered = performance.now();
      const atFirstAnswer = residentMemory(serve.pid)!;
      const children = childProcesses(serve.pid);
      if (children.length) throw new Error(`serve (pid ${serve.pid}) started other processes, so its memory is not all in that pid: ${children.join('; ')}`);
      const cmdline = fs.readFileSync(`/proc/${serve.pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(1).join(' ');

      const logs = await startupWork;
      const startupWorkSeconds = (performance.now() - firstAnswered) / 1000;
      await sleep(options.settle * 1000);
      const idle = residentMemory(serve.pid)!;

      const peakReset = resetPeakMemory(serve.pid);
      const sampler = sampleMemory(serve.pid, SAMPLE_EVERY_MS);
      const loadStarted = performance.now();
      const result = await shared.loader.call<LoadResult>({ type: 'run', run: { url: `${base}/slack/events`, secret: SECRET, texts: shared.texts, expect: shared.expect, concurrency: options.concurrency, responseUrl: `${shared.slackUrl}/response/` } });
      const afterLoad = residentMemory(serve.pid)!;
      const loadEndedMs = performance.now() - loadStarted;
      await sleep(options.settle * 1000);
      const afterSettle = residentMemory(serve.pid)!;
      const { series } = sampler.stop();

      const ok = result.latencies.filter((_, i) => result.statuses[i] === 200);
      const code = await serve.stop();
      if (code !== 0) log(`  ${variant.name}: serve exited with ${code}`);
      return {
        variant: variant.name,
        flags: variant.flags,
        cmdline,
        firstAnswerSeconds: (firstAnswered - spawnedAt) / 1000,
        startupWorkSeconds,
        startupLogs: logs.map((fields) => String(fields.msg)),
        atFirstAnswer,
        idle,
        peakReset,
        loadPeak: afterLoad.peak,
        loadSampledMax: Math.max(afterLoad.rss, ...series.filter((sample) => sample.ms <= loadEndedMs).map((sample) => sample.rss)),
        rightAfterLoad: afterLoad.rss,
        afterSettle,
        load: {
          wallMs: result.wallMs,
          sent: result.latencies.length,
          ok: ok.length,
          cards: result.card.filter(Boolean).length,
          intended: result.expected.filter(Boolean).length,
          errors: result.errors,
          whoowns: ok.length ? summarise(ok) : { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN },
        },
        series: series.map((sample) => ({ ms: Math.round(sample.ms), rss: Number(sample.rss.toFixed(1)) })),
        loadAverage: loadAverage(),
        problems: serve.problems.slice(0, 20),
      };
    } finally {
      await serve.stop();
    }
  } finally {
    await shared.server.dropDatabase(database.name);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function report(results: VariantResult[], baselines: BaselineResult[], options: Options): void {
  const mib = (value: number) => value.toFixed(0);
  const seconds = (value: number) => value.toFixed(1);
  const baselineOf = (result: VariantResult) => baselines.find((baseline) => baseline.variant === result.variant)!.idle.rss;
  const row = (label: string, pick: (result: VariantResult) => number | string, format: (value: number) => string = mib) => [label, ...results.map((result) => {
    const value = pick(result);
    return typeof value === 'string' ? value : format(value);
  })];
  log(
    table(
      ['', ...results.map((result) => result.variant)],
      [
        row('node flags', (r) => r.flags.join(' ') || '(none)'),
        row('baseline: idle `node -e` server, RSS (MiB)', baselineOf),
        row('serve: RSS at first /healthz answer (MiB)', (r) => r.atFirstAnswer.rss),
        row('serve: peak RSS during start-up, VmHWM (MiB)', (r) => r.idle.peak),
        row(`serve: RSS idle, start-up work done + ${options.settle} s (MiB)`, (r) => r.idle.rss),
        row('serve idle − baseline (MiB)', (r) => r.idle.rss - baselineOf(r)),
        row(`serve: peak RSS under load, VmHWM${results.every((r) => r.peakReset) ? '' : ' (since start)'} (MiB)`, (r) => r.loadPeak),
        row(`serve: peak RSS under load, sampled every ${SAMPLE_EVERY_MS} ms (MiB)`, (r) => r.loadSampledMax),
        row('serve: RSS right after load (MiB)', (r) => r.rightAfterLoad),
        row(`serve: RSS ${options.settle} s after load (MiB)`, (r) => r.afterSettle.rss),
        row('time to first answer (s)', (r) => r.firstAnswerSeconds, seconds),
        row('start-up work after first answer (s)', (r) => r.startupWorkSeconds, seconds),
        row('/whoowns answered 200 / sent', (r) => `${r.load.ok} / ${r.load.sent}`),
        row('/whoowns card in ack / intended entity named', (r) => `${((r.load.cards / r.load.sent) * 100).toFixed(1)}% / ${((r.load.intended / r.load.sent) * 100).toFixed(1)}%`),
        row('/whoowns p50 (ms)', (r) => r.load.whoowns.p50, ms),
        row('/whoowns p99 (ms)', (r) => r.load.whoowns.p99, ms),
        row('/whoowns max (ms)', (r) => r.load.whoowns.max, ms),
        row('load wall time (s); req/s', (r) => `${seconds(r.load.wallMs / 1000)}; ${(r.load.sent / (r.load.wallMs / 1000)).toFixed(0)}`),
        row('load average (1 min) after the variant', (r) => r.loadAverage[0]!, (value) => value.toFixed(2)),
      ],
    ),
  );
  for (const result of results) {
    if (!result.peakReset) log(`${result.variant}: VmHWM could not be started afresh (/proc/<pid>/clear_refs): its peak under load is the lifetime peak`);
    if (result.load.errors.length) log(`${result.variant}: ${result.load.errors.length} request error(s), first: ${result.load.errors[0]}`);
    if (result.problems.length) log(`${result.variant}: serve logged ${result.problems.length} warning(s) or error(s), first: ${result.problems[0]}`);
  }
  const floorMiB = (FLOOR_MB * 1e6) / 2 ** 20;
  const verdict = (value: number) => `${mib(value)} MiB (${(value * 2 ** 20 / 1e6).toFixed(0)} MB) ${value <= floorMiB ? 'met' : 'NOT met'}`;
  log(`Floor: serve RSS at ${options.entities.toLocaleString('en')} entities ≤ ${FLOOR_MB} MB (${floorMiB.toFixed(0)} MiB):`);
  for (const result of results) {
    log(`  ${result.variant}: idle ${verdict(result.idle.rss)}; peak under load ${verdict(Math.max(result.loadPeak, result.loadSampledMax))}; peak during start-up ${verdict(result.idle.peak)}`);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = backlineRoot();
  const loads: Array<{ at: string; load: number[] }> = [{ at: 'start', load: loadAverage() }];
  log(`== serve-memory.bench: ${options.entities} entities, ${options.requests} /whoowns (${options.misspelled}% misspelled) × ${options.concurrency} in flight, seed ${options.seed}; variants ${options.variants.map((v) => `${v.name} (${v.flags.join(' ') || 'no flags'})`).join(', ')}; ${os.cpus().length} CPUs, load ${loadAverage().join(' ')}, node ${process.version}`);
  const server = await startBenchServer(log);
  const cleanups: Array<() => Promise<unknown>> = [() => server.stop()];
  try {
    // ---- the catalog, loaded once; each variant gets a copy --------------------------------------
    const template = await server.createDatabase('bench_rss_catalog');
    cleanups.unshift(() => server.dropDatabase(template.name));
    const migrated = await runBackline(root, ['migrate'], cleanEnv({ DATABASE_URL: template.url }));
    if (migrated.code !== 0) throw new Error(`backline migrate failed (${migrated.code}): ${migrated.stderr}`);
    const loadStarted = performance.now();
    const pool = new pg.Pool({ connectionString: template.url, max: 4 });
    let catalog: Awaited<ReturnType<typeof loadCatalog>>;
    let owners: number;
    // ---- requests, all from one seeded PRNG ---------------------------------------------------------
    const rng = new SeededRandom(options.seed + 1);
    const typoCount = Math.round((options.requests * options.misspelled) / 100);
    let texts: string[];
    const intended = new Map<string, string>();
    try {
      log(`Loading ${options.entities} entities (seed ${options.seed})…`);
      catalog = await loadCatalog(pool, { total: options.entities, seed: options.seed, log });
      // Exact names each asked once, so that every card reads something new.
      const exact = rng.sample(catalog.names, options.requests - typoCount);
      const asked = new Set(exact);
      const typos: string[] = [];
      for (let guard = 0; typos.length < typoCount && guard < typoCount * 10; guard++) {
        const name = rng.pick(catalog.names);
        const typo = misspell(name, rng, catalog.nameSet);
        if (typo && !asked.has(typo)) {
          asked.add(typo);
          typos.push(typo);
          intended.set(typo, name);
        }
      }
      texts = rng.shuffle([...exact, ...typos]);
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(DISTINCT r.target_key)::int AS n FROM entities e JOIN relations r ON r.source_key = e.ref_key AND r.type = 'ownedBy' WHERE e.name_key = ANY($1::text[])`,
        [texts.map((text) => (intended.get(text) ?? text).toLowerCase())],
      );
      owners = rows[0]!.n;
    } finally {
      await pool.end();
    }
    log(`Loaded ${catalog.total} entities (${JSON.stringify(countsFor(options.entities))}) in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    log(`Requests: ${texts.length - intended.size} exact names and ${intended.size} misspelled, all different, of entities owned by ${owners} different owners (e.g. ${texts.slice(0, 3).join(', ')})`);

    const fakeSlack = new BenchWorker<{ url: string }>('fake-slack');
    cleanups.unshift(() => fakeSlack.terminate());
    const slackUrl = (await fakeSlack.ready).url;
    const people = await fakeSlack.call<number>({ type: 'people', emails: catalog.emails });
    log(`Fake Slack: ${people} of ${catalog.emails.length} catalog users have an account`);
    const loader = new BenchWorker('load');
    cleanups.unshift(() => loader.terminate());
    await loader.ready;

    const baselines: BaselineResult[] = [];
    for (const variant of options.variants) {
      baselines.push(await measureBaseline(variant, options));
      log(`Baseline, ${variant.name}: idle node -e server ${baselines.at(-1)!.idle.rss.toFixed(0)} MiB`);
    }
    const shared: Shared = { server, template: template.name, root, slackUrl, loader, texts, expect: texts.map((text) => `:default/${intended.get(text) ?? text}"`) };
    const results: VariantResult[] = [];
    for (const variant of options.variants) {
      loads.push({ at: `before ${variant.name}`, load: loadAverage() });
      log(`serve, ${variant.name} (${variant.flags.join(' ') || 'no flags'}), load ${loadAverage().join(' ')}:`);
      const result = await runVariant(variant, shared, options);
      results.push(result);
      log(`  first answer after ${result.firstAnswerSeconds.toFixed(1)} s at ${result.atFirstAnswer.rss.toFixed(0)} MiB; start-up work ${result.startupWorkSeconds.toFixed(1)} s (${result.startupLogs.join('; ')}); idle ${result.idle.rss.toFixed(0)} MiB; under load peak ${result.loadPeak.toFixed(0)} MiB; after ${result.afterSettle.rss.toFixed(0)} MiB; /whoowns p50 ${ms(result.load.whoowns.p50)} ms, p99 ${ms(result.load.whoowns.p99)} ms`);
    }
    loads.push({ at: 'end', load: loadAverage() });
    log();
    log(`Results (${catalog.total} entities, ${texts.length} /whoowns × ${options.concurrency} in flight, seed ${options.seed}):`);
    report(results, baselines, options);
    log(`Load average: ${loads.map(({ at, load }) => `${at} ${load.join(' ')}`).join('; ')}`);
    const file = writeResults('serve-memory', { options, catalog: { entities: catalog.total, counts: countsFor(options.entities), owners }, loads, baselines, results });
    if (file) log(`Saved ${file}`);
  } finally {
    for (const step of cleanups) await step().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});

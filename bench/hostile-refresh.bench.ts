import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../test/support/net';
import { backlineRoot, cleanEnv, runBackline } from './lib/cli';
import { GITHUB_TOKEN, startFakes, type RunningFakes, type SeededOrg } from './lib/fakeServices';
import { cpuProfileSummary, longestBusyStretches } from './lib/profile';
import { writeResults } from './lib/results';
import { startBenchServer, type BenchServer } from './lib/server';
import { residentMemory, sampleMemory, startServeChild } from './lib/serveChild';
import { get, startLoad, type Timed } from './lib/serveLoad';
import { ms, ratio, summarise, table, type Summary } from './lib/stats';

/**
 * `backline serve` refreshing a GitHub organisation of hostile catalog files while it answers:
 * GET /healthz every 10 ms and signed `/whoowns` commands at a steady rate, sent from the moment
 * serve first answers until it logs "GitHub refresh finished", and for at least --window seconds,
 * so that the short clean refresh still gets enough samples. Reported per variant: the refresh's
 * wall time, both endpoints' latencies, the longest event-loop stall as serve itself measured it
 * (backline_event_loop_delay_max_seconds, scraped when serve first answers and again when the load
 * stops), and resident memory. The baseline, in the same run against the same fake GitHub: an
 * organisation of the same number of repositories whose catalog files are ordinary.
 *
 * Target (issue): the longest stall while hostile files are ingested at most 200 ms.
 *
 * The hostile organisation (bench/lib/hostileCatalog.ts): two repositories in three carry one
 * attack each, beside ordinary siblings: a $yaml alias bomb, a $json file nested 5,000 deep,
 * 200 $text placeholders to one 2 MB file, a catalog file of thousands of documents just under
 * BACKLINE_MAX_FILE_BYTES, placeholders and Location targets aimed at /etc/passwd, ../../ and
 * another organisation, Users and Groups claiming admin, and a 2 MB file in YAML flow style.
 * The fake GitHub and fake Slack run in a worker thread (bench/lib/fakeServices.ts); serve is the
 * compiled CLI in a child process, so its CPU and memory are its own.
 *
 *   npm run build
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-hostile
 *   ln -sfn "$PWD/node_modules" "$PWD/migrations" "$PWD/examples" /tmp/bench-hostile/
 *   node /tmp/bench-hostile/bench/hostile-refresh.bench.js [--repos 200] [--rate 20] [--latency 20] [--seed 42] [--runs 1] [--window 10] [--profile]
 *
 * --profile takes a CPU profile of serve in each hostile run (--cpu-prof) and prints where its time
 * went, and its longest stretches without a turn for anything else. DATABASE_URL set: scratch databases on that server. Unset: a throwaway embedded
 * PostgreSQL with durability off. Loopback only. Not a test: nothing asserts on time.
 */
const log = (line = '') => process.stdout.write(`${line}\n`);
const SECRET = 'bench-signing-secret-0123456789abcdef';
const ORGS = { clean: 'tidy-corp', hostile: 'hostile-corp', elsewhere: 'evil-corp' };
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const TARGET_STALL_MS = 200;
/** Demo catalog names, and one misspelt, so commands get cards and "did you mean" answers. */
const QUESTIONS = ['payments-service', 'card-vault', 'auth-service', 'checkout-web', 'risk-scoring-service', 'kyc-service', 'api-gateway', 'payouts-service', 'fraud-rules-engine', 'paymnts-service'];

interface Options {
  repos: number;
  rate: number;
  latency: number;
  seed: number;
  runs: number;
  /** Seconds the load runs at least, so that a short clean refresh still gets enough samples. */
  window: number;
  profile: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { repos: 200, rate: 20, latency: 20, seed: 42, runs: 1, window: 10, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!.replace(/^--/, '');
    if (key === 'profile') {
      options.profile = true;
      continue;
    }
    const value = Number(argv[++i]);
    if (!(key in options) || !Number.isFinite(value) || value <= 0) throw new Error(`usage: hostile-refresh.bench [--repos N] [--rate PER_SECOND] [--latency MS] [--seed S] [--runs R] [--window SECONDS] [--profile]; bad ${argv[i - 1]} ${argv[i] ?? ''}`);
    (options as unknown as Record<string, number>)[key] = value;
  }
  return options;
}

interface VariantResult {
  variant: 'clean' | 'hostile';
  seeded: SeededOrg;
  refreshSeconds: number;
  refresh: Record<string, unknown>;
  entities: number;
  problems: number;
  secretsStored: number;
  health: Summary & { failed: number };
  whoowns: Summary & { failed: number; cards: number };
  /** serve's own figures, in ms: before its first answer (start-up), and from then to the end of the load. */
  stall: { startupMs: number; refreshMs: number; refreshP99Ms: number };
  memory: { beforeRefreshMiB: number; sampledPeakMiB: number; peakMiB: number };
  profile?: { summary: ReturnType<typeof cpuProfileSummary>; stretches: ReturnType<typeof longestBusyStretches> };
}

const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

async function runVariant(variant: 'clean' | 'hostile', fakes: RunningFakes, server: BenchServer, root: string, options: Options): Promise<VariantResult> {
  const database = await server.createDatabase(`bench_hostile_${variant}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-bench-hostile-'));
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    // The demo catalog gives /whoowns its answers; the refresh adds the organisation beside it.
    const demo = await runBackline(root, ['catalog', 'ingest', '--json', path.join(root, 'examples', 'demo-catalog', 'catalog-info.yaml')], cleanEnv({ DATABASE_URL: database.url }));
    if (demo.code !== 0) throw new Error(`ingesting the demo catalog failed (${demo.code}): ${demo.stderr}`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const profileDir = options.profile && variant === 'hostile' ? path.join(scratch, 'profile') : undefined;
    const spawnedAt = performance.now();
    const serve = startServeChild(
      root,
      {
        DATABASE_URL: database.url,
        SLACK_BOT_TOKEN: 'xoxb-bench-token',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fakes.slackUrl,
        GITHUB_API_URL: fakes.githubUrl,
        GITHUB_TOKEN,
        BACKLINE_GITHUB_ORGS: ORGS[variant],
        BACKLINE_DOCS_REFRESH_MINUTES: '0',
        BACKLINE_LOG_LEVEL: 'info',
        PORT: String(port),
      },
      { cwd: scratch, cpuProfileDir: profileDir },
    );
    const memory = sampleMemory(serve.pid, 50);
    try {
      const finished = serve.logged('GitHub refresh finished', 20 * 60_000);
      finished.catch(() => undefined);
      for (;;) {
        const answer = await get(`${base}/healthz`).catch(() => undefined);
        if (answer?.status === 200) break;
        if (serve.child.exitCode !== null) throw new Error(`serve exited with ${serve.child.exitCode}: ${serve.problems.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const beforeRefresh = residentMemory(serve.pid)!.rss;
      const startup = (await get(`${base}/metrics`)).text;
      const loadStarted = performance.now();
      const load = startLoad({ base, secret: SECRET, responseUrlBase: fakes.responseUrlBase, healthEveryMs: 10, commandsPerSecond: options.rate, texts: QUESTIONS });
      const refresh = await finished.catch(async (error: unknown) => {
        await load.stop();
        throw error;
      });
      const refreshSeconds = typeof refresh.seconds === 'number' ? refresh.seconds : (performance.now() - spawnedAt) / 1000;
      const left = options.window * 1000 - (performance.now() - loadStarted);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      const { health, commands, failures } = await load.stop();
      const after = (await get(`${base}/metrics`)).text;
      const peak = residentMemory(serve.pid)!.peak;
      const sampled = memory.stop();
      if (failures.length) log(`  ${variant}: ${failures.length} request(s) failed, first: ${failures[0]}`);

      const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);
      const okMs = (samples: Timed[]) => samples.filter((sample) => sample.status === 200).map((sample) => sample.ms);
      const result: VariantResult = {
        variant,
        seeded: fakes.seeded[variant],
        refreshSeconds,
        refresh: { locations: refresh.locations, entities: refresh.entities, errors: refresh.errors, requests: refresh.requests },
        entities: await count('SELECT count(*) AS n FROM entities'),
        problems: await count('SELECT count(*) AS n FROM processing_errors'),
        // What the attacks aimed at, if any of it had been read and stored.
        secretsStored: await count(`SELECT count(*) AS n FROM entities WHERE body::text LIKE '%root:x:0:0%' OR body::text LIKE '%ghp_not_for_catalogs%' OR ref LIKE 'user:%mallory%' OR ref LIKE 'group:default/%admins'`),
        health: { ...summarise(okMs(health)), failed: health.length - okMs(health).length },
        whoowns: { ...summarise(okMs(commands)), failed: commands.length - okMs(commands).length, cards: commands.filter((sample) => sample.card).length },
        stall: {
          startupMs: gauge(startup, 'backline_event_loop_delay_max_seconds') * 1000,
          refreshMs: gauge(after, 'backline_event_loop_delay_max_seconds') * 1000,
          refreshP99Ms: gauge(after, 'backline_event_loop_delay_p99_seconds') * 1000,
        },
        memory: { beforeRefreshMiB: beforeRefresh, sampledPeakMiB: sampled.max, peakMiB: peak },
      };
      const code = await serve.stop();
      if (code !== 0) log(`  ${variant}: serve exited with ${code}`);
      // --cpu-prof writes one file per thread (CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile); thread 0 answers requests.
      const profile = profileDir && fs.readdirSync(profileDir).find((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name));
      if (profile) result.profile = { summary: cpuProfileSummary(path.join(profileDir, profile), 12), stretches: longestBusyStretches(path.join(profileDir, profile)) };
      return result;
    } finally {
      memory.stop();
      await serve.stop();
    }
  } finally {
    await pool.end();
    await server.dropDatabase(database.name);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function report(clean: VariantResult, hostile: VariantResult): void {
  const mib = (value: number) => value.toFixed(0);
  const row = (label: string, pick: (result: VariantResult) => number, format: (value: number) => string = ms): string[] => [label, format(pick(clean)), format(pick(hostile)), pick(clean) > 0 ? ratio(pick(hostile), pick(clean)) : '—'];
  const plain = (value: number) => String(Math.round(value));
  log(
    table(
      ['', 'clean', 'hostile', 'hostile/clean'],
      [
        row('catalog files (MB)', (r) => r.seeded.bytes / 1e6, (value) => value.toFixed(1)),
        row('entities after refresh', (r) => r.entities, plain),
        row('problems recorded', (r) => r.problems, plain),
        row('refresh wall time (s)', (r) => r.refreshSeconds, (value) => value.toFixed(1)),
        row('/healthz answered', (r) => r.health.count, plain),
        row('/healthz p50 (ms)', (r) => r.health.p50),
        row('/healthz p99 (ms)', (r) => r.health.p99),
        row('/healthz max (ms)', (r) => r.health.max),
        row('/whoowns answered', (r) => r.whoowns.count, plain),
        row('/whoowns p50 (ms)', (r) => r.whoowns.p50),
        row('/whoowns p99 (ms)', (r) => r.whoowns.p99),
        row('/whoowns max (ms)', (r) => r.whoowns.max),
        row('longest event-loop stall (ms)', (r) => r.stall.refreshMs),
        row('event-loop delay p99 (ms)', (r) => r.stall.refreshP99Ms),
        row('longest stall before first answer (ms)', (r) => r.stall.startupMs),
        row('RSS when first answering (MiB)', (r) => r.memory.beforeRefreshMiB, mib),
        row('peak RSS, VmHWM (MiB)', (r) => r.memory.peakMiB, mib),
      ],
    ),
  );
  for (const result of [clean, hostile]) {
    if (result.health.failed || result.whoowns.failed) log(`${result.variant}: ${result.health.failed} /healthz and ${result.whoowns.failed} /whoowns answers were not 200`);
    if (result.whoowns.cards < result.whoowns.count) log(`${result.variant}: ${result.whoowns.count - result.whoowns.cards} /whoowns acks came without a card (answered later through response_url)`);
  }
  log(`Stored from what the attacks aimed at (host files, another organisation's secrets, impostor Users and Groups): ${hostile.secretsStored}`);
  log(`Target: longest stall ≤ ${TARGET_STALL_MS} ms while hostile files are ingested — ${hostile.stall.refreshMs <= TARGET_STALL_MS ? 'met' : 'NOT met'} (${ms(hostile.stall.refreshMs)} ms; /healthz max ${ms(hostile.health.max)} ms).`);
  if (hostile.profile) {
    const { summary, stretches } = hostile.profile;
    log(`serve's CPU profile (hostile run, ${summary.totalSeconds.toFixed(1)} s sampled), inclusive seconds:`);
    for (const [frame, seconds] of summary.inclusive) log(`  ${seconds.toFixed(2)}  ${frame}`);
    log('Its longest stretches without a turn for anything else, and where each spent its time (ms):');
    for (const stretch of stretches) {
      log(`  ${ms(stretch.ms)} ms at ${stretch.atSeconds.toFixed(1)} s: ${stretch.frames.map(([frame, spent]) => `${frame} ${ms(spent)}`).join('; ')}`);
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = backlineRoot();
  log(`== hostile-refresh.bench: ${options.repos} repositories per organisation, /whoowns at ${options.rate}/s, GitHub ${options.latency} ms away, seed ${options.seed}; ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
  const server = await startBenchServer(log);
  const fakes = await startFakes({ repos: options.repos, seed: options.seed, latencyMs: options.latency, maxFileBytes: MAX_FILE_BYTES, orgs: ORGS });
  const runs: Array<{ clean: VariantResult; hostile: VariantResult; load: number[] }> = [];
  try {
    for (const org of ['clean', 'hostile'] as const) {
      const seeded = fakes.seeded[org];
      log(`${org}: ${seeded.repos} repositories, ${seeded.files} files, ${(seeded.bytes / 1e6).toFixed(1)} MB, largest ${(seeded.largestFileBytes / 1e6).toFixed(2)} MB; ${Object.entries(seeded.attacks).map(([attack, n]) => `${attack} ${n}`).join(', ')}`);
    }
    for (let run = 1; run <= options.runs; run++) {
      log(`Run ${run} of ${options.runs} (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}):`);
      const clean = await runVariant('clean', fakes, server, root, options);
      const hostile = await runVariant('hostile', fakes, server, root, options);
      const load = os.loadavg().map((x) => Number(x.toFixed(2)));
      report(clean, hostile);
      log(`load average after the run: ${load.join(' ')}`);
      runs.push({ clean, hostile, load });
      const line = (result: VariantResult) => ({ refreshSeconds: result.refreshSeconds, entities: result.entities, health: result.health, whoowns: result.whoowns, stall: result.stall, memory: result.memory });
      log(JSON.stringify({ bench: 'hostile-refresh', run, repos: options.repos, loadAverage: load, clean: line(clean), hostile: line(hostile) }));
    }
    const file = writeResults('hostile-refresh', { options, runs: runs.map(({ clean, hostile, load }) => ({ load, clean: { ...clean, profile: undefined }, hostile })) });
    if (file) log(`Saved ${file}`);
  } finally {
    await fakes.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});

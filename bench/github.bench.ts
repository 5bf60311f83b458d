import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import { ingest, type IngestReport } from '../src/catalog/ingest';
import { PgCatalogStore } from '../src/catalog/PgCatalogStore';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { migrate, readMigrations } from '../src/db/migrate';
import { createGitHubIntegration, statsSince } from '../src/sources/github/integration';
import { PgGitHubCacheStore } from '../src/sources/github/PgGitHubCacheStore';
import { startFakeGitHub } from '../test/support/fakeGithub';
import { ORG, seedDeclaredOrganisation, seedUndeclaredOrganisation } from './lib/githubOrganisations';

/**
 * GitHub discovery of a 2,000-repository organisation behind a loopback fake GitHub that takes
 * 20 ms to answer each request: wall time and requests per repository for a cold pass, an unchanged
 * pass, a pass after one push, and an unchanged pass that revalidates every file (what happens once
 * the 24-hour trust in pushed_at runs out). Baselines measured in the same run against the same fake:
 * the cold pass's requests sent bare (plain fetch, no database, no parsing) one after another, and
 * at the client's concurrency; and the arithmetic floor (requests ÷ concurrency × latency).
 *
 * The fake runs in a worker thread, so that answering (and its 20 ms timers) does not queue behind
 * the work of the client being measured; on a 2-CPU machine each gets a core.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-gh
 *   ln -sfn "$PWD/node_modules" "$PWD/migrations" /tmp/bench-gh/
 *   node /tmp/bench-gh/bench/github.bench.js [--repos 2000] [--latency 20] [--concurrency 8] [--seed 7] [--inference]
 *
 * DATABASE_URL set: a scratch database on that server (created and dropped). Unset: a throwaway
 * embedded PostgreSQL with durability off.
 */

const log = (line: string) => process.stdout.write(`${line}\n`);
const TOKEN = 'ghp_backline_bench';

interface Pass {
  name: string;
  ms: number;
  requests: number;
  notModified: number;
  fromCache: number;
  report: IngestReport;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** The fake GitHub as the benchmark drives it from the main thread. */
interface RemoteGitHub {
  url: string;
  call<T = unknown>(method: 'seed' | 'setFile' | 'resetRecords' | 'requestCount', ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

async function startRemoteGitHub(latencyMs: number): Promise<RemoteGitHub> {
  const worker = new Worker(__filename, { workerData: { latencyMs } });
  const pending = new Map<number, (value: unknown) => void>();
  let sequence = 0;
  const ready = new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: { id?: number; result?: unknown; url?: string }) => {
      if (message.url) resolve(message.url);
      else pending.get(message.id!)?.(message.result);
    });
  });
  const url = await ready;
  const call = <T>(method: string, ...args: unknown[]) =>
    new Promise<T>((resolve) => {
      const id = ++sequence;
      pending.set(id, resolve as (value: unknown) => void);
      worker.postMessage({ id, method, args });
    });
  return {
    url,
    call,
    close: async () => {
      await call('close');
      await worker.terminate();
    },
  };
}

/** The worker thread: a fake GitHub answering the benchmark's commands. */
async function serveFakeGitHub(): Promise<void> {
  const github = await startFakeGitHub({ latencyMs: (workerData as { latencyMs: number }).latencyMs, tokens: [TOKEN], rateLimit: 1_000_000 });
  const methods: Record<string, (...args: never[]) => unknown> = {
    seed: (repos: number, seed: number, undeclared: boolean) => (undeclared ? seedUndeclaredOrganisation : seedDeclaredOrganisation)(github, repos, seed),
    setFile: (repo: string, path: string, content: string) => github.setFile(ORG, repo, path, content),
    resetRecords: () => github.resetRecords(),
    requestCount: () => github.requests.length,
    close: () => github.close(),
  };
  parentPort!.on('message', async (message: { id: number; method: string; args: never[] }) => {
    parentPort!.postMessage({ id: message.id, result: await methods[message.method]!(...message.args) });
  });
  parentPort!.postMessage({ url: github.url });
}

async function main(): Promise<void> {
  const repos = option('repos', 2000);
  const latencyMs = option('latency', 20);
  const concurrency = option('concurrency', 8);
  const seed = option('seed', 7);
  log(`== github.bench: ${repos} repositories, ${latencyMs} ms per request, concurrency ${concurrency}, seed ${seed}; ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);

  let adminUrl = process.env.DATABASE_URL;
  let stopServer = async () => undefined as void;
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-bench-gh-pg-'));
    const server = await startEmbeddedPostgres({ dataDir, unsafeFast: true });
    adminUrl = server.connectionString;
    stopServer = async () => {
      await server.release();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const database = `bench_github_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  const github = await startRemoteGitHub(latencyMs);
  try {
    await migrate(pool, readMigrations(path.join(process.env.BACKLINE_ROOT ?? process.cwd(), 'migrations')));
    const inference = process.argv.includes('--inference');
    const { withFile, skipped, undeclared } = await github.call<{ withFile: number; skipped: number; undeclared: number }>('seed', repos, seed, inference);
    log(`Seeded ${ORG}: ${repos} repositories, ${withFile} with a catalog file to read, ${undeclared} without one, ${skipped} archived or forks.`);
    const store = PgCatalogStore.create({ pool });
    if (inference) {
      await measureInference({ pool, store, github, repos, concurrency, undeclared });
      return;
    }

    /** Each pass is a new integration, as a new process would build it: only the database remembers. */
    const run = async (name: string): Promise<Pass> => {
      const integration = createGitHubIntegration({ apiUrl: github.url, auth: { kind: 'token', token: TOKEN }, cache: PgGitHubCacheStore.create({ pool }), maxBytes: 2 * 1024 * 1024, concurrency });
      const before = { ...integration.client.stats };
      await github.call('resetRecords');
      const started = performance.now();
      const report = await ingest(integration.roots([ORG], { catalogPath: 'catalog-info.yaml', importTeams: false }), integration.ingestDependencies({ store, maxBytes: 2 * 1024 * 1024 }));
      const ms = performance.now() - started;
      const stats = statsSince(before, integration.client.stats);
      if (report.errors.length) throw new Error(`${name}: ${report.errors.length} errors, first: ${report.errors[0]!.message}`);
      const seen = await github.call<number>('requestCount');
      if (stats.requests !== seen) throw new Error(`${name}: the client counted ${stats.requests} requests, the fake saw ${seen}`);
      log(`  ${name}: ${(ms / 1000).toFixed(2)} s, ${stats.requests} requests (${stats.notModified} answered 304), ${report.entities.total} entities (${report.entities.added} added, ${report.entities.updated} updated)`);
      return { name, ms, requests: stats.requests, notModified: stats.notModified, fromCache: stats.fromCache, report };
    };

    log('Passes:');
    const cold = await run('cold');
    const unchanged = { ...[await run('unchanged #1'), await run('unchanged #2'), await run('unchanged #3')].sort((a, b) => a.ms - b.ms)[1]!, name: 'unchanged (median of 3)' };
    await github.call('setFile', 'service-0042', 'catalog-info.yaml', `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: service-0042\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-1\n`);
    const pushed = await run('one repository pushed');
    // As after Backline's 24-hour trust in pushed_at runs out: every file asked again, conditionally.
    await pool.query('UPDATE github_cache SET version = NULL');
    const revalidated = await run('unchanged, every file revalidated');

    // Baselines: the cold pass's number of requests, bare, against the same fake.
    const target = `${github.url}/repos/${ORG}/service-0001/contents/catalog-info.yaml?ref=main`;
    const bare = async (count: number, parallel: number): Promise<number> => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next++ < count) await (await fetch(target, { headers: { authorization: `token ${TOKEN}`, accept: 'application/vnd.github.raw+json' } })).text();
        }),
      );
      return performance.now() - started;
    };
    log('Baselines:');
    const bareParallel = await bare(cold.requests, concurrency);
    log(`  ${cold.requests} bare requests, ${concurrency} at a time: ${(bareParallel / 1000).toFixed(2)} s`);
    const bareSequential = await bare(cold.requests, 1);
    log(`  ${cold.requests} bare requests, one at a time: ${(bareSequential / 1000).toFixed(2)} s`);
    const floor = (requests: number) => Math.ceil(requests / concurrency) * latencyMs;

    log('');
    log('| pass | wall time | requests | per repository | 304s | floor at concurrency | × floor | × bare, same concurrency |');
    log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const pass of [cold, unchanged, pushed, revalidated]) {
      const bareSame = (bareParallel / cold.requests) * pass.requests;
      log(
        `| ${pass.name} | ${(pass.ms / 1000).toFixed(2)} s | ${pass.requests} | ${(pass.requests / repos).toFixed(3)} | ${pass.notModified} | ${(floor(pass.requests) / 1000).toFixed(2)} s | ${(pass.ms / floor(pass.requests)).toFixed(2)} | ${(pass.ms / bareSame).toFixed(2)} |`,
      );
    }
    log('');
    log(`Cold pass against ${cold.requests} bare sequential requests: ${(bareSequential / cold.ms).toFixed(1)}× faster; unchanged pass against the cold pass: ${(cold.ms / unchanged.ms).toFixed(0)}× faster, ${(cold.requests / unchanged.requests).toFixed(0)}× fewer requests.`);

    const resultsDir = path.join(process.env.BACKLINE_ROOT ?? process.cwd(), 'bench', 'results');
    try {
      fs.mkdirSync(resultsDir, { recursive: true });
      const file = path.join(resultsDir, `github-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      const summary = (pass: Pass) => ({ name: pass.name, ms: Math.round(pass.ms), requests: pass.requests, requestsPerRepository: pass.requests / repos, notModified: pass.notModified, fromCache: pass.fromCache, entities: pass.report.entities });
      fs.writeFileSync(
        file,
        `${JSON.stringify({ name: 'github', at: new Date().toISOString(), machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverageAtEnd: os.loadavg(), node: process.version }, repos, latencyMs, concurrency, seed, passes: [cold, unchanged, pushed, revalidated].map(summary), baselines: { bareParallelMs: Math.round(bareParallel), bareSequentialMs: Math.round(bareSequential), requests: cold.requests } }, null, 2)}\n`,
      );
      log(`Saved ${file}`);
    } catch {
      // A read-only checkout: the figures above are the result.
    }
  } finally {
    await github.close();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await stopServer();
  }
}

/**
 * `--inference`: what inferring owners costs on top of discovery and team import, on an
 * organisation without catalog YAML. The floor is the same passes with inference off, in the same
 * run against the same fake; targets: ≤ 0.3 requests per repository cold, ≤ 0.02 unchanged.
 */
async function measureInference(options: { pool: pg.Pool; store: PgCatalogStore; github: RemoteGitHub; repos: number; concurrency: number; undeclared: number }): Promise<void> {
  const { pool, store, github, repos, concurrency } = options;
  const run = async (name: string, infer: boolean) => {
    const integration = createGitHubIntegration({ apiUrl: github.url, auth: { kind: 'token', token: TOKEN }, cache: PgGitHubCacheStore.create({ pool }), maxBytes: 2 * 1024 * 1024, concurrency, infer });
    await github.call('resetRecords');
    const started = performance.now();
    const report = await ingest(integration.roots([ORG], { catalogPath: 'catalog-info.yaml', importTeams: true }), integration.ingestDependencies({ store, maxBytes: 2 * 1024 * 1024 }));
    const ms = performance.now() - started;
    const requests = await github.call<number>('requestCount');
    if (report.errors.length) throw new Error(`${name}: ${report.errors.length} errors, first: ${report.errors[0]!.message}`);
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM entities WHERE body->'metadata'->'annotations' ? 'backline.dev/inferred-from'`);
    log(`  ${name}: ${(ms / 1000).toFixed(2)} s, ${requests} requests, ${report.entities.total} entities (${rows[0]!.n} inferred; ${report.entities.added} added, ${report.entities.updated} updated)`);
    return { name, ms, requests, inferred: rows[0]!.n };
  };
  const reset = () => pool.query('TRUNCATE locations, entities, relations, processing_errors, github_cache');
  log('Floor (inference off: discovery and team import):');
  const floorCold = await run('cold', false);
  const floorUnchanged = await run('unchanged', false);
  await reset();
  log('With inference:');
  const cold = await run('cold', true);
  const unchanged = { ...[await run('unchanged #1', true), await run('unchanged #2', true), await run('unchanged #3', true)].sort((a, b) => a.ms - b.ms)[1]!, name: 'unchanged (median of 3)' };
  if (cold.inferred !== options.undeclared) throw new Error(`inferred ${cold.inferred} entities, expected one per repository without a catalog file (${options.undeclared})`);
  log('');
  log('| pass | requests, floor | requests, with inference | for inference | per repository | target | wall time, floor → with inference |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [floor, measured, target] of [[floorCold, cold, 0.3], [floorUnchanged, unchanged, 0.02]] as const) {
    const extra = measured.requests - floor.requests;
    const perRepository = extra / repos;
    log(`| ${measured.name} | ${floor.requests} | ${measured.requests} | ${extra} | ${perRepository.toFixed(4)} | ≤ ${target} ${perRepository <= target ? 'met' : 'MISSED'} | ${(floor.ms / 1000).toFixed(2)} s → ${(measured.ms / 1000).toFixed(2)} s |`);
  }
}

(isMainThread ? main() : serveFakeGitHub()).catch((error: unknown) => {
  process.stderr.write(`github.bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ingest, rootFromPath } from '../src/catalog/ingest';
import { PgCatalogStore } from '../src/catalog/PgCatalogStore';
import { copyRows } from '../src/db/copy';
import { migrate } from '../src/db/migrate';
import { PgDocsStore } from '../src/docs/PgDocsStore';
import { siteUrlOf } from '../src/docs/resolve';
import { DEFAULT_SCORECARD } from '../src/health/defaultScorecard';
import { PgHealthStore } from '../src/health/PgHealthStore';
import { createHealthService, type CollectReport } from '../src/health/service';
import { PgOnCallCacheStore } from '../src/oncall/PgOnCallCacheStore';
import { createOnCallResolver } from '../src/oncall/resolve';
import { writeHealthCatalog } from './lib/healthCatalog';
import { writeResults } from './lib/results';
import { describeServer, startBenchServer } from './lib/server';
import { ms, table } from './lib/stats';
import { numberFlags } from './lib/args';

/**
 * Collecting every entity's facts and scoring the default scorecard over a synthetic company of
 * `--teams` teams and `--entities` entities: facts from the catalog, the docs cache (a built site
 * for most documented components) and on-call (catalog Rotations; PagerDuty is not configured, so
 * its annotations count as configured but unknown), written with history. Measured first on an
 * empty health history, then re-run on the unchanged catalog. Baselines in the same run: one plain
 * SELECT of every entity body and relation (reading the same data, nothing computed), and a raw
 * COPY of as many rows as the evaluation produced results (writing them, nothing compared).
 *
 *   node <out>/bench/health.bench.js [--teams 1000] [--entities 20000] [--reruns 3] [--seed 42]
 */
const log = (line: string) => process.stdout.write(`${line}\n`);
const TARGET_MS = 10_000;

interface Options {
  teams: number;
  entities: number;
  reruns: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  return numberFlags<Options>(argv, { teams: 1_000, entities: 20_000, reruns: 3, seed: 42 }, 'usage: health.bench [--teams N] [--entities N] [--reruns N] [--seed S]', 1);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const server = await startBenchServer(log);
  log(`Load average before measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs (other processes on the machine skew these numbers)`);
  const database = await server.createDatabase('bench_health');
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-health-bench-'));
  try {
    await migrate(pool);
    const settings = await describeServer(pool);
    log(`Server: ${server.described}; ${settings}`);
    const company = writeHealthCatalog(folder, options);
    const catalog = PgCatalogStore.create({ pool });
    let started = performance.now();
    const report = await ingest([await rootFromPath(company.root)], { store: catalog, maxBytes: 4 * 1024 * 1024 });
    if (report.errors.length) throw new Error(`the synthetic catalog has errors: ${report.errors.slice(0, 3).map((e) => e.message).join('; ')}`);
    log(`Ingested ${company.entities} entities (${options.teams} teams) in ${ms(performance.now() - started)} ms`);

    // Built sites for nine in ten documented components, some of them older than the stale limit.
    const now = new Date();
    const base = 'https://docs.acme.example/techdocs';
    const built = company.documented.filter((_, i) => i % 10 !== 0);
    await pool.query(
      `INSERT INTO docs_sites (site_url, entity_ref, site_name, built_at, build_etag, metadata_checked_at)
       SELECT u, r, 'Docs', $3::timestamptz - (n % 200) * interval '1 day', 'etag', $3::timestamptz FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(u, r, n)`,
      [built.map((ref) => siteUrlOf(ref, base)), built, now],
    );
    const docsStore = PgDocsStore.create({ pool });
    const service = createHealthService({
      catalog,
      store: PgHealthStore.create({ pool }),
      scorecard: DEFAULT_SCORECARD,
      docs: { baseUrl: base, maxAgeDays: 90, getSites: (urls) => docsStore.getSites(urls) },
      oncall: createOnCallResolver({ catalog, providers: [], cache: PgOnCallCacheStore.create({ pool }) }),
    });

    // Baseline 1: read the same entities and relations with one plain SELECT each.
    const read = async () => {
      const t0 = performance.now();
      await Promise.all([pool.query('SELECT ref_key, ref, kind, namespace, name, body, location_key FROM entities'), pool.query('SELECT source_ref, type, target_ref FROM relations')]);
      return performance.now() - t0;
    };
    await read();
    const readMs = Math.min(await read(), await read());

    const first = await service.collectAndScore();
    const reruns: CollectReport[] = [];
    for (let i = 0; i < options.reruns; i++) reruns.push(await service.collectAndScore());
    const rerun = reruns.sort((a, b) => total(a) - total(b))[Math.floor(reruns.length / 2)]!;

    // Baseline 2: COPY as many result rows as were written, into a table of the same shape.
    const { rows: counted } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM health_results');
    const results = counted[0]!.n;
    const client = await pool.connect();
    let copyMs: number;
    try {
      await client.query('CREATE TEMP TABLE copy_baseline (entity_key text, entity_ref text, check_id text, status text, since timestamptz, PRIMARY KEY (entity_key, check_id))');
      const rows = Array.from({ length: results }, (_, i) => [`component:default/e-${Math.floor(i / 10)}`, `component:default/e-${Math.floor(i / 10)}`, `check-${i % 10}`, 'pass', now.toISOString()]);
      started = performance.now();
      await client.query('BEGIN');
      await copyRows(client, 'copy_baseline', ['entity_key', 'entity_ref', 'check_id', 'status', 'since'], rows);
      await client.query('COMMIT');
      copyMs = performance.now() - started;
    } finally {
      client.release();
    }

    const { rows: teamRows } = await pool.query<{ n: number }>('SELECT count(DISTINCT team_key)::int AS n FROM health_team_scores');
    log(`\nHealth over ${first.entities.toLocaleString('en')} evaluated entities (of ${company.entities.toLocaleString('en')}; Users are not evaluated), ${teamRows[0]!.n} owning teams, ${results.toLocaleString('en')} check results (ms)`);
    const row = (name: string, value: number, baseline: number | null, note = '') => [name, ms(value), baseline === null ? '' : `${(value / baseline).toFixed(1)}×`, note];
    log(table(['Measurement', 'ms', 'vs baseline', 'Note'], [
      row('Baseline: SELECT every entity body and relation', readMs, null, 'best of 2'),
      row(`Baseline: COPY ${results.toLocaleString('en')} result rows`, copyMs, null, 'one transaction'),
      row('collectAndScore, first run (empty history)', total(first), readMs + copyMs, `catalog ${ms(first.timings.catalog)}, facts ${ms(first.timings.facts)}, evaluate ${ms(first.timings.evaluate)}, write ${ms(first.timings.write)}; ${first.factChanges} fact histories, ${first.transitions} transitions`),
      row('collectAndScore, unchanged re-run', total(rerun), readMs, `median of ${options.reruns}; catalog ${ms(rerun.timings.catalog)}, facts ${ms(rerun.timings.facts)}, evaluate ${ms(rerun.timings.evaluate)}, write ${ms(rerun.timings.write)}; ${rerun.factChanges} fact changes, ${rerun.transitions} transitions`),
    ]));
    const met = total(first) < TARGET_MS && total(rerun) < TARGET_MS;
    log(`\nTarget: collect and score everything in under ${TARGET_MS / 1000} s: ${met ? 'met' : 'NOT met'} (first ${ms(total(first))} ms, re-run ${ms(total(rerun))} ms).`);
    const file = writeResults('health', { options, server: server.described, settings, readMs, copyMs, results, first, rerun, reruns, targetMs: TARGET_MS, met });
    if (file) log(`Results written to ${file}`);
  } finally {
    await pool.end();
    fs.rmSync(folder, { recursive: true, force: true });
    await server.dropDatabase(database.name).catch(() => undefined);
    await server.stop();
  }
}

function total(report: CollectReport): number {
  const { catalog, facts, evaluate, write } = report.timings;
  return catalog + facts + evaluate + write;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

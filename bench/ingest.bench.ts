import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { processCatalogText } from '../src/catalog/processing';
import { parseYamlDocuments } from '../src/catalog/yaml';
import { readTextFile } from '../src/catalog/files';
import { generateCatalog, parseGenerateArgs, type GeneratedRow } from './generate';
import { backlineRoot, cleanEnv, runBackline, type CliRun } from './lib/cli';
import { copyField, copyWithPsql, psqlAvailable } from './lib/copy';
import { writeResults } from './lib/results';
import { cpuProfileSummary, newestFile, statementTimes } from './lib/profile';
import { describeServer, startBenchServer, type BenchServer } from './lib/server';
import { table } from './lib/stats';

/**
 * Ingestion through the CLI, cold and unchanged, timed as the wall time of the child process
 * (process start, migrations and shutdown included), against raw loads of the same rows measured
 * in the same run.
 *
 *   node <out>/bench/ingest.bench.js [--files 5000] [--per-file 10] [--seed 42] [--runs 2] [--no-embedded] [--profile] [--keep]
 *
 * `--profile` adds one more cold ingest, with node's CPU profiler on and every statement's duration
 * logged by the server, and prints where the time went.
 */
interface IngestJson {
  locations: Record<string, number>;
  entities: { added: number; updated: number; unchanged: number; removed: number; total: number };
  errors: Array<{ file: string; message: string }>;
  seconds: number;
}

interface Measurement {
  name: string;
  ms: number;
  entities: number;
  target?: number;
  note: string;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const TARGET_COLD = 5_000;
const TARGET_UNCHANGED = 20_000;

async function main(): Promise<void> {
  const flags = new Set(['--no-embedded', '--keep', '--profile']);
  const argv = process.argv.slice(2);
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv.splice(runsAt, 2)[1]) : 2;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-bench-ingest-'));
  // Readable by the unprivileged user the embedded server runs as when the benchmark runs as root.
  fs.chmodSync(scratch, 0o755);
  const { options } = parseGenerateArgs([...argv.filter((arg) => !flags.has(arg)), path.join(scratch, 'catalog')]);
  const root = backlineRoot();

  const started = performance.now();
  const catalog = generateCatalog(path.join(scratch, 'catalog'), options);
  const entities = catalog.rows.length + 1; // the root Location is an entity too
  log(`Generated ${catalog.rows.length} entities in ${catalog.files} files + 1 root Location (${(catalog.bytes / 1048576).toFixed(1)} MiB, seed ${options.seed}) in ${secs(performance.now() - started)} s`);

  const results: Measurement[] = [];
  const server = await startBenchServer(log);
  log(`Load average before measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs (other processes on the machine skew these numbers)`);
  let serverSettings = '';
  try {
    const help = await runBackline(root, ['--help'], cleanEnv({}));
    results.push({ name: 'CLI process start + exit (`backline --help`)', ms: help.ms, entities: 0, note: 'floor of any CLI command' });

    for (let run = 1; run <= runs; run++) {
      const database = await server.createDatabase('bench_ingest');
      try {
        const env = cleanEnv({ DATABASE_URL: database.url });
        const cold = await ingestOnce(root, catalog.root, env, `cold #${run}`);
        check(cold.report.entities.added === entities, `cold ingest added ${cold.report.entities.added} entities, expected ${entities}`);
        results.push({ name: `CLI ingest, cold #${run} (fresh database; migrations included)`, ms: cold.run.ms, entities, target: TARGET_COLD, note: `ingest() itself ${cold.report.seconds} s` });
        for (let again = 1; again <= 3; again++) {
          const unchanged = await ingestOnce(root, catalog.root, env, `unchanged #${run}.${again}`);
          check(unchanged.report.entities.unchanged === entities, `unchanged re-ingest reported ${unchanged.report.entities.unchanged} unchanged, expected ${entities}`);
          results.push({ name: `CLI ingest, unchanged re-ingest #${run}.${again}`, ms: unchanged.run.ms, entities, target: TARGET_UNCHANGED, note: `ingest() itself ${unchanged.report.seconds} s` });
        }
        if (run === 1) {
          serverSettings = await baselines(database.url, catalog.rows, results);
        }
      } finally {
        await server.dropDatabase(database.name);
      }
    }

    const pipeline = await processOnly(catalog.paths);
    results.push({ name: 'Diagnostic: read + parseYamlDocuments of every file, in-process, no database', ms: pipeline.parse, entities: catalog.rows.length, note: 'simple reader, js-yaml where it declines; node count' });
    results.push({ name: 'Diagnostic: read + processCatalogText of every file, in-process, no database', ms: pipeline.process, entities: catalog.rows.length, note: 'parse, validate, relations, hash: the CPU work before any write' });

    if (!argv.includes('--no-embedded') && !process.env.DATABASE_URL) await embeddedDefault(root, scratch, catalog.root, entities, results);
    if (argv.includes('--profile')) await profileCold(root, server, scratch, catalog.root);
  } finally {
    await server.stop();
    if (argv.includes('--keep')) log(`Kept ${scratch}`);
    else fs.rmSync(scratch, { recursive: true, force: true });
  }

  const copy = results.find((result) => result.name.startsWith('Baseline: COPY'));
  const insert = results.find((result) => result.name.startsWith('Baseline: multi-row INSERT'))!;
  const times = (result: Measurement, baseline: Measurement | undefined) => (baseline && result.entities ? `${(result.ms / result.entities / (baseline.ms / baseline.entities)).toFixed(1)}×` : '');
  log('');
  log(`Server: ${server.described}; ${serverSettings}`);
  log(table(
    ['Measurement', 'Wall time (s)', 'Entities/s', 'Target', 'Time per entity vs COPY', 'vs unnest INSERT', 'Note'],
    results.map((result) => {
      const rate = result.entities / (result.ms / 1000);
      const target = result.target ? `≥ ${result.target.toLocaleString('en')}/s: ${rate >= result.target ? 'met' : 'MISSED'}` : '';
      return [result.name, secs(result.ms), result.entities ? Math.round(rate).toLocaleString('en') : '', target, times(result, copy), times(result, insert), result.note];
    }),
  ));
  const file = writeResults('ingest', { options, entities, server: server.described, serverSettings, results });
  if (file) log(`\nResults written to ${file}`);
}

/** Raw loads of the same rows into plain unindexed tables, in a database that has the CLI's data. */
async function baselines(url: string, rows: GeneratedRow[], results: Measurement[]): Promise<string> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const settings = await describeServer(pool);
    const { rows: stored } = await pool.query<{ entities: number; relations: number }>('SELECT (SELECT count(*) FROM entities)::int AS entities, (SELECT count(*) FROM relations)::int AS relations');
    log(`Stored by the CLI: ${stored[0]!.entities} entities, ${stored[0]!.relations} relation rows`);
    await pool.query('CREATE TABLE bench_copy (ref text, kind text, name text, body jsonb)');
    if (psqlAvailable()) {
      const data = rows.map((row) => `${copyField(row.ref)}\t${copyField(row.kind)}\t${copyField(row.name)}\t${copyField(row.body)}\n`).join('');
      const ms = await copyWithPsql(url, 'bench_copy', ['ref', 'kind', 'name', 'body'], data);
      results.push({ name: 'Baseline: COPY FROM STDIN (psql \\copy) of (ref, kind, name, body jsonb) into an unindexed table', ms, entities: rows.length, note: `${(data.length / 1048576).toFixed(1)} MiB; psql process start included` });
    } else {
      log('psql is not installed: no COPY baseline');
    }
    const insertMs = await rawInsert(pool, rows);
    results.push({ name: 'Baseline: multi-row INSERT … SELECT FROM unnest($1::text[], …) of the same rows into an unindexed table, 5,000-row chunks, one transaction', ms: insertMs, entities: rows.length, note: 'in-process, no process start; same driver path as the store' });
    const relationsMs = await rawRelations(pool);
    results.push({ name: `Extra baseline: the unnest INSERT above plus the ${stored[0]!.relations} relation rows the CLI stored, same method, unindexed`, ms: insertMs + relationsMs, entities: rows.length, note: `relations alone ${secs(relationsMs)} s` });
    return settings;
  } finally {
    await pool.end();
  }
}

async function embeddedDefault(root: string, scratch: string, location: string, entities: number, results: Measurement[]): Promise<void> {
  const dataDir = path.join(scratch, 'data');
  const env = cleanEnv({ BACKLINE_DATA_DIR: dataDir });
  const init = await runBackline(root, ['migrate'], env);
  check(init.code === 0, `backline migrate failed: ${init.stderr}`);
  results.push({ name: 'Embedded default: first `backline migrate` (initdb, start, schema, stop)', ms: init.ms, entities: 0, note: 'one-time cluster creation' });
  const cold = await ingestOnce(root, location, env, 'embedded cold');
  results.push({ name: 'Embedded default: CLI ingest, cold (server start and stop included; fsync on)', ms: cold.run.ms, entities, note: `ingest() itself ${cold.report.seconds} s` });
  for (let again = 1; again <= 2; again++) {
    const unchanged = await ingestOnce(root, location, env, `embedded unchanged #${again}`);
    results.push({ name: `Embedded default: CLI ingest, unchanged #${again} (server start and stop included)`, ms: unchanged.run.ms, entities, note: `ingest() itself ${unchanged.report.seconds} s` });
  }
}

/** One more cold ingest with the CPU profiler on and statement durations logged; prints the summary. */
async function profileCold(root: string, server: BenchServer, scratch: string, location: string): Promise<void> {
  const database = await server.createDatabase('bench_profile');
  try {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    await client.query(`ALTER DATABASE ${database.name} SET log_min_duration_statement = 0`).finally(() => client.end());
    const logStart = server.logFile && fs.existsSync(server.logFile) ? fs.statSync(server.logFile).size : 0;
    const folder = path.join(scratch, 'cpu-profile');
    const { run, report } = await ingestOnce(root, location, cleanEnv({ DATABASE_URL: database.url }), 'profiled cold', ['--cpu-prof', `--cpu-prof-dir=${folder}`]);
    log(`\nProfiled cold ingest: ${secs(run.ms)} s wall, ingest() ${report.seconds} s (profiling and statement logging add overhead)`);
    if (server.logFile) {
      const text = fs.readFileSync(server.logFile).subarray(logStart).toString();
      const statements = statementTimes(text);
      const total = statements.reduce((sum, row) => sum + row.seconds, 0);
      log(`Server time by statement (sum of logged durations: ${total.toFixed(1)} s):`);
      log(table(['Statement', 'Calls', 'Seconds'], statements.slice(0, 10).map((row) => [row.statement, String(row.calls), row.seconds.toFixed(2)])));
    } else {
      log('(statement times need the server log: only available on the throwaway embedded server)');
    }
    const file = newestFile(folder, '.cpuprofile');
    if (file) {
      const summary = cpuProfileSummary(file);
      log(`\nCLI process CPU profile (${summary.totalSeconds.toFixed(1)} s sampled; "(idle)" is time spent waiting, mostly on PostgreSQL):`);
      log(table(['Self time: function', 'Seconds'], summary.self.map(([name, seconds]) => [name, seconds.toFixed(2)])));
      log(table(['Inclusive time: function', 'Seconds'], summary.inclusive.map(([name, seconds]) => [name, seconds.toFixed(2)])));
    }
  } finally {
    await server.dropDatabase(database.name);
  }
}

async function ingestOnce(root: string, location: string, env: NodeJS.ProcessEnv, label: string, nodeArgs: string[] = []): Promise<{ run: CliRun; report: IngestJson }> {
  const run = await runBackline(root, ['catalog', 'ingest', '--json', location], env, nodeArgs);
  let report: IngestJson;
  try {
    report = JSON.parse(run.stdout) as IngestJson;
  } catch {
    throw new Error(`${label}: backline catalog ingest exited ${run.code} without a JSON report:\n${run.stderr.slice(0, 2000)}`);
  }
  check(report.errors.length === 0, `${label}: ${report.errors.length} ingestion errors, e.g. ${JSON.stringify(report.errors.slice(0, 3))}`);
  log(`${label}: ${secs(run.ms)} s wall (exit ${run.code}); ingest() ${report.seconds} s; locations ${JSON.stringify(report.locations)}; entities ${JSON.stringify(report.entities)}`);
  return { run, report };
}

async function rawInsert(pool: pg.Pool, rows: GeneratedRow[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('CREATE TABLE bench_insert (ref text, kind text, name text, body jsonb)');
    const started = performance.now();
    await client.query('BEGIN');
    for (let i = 0; i < rows.length; i += 5_000) {
      const chunk = rows.slice(i, i + 5_000);
      await client.query('INSERT INTO bench_insert (ref, kind, name, body) SELECT ref, kind, name, body::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(ref, kind, name, body)', [
        chunk.map((row) => row.ref),
        chunk.map((row) => row.kind),
        chunk.map((row) => row.name),
        chunk.map((row) => row.body),
      ]);
    }
    await client.query('COMMIT');
    return performance.now() - started;
  } finally {
    client.release();
  }
}

/** The relation rows the CLI stored, read back and written again raw: the same volume without indexes or logic. */
async function rawRelations(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ source_key: string; type: string; target_key: string; source_ref: string; target_ref: string }>(
    'SELECT source_key, type, target_key, source_ref, target_ref FROM relations',
  );
  const client = await pool.connect();
  try {
    await client.query('CREATE TABLE bench_relations (source_key text, type text, target_key text, source_ref text, target_ref text)');
    const started = performance.now();
    await client.query('BEGIN');
    for (let i = 0; i < rows.length; i += 20_000) {
      const chunk = rows.slice(i, i + 20_000);
      await client.query('INSERT INTO bench_relations SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])', [
        chunk.map((row) => row.source_key),
        chunk.map((row) => row.type),
        chunk.map((row) => row.target_key),
        chunk.map((row) => row.source_ref),
        chunk.map((row) => row.target_ref),
      ]);
    }
    await client.query('COMMIT');
    return performance.now() - started;
  } finally {
    client.release();
  }
}

/** The CPU side of ingestion on its own: reading and processing every file, without writing. */
async function processOnly(files: string[]): Promise<{ parse: number; process: number }> {
  const maxBytes = 2 * 1024 * 1024;
  let started = performance.now();
  for (const file of files) {
    const read = await readTextFile(file, maxBytes);
    if (!read.ok || !parseYamlDocuments(read.text).ok) throw new Error(`${file} did not parse`);
  }
  const parse = performance.now() - started;
  started = performance.now();
  let count = 0;
  for (const file of files) {
    const read = await readTextFile(file, maxBytes);
    if (!read.ok) throw new Error(read.message);
    const processed = await processCatalogText(read.text, { file, maxBytes });
    if (!processed.parsed) throw new Error(processed.problem.message);
    count += processed.entities.length;
  }
  check(count > 0, 'nothing processed');
  return { parse, process: performance.now() - started };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function secs(msValue: number): string {
  return (msValue / 1000).toFixed(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest.bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

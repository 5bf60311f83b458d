import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Entity } from '../src/catalog/model';
import { PgCatalogStore } from '../src/catalog/PgCatalogStore';
import { isWord, searchTerms } from '../src/catalog/searchTerms';
import { migrate, readMigrations } from '../src/db/migrate';
import { DocumentBuilder, planCatalog, type PlannedEntity } from './lib/catalogData';
import { backlineRoot } from './lib/cli';
import { Prng } from './lib/prng';
import { writeResults } from './lib/results';
import { describeServer, startBenchServer } from './lib/server';
import { ms, summarise, table, timeEach, type Summary } from './lib/stats';
import { ADJECTIVES, NOUNS } from './lib/words';
import { numberFlags } from './lib/args';

/**
 * Store lookups over a large catalog: `getByRef` and `findByName` (exact) and `findSimilar` (fuzzy,
 * trigram), each against a plain query measured in the same run. The entities are loaded straight
 * into the tables (a fast path: this measures lookups, not ingestion), then checked against the
 * store's reads.
 *
 *   node <out>/bench/lookup.bench.js [--entities 1000000] [--seed 42] [--exact 2000] [--fuzzy 500] [--words 100] [--budget 150]
 *
 * `--budget` caps the seconds spent on each set of fuzzy queries (so a slow store still finishes
 * within minutes); the table then shows how many of the planned queries ran.
 */
const log = (line: string) => process.stdout.write(`${line}\n`);
const ENTITIES_PER_LOCATION = 10;
const CHUNK = 10_000;

interface Options {
  entities: number;
  seed: number;
  exact: number;
  fuzzy: number;
  words: number;
  budget: number;
}

function parseArgs(argv: string[]): Options {
  return numberFlags<Options>(argv, { entities: 1_000_000, seed: 42, exact: 2_000, fuzzy: 500, words: 100, budget: 150 }, 'usage: lookup.bench [--entities N] [--seed S] [--exact N] [--fuzzy N] [--words N] [--budget seconds]', 1);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = backlineRoot();
  const server = await startBenchServer(log);
  log(`Load average before measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs (other processes on the machine skew these numbers)`);
  const database = await server.createDatabase('bench_lookup');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    await migrate(pool, readMigrations(path.join(root, 'migrations')));
    const settings = await describeServer(pool);
    log(`Server: ${server.described}; ${settings}`);

    let started = performance.now();
    const plan = planCatalog(options.entities, options.seed);
    log(`Planned ${plan.order.length} entities (seed ${options.seed}) in ${secs(performance.now() - started)} s`);
    const load = await loadEntities(pool, plan.order, new DocumentBuilder(plan, options.seed));
    const sizes = await pool.query<{ name: string; size: string }>(
      `SELECT c.relname AS name, pg_size_pretty(pg_relation_size(c.oid)) AS size FROM pg_class c
       WHERE c.relname = 'entities' OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'entities'::regclass) ORDER BY pg_relation_size(c.oid) DESC`,
    );
    log(`Sizes: ${sizes.rows.map((row) => `${row.name} ${row.size}`).join(', ')}`);

    const store = PgCatalogStore.create({ pool });
    const rng = new Prng(options.seed + 1);
    const pickEntities = (count: number) => Array.from({ length: count }, () => rng.pick(plan.order));
    await checkLoad(store, Array.from({ length: 20 }, (_, i) => plan.order[(i * 49_999) % plan.order.length]!));
    const exact = pickEntities(options.exact);
    const misspelt = pickEntities(options.fuzzy).map((entity) => ({ entity, query: misspell(entity.name, rng) }));
    const words = Array.from({ length: options.words }, () => randomWords(rng));
    const refKey = (entity: PlannedEntity) => `${entity.kind.toLowerCase()}:default/${entity.name}`;

    // Warm-up on a separate sample: connections, plans, and the pages the lookups touch.
    const warm = pickEntities(300);
    for (const entity of warm) {
      await store.getByRef(refKey(entity));
      await store.findByName(entity.name);
      await pool.query('SELECT ref_key, ref, kind, namespace, name, body, location_key FROM entities WHERE ref_key = $1', [refKey(entity)]);
    }
    for (const entity of warm.slice(0, 10)) await store.findSimilar(misspell(entity.name, rng), 5);

    const rows: Array<{ name: string; summary: Summary; target?: string; baseline?: Summary; baselineName?: string; note?: string }> = [];
    // Interleaved, in a rotating order, so the baseline and the store see the same cache state.
    let found = 0;
    const calls: Array<(entity: PlannedEntity) => Promise<unknown>> = [
      (entity) => pool.query('SELECT ref_key, ref, kind, namespace, name, body, location_key FROM entities WHERE ref_key = $1', [refKey(entity)]),
      async (entity) => (found += (await store.getByRef(refKey(entity))) ? 1 : 0),
      (entity) => store.findByName(entity.name),
    ];
    const samples: number[][] = calls.map(() => []);
    for (const [i, entity] of exact.entries()) {
      for (let k = 0; k < calls.length; k++) {
        const which = (i + k) % calls.length;
        const t0 = performance.now();
        await calls[which]!(entity);
        samples[which]!.push(performance.now() - t0);
      }
    }
    if (found !== exact.length) throw new Error(`getByRef found ${found} of ${exact.length} existing entities`);
    const [primaryKey, byRef, byName] = samples.map(summarise) as [Summary, Summary, Summary];
    rows.push({ name: 'Baseline: plain `SELECT … FROM entities WHERE ref_key = $1` (primary key)', summary: primaryKey });
    rows.push({ name: 'getByRef(refKey), existing entities', summary: byRef, target: target(byRef, 2, 'p99'), baseline: primaryKey, baselineName: 'PK SELECT' });
    rows.push({ name: 'findByName(name), existing names', summary: byName, target: target(byName, 2, 'p99'), baseline: primaryKey, baselineName: 'PK SELECT' });

    let hits = 0;
    const fuzzy = summarise(await timeEach(misspelt, async ({ entity, query }) => {
      const results = await store.findSimilar(query, 5);
      if (results.some((result) => result.entity.refKey === refKey(entity))) hits++;
    }, options.budget * 1000));
    const wordSamples = summarise(await timeEach(words, (query) => store.findSimilar(query, 5), (options.budget / 2) * 1000));

    // Baseline: what a query that scores every row costs (5 queries; each reads the whole table).
    const scanQueries = misspelt.slice(0, 5).map((item) => item.query);
    const scan = summarise(await timeEach(scanQueries, (query) => pool.query('SELECT ref_key, similarity(name_key, $1::text) AS s FROM entities ORDER BY s DESC, ref_key LIMIT 5', [query])));
    const ilike = summarise(await timeEach(words.slice(0, 5), (query) => withSeqScan(pool, 'SELECT ref_key FROM entities WHERE name_key ILIKE $1::text ORDER BY ref_key LIMIT 5', [`%${query.split(/[ -]/)[0]}%`])));
    rows.push({ name: 'Baseline: sequential `similarity(name_key, $1)` over every row, top 5', summary: scan, note: '5 misspelt names' });
    rows.push({ name: 'Baseline: sequential `name_key ILIKE %word%` scan, first 5', summary: ilike, note: '5 word queries, index scans off' });
    rows.push({ name: 'findSimilar(text, 5), misspelt existing names', summary: fuzzy, target: `${target(fuzzy, 50, 'p50')}; ${target(fuzzy, 200, 'p99')}`, baseline: scan, baselineName: 'similarity() scan', note: `${fuzzy.count} of ${misspelt.length} planned queries ran (budget ${options.budget} s); original in top 5 for ${hits}/${fuzzy.count}` });
    rows.push({ name: 'findSimilar(text, 5), random words', summary: wordSamples, target: `${target(wordSamples, 50, 'p50')}; ${target(wordSamples, 200, 'p99')}`, baseline: scan, baselineName: 'similarity() scan', note: `${wordSamples.count} of ${words.length} planned queries ran (budget ${options.budget / 2} s)` });

    const sample = exact[0]!;
    const plans = await explainStoreQueries(database.url, [
      ['getByRef', (explained) => explained.getByRef(refKey(sample))],
      ['findByName', (explained) => explained.findByName(sample.name)],
      ['findSimilar (misspelt name)', (explained) => explained.findSimilar(misspelt[0]!.query, 5)],
    ]);
    log(`\n${plans}`);

    log(`\nLookups over ${options.entities.toLocaleString('en')} entities (ms, one connection, sequential; nearest-rank percentiles)`);
    log(table(
      ['Measurement', 'n', 'p50', 'p95', 'p99', 'max', 'Target', 'p50 vs baseline p50', 'Note'],
      rows.map((row) => [
        row.name, String(row.summary.count), ms(row.summary.p50), ms(row.summary.p95), ms(row.summary.p99), ms(row.summary.max), row.target ?? '',
        row.baseline ? `${times(row.summary.p50 / row.baseline.p50)} ${row.baselineName}` : '', row.note ?? '',
      ]),
    ));
    const file = writeResults('lookup', { options, server: server.described, settings, load, sizes: sizes.rows, hits, rows });
    if (file) log(`\nResults written to ${file}`);
  } finally {
    await pool.end();
    await server.dropDatabase(database.name).catch(() => undefined);
    await server.stop();
  }
}

/**
 * Loads the entities straight into the tables (a fast path: this measures lookups, not ingestion):
 * secondary indexes dropped and rebuilt afterwards exactly as the migrations define them, rows sent
 * as one JSON document per 10,000 entities, one location row per ten entities. The columns the store
 * derives on write are derived here with the store's own functions (`searchTerms`, `isWord`); the
 * load is then checked against the store's reads (`checkLoad`), so a schema change the loader does
 * not know about stops the benchmark instead of skewing it.
 */
async function loadEntities(pool: pg.Pool, order: PlannedEntity[], builder: DocumentBuilder): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const { rows: columns } = await pool.query<{ name: string; required: boolean }>(
    `SELECT column_name AS name, (is_nullable = 'NO' AND column_default IS NULL) AS required FROM information_schema.columns WHERE table_name = 'entities'`,
  );
  const known = new Set(['ref_key', 'ref', 'kind', 'namespace', 'name', 'name_key', 'title_key', 'search_terms', 'body', 'hash', 'location_key', 'created_at', 'updated_at']);
  const unknown = columns.filter((column) => !known.has(column.name));
  if (unknown.some((column) => column.required)) throw new Error(`entities has required columns this loader does not fill: ${unknown.map((c) => c.name).join(', ')}; update bench/lookup.bench.ts`);
  if (unknown.length) log(`Note: entities columns left at their defaults by the loader: ${unknown.map((c) => c.name).join(', ')}`);
  const withTerms = columns.some((column) => column.name === 'search_terms');
  const { rows: indexes } = await pool.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'entities' AND indexname <> 'entities_pkey'`,
  );
  for (const index of indexes) await pool.query(`DROP INDEX ${index.name}`);
  const locations = Math.ceil(order.length / ENTITIES_PER_LOCATION);
  const locationKey = (file: number) => `file:/bench/teams/${String(Math.floor(file / 100)).padStart(5, '0')}/catalog-${String(file).padStart(7, '0')}.yaml`;
  let started = performance.now();
  await pool.query(
    `INSERT INTO locations (key, type, target, status, content_hash, entity_count, processed_at, last_ok_at)
     SELECT 'file:' || t, 'file', t, 'ok', md5(t), $2::int, now(), now()
     FROM generate_series(0, $1::int - 1) AS i, LATERAL (SELECT '/bench/teams/' || lpad((i / 100)::text, 5, '0') || '/catalog-' || lpad(i::text, 7, '0') || '.yaml' AS t) target`,
    [locations, ENTITIES_PER_LOCATION],
  );
  timings.locationsSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const vocabulary = new Set<string>();
  const client = await pool.connect();
  try {
    let pending: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < order.length; i += CHUNK) {
      // Build the next chunk while the server stores the previous one.
      const chunk = order.slice(i, i + CHUNK).map((planned, offset) => {
        const body = builder.build(planned) as unknown as Entity;
        body.metadata.namespace = 'default';
        const terms = searchTerms(planned.name, planned.title);
        for (const term of terms) if (isWord(term)) vocabulary.add(term);
        return { kind: planned.kind.toLowerCase(), name: planned.name, title: planned.title ?? null, body, terms, location: locationKey(Math.floor((i + offset) / ENTITIES_PER_LOCATION)) };
      });
      const json = JSON.stringify(chunk);
      await pending;
      pending = client.query(
        `INSERT INTO entities (ref_key, ref, kind, namespace, name, name_key, title_key, ${withTerms ? 'search_terms, ' : ''}body, hash, location_key)
         SELECT lower(kind || ':default/' || name), kind || ':default/' || name, kind, 'default', name, lower(name), lower(title),
                ${withTerms ? 'ARRAY(SELECT jsonb_array_elements_text(terms)), ' : ''}body, md5(body::text), location
         FROM jsonb_to_recordset($1::jsonb) AS x(kind text, name text, title text, body jsonb, terms jsonb, location text)`,
        [json],
      );
      if ((i + CHUNK) % 100_000 === 0) log(`  loaded ${(i + CHUNK).toLocaleString('en')} entities, ${secs(performance.now() - started)} s`);
    }
    await pending;
  } finally {
    client.release();
  }
  const hasVocabulary = (await pool.query(`SELECT to_regclass('search_vocabulary') IS NOT NULL AS present`)).rows[0]?.present === true;
  if (hasVocabulary) await pool.query('INSERT INTO search_vocabulary (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [[...vocabulary]]);
  timings.entitiesSeconds = (performance.now() - started) / 1000;
  log(`Loaded ${order.length.toLocaleString('en')} entities and ${locations.toLocaleString('en')} locations in ${secs(performance.now() - started)} s (${indexes.length} secondary indexes dropped${hasVocabulary ? `; ${vocabulary.size} search_vocabulary terms` : ''})`);
  for (const index of indexes) {
    started = performance.now();
    await pool.query(index.definition);
    timings[`index ${index.name} seconds`] = (performance.now() - started) / 1000;
    log(`  rebuilt ${index.name} in ${secs(performance.now() - started)} s`);
  }
  started = performance.now();
  await pool.query('VACUUM ANALYZE');
  timings.analyzeSeconds = (performance.now() - started) / 1000;
  return timings;
}

/**
 * The loaded rows must be what the store's reads expect: every sampled entity found by its ref and
 * by its exact name, and by `findSimilar` given its exact name.
 */
async function checkLoad(store: PgCatalogStore, sample: PlannedEntity[]): Promise<void> {
  let similar = 0;
  for (const entity of sample) {
    const refKey = `${entity.kind.toLowerCase()}:default/${entity.name}`;
    if (!(await store.getByRef(refKey))) throw new Error(`getByRef(${refKey}) found nothing after loading`);
    if (!(await store.findByName(entity.name)).some((found) => found.refKey === refKey)) throw new Error(`findByName(${entity.name}) missed it after loading`);
    if ((await store.findSimilar(entity.name, 5)).some((found) => found.entity.refKey === refKey)) similar++;
  }
  if (similar < sample.length * 0.9) throw new Error(`findSimilar(exact name) found only ${similar} of ${sample.length} loaded entities: the loader no longer fills what findSimilar reads; update bench/lookup.bench.ts`);
  log(`Load check: ${sample.length} sampled entities found by getByRef and findByName; ${similar}/${sample.length} by findSimilar(exact name)`);
}

/** A name with one typo: a character dropped, two swapped, or one replaced. */
function misspell(name: string, rng: Prng): string {
  const at = rng.int(1, name.length - 2);
  switch (rng.int(0, 2)) {
    case 0:
      return name.slice(0, at) + name.slice(at + 1);
    case 1:
      return name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2);
    default:
      return name.slice(0, at) + String.fromCharCode(97 + rng.int(0, 25)) + name.slice(at + 1);
  }
}

/** What someone might type: one or two words, space- or hyphen-separated. */
function randomWords(rng: Prng): string {
  const first = rng.pick([...ADJECTIVES, ...NOUNS]);
  return rng.chance(0.5) ? first : `${first}${rng.pick([' ', '-'])}${rng.pick(NOUNS)}`;
}

/**
 * The plans PostgreSQL chose for the store's own queries, captured with auto_explain on a separate
 * connection (its LOG lines are sent to the client), so the SQL is the store's, not a copy.
 */
async function explainStoreQueries(url: string, calls: Array<[string, (store: PgCatalogStore) => Promise<unknown>]>): Promise<string> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const notices: string[] = [];
  pool.on('connect', (client) => {
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
  });
  const out: string[] = [];
  try {
    const client = await pool.connect();
    try {
      await client.query("LOAD 'auto_explain'");
      await client.query("SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on; SET auto_explain.log_timing = on; SET client_min_messages = log");
    } catch (error) {
      return `(auto_explain is not available: ${(error as Error).message})`;
    } finally {
      client.release();
    }
    const store = PgCatalogStore.create({ pool });
    for (const [label, call] of calls) {
      notices.length = 0;
      await call(store);
      out.push(`Plan of ${label}:\n${notices.map((notice) => notice.replace(/^duration: [\d.]+ ms\s+plan:\n?/, '').split('\n').map((line) => `    ${line}`).join('\n')).join('\n')}`);
    }
  } finally {
    await pool.end();
  }
  return out.join('\n');
}

async function withSeqScan(pool: pg.Pool, sql: string, params: unknown[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_indexscan = off');
    await client.query('SET LOCAL enable_bitmapscan = off');
    await client.query(sql, params);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

function target(summary: Summary, limit: number, at: 'p50' | 'p99'): string {
  return `${at} ≤ ${limit} ms: ${summary[at] <= limit ? 'met' : 'MISSED'}`;
}

/** A ratio with two significant digits however small (a scan can be hundreds of times slower). */
function times(value: number): string {
  return `${value >= 0.1 ? value.toFixed(2) : value.toPrecision(2)}×`;
}

function secs(msValue: number): string {
  return (msValue / 1000).toFixed(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`lookup.bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

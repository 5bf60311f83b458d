import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { find } from '../commands/find';
import { migrate, readMigrations } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { PgSearchStore } from '../src/search/PgSearchStore';
import { signSlackRequest, slashCommandBody } from '../test/support/slackSigning';
import { backlineRoot } from './lib/cli';
import { Prng } from './lib/prng';
import { writeResults } from './lib/results';
import { startQuietSlack } from './lib/quietSlack';
import { PLANTED_QUERIES } from './lib/searchCatalog';
import { loadSearchCatalog } from './lib/searchLoad';
import { startServeChild } from './lib/serveChild';
import { describeServer, startBenchServer } from './lib/server';
import { ms, summarise, table, timeEach, type Summary } from './lib/stats';
import { ADJECTIVES, NOUNS } from './lib/words';
import { numberFlags } from './lib/args';

/**
 * `/find` over a large catalog. First the search itself (the find core over PgSearchStore, one
 * connection, one query at a time): the relevance query set (bench/lib/searchCatalog.ts: questions,
 * misspellings, filters, docs-only words) over `--entities` entities and `--pages` docs pages, and
 * queries of the generated catalog's own common words, against a naive ILIKE scan of names,
 * descriptions and docs pages in the same run. Then `/find` over Slack's HTTP path: the compiled
 * `backline serve` on the same database (bench/run.sh builds it), signed slash commands with
 * `--concurrency` in flight, send to ack, against a bare node:http server answering 200 from this
 * process the same way (the HTTP floor).
 *
 *   bench/run.sh find [--entities 1000000] [--pages 200000] [--rounds 10] [--generated 300] [--baseline 5]
 *                     [--requests 2000] [--concurrency 50] [--warmup 1000] [--seed 42]
 */
const log = (line = '') => process.stdout.write(`${line}\n`);
const SECRET = 'bench-signing-secret-0123456789abcdef';

interface Options {
  entities: number;
  pages: number;
  rounds: number;
  generated: number;
  baseline: number;
  requests: number;
  concurrency: number;
  warmup: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  return numberFlags<Options>(argv, { entities: 1_000_000, pages: 200_000, rounds: 10, generated: 300, baseline: 5, requests: 2_000, concurrency: 50, warmup: 1_000, seed: 42 }, 'usage: find.bench [--entities N] [--pages N] [--rounds N] [--generated N] [--baseline N] [--requests N] [--concurrency N] [--warmup N] [--seed S]');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = backlineRoot();
  const server = await startBenchServer(log);
  log(`Load average before loading: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs (other processes on the machine skew these numbers)`);
  const database = await server.createDatabase('bench_find');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    await migrate(pool, readMigrations(path.join(root, 'migrations')));
    const settings = await describeServer(pool);
    log(`Server: ${server.described}; ${settings}`);
    const load = await loadSearchCatalog(pool, { entities: options.entities, pages: options.pages, seed: options.seed, log });
    const sizes = await pool.query<{ name: string; size: string }>(
      `SELECT c.relname AS name, pg_size_pretty(pg_relation_size(c.oid)) AS size FROM pg_class c
       WHERE c.relname IN ('entities', 'docs_pages', 'entities_search_document', 'entities_search_name', 'docs_pages_search', 'search_lexicon') ORDER BY pg_relation_size(c.oid) DESC`,
    );
    log(`Sizes: ${sizes.rows.map((row) => `${row.name} ${row.size}`).join(', ')}`);

    // The search store as serve composes it (src/compose/backline.ts): a second pool whose sessions run generic plans.
    const genericPlanPool = createPool(database.url, { max: 2, genericPlans: true });
    cleanups.push(() => genericPlanPool.end());
    const finder = PgSearchStore.create({ pool, genericPlanPool });
    const search = (text: string) => find(text, { finder }, { limit: 5 });
    const rng = new Prng(options.seed + 1);
    const generatedQueries = Array.from({ length: options.generated }, () => generatedQuery(rng, load.generated));
    // Warm-up: connections, plans, and the index pages the queries touch.
    for (const query of [...PLANTED_QUERIES.map((item) => item.query), ...generatedQueries.slice(0, 50)]) await search(query);
    log(`Load average before measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

    let hits = 0;
    for (const item of PLANTED_QUERIES) if ((await find(item.query, { finder }, { limit: 3 })).results.some((hit) => hit.ref === item.expected)) hits++;
    const planted = summarise(await timeEach(Array.from({ length: options.rounds }, () => PLANTED_QUERIES.map((item) => item.query)).flat(), search));
    const generated = summarise(await timeEach(generatedQueries, search));
    const baselineQueries = PLANTED_QUERIES.filter((item) => !item.query.includes(':')).slice(0, options.baseline).map((item) => item.query);
    const ilike = options.baseline ? summarise(await timeEach(baselineQueries, (query) => ilikeScan(pool, query))) : undefined;
    const rows: Array<[string, Summary, string]> = [
      ...(ilike ? [['Baseline: ILIKE scan of names, titles, descriptions and docs pages', ilike, `${ilike.count} queries of the set`] as [string, Summary, string]] : []),
      ['find, the relevance query set', planted, `${PLANTED_QUERIES.length} queries × ${options.rounds}; expected entity in the top 3 for ${hits}/${PLANTED_QUERIES.length}; p50 ≤ 20: ${planted.p50 <= 20 ? 'met' : 'MISSED'}, p99 ≤ 60: ${planted.p99 <= 60 ? 'met' : 'MISSED'}`],
      ['find, the generated catalog’s common words', generated, `${generatedQueries.length} queries: titles, word pairs, questions, filters`],
    ];
    log(`\nSearch over ${options.entities.toLocaleString('en')} entities and ${(load.documented.length * 100).toLocaleString('en')} docs pages (ms, one connection, one query at a time; nearest-rank percentiles)`);
    log(table(['Measurement', 'n', 'p50', 'p95', 'p99', 'max', 'p50 vs baseline', 'Note'], rows.map(([name, s, note]) => [name, String(s.count), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), ilike ? `${(s.p50 / ilike.p50).toPrecision(2)}×` : '', note])));

    const overHttp = options.requests ? await slackLoad(root, database.url, { 'the relevance query set': PLANTED_QUERIES.map((item) => item.query), 'the generated catalog’s common words': generatedQueries }, options, cleanups) : undefined;
    log(`Load average after measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const file = writeResults('find', { options, server: server.described, settings, timings: load.timings, sizes: sizes.rows, hits, planted, generated, ilike, overHttp });
    if (file) log(`\nResults written to ${file}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await pool.end();
    await server.dropDatabase(database.name).catch(() => undefined);
    await server.stop();
  }
}

/** What someone might ask of the generated catalog: a title, two of its common words, a question, a filter. */
function generatedQuery(rng: Prng, entities: Array<{ kind: string; name: string; title?: string }>): string {
  const entity = rng.pick(entities);
  switch (rng.int(0, 4)) {
    case 0:
      return entity.title ?? entity.name;
    case 1:
      return `${rng.pick(NOUNS)} ${rng.pick(NOUNS)}`;
    case 2:
      return `is there a ${rng.pick(NOUNS)} ${rng.pick(['api', 'service', 'library'])}?`;
    case 3:
      return `kind:${rng.pick(['api', 'component', 'resource'])} ${rng.pick(NOUNS)}`;
    default:
      return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} ${rng.pick(NOUNS)}`;
  }
}

/** What search costs without its indexes: every word somewhere in a name, title, description or docs page. */
async function ilikeScan(pool: pg.Pool, query: string): Promise<void> {
  const words = query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 2).map((word) => `%${word}%`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off');
    await client.query(
      `(SELECT ref_key FROM entities WHERE (name_key || ' ' || coalesce(title_key, '') || ' ' || coalesce(body -> 'metadata' ->> 'description', '')) ILIKE ALL($1::text[]) LIMIT 10)
       UNION ALL (SELECT site_url FROM docs_pages WHERE (title || ' ' || body) ILIKE ALL($1::text[]) LIMIT 10)`,
      [words],
    );
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

/**
 * `/find` through the compiled serve, `concurrency` signed commands in flight, for each set of
 * queries; then the HTTP floor the same way. Each set is asked `warmup` times first, the same way,
 * as a serve that has run a while has been: every connection of its pools has planned the statements
 * it needs, and its code is compiled.
 */
async function slackLoad(root: string, databaseUrl: string, sets: Record<string, string[]>, options: Options, cleanups: Array<() => Promise<unknown>>): Promise<Record<string, Summary>> {
  // serve as it runs once started: its health evaluation and listing of Slack's people done.
  const setup = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await setup.query(`INSERT INTO health_entities (entity_key, entity_ref, facts, facts_changed_at, evaluated_at) VALUES ('bench', 'bench', '{}', now(), now()) ON CONFLICT DO NOTHING`);
  await setup.query(`INSERT INTO slack_directory_listings (started_at, finished_at, accounts, absent) VALUES (now(), now(), 0, 0)`);
  await setup.end();
  const slack = await startQuietSlack();
  cleanups.push(() => slack.close());
  const port = await new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const serve = startServeChild(root, { DATABASE_URL: databaseUrl, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, BACKLINE_LOG_LEVEL: 'warn', BACKLINE_DOCS_REFRESH_MINUTES: '0' }, { cwd: root });
  cleanups.push(() => serve.stop());
  const base = `http://127.0.0.1:${port}`;
  for (let waited = 0; !(await fetch(`${base}/healthz`).then((answer) => answer.ok, () => false)); waited += 200) {
    if (waited > 120_000) throw new Error(`serve did not answer /healthz within 2 minutes: ${serve.problems.slice(-5).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const url = `${base}/slack/events`;
  const rows: string[][] = [];
  const summary: Record<string, Summary> = {};
  let floorBodies: string[] = [];
  for (const [name, texts] of Object.entries(sets)) {
    const bodies = texts.map((text, index) => slashCommandBody({ command: '/find', text, response_url: slack.responseUrl(`r${index}`) }));
    floorBodies = bodies;
    await closedLoop(url, Array.from({ length: Math.max(options.warmup, bodies.length) }, (_, i) => bodies[i % bodies.length]!), options.concurrency);
    const run = await closedLoop(url, Array.from({ length: options.requests }, (_, i) => bodies[i % bodies.length]!), options.concurrency);
    const found = (summary[name] = summarise(run.ms));
    rows.push([`/find through serve, ${name}`, String(found.count), ms(found.p50), ms(found.p95), ms(found.p99), ms(found.max), `${run.withBlocks}/${run.ms.length} answered in the ack; ${(options.requests / (run.seconds || 1)).toFixed(0)}/s; p99 ≤ 150: ${found.p99 <= 150 ? 'met' : 'MISSED'}`]);
  }
  const floor = http.createServer((req, res) => req.resume().on('end', () => res.end('')));
  await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
  const floorRun = await closedLoop(`http://127.0.0.1:${(floor.address() as AddressInfo).port}/`, Array.from({ length: options.requests }, (_, i) => floorBodies[i % floorBodies.length]!), options.concurrency);
  floor.close();
  summary.floor = summarise(floorRun.ms);
  log(`\n/find over HTTP: ${options.requests} signed commands a set, ${options.concurrency} in flight, send → ack (ms)`);
  log(table(['Measurement', 'n', 'p50', 'p95', 'p99', 'max', 'Note'], [
    ['Baseline: node:http answering 200', String(summary.floor.count), ms(summary.floor.p50), ms(summary.floor.p95), ms(summary.floor.p99), ms(summary.floor.max), 'the HTTP floor'],
    ...rows,
  ]));
  return summary;
}

/** `concurrency` senders, each sending its next request when its last is answered. */
async function closedLoop(url: string, bodies: string[], concurrency: number): Promise<{ ms: number[]; withBlocks: number; seconds: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: number[] = [];
  let withBlocks = 0;
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const headers = signSlackRequest(SECRET, body);
      const started = performance.now();
      const text = await new Promise<string>((resolve, reject) => {
        const request = http.request(url, { method: 'POST', headers, agent }, (response) => {
          let answer = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (answer += chunk));
          response.on('end', () => resolve(answer));
        });
        request.on('error', reject);
        request.end(body);
      });
      samples.push(performance.now() - started);
      if (text.includes('"blocks"')) withBlocks++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, sender));
  agent.destroy();
  return { ms: samples, withBlocks, seconds: (performance.now() - started) / 1000 };
}

main().catch((error: unknown) => {
  process.stderr.write(`find.bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

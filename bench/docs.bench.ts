import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, readMigrations } from '../src/db/migrate';
import { DocsLibrary } from '../src/docs/library';
import { PgDocsStore } from '../src/docs/PgDocsStore';
import type { SearchIndexEntry } from '../src/docs/site';
import type { StoredEntity } from '../src/catalog/store';
import { Prng } from './lib/prng';
import { writeResults } from './lib/results';
import { describeServer, startBenchServer } from './lib/server';
import { ms, ratio, summarise, table, timeEach, type Summary } from './lib/stats';
import { ADJECTIVES, NOUNS } from './lib/words';
import { numberFlags } from './lib/args';

/**
 * Docs search over a large cache of TechDocs search indexes: `/docs <entity> <words>` (one site),
 * `/docs <words>` (every site), the prefix and title-typo fallbacks, and the /whoowns docs line,
 * each next to baselines measured in the same run: a primary-key read of one page (the cost of a
 * round trip) and a naive ILIKE scan of every page (what search would cost without its indexes).
 * The indexes are synthetic and seeded; they are written through the store's own replacePages.
 *
 *   node <out>/bench/docs.bench.js [--sites 200] [--pages 500] [--queries 200] [--seed 42]
 */
const log = (line: string) => process.stdout.write(`${line}\n`);
const BASE = 'https://docs.example/techdocs';

interface Options {
  sites: number;
  pages: number;
  queries: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  return numberFlags<Options>(argv, { sites: 200, pages: 500, queries: 200, seed: 42 }, 'usage: docs.bench [--sites N] [--pages N] [--queries N] [--seed S]', 1);
}

// Real docs use thousands of words, a few very often and most rarely: adjective+noun compounds give
// a vocabulary of that size, drawn with Zipf's law (the word of rank r with weight 1/r).
const VOCABULARY = ADJECTIVES.flatMap((adjective) => NOUNS.map((noun) => `${adjective}${noun}`));
const ZIPF = (() => {
  const weights = VOCABULARY.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let running = 0;
  return weights.map((weight) => (running += weight / total));
})();

function zipfWord(rng: Prng): string {
  const target = rng.next();
  let low = 0;
  let high = ZIPF.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ZIPF[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return VOCABULARY[low]!;
}

/** A page of about 150 words; its title is three words, and sections carry an anchor. */
function page(rng: Prng, index: number): SearchIndexEntry {
  const words = (count: number) => Array.from({ length: count }, () => zipfWord(rng)).join(' ');
  const title = words(3);
  return { location: index % 4 === 0 ? `${title.replace(/ /g, '-')}/` : `${title.replace(/ /g, '-')}/#section-${index}`, title: title[0]!.toUpperCase() + title.slice(1), text: `${words(150)}.` };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const server = await startBenchServer(log);
  log(`Load average before measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs (other processes on the machine skew these numbers)`);
  const database = await server.createDatabase('bench_docs');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    await migrate(pool, readMigrations(path.join(process.env.BACKLINE_ROOT ?? process.cwd(), 'migrations')));
    const settings = await describeServer(pool);
    log(`Server: ${server.described}; ${settings}`);
    const store = PgDocsStore.create({ pool });
    const rng = new Prng(options.seed);
    const siteUrl = (i: number) => `${BASE}/default/component/service-${i}/`;

    const loadStarted = performance.now();
    const writes: number[] = [];
    for (let s = 0; s < options.sites; s++) {
      const entries = Array.from({ length: options.pages }, (_, i) => page(rng, i));
      const started = performance.now();
      await store.saveMetadata(siteUrl(s), `component:default/service-${s}`, { siteName: `Service ${s}`, builtAt: new Date(Date.UTC(2026, 10, 1)), etag: `etag-${s}` }, new Date());
      await store.replacePages(siteUrl(s), `component:default/service-${s}`, `etag-${s}`, entries, new Date());
      writes.push(performance.now() - started);
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const total = options.sites * options.pages;
    await pool.query('ANALYZE docs_pages');
    const size = (await pool.query<{ size: string }>(`SELECT pg_size_pretty(pg_total_relation_size('docs_pages')) AS size`)).rows[0]!.size;
    log(`Cached ${total} pages of ${options.sites} sites in ${loadSeconds.toFixed(1)} s (${Math.round(total / loadSeconds)} pages/s; replacing one site of ${options.pages} pages: p50 ${ms(summarise(writes).p50)} ms); docs_pages with indexes: ${size}`);

    // Words people search for are rarer than "the": ranks 50 to 2,000 of the vocabulary.
    const searchable = VOCABULARY.slice(50, 2_000);
    const twoWords = Array.from({ length: options.queries }, () => `${rng.pick(searchable)} ${rng.pick(searchable)}`);
    const sites = Array.from({ length: options.queries }, () => siteUrl(rng.int(0, options.sites - 1)));
    // Word stems cut short ("settl"): only the prefix stage finds them.
    const prefixes = Array.from({ length: options.queries }, () => rng.pick(searchable).slice(0, -3));
    // Two words with their second letter dropped ("pyment"): no word starts so, only the title-typo stage finds them.
    const misspell = (word: string) => word[0] + word.slice(2);
    const typos = Array.from({ length: options.queries }, () => `${misspell(rng.pick(searchable))} ${misspell(rng.pick(searchable))}`);
    const docs = new DocsLibrary({ baseUrl: BASE, site: { readMetadata: async () => ({ ok: false, problem: 'unused' }), readSearchIndex: async () => ({ ok: false, problem: 'unused' }) }, store, maxAgeDays: 90, timeoutMs: 1000 });
    const entity = (i: number): StoredEntity => ({ ref: `component:default/service-${i}`, refKey: `component:default/service-${i}`, kind: 'component', namespace: 'default', name: `service-${i}`, locationKey: 'file:/x', entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: `service-${i}`, annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }, spec: {} } });

    let hits = 0;
    const count = <T>(found: T[]) => ((hits += found.length ? 1 : 0), found);
    const measure = async (name: string, items: string[], work: (item: string, index: number) => Promise<unknown>): Promise<[string, Summary, number]> => {
      hits = 0;
      let index = 0;
      const samples = await timeEach(items, (item) => work(item, index++));
      return [name, summarise(samples), hits];
    };
    const baselinePk = await measure('baseline: one page by primary key', twoWords, (_, i) => pool.query('SELECT title FROM docs_pages WHERE site_url = $1 AND position = $2', [sites[i], i % options.pages]).then((r) => count(r.rows)));
    const rows: Array<[string, Summary, number]> = [
      baselinePk,
      await measure('baseline: ILIKE scan of every page (20 queries)', twoWords.slice(0, 20), (words) => pool.query(`SELECT title FROM docs_pages WHERE body ILIKE $1 LIMIT 5`, [`%${words.split(' ').join('%')}%`]).then((r) => count(r.rows))),
      await measure('/docs <entity> <two words> (one site)', twoWords, (words, i) => store.search(words, { siteUrls: [sites[i]!], limit: 5 }).then(count)),
      await measure('/docs <two words> (every site)', twoWords, (words) => store.search(words, { limit: 5 }).then(count)),
      await measure('/docs <prefix> (every site, prefix stage)', prefixes, (words) => store.search(words, { limit: 5 }).then(count)),
      await measure('/docs <title typo> (every site, trigram stage)', typos, (words) => store.search(words, { limit: 5 }).then(count)),
      await measure('/whoowns docs line (cache read)', twoWords, (_, i) => docs.lineOf(entity(i % options.sites)).then((line) => count(line ? [line] : []))),
    ];
    const base = baselinePk[1].p50;
    log(
      table(
        ['query', 'n', 'p50 ms', 'p95 ms', 'max ms', 'p50 × PK read', 'answered'],
        rows.map(([name, s, found]) => [name, String(s.count), ms(s.p50), ms(s.p95), ms(s.max), ratio(s.p50, base), `${found}/${s.count}`]),
      ),
    );
    log(`Load average after measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const file = writeResults('docs', { options, server: server.described, settings, loadSeconds, pagesPerSecond: total / loadSeconds, size, rows: rows.map(([name, summary, found]) => ({ name, ...summary, answered: found })) });
    if (file) log(`Saved ${file}`);
  } finally {
    await pool.end();
    await server.dropDatabase(database.name).catch(() => undefined);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});

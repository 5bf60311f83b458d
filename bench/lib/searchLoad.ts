import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import type pg from 'pg';
import type { Entity } from '../../src/catalog/model';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { fieldTexts, lexiconWords, searchFields } from '../../src/catalog/searchDocument';
import { isWord, searchTerms } from '../../src/catalog/searchTerms';
import { PgDocsStore } from '../../src/docs/PgDocsStore';
import { DocumentBuilder, planCatalog, type PlannedEntity } from './catalogData';
import { Prng } from './prng';
import { generatedPage, PLANTED_ENTITIES, PLANTED_PAGES } from './searchCatalog';

/**
 * Loads the search benchmark's catalog: the planted entities through ingestion (the real write
 * path), then generated entities and docs pages straight into the tables (a fast path: the
 * benchmark measures search, not ingestion) with secondary indexes dropped and rebuilt as the
 * migrations define them. The columns ingestion derives are derived with its own functions
 * (searchFields, searchTerms, lexiconWords); relations from spec.owner, spec.system and spec.parent
 * the way ingestion states them.
 */
export interface SearchLoad {
  generated: PlannedEntity[];
  /** Ref keys of components with a TechDocs site of generated pages. */
  documented: string[];
  timings: Record<string, number>;
}

const CHUNK = 10_000;
const PAGE_CHUNK = 5_000;
const PAGES_PER_SITE = 100;
const ENTITIES_PER_LOCATION = 10;

export async function loadSearchCatalog(pool: pg.Pool, options: { entities: number; pages: number; seed: number; log: (line: string) => void }): Promise<SearchLoad> {
  const { log } = options;
  const timings: Record<string, number> = {};
  let started = performance.now();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-find-bench-'));
  try {
    const file = path.join(folder, 'planted.yaml');
    fs.writeFileSync(file, PLANTED_ENTITIES.map((entity) => yaml.dump(entity, { lineWidth: -1 })).join('---\n'));
    const report = await ingest([await rootFromPath(file)], { store: PgCatalogStore.create({ pool }), maxBytes: 1024 * 1024 });
    if (report.errors.length) throw new Error(`the planted entities did not ingest: ${JSON.stringify(report.errors)}`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }

  const plan = planCatalog(Math.max(1, options.entities - PLANTED_ENTITIES.length), options.seed);
  const builder = new DocumentBuilder(plan, options.seed);
  const entityIndexes = await dropIndexes(pool, 'entities');
  await pool.query(
    `INSERT INTO locations (key, type, target, status, content_hash, entity_count, processed_at, last_ok_at)
     SELECT 'file:/bench/find/' || i, 'file', '/bench/find/' || i, 'ok', md5(i::text), $2::int, now(), now() FROM generate_series(0, $1::int - 1) AS i`,
    [Math.ceil(plan.order.length / ENTITIES_PER_LOCATION), ENTITIES_PER_LOCATION],
  );
  const vocabulary = new Set<string>();
  const lexicon = new Set<string>();
  for (let i = 0; i < plan.order.length; i += CHUNK) {
    const chunk = plan.order.slice(i, i + CHUNK).map((planned, offset) => {
      const body = builder.build(planned) as unknown as Entity;
      body.metadata.namespace = 'default';
      const fields = searchFields(body);
      const terms = searchTerms(planned.name, planned.title);
      for (const term of terms) if (isWord(term)) vocabulary.add(term);
      return { kind: planned.kind.toLowerCase(), name: planned.name, title: planned.title ?? null, body, terms, fields, location: `file:/bench/find/${Math.floor((i + offset) / ENTITIES_PER_LOCATION)}` };
    });
    for (const word of lexiconWords(fieldTexts(chunk.map((row) => row.fields)))) lexicon.add(word);
    await pool.query(
      `INSERT INTO entities (ref_key, ref, kind, namespace, name, name_key, title_key, search_terms, body, hash, location_key, search_fields)
       SELECT lower(kind || ':default/' || name), kind || ':default/' || name, kind, 'default', name, lower(name), lower(title),
              ARRAY(SELECT jsonb_array_elements_text(terms)), body, md5(body::text), location, fields
       FROM jsonb_to_recordset($1::jsonb) AS x(kind text, name text, title text, body jsonb, terms jsonb, fields jsonb, location text)`,
      [JSON.stringify(chunk)],
    );
    if ((i + CHUNK) % 100_000 === 0) log(`  loaded ${(i + CHUNK).toLocaleString('en')} entities, ${secs(started)} s`);
  }
  // Relations as ingestion states them: each entity its owner and system, each group its parent.
  await pool.query(
    `INSERT INTO relations (source_key, type, target_key, source_ref, target_ref)
     SELECT e.ref_key, r.type, lower(r.target), e.ref, r.target
     FROM entities e
     CROSS JOIN LATERAL (VALUES
       ('ownedBy', body -> 'spec' ->> 'owner', 'group'),
       ('partOf', body -> 'spec' ->> 'system', 'system'),
       ('childOf', CASE WHEN e.kind = 'group' THEN body -> 'spec' ->> 'parent' END, 'group')) AS given(type, value, kind)
     CROSS JOIN LATERAL (SELECT given.type AS type,
       CASE WHEN given.value LIKE '%:%/%' THEN given.value WHEN given.value LIKE '%:%' THEN replace(given.value, ':', ':default/') ELSE given.kind || ':default/' || given.value END AS target) r
     WHERE e.location_key LIKE 'file:/bench/find/%' AND given.value IS NOT NULL`,
  );
  await pool.query('INSERT INTO search_vocabulary (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [[...vocabulary]]);
  timings.entitiesSeconds = (performance.now() - started) / 1000;
  log(`Loaded ${plan.order.length.toLocaleString('en')} generated entities and their relations in ${secs(started)} s`);
  await rebuildIndexes(pool, entityIndexes, timings, log);

  // TechDocs: a hundred generated pages for each of the first components, then the planted pages.
  started = performance.now();
  const pageIndexes = await dropIndexes(pool, 'docs_pages');
  const rng = new Prng(options.seed + 7);
  const documented = plan.byKind.Component.slice(0, Math.ceil(options.pages / PAGES_PER_SITE)).map((component) => `component:default/${component.name}`);
  const siteOf = (ref: string) => `https://docs.example/techdocs/default/component/${ref.slice(ref.indexOf('/') + 1)}/`;
  await pool.query(
    `INSERT INTO docs_sites (site_url, entity_ref, site_name, built_at, build_etag, metadata_checked_at, index_etag, index_fetched_at, page_count)
     SELECT s.url, s.ref, s.ref, now(), 'bench', now(), 'bench', now(), $2::int FROM jsonb_to_recordset($1::jsonb) AS s(url text, ref text)`,
    [JSON.stringify(documented.map((ref) => ({ url: siteOf(ref), ref }))), PAGES_PER_SITE],
  );
  let pending: Array<{ s: string; p: number; l: string; t: string; b: string }> = [];
  const flush = async () => {
    if (pending.length === 0) return;
    await pool.query(`INSERT INTO docs_pages (site_url, position, location, title, body) SELECT s, p, l, t, b FROM jsonb_to_recordset($1::jsonb) AS x(s text, p int, l text, t text, b text)`, [JSON.stringify(pending)]);
    pending = [];
  };
  for (const ref of documented) {
    for (let position = 0; position < PAGES_PER_SITE; position++) {
      const page = generatedPage(rng, position);
      for (const word of lexiconWords([page.title])) lexicon.add(word);
      pending.push({ s: siteOf(ref), p: position, l: page.location, t: page.title, b: page.text });
      if (pending.length >= PAGE_CHUNK) await flush();
    }
  }
  await flush();
  await pool.query('INSERT INTO search_lexicon (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [[...lexicon].sort()]);
  timings.pagesSeconds = (performance.now() - started) / 1000;
  log(`Cached ${(documented.length * PAGES_PER_SITE).toLocaleString('en')} docs pages of ${documented.length.toLocaleString('en')} sites in ${secs(started)} s`);
  await rebuildIndexes(pool, pageIndexes, timings, log);
  const docs = PgDocsStore.create({ pool });
  for (const page of PLANTED_PAGES) {
    await docs.replacePages(siteOf(page.entityRef), page.entityRef, 'planted', [{ location: '', title: 'Home', text: 'Welcome.' }, { location: page.location, title: page.title, text: page.text }], new Date());
  }
  started = performance.now();
  await pool.query('VACUUM ANALYZE');
  timings.analyzeSeconds = (performance.now() - started) / 1000;
  return { generated: plan.order, documented, timings };
}

async function dropIndexes(pool: pg.Pool, table: string): Promise<Array<{ name: string; definition: string }>> {
  const { rows } = await pool.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = $1::text AND indexname NOT LIKE '%_pkey'`,
    [table],
  );
  for (const index of rows) await pool.query(`DROP INDEX ${index.name}`);
  return rows;
}

async function rebuildIndexes(pool: pg.Pool, indexes: Array<{ name: string; definition: string }>, timings: Record<string, number>, log: (line: string) => void): Promise<void> {
  for (const index of indexes) {
    const started = performance.now();
    await pool.query(index.definition);
    timings[`index ${index.name} seconds`] = (performance.now() - started) / 1000;
    log(`  rebuilt ${index.name} in ${secs(started)} s`);
  }
}

function secs(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { generateCatalog } from '../../bench/generate';
import { Prng } from '../../bench/lib/prng';
import { generatedPage, PLANTED_ENTITIES, PLANTED_PAGES, PLANTED_QUERIES } from '../../bench/lib/searchCatalog';
import { find } from '../../commands/find';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { PgDocsStore } from '../../src/docs/PgDocsStore';
import { PgSearchStore } from '../../src/search/PgSearchStore';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Relevance among thousands of generated entities and docs pages (bench/lib/searchCatalog.ts): the
 * planted answers must come back in the top three though the generated catalog shares their words.
 * The search benchmark runs the same questions over a million entities.
 */
const db = useTestDatabase();
let folder: string;
let finder: PgSearchStore;
const BASE = 'https://docs.example/techdocs';

beforeAll(async () => {
  const { pool } = db();
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-search-relevance-'));
  const generated = generateCatalog(path.join(folder, 'generated'), { files: 400, perFile: 10, seed: 11 });
  const planted = path.join(folder, 'planted.yaml');
  fs.writeFileSync(planted, PLANTED_ENTITIES.map((entity) => yaml.dump(entity, { lineWidth: -1 })).join('---\n'));
  const report = await ingest([await rootFromPath(generated.root), await rootFromPath(planted)], { store: PgCatalogStore.create({ pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);

  // TechDocs of a hundred generated components, then of the planted ones.
  const docs = PgDocsStore.create({ pool });
  const rng = new Prng(12);
  const components = generated.rows.filter((row) => row.kind === 'component').slice(0, 100);
  for (const [site, row] of components.entries()) {
    const url = `${BASE}/default/component/${row.name}/`;
    await docs.replacePages(url, row.ref, `etag-${site}`, Array.from({ length: 20 }, (_, index) => generatedPage(rng, index)), new Date());
  }
  for (const page of PLANTED_PAGES) {
    const url = `${BASE}/default/component/${page.entityRef.split('/')[1]}/`;
    await docs.replacePages(url, page.entityRef, 'etag-planted', [{ location: '', title: 'Home', text: 'Welcome.' }, { location: page.location, title: page.title, text: page.text }], new Date());
  }
  finder = PgSearchStore.create({ pool });
});

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

describe('/find among thousands of generated entities and docs pages', () => {
  it.each(PLANTED_QUERIES.map((item) => [item.what, item.query, item.expected] as const))('answers a %s, %j, with %s in the top three', async (_what, query, expected) => {
    const result = await find(query, { finder }, { limit: 3 });
    expect(result.results.map((hit) => hit.ref)).toContain(expected);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { generateCatalog } from '../../bench/generate';
import { CARD_NEIGHBOURHOOD } from '../../commands/whoowns';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let folder: string;


beforeAll(async () => {
  // A few thousand entities: on the demo catalog's hundred, PostgreSQL keeps any plan.
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backline-card-plan-'));
  const generated = generateCatalog(folder, { files: 200, perFile: 10, seed: 7 });
  const report = await ingest([await rootFromPath(generated.root)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
});
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

/** Prepared statements of this connection whose names start with `prefix`, with how often each was planned. */
async function plansOf(client: pg.Client, prefix: string): Promise<Array<{ name: string; generic: number; custom: number }>> {
  const { rows } = await client.query<{ name: string; generic: number; custom: number }>(
    'SELECT name, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE starts_with(name, $1::text) ORDER BY name',
    [prefix],
  );
  return rows;
}

/** "svc-ledger-cart-12" → "svc-lderger-cart-12": two letters of the second word swapped. */
function misspell(name: string): string {
  const words = name.split('-');
  const word = words[1]!;
  words[1] = `${word[0]}${word[2]}${word[1]}${word.slice(3)}`;
  return words.join('-');
}

describe('the statement behind an exact /whoowns card', () => {
  it('is planned once per connection, not again for every card', async () => {
    const client = new pg.Client({ connectionString: db().url });
    await client.connect();
    try {
      const catalog = PgCatalogStore.create({ pool: client as unknown as pg.Pool });
      const { rows } = await client.query<{ name: string }>("SELECT name FROM entities WHERE kind = 'component' ORDER BY ref_key LIMIT 12");
      expect(rows).toHaveLength(12);
      for (const { name } of rows) expect((await catalog.findByNameOrTitle(name, CARD_NEIGHBOURHOOD)).byName.length).toBeGreaterThan(0);
      const plans = (await plansOf(client, 'catalog.findByNameOrTitle.around')).map(({ generic, custom }) => ({ generic, custom }));
      // PostgreSQL plans a prepared statement afresh for its first five executions, then keeps one
      // generic plan unless it judges that plan costlier. Planning this statement costs more than
      // running it, so a statement that is planned every time makes every card slower.
      expect(plans).toEqual([{ generic: rows.length - 5, custom: 5 }]);
    } finally {
      await client.end();
    }
  });
});

describe('the statements behind a misspelled /whoowns', () => {
  it('are planned once per connection, whatever words were typed', async () => {
    const client = new pg.Client({ connectionString: db().url });
    await client.connect();
    try {
      const catalog = PgCatalogStore.create({ pool: client as unknown as pg.Pool });
      const { rows: components } = await client.query<{ name: string }>("SELECT name FROM entities WHERE kind = 'component' ORDER BY ref_key LIMIT 60");
      const rows = components.filter(({ name }) => misspell(name) !== name).slice(0, 12);
      expect(rows).toHaveLength(12);
      for (const { name } of rows) {
        expect((await catalog.findSimilar(misspell(name), 5)).map((found) => found.entity.name)).toContain(name);
      }
      const plans = await plansOf(client, 'catalog.findSimilar.');
      // The correction of the words and the search for candidates, each with its words as
      // parameters: a plan that depended on them would be made afresh for every typo.
      expect(plans.map((plan) => plan.name)).toEqual(['catalog.findSimilar.correct', 'catalog.findSimilar.words.3.5']);
      for (const plan of plans) expect(plan).toEqual({ name: plan.name, generic: rows.length - 5, custom: 5 });
    } finally {
      await client.end();
    }
  });
});

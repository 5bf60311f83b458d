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

describe('the statement behind an exact /whoowns card', () => {
  it('is planned once per connection, not again for every card', async () => {
    const client = new pg.Client({ connectionString: db().url });
    await client.connect();
    try {
      const catalog = PgCatalogStore.create({ pool: client as unknown as pg.Pool });
      const { rows } = await client.query<{ name: string }>("SELECT name FROM entities WHERE kind = 'component' ORDER BY ref_key LIMIT 12");
      expect(rows).toHaveLength(12);
      for (const { name } of rows) expect((await catalog.findByNameOrTitle(name, CARD_NEIGHBOURHOOD)).byName.length).toBeGreaterThan(0);
      const { rows: plans } = await client.query<{ generic: number; custom: number }>(
        "SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name LIKE 'catalog.findByNameOrTitle.around%'",
      );
      // PostgreSQL plans a prepared statement afresh for its first five executions, then keeps one
      // generic plan unless it judges that plan costlier. Planning this statement costs more than
      // running it, so a statement that is planned every time makes every card slower.
      expect(plans).toEqual([{ generic: rows.length - 5, custom: 5 }]);
    } finally {
      await client.end();
    }
  });
});

import { find } from '../../commands/find';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { createPool } from '../../src/db/pool';
import { PgSearchStore } from '../../src/search/PgSearchStore';
import { CatalogFolder, component, docs, group } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

/** The named statements of the pool's one session, with how often each ran a generic and a custom plan. */
async function plansOf(pool: ReturnType<typeof createPool>): Promise<Record<string, { generic: number; custom: number }>> {
  const { rows } = await pool.query<{ name: string; generic: number; custom: number }>('SELECT name, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements');
  return Object.fromEntries(rows.map((row) => [row.name, { generic: row.generic, custom: row.custom }]));
}

describe('a pool made for generic plans', () => {
  it('runs a named statement with its generic plan from the first run, where a default session plans it for its values', async () => {
    const generic = createPool(db().url, { max: 1, genericPlans: true });
    const usual = createPool(db().url, { max: 1 });
    try {
      const statement = { name: 'plans.probe', text: 'SELECT count(*) FROM entities WHERE kind = $1::text', values: ['component'] };
      await generic.query(statement);
      await usual.query(statement);
      expect((await plansOf(generic))['plans.probe']).toEqual({ generic: 1, custom: 0 });
      expect((await plansOf(usual))['plans.probe']).toEqual({ generic: 0, custom: 1 });
    } finally {
      await Promise.all([generic.end(), usual.end()]);
    }
  });
});

describe('search over two pools', () => {
  it('runs searches without filters or with an owner filter as generic plans, and plans a type filter for its values', async () => {
    const folder = new CatalogFolder();
    const generic = createPool(db().url, { max: 1, genericPlans: true });
    try {
      const file = folder.write('catalog-info.yaml', docs(group('team-a'), component('geocoder'), component('linter').replace('type: service', 'type: tool')));
      const report = await ingest([await rootFromPath(file)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
      expect(report.errors).toEqual([]);
      const finder = PgSearchStore.create({ pool: db().pool, genericPlanPool: generic });

      expect((await find('geocoder', { finder }, { limit: 5 })).results.map((hit) => hit.ref)).toEqual(['component:default/geocoder']);
      expect((await find('owner:team-a geocoder', { finder }, { limit: 5 })).results.map((hit) => hit.ref)).toEqual(['component:default/geocoder']);
      expect((await find('type:tool', { finder }, { limit: 5 })).results.map((hit) => hit.ref)).toEqual(['component:default/linter']);

      const plans = await plansOf(generic);
      expect(plans['search.find.words.none.5']).toEqual({ generic: 1, custom: 0 });
      expect(plans['search.find.words.o.5']).toEqual({ generic: 1, custom: 0 });
      expect(Object.keys(plans).filter((name) => name.startsWith('search.find.')).sort()).toEqual(['search.find.words.none.5', 'search.find.words.o.5']);
    } finally {
      await generic.end();
      folder.dispose();
    }
  });
});

import pg from 'pg';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { INVERSE_RELATION } from '../../src/catalog/model';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { migrate, readMigrations } from '../../src/db/migrate';
import { CatalogFolder, component, docs, group } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

describe('relations are stored once and read both ways', () => {
  it('has PostgreSQL name the reverse of every relation type as the catalog model does', async () => {
    const types = Object.keys(INVERSE_RELATION);
    const { rows } = await db().pool.query<{ type: string; inverse: string; back: string }>(
      'SELECT t AS type, relation_inverse(t) AS inverse, relation_inverse(relation_inverse(t)) AS back FROM unnest($1::text[]) t',
      [types],
    );
    expect(rows).toEqual(types.map((type) => ({ type, inverse: INVERSE_RELATION[type], back: type })));
  });

  it('writes one row per relation an entity states, and answers both directions from it', async () => {
    const folder = new CatalogFolder();
    try {
      folder.write('catalog-info.yaml', docs(component('checkout', { owner: 'team-shop', dependsOn: ['component:basket'] }), component('basket', { owner: 'team-shop' })));
      const catalog = PgCatalogStore.create({ pool: db().pool });
      await ingest([await rootFromPath(folder.path('catalog-info.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });

      const { rows } = await db().pool.query<{ source_key: string; type: string; target_key: string }>(
        `SELECT source_key, type, target_key FROM relations WHERE source_key LIKE 'component:%' ORDER BY source_key, type, target_key`,
      );
      expect(rows).toEqual([
        { source_key: 'component:default/basket', type: 'ownedBy', target_key: 'group:default/team-shop' },
        { source_key: 'component:default/checkout', type: 'dependsOn', target_key: 'component:default/basket' },
        { source_key: 'component:default/checkout', type: 'ownedBy', target_key: 'group:default/team-shop' },
      ]);
      expect(await catalog.relationsFrom('group:default/team-shop')).toEqual([
        { type: 'ownerOf', sourceRef: 'group:default/team-shop', targetRef: 'component:default/basket' },
        { type: 'ownerOf', sourceRef: 'group:default/team-shop', targetRef: 'component:default/checkout' },
      ]);
      expect(await catalog.relationsFrom('component:default/basket', ['dependencyOf', 'ownedBy'])).toEqual([
        { type: 'dependencyOf', sourceRef: 'component:default/basket', targetRef: 'component:default/checkout' },
        { type: 'ownedBy', sourceRef: 'component:default/basket', targetRef: 'group:default/team-shop' },
      ]);

      // Replacing the entity that stated a relation takes it away in both directions.
      folder.write('catalog-info.yaml', docs(component('checkout', { owner: 'team-shop' }), component('basket', { owner: 'team-shop' })));
      await ingest([await rootFromPath(folder.path('catalog-info.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });
      expect(await catalog.relationsFrom('component:default/basket', ['dependencyOf'])).toEqual([]);
      expect(await catalog.relationsFrom('component:default/checkout', ['dependsOn'])).toEqual([]);
    } finally {
      folder.dispose();
    }
  });

  it('reads the relations of many entities at once as relationsFrom reads each, and pages of entities by ref key', async () => {
    const folder = new CatalogFolder();
    try {
      const inZoo = (name: string, extra: Parameters<typeof component>[1]) => component(name, { namespace: 'zoo', ...extra });
      folder.write('catalog-info.yaml', docs(group('team-counter'), inZoo('till', { owner: 'group:default/team-counter', dependsOn: ['component:zoo/scale'] }), inZoo('scale', { owner: 'group:default/team-counter' }), inZoo('drawer', { owner: 'user:default/ada' })));
      const catalog = PgCatalogStore.create({ pool: db().pool });
      await ingest([await rootFromPath(folder.path('catalog-info.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });

      const keys = ['group:default/team-counter', 'Component:zoo/Scale'];
      const types = ['ownerOf', 'ownedBy', 'dependencyOf'];
      const each = (await Promise.all(keys.map((key) => catalog.relationsFrom(key, types)))).flat();
      const order = (a: { sourceRef: string; type: string; targetRef: string }, b: typeof a) => `${a.sourceRef} ${a.type} ${a.targetRef}`.localeCompare(`${b.sourceRef} ${b.type} ${b.targetRef}`);
      expect(each).toHaveLength(4);
      expect((await catalog.relationsFromMany(keys, types)).sort(order)).toEqual(each.sort(order));
      expect(await catalog.relationsFromMany([], types)).toEqual([]);

      // user:default/ada is named as an owner but is not in the catalog.
      expect(await catalog.kindsOf(['group:default/team-counter', 'Component:zoo/Drawer', 'user:default/ada'])).toEqual(
        new Map([
          ['group:default/team-counter', 'group'],
          ['component:zoo/drawer', 'component'],
        ]),
      );

      const names = (page: Array<{ name: string }>) => page.map((entity) => entity.name);
      const after = 'component:zoo/';
      expect(names(await catalog.listEntities({ kinds: ['Component'], after, limit: 2 }))).toEqual(['drawer', 'scale']);
      expect(names(await catalog.listEntities({ kinds: ['Component'], after: 'component:zoo/scale', limit: 2 }))).toEqual(['till']);
      expect(names(await catalog.listEntities({ kinds: ['Component'], after: 'component:zoo/till', limit: 2 }))).toEqual([]);
      expect(names(await catalog.listEntities({ kinds: ['component'], after }))).toEqual(['drawer', 'scale', 'till']);
    } finally {
      folder.dispose();
    }
  });

  it('keeps, when upgrading a database that stored both directions, one row per relation and every answer', async () => {
    const admin = new pg.Pool({ connectionString: process.env.BACKLINE_TEST_ADMIN_URL, max: 1 });
    const name = `relations_upgrade_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.BACKLINE_TEST_ADMIN_URL!);
    url.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    // Dropping the scratch database WITH (FORCE) may cut a connection the pool is still closing.
    pool.on('error', () => undefined);
    try {
      const all = readMigrations();
      const once = all.findIndex((migration) => migration.name === 'relations_once');
      expect(once).toBeGreaterThan(0);
      await migrate(pool, all.slice(0, once));
      await pool.query(`INSERT INTO locations (key, type, target) VALUES ('file:/c.yaml', 'file', '/c.yaml')`);
      await pool.query(
        `INSERT INTO relations (origin_key, source_key, type, target_key, source_ref, target_ref) VALUES
           ('component:default/a', 'component:default/a', 'ownedBy', 'group:default/g', 'component:default/a', 'group:default/g'),
           ('component:default/a', 'group:default/g', 'ownerOf', 'component:default/a', 'group:default/g', 'component:default/a'),
           ('user:default/u', 'user:default/u', 'memberOf', 'group:default/g', 'user:default/u', 'group:default/g'),
           ('user:default/u', 'group:default/g', 'hasMember', 'user:default/u', 'group:default/g', 'user:default/u')`,
      );
      await migrate(pool, all);
      expect((await pool.query('SELECT count(*)::int AS n FROM relations')).rows[0].n).toBe(2);
      expect(await PgCatalogStore.create({ pool }).relationsFrom('group:default/g')).toEqual([
        { type: 'hasMember', sourceRef: 'group:default/g', targetRef: 'user:default/u' },
        { type: 'ownerOf', sourceRef: 'group:default/g', targetRef: 'component:default/a' },
      ]);
    } finally {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('a group’s ancestry', () => {
  const rotation = (name: string, owner: string) =>
    ['apiVersion: backline.dev/v1alpha1', 'kind: Rotation', 'metadata:', `  name: ${name}`, 'spec:', `  owner: ${owner}`, '  timezone: Europe/Berlin', '  handoff: { weekday: monday, time: "09:00" }', '  start: "2026-01-05"', '  members: [user:ada]'].join('\n');
  const parentOfBy = (name: string, children: string[]) =>
    ['apiVersion: backstage.io/v1alpha1', 'kind: Group', 'metadata:', `  name: ${name}`, 'spec:', '  type: org', `  children: [${children.join(', ')}]`, '  parent: team-shop'].join('\n');

  it('climbs parents stated either way round, stops at a cycle, and names the rotations each level owns', async () => {
    const folder = new CatalogFolder();
    try {
      // team-shop → commerce (its spec.parent) → company (which lists commerce among its children),
      // and company's own parent is team-shop again: a cycle.
      folder.write('groups.yaml', docs(group('team-shop', { parent: 'commerce' }), group('commerce'), parentOfBy('company', ['commerce']), rotation('commerce-weekly', 'group:commerce'), rotation('commerce-daily', 'commerce')));
      const catalog = PgCatalogStore.create({ pool: db().pool });
      const report = await ingest([await rootFromPath(folder.path('groups.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });
      expect(report.errors).toEqual([]);

      const ancestry = await catalog.groupAncestry('Group:default/Team-Shop', { ownedKinds: ['Rotation'], maxDepth: 8 });
      expect(ancestry.map(({ group: level, owned }) => [level.ref, owned])).toEqual([
        ['group:default/team-shop', []],
        ['group:default/commerce', ['rotation:default/commerce-daily', 'rotation:default/commerce-weekly']],
        ['group:default/company', []],
      ]);
      expect((await catalog.groupAncestry('group:default/team-shop', { ownedKinds: ['rotation'], maxDepth: 1 })).map(({ group: level }) => level.name)).toEqual(['team-shop', 'commerce']);
      expect(await catalog.groupAncestry('group:default/nobody', { ownedKinds: ['rotation'], maxDepth: 8 })).toEqual([]);
    } finally {
      folder.dispose();
    }
  });
});

describe('after an ingest that wrote entities', () => {
  it('leaves nothing in the search index’s pending list, which fuzzy lookups would otherwise scan', async () => {
    await db().pool.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
    const pendingPages = async () =>
      (await db().pool.query<{ pages: string }>(`SELECT n_pending_pages::text AS pages FROM gin_metapage_info(get_raw_page('entities_search_terms', 0))`)).rows[0]!.pages;
    const folder = new CatalogFolder();
    try {
      folder.write('many.yaml', docs(...Array.from({ length: 400 }, (_, i) => component(`service-${i}-with-several-words-${i % 7}`, { title: `Service number ${i} of the shop` }))));
      const catalog = PgCatalogStore.create({ pool: db().pool });
      // Without the tidy-up, these rows sit in the pending list.
      await db().pool.query(`INSERT INTO locations (key, type, target) VALUES ('file:/probe.yaml', 'file', '/probe.yaml')`);
      await db().pool.query(
        `INSERT INTO entities (ref_key, ref, kind, namespace, name, name_key, search_terms, body, hash, location_key)
         SELECT 'component:default/probe-' || i, 'component:default/probe-' || i, 'component', 'default', 'probe-' || i, 'probe-' || i, ARRAY['probe', i::text], '{}', 'x', 'file:/probe.yaml' FROM generate_series(1, 500) i`,
      );
      expect(Number(await pendingPages())).toBeGreaterThan(0);

      const report = await ingest([await rootFromPath(folder.path('many.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });
      expect(report.entities.added).toBe(400);
      expect(await pendingPages()).toBe('0');
      expect((await catalog.findSimilar('service 12 with severl words', 3)).length).toBeGreaterThan(0);
    } finally {
      folder.dispose();
    }
  });
});

describe('entities written in bulk', () => {
  it('keep every search term as a word, even one that reads like NULL', async () => {
    const folder = new CatalogFolder();
    try {
      folder.write('odd.yaml', docs(component('null-checker', { title: 'Null Checker for "quoted" things' })));
      const catalog = PgCatalogStore.create({ pool: db().pool });
      await ingest([await rootFromPath(folder.path('odd.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });
      const { rows } = await db().pool.query<{ search_terms: string[]; title_key: string }>(`SELECT search_terms, title_key FROM entities WHERE ref_key = 'component:default/null-checker'`);
      expect(rows[0]).toEqual({ search_terms: ['null', 'checker', 'for', 'quoted', 'things'], title_key: 'null checker for "quoted" things' });
      expect((await catalog.findSimilar('nul checker', 3)).map((found) => found.entity.ref)).toContain('component:default/null-checker');
    } finally {
      folder.dispose();
    }
  });
});

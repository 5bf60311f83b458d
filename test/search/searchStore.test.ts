import { find, findMoreLike } from '../../commands/find';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { PgDocsStore } from '../../src/docs/PgDocsStore';
import { PgSearchStore } from '../../src/search/PgSearchStore';
import { CatalogFolder, docs, group } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let folder: CatalogFolder;

const service = (name: string, description: string, extra: { owner?: string; tags?: string[] } = {}) =>
  ['apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', `  name: ${name}`, `  description: ${JSON.stringify(description)}`, ...(extra.tags ? [`  tags: [${extra.tags.join(', ')}]`] : []), 'spec:', '  type: service', '  lifecycle: production', `  owner: ${extra.owner ?? 'team-geo'}`].join('\n');

async function ingestFile(content: string): Promise<void> {
  const file = folder.write('catalog-info.yaml', content);
  const report = await ingest([await rootFromPath(file)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
}

const refsFor = async (text: string, finder = PgSearchStore.create({ pool: db().pool })) => (await find(text, { finder }, { limit: 5 })).results.map((hit) => hit.ref);

// One catalog file for every test: each writes it anew, and ingestion replaces what it held.
beforeAll(() => {
  folder = new CatalogFolder();
});
afterAll(() => folder.dispose());

describe('search documents', () => {
  it('follow the catalog file: a changed description is found by its new words, not its old ones, and a removed entity not at all', async () => {
    await ingestFile(docs(group('team-geo'), service('address-lookup', 'Turns street addresses into coordinates.')));
    expect(await refsFor('coordinates')).toEqual(['component:default/address-lookup']);
    await ingestFile(docs(group('team-geo'), service('address-lookup', 'Validates postal codes.')));
    expect(await refsFor('coordinates')).toEqual([]);
    expect(await refsFor('postal codes')).toEqual(['component:default/address-lookup']);
    await ingestFile(docs(group('team-geo')));
    expect(await refsFor('postal codes')).toEqual([]);
  });

  it('are made at the first search for entities stored before they existed', async () => {
    await ingestFile(docs(group('team-geo'), service('address-lookup', 'Turns street addresses into coordinates.')));
    await db().pool.query('UPDATE entities SET search_fields = NULL');
    await db().pool.query('TRUNCATE search_lexicon');
    expect(await refsFor('coordinates')).toEqual(['component:default/address-lookup']);
    const { rows } = await db().pool.query<{ n: number }>('SELECT count(*)::int AS n FROM entities WHERE search_fields IS NULL');
    expect(rows[0]!.n).toBe(0);
    expect(await refsFor('coordinatse')).toEqual(['component:default/address-lookup']);
  });
});

describe('filters', () => {
  it('find what a team owns and what the teams below it own, through spec.parent or spec.children', async () => {
    await ingestFile(
      docs(
        ['apiVersion: backstage.io/v1alpha1', 'kind: Group', 'metadata:', '  name: dept-maps', 'spec:', '  type: department', '  children: [team-routing]'].join('\n'),
        group('team-geo', { parent: 'dept-maps' }),
        group('team-routing'),
        group('team-other'),
        service('address-lookup', 'Maps addresses to coordinates.', { owner: 'team-geo' }),
        service('route-planner', 'Plans routes between coordinates.', { owner: 'team-routing' }),
        service('tile-server', 'Serves map tiles with coordinates.', { owner: 'team-other' }),
      ),
    );
    expect((await refsFor('coordinates owner:dept-maps')).sort()).toEqual(['component:default/address-lookup', 'component:default/route-planner']);
    expect(await refsFor('coordinates owner:group:default/team-routing')).toEqual(['component:default/route-planner']);
    expect(await refsFor('owner:team-other')).toEqual(['component:default/tile-server']);
    expect(await refsFor('coordinates tag:geo')).toEqual([]);
  });
});

describe('answers', () => {
  it('suggest the nearest words the catalog has when nothing matches', async () => {
    await ingestFile(docs(group('team-geo'), service('address-lookup', 'Geocoding of street addresses.')));
    const result = await find('geocodign kind:api', { finder: PgSearchStore.create({ pool: db().pool }) }, { limit: 5 });
    expect(result.results).toEqual([]);
    expect(result.suggestions).toEqual(['geocoding']);
  });

  it('correct typos of words only a docs page title holds', async () => {
    await ingestFile(docs(group('team-geo'), service('address-lookup', 'Street addresses.')));
    await PgDocsStore.create({ pool: db().pool }).replacePages('https://docs.example/default/component/address-lookup/', 'component:default/address-lookup', 'e1', [{ location: 'idempotency/', title: 'Idempotency keys', text: 'Retries are safe.' }], new Date());
    const result = await find('idmpotency', { finder: PgSearchStore.create({ pool: db().pool }) }, { limit: 5 });
    expect(result.corrections).toEqual([{ typed: 'idmpotency', meant: 'idempotency' }]);
    expect(result.results.map((hit) => [hit.ref, hit.why.field, hit.why.page?.title])).toEqual([['component:default/address-lookup', 'docs', 'Idempotency keys']]);
  });

  it('find more like an entity, leaving the entity itself out', async () => {
    await ingestFile(docs(group('team-geo'), service('address-lookup', 'Geocoding of street addresses.', { tags: ['geo'] }), service('reverse-geocoder', 'Reverse geocoding of coordinates.', { tags: ['geo'] }), service('mailer', 'Sends email.')));
    const result = await findMoreLike('component:default/address-lookup', { finder: PgSearchStore.create({ pool: db().pool }) }, { limit: 5 });
    expect(result.like).toEqual({ ref: 'component:default/address-lookup', title: 'address-lookup' });
    expect(result.results.map((hit) => hit.ref)[0]).toBe('component:default/reverse-geocoder');
    expect(result.results.map((hit) => hit.ref)).not.toContain('component:default/address-lookup');
  });

  it('read query syntax typed as words as words, never as syntax', async () => {
    await ingestFile(docs(group('team-geo'), service('address-lookup', 'Street addresses.')));
    for (const typed of ["addresses & ! | ( ) <-> :* 'x' \\", 'street:* & !', '"unclosed phrase', '<!channel> addresses', "'; DROP TABLE entities; --"]) {
      await expect(find(typed, { finder: PgSearchStore.create({ pool: db().pool }) }, { limit: 5 })).resolves.toMatchObject({ kind: 'find' });
    }
    expect(await refsFor("addresses & ! | ( ) <-> :* 'x'")).toEqual(['component:default/address-lookup']);
  });
});

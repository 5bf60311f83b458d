import { PgDocsStore } from '../../src/docs/PgDocsStore';
import { siteUrlOf } from '../../src/docs/resolve';
import { docsFacts } from '../../src/health/facts/docs';
import { CatalogFolder } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { ingestCatalog } from './helpers';

const db = useTestDatabase();
const folder = new CatalogFolder();
const BASE = 'https://docs.example/techdocs';
const NOW = new Date('2026-05-06T12:00:00Z');

afterAll(() => folder.dispose());

describe('docs facts', () => {
  it("come from the docs cache: built or not, stale past the maximum age, and the build's age in days", async () => {
    const catalog = await ingestCatalog(db().pool, folder);
    const store = PgDocsStore.create({ pool: db().pool });
    const entities = await catalog.getManyByRef(['component:default/payments-api', 'component:default/legacy-job']);
    const source = { baseUrl: BASE, maxAgeDays: 30, getSites: (urls: string[]) => store.getSites(urls) };

    // Not read yet: nothing is known either way.
    expect((await docsFacts(entities, source, NOW)).get('component:default/payments-api')).toEqual({ 'docs.built': null, 'docs.stale': null, 'docs.ageDays': null });

    await store.saveMetadata(siteUrlOf('component:default/payments-api', BASE), 'component:default/payments-api', { siteName: 'Payments', builtAt: new Date('2026-03-27T12:00:00Z'), etag: 'b1' }, NOW);
    const facts = await docsFacts(entities, source, NOW);
    expect(facts.get('component:default/payments-api')).toEqual({ 'docs.built': true, 'docs.stale': true, 'docs.ageDays': 40 });
    // No TechDocs annotation: not built, and nothing to be stale.
    expect(facts.get('component:default/legacy-job')).toEqual({ 'docs.built': false, 'docs.stale': null, 'docs.ageDays': null });
    expect((await docsFacts(entities, { ...source, maxAgeDays: 60 }, NOW)).get('component:default/payments-api')).toMatchObject({ 'docs.stale': false });
    // Without TECHDOCS_BASE_URL the docs cannot be judged at all.
    expect((await docsFacts(entities, { ...source, baseUrl: null }, NOW)).get('component:default/legacy-job')).toEqual({ 'docs.built': null, 'docs.stale': null, 'docs.ageDays': null });
  });
});

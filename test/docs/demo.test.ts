import { pathToFileURL } from 'node:url';
import { findDocs } from '../../commands/docs';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DocsLibrary } from '../../src/docs/library';
import { PgDocsStore } from '../../src/docs/PgDocsStore';
import { createDocsSite } from '../../src/docs/site';
import { DEMO_CATALOG, DEMO_TECHDOCS } from '../../src/paths';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let catalog: PgCatalogStore;
let docs: DocsLibrary;

beforeAll(async () => {
  catalog = PgCatalogStore.create({ pool: db().pool });
  expect((await ingest([await rootFromPath(DEMO_CATALOG)], { store: catalog, maxBytes: 1024 * 1024 })).errors).toEqual([]);
  docs = new DocsLibrary({ baseUrl: pathToFileURL(DEMO_TECHDOCS).toString(), site: createDocsSite({ timeoutMs: 2000, maxIndexBytes: 1024 * 1024 }), store: PgDocsStore.create({ pool: db().pool }), maxAgeDays: null, timeoutMs: 2000 });
});

describe("the demo catalog's TechDocs", () => {
  it('has a built site for every documented entity but cdc-pipeline, which shows the unbuilt-site warning', async () => {
    expect(await docs.refreshAll()).toEqual({ sites: 24, failed: 1 });
    const unbuilt = await findDocs('cdc-pipeline', { catalog, docs });
    expect(unbuilt.warnings).toEqual([expect.stringMatching(/cdc-pipeline\/ could not be read: techdocs_metadata\.json is not there/)]);
  });

  it('answers the examples of the README and docs/docs.md', async () => {
    const refunds = await findDocs('payments-service refunds', { catalog, docs });
    expect(refunds.site?.siteName).toBe('Payments Service');
    expect(refunds.pages[0]?.title).toBe('Refunds');
    const borrowed = await findDocs('payments-api', { catalog, docs });
    expect(borrowed.site).toMatchObject({ borrowed: true, openUrl: expect.stringMatching(/\/default\/component\/payments-service\/idempotency\/index\.html$/) });
    const everywhere = await findDocs('rollback canary', { catalog, docs });
    expect(everywhere.pages).toHaveLength(5);
    expect(everywhere.pages.every((page) => page.title === 'Runbook' || page.title === 'Rolling back' || page.title === 'Deploying')).toBe(true);
    expect((await findDocs('marketing-site', { catalog, docs })).noDocs).toBe(true);
  });
});

import fs from 'node:fs';
import { findDocs } from '../../commands/docs';
import { whoOwns } from '../../commands/whoowns';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DocsLibrary, type DocsLibraryOptions } from '../../src/docs/library';
import { PgDocsStore } from '../../src/docs/PgDocsStore';
import { createDocsSite } from '../../src/docs/site';
import { CatalogFolder } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { BROKEN_CATALOG, copyOfFixtureSites, DOCS_CATALOG, FIXTURE_SITES, NOW, rebuildSite, serveBrokenSites, serveSites, type LoopbackSite } from './helpers';

const db = useTestDatabase();
let catalog: PgCatalogStore;
let sites: LoopbackSite;
let broken: LoopbackSite;
let fixture: ReturnType<typeof copyOfFixtureSites>;
const folder = new CatalogFolder();

beforeAll(async () => {
  catalog = PgCatalogStore.create({ pool: db().pool });
  folder.write('catalog-info.yaml', `${DOCS_CATALOG}---\n${BROKEN_CATALOG}`);
  const report = await ingest([await rootFromPath(folder.path('catalog-info.yaml'))], { store: catalog, maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  fixture = copyOfFixtureSites();
  sites = await serveSites(fixture.root);
  broken = await serveBrokenSites();
});

afterAll(async () => {
  await sites.close();
  await broken.close();
  fixture.dispose();
  folder.dispose();
});

beforeEach(async () => {
  await db().pool.query('TRUNCATE docs_sites CASCADE');
  sites.requests.length = 0;
});

function library(options: Partial<DocsLibraryOptions> = {}): DocsLibrary {
  return new DocsLibrary({
    baseUrl: sites.baseUrl,
    site: createDocsSite({ timeoutMs: 5000, maxIndexBytes: 20 * 1024 * 1024 }),
    store: PgDocsStore.create({ pool: db().pool }),
    maxAgeDays: null,
    timeoutMs: 5000,
    now: () => NOW,
    ...options,
  });
}

const ask = (text: string, docs = library()) => findDocs(text, { catalog, docs });

describe('/docs <entity>', () => {
  it('links the built site at <base>/<namespace>/<kind>/<name>/, lower-cased, with its name and build time', async () => {
    const result = await ask('payments-service');
    expect(result.entity?.ref).toBe('component:default/Payments-Service');
    expect(result.site).toMatchObject({
      url: `${sites.baseUrl}/default/component/payments-service/`,
      openUrl: `${sites.baseUrl}/default/component/payments-service/`,
      siteName: 'Payments Service',
      builtAt: new Date('2026-11-19T06:00:00Z'),
      builtAgo: '3 days ago',
      stale: false,
      borrowed: false,
      fromCache: false,
    });
    expect(result.link).toEqual({ url: 'https://wiki.example/payments', title: 'Wiki' });
    expect(result.warnings).toEqual([]);
  });

  it("borrows another entity's site through backstage.io/techdocs-entity, opened at techdocs-entity-path", async () => {
    const result = await ask('payments-api');
    expect(result.site).toMatchObject({
      url: `${sites.baseUrl}/default/component/payments-service/`,
      openUrl: `${sites.baseUrl}/default/component/payments-service/idempotency/`,
      entityRef: 'component:default/payments-service',
      borrowed: true,
      builtAgo: '3 days ago',
    });
  });

  it('falls back to a docs link from metadata.links, and says when there are no docs at all', async () => {
    expect(await ask('wiki-only')).toMatchObject({ site: null, link: { url: 'https://wiki.example/wiki-only', title: 'Wiki page' }, noDocs: false });
    expect(await ask('marketing-site')).toMatchObject({ entity: { ref: 'component:default/marketing-site' }, site: null, link: null, noDocs: true, warnings: [] });
  });

  it('says that TECHDOCS_BASE_URL is missing rather than pretending there are no docs', async () => {
    const result = await ask('payments-service', library({ baseUrl: null }));
    expect(result.site).toBeNull();
    expect(result.link?.url).toBe('https://wiki.example/payments');
    expect(result.noDocs).toBe(false);
    expect(result.warnings[0]).toMatch(/TECHDOCS_BASE_URL is not set/);
  });

  it('calls a build stale once it is older than the configured age', async () => {
    const result = await ask('ledger-service', library({ maxAgeDays: 90 }));
    expect(result.site).toMatchObject({ builtAgo: '3 months ago', stale: true, staleReason: 'built more than 90 days ago (BACKLINE_DOCS_MAX_AGE_DAYS)' });
    expect((await ask('payments-service', library({ maxAgeDays: 90 }))).site?.stale).toBe(false);
  });

  it('calls a build stale when its docs were committed to after it was built', async () => {
    const changes = { lastChange: jest.fn(async () => new Date('2026-11-21T06:00:00Z')) };
    const result = await ask('payments-service', library({ changes, githubWebUrl: 'https://github.com' }));
    expect(changes.lastChange).toHaveBeenCalledWith({ owner: 'northwind', repo: 'payments-service', path: 'docs' });
    expect(result.site).toMatchObject({ stale: true, staleReason: 'the docs changed 1 day ago, after the last build' });
  });

  it('judges by age alone, with a warning, when GitHub does not answer in time', async () => {
    const changes = { lastChange: () => new Promise<Date | null>(() => undefined) };
    const result = await ask('payments-service', library({ changes, githubWebUrl: 'https://github.com', timeoutMs: 50 }));
    expect(result.site?.stale).toBe(false);
    expect(result.warnings).toEqual(['GitHub did not say within 0.05 s when northwind/payments-service/docs last changed, so staleness is judged by age only.']);
  });
});

describe('/docs <entity> <words>', () => {
  it('returns the best pages of the entity\'s site, each linked to its location', async () => {
    const result = await ask('payments-service partial refund');
    expect(result.words).toBe('partial refund');
    expect(result.searchedEverySite).toBe(false);
    expect(result.pages.map((page) => [page.title, page.url])).toEqual([
      ['Partial refunds', `${sites.baseUrl}/default/component/payments-service/refunds/#partial-refunds`],
      ['Refunds', `${sites.baseUrl}/default/component/payments-service/refunds/`],
    ]);
    expect(result.pages[0]!.score).toBeGreaterThan(result.pages[1]!.score);
    expect(result.pages[0]!.snippet).toBe('Refund any amount up to the captured amount minus earlier refunds.');
  });

  it('finds pages by a prefix of a word, and by a title with a typo', async () => {
    expect((await ask('payments-service idempot')).pages.map((page) => page.title)).toEqual(['Idempotency keys']);
    expect((await ask('payments-service Rollng bak')).pages[0]?.title).toBe('Rolling back');
  });

  it('decodes the index text: entities and tags become plain words', async () => {
    const [page] = (await ask('payments-service charged twice')).pages;
    expect(page?.snippet).toContain('replayed & never charged twice');
  });

  it('reads an index with references no text can hold (NUL, beyond Unicode) and still finds its pages', async () => {
    rebuildSite(fixture.root, 'default/component/payments-service', {
      etag: 'etag-odd-characters',
      builtAt: new Date('2026-11-21T06:00:00Z'),
      docs: [
        { location: 'odd/', title: 'Settlement &#99999999; files &#0; explained', text: 'Settlement files arrive nightly\u0000 &#x110000; from the acquirer.' },
        { location: 'bad\u0000location/', title: 'Unreachable', text: 'A location with NUL cannot be opened.' },
      ],
    });
    try {
      const result = await ask('payments-service settlement');
      expect(result.warnings).toEqual([]);
      expect(result.pages.map((page) => page.title)).toEqual(['Settlement files explained']);
      expect(result.pages[0]!.snippet).toContain('Settlement files arrive nightly from the acquirer');
    } finally {
      fs.cpSync(FIXTURE_SITES, fixture.root, { recursive: true, force: true });
    }
  });

  it('keeps the index in Postgres and reads it again only when the build etag changes', async () => {
    await ask('payments-service refunds');
    await ask('payments-service rollback');
    const indexReads = () => sites.requests.filter((request) => request.endsWith('/payments-service/search/search_index.json')).length;
    expect(indexReads()).toBe(1);
    expect(sites.requests.filter((request) => request.endsWith('/payments-service/techdocs_metadata.json'))).toHaveLength(2);

    rebuildSite(fixture.root, 'default/component/payments-service', { etag: 'etag-payments-2', builtAt: new Date('2026-11-21T06:00:00Z'), docs: [{ location: 'chargebacks/', title: 'Chargebacks', text: 'Disputes raised by card holders.' }] });
    try {
      const result = await ask('payments-service chargebacks');
      expect(indexReads()).toBe(2);
      expect(result.site?.builtAgo).toBe('1 day ago');
      expect(result.pages.map((page) => page.title)).toEqual(['Chargebacks']);
      expect((await ask('payments-service refunds')).pages).toEqual([]);
    } finally {
      fs.cpSync(FIXTURE_SITES, fixture.root, { recursive: true, force: true });
    }
  });

  it('searches every cached site when no entity is named', async () => {
    await ask('payments-service');
    await ask('ledger-service');
    const result = await ask('reconciliation entries');
    expect(result.entity).toBeNull();
    expect(result.searchedEverySite).toBe(true);
    expect(result.pages[0]).toMatchObject({ title: 'Reconciliation', entityRef: 'component:default/ledger-service', url: `${sites.baseUrl}/default/component/ledger-service/reconciliation/` });
  });

  it('searches every cached site for an entity without a site of its own', async () => {
    await ask('payments-service');
    const result = await ask('marketing-site partial refunds');
    expect(result.noDocs).toBe(true);
    expect(result.searchedEverySite).toBe(true);
    expect(result.pages[0]?.title).toBe('Partial refunds');
  });

  it('suggests entities when nothing is called that and no page matches', async () => {
    const result = await ask('paymnets-servce');
    expect(result.pages).toEqual([]);
    expect(result.suggestions[0]?.ref).toBe('component:default/Payments-Service');
  });
});

describe('broken sites', () => {
  // Short for the server that never answers; long enough elsewhere to read 20 MB on a busy machine.
  const brokenLibrary = (timeoutMs = 300) => library({ baseUrl: broken.baseUrl, timeoutMs, site: createDocsSite({ timeoutMs, maxIndexBytes: 20 * 1024 * 1024 }) });
  const site = (name: string) => `${broken.baseUrl}/default/component/${name}/`;

  it.each([
    ['a missing site (404)', 'missing', 'techdocs_metadata.json is not there (404): the site has not been built and published yet, or TECHDOCS_BASE_URL points elsewhere'],
    ['metadata that is not JSON', 'invalid', expect.stringMatching(/^techdocs_metadata\.json is not valid JSON \(/)],
    ['a server that never answers', 'silent', 'the site did not answer within 0.3 s'],
  ])('answer with a warning for %s, and the link', async (_what, name, problem) => {
    const result = await ask(`${name} anything`, brokenLibrary());
    expect(result.site).toMatchObject({ url: site(name), builtAt: null, stale: null });
    expect(result.warnings).toHaveLength(1);
    const [prefix, rest] = [`The docs site ${site(name)} could not be read: `, result.warnings[0]!.slice(`The docs site ${site(name)} could not be read: `.length)];
    expect(result.warnings[0]!.startsWith(prefix)).toBe(true);
    expect(rest.replace(/\.$/, '')).toEqual(problem);
  });

  it.each([
    ['declared by content-length', 'huge', 'search/search_index.json is 50.0 MB, more than the 20.0 MB Backline reads (BACKLINE_DOCS_MAX_INDEX_BYTES)'],
    ['streamed without a length', 'huge-chunked', 'search/search_index.json is larger than the 20.0 MB Backline reads (BACKLINE_DOCS_MAX_INDEX_BYTES)'],
  ])('refuse a 50 MB search index %s, and still give the build time', async (_how, name, problem) => {
    const result = await ask(`${name} anything`, brokenLibrary(15_000));
    expect(result.site).toMatchObject({ siteName: 'Broken', builtAt: new Date(Date.UTC(2026, 10, 20)) });
    expect(result.warnings).toEqual([`Search is unavailable for ${site(name)}: ${problem}.`]);
    expect(result.pages).toEqual([]);
  });

  it('refuse an index that is not JSON with a warning', async () => {
    const result = await ask('bad-index anything', brokenLibrary());
    expect(result.warnings).toEqual([expect.stringMatching(/^Search is unavailable for .*bad-index\/: search\/search_index\.json is not valid JSON/)]);
  });

  it('fall back to what the cache knew when a site stops answering', async () => {
    await ask('payments-service refunds');
    const result = await ask('payments-service refunds', library({ baseUrl: sites.baseUrl, site: createDocsSite({ timeoutMs: 300, maxIndexBytes: 1024, fetch: async () => { throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }); } }) }));
    expect(result.site).toMatchObject({ builtAgo: '3 days ago', fromCache: true });
    expect(result.warnings).toEqual([`The docs site ${sites.baseUrl}/default/component/payments-service/ could not be read: the site could not be reached (ECONNREFUSED). Showing what it said just now.`]);
    expect(result.pages.map((page) => page.title)).toEqual(expect.arrayContaining(['Partial refunds', 'Refunds']));
  });
});

describe('the docs line of /whoowns', () => {
  it('shows the site and its build age from the cache, without asking the site', async () => {
    const docs = library();
    const before = await whoOwns('payments-service', { catalog, docs });
    expect(before.docs).toEqual({ url: `${sites.baseUrl}/default/component/payments-service/`, label: 'TechDocs', builtAt: null, builtAgo: null, stale: null, unreachable: false });
    await ask('payments-service', docs);
    sites.requests.length = 0;
    const after = await whoOwns('payments-service', { catalog, docs });
    expect(after.docs).toMatchObject({ label: 'Payments Service', builtAgo: '3 days ago', stale: false });
    expect(sites.requests).toEqual([]);
  });

  it('falls back to metadata.links, and is null for an entity without docs', async () => {
    expect((await whoOwns('wiki-only', { catalog, docs: library() })).docs).toMatchObject({ url: 'https://wiki.example/wiki-only', label: 'Wiki page', builtAgo: null });
    expect((await whoOwns('marketing-site', { catalog, docs: library() })).docs).toBeNull();
  });
});

describe('refreshing every site', () => {
  it('reads each documented site once (borrowers share theirs) and indexes it for searches across sites', async () => {
    const docs = library();
    const outcome = await docs.refreshAll();
    // Two built sites, and the six entities of the broken-sites tests, which this host has not built.
    expect(outcome).toEqual({ sites: 8, failed: 6 });
    expect(sites.requests.filter((request) => request.endsWith('payments-service/techdocs_metadata.json'))).toEqual(['/techdocs/default/component/payments-service/techdocs_metadata.json']);
    expect((await ask('reconciliation', docs)).pages[0]?.title).toBe('Reconciliation');
  });
});

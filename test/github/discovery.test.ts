import type { IngestReport } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { connect, pass, refs, resetCatalog, TOKEN } from './helpers';

const db = useTestDatabase();
let github: FakeGitHub;
let store: PgCatalogStore;

beforeEach(() => {
  store = PgCatalogStore.create({ pool: db().pool });
});

const name = (i: number) => `repo-${String(i).padStart(3, '0')}`;
const blob = (repo: string, path = 'catalog-info.yaml') => `${github.web}/acme/${repo}/blob/main/${path}`;
const listingPages = () => github.requests.filter((r) => r.path === '/orgs/acme/repos').map((r) => Number(r.query.page));

/** 230 repositories: every tenth has no catalog file; three are archived and two are forks. */
function seedOrg(): void {
  for (let i = 0; i < 230; i++) {
    const archived = i === 11 || i === 12 || i === 13;
    const fork = i === 21 || i === 22;
    github.addRepo('acme', name(i), { files: i % 10 === 0 ? { 'README.md': '# no catalog here' } : { 'catalog-info.yaml': docs(component(`svc-${i}`)) }, archived, fork });
  }
}

describe('an organisation of 230 repositories', () => {
  // One cold pass for the whole block (the fixture is large); each test then looks at, or adds, one pass.
  let cold: IngestReport;
  beforeAll(async () => {
    await resetCatalog(db());
    github = await startFakeGitHub();
    seedOrg();
    cold = await pass(connect(github, db()), PgCatalogStore.create({ pool: db().pool }), ['acme']);
  });
  afterAll(() => github.close());

  it('has the catalog file of every repository, read over several pages of 100, without archived repositories and forks', async () => {
    expect(cold.errors).toEqual([]);
    const components = await refs(db(), 'component');
    // 230 repositories, 23 without a file, 5 archived or forks (none of them among the 23).
    expect(components).toHaveLength(230 - 23 - 5);
    expect(components).toContain('component:default/svc-229');
    expect(components).not.toContain('component:default/svc-11');
    expect(components).not.toContain('component:default/svc-21');
    expect(listingPages().sort()).toEqual([1, 2, 3]);
    expect(github.requests.filter((r) => r.path.endsWith('/contents/catalog-info.yaml'))).toHaveLength(230 - 5);
  });

  it('sent the credentials with every request', () => {
    expect(new Set(github.requests.map((r) => r.authorization))).toEqual(new Set([`token ${TOKEN}`]));
  });

  it('asks conditionally the next time, so the unchanged organisation costs one 304 per listing page and nothing per repository', async () => {
    github.resetRecords();
    const report = await pass(connect(github, db()), store, ['acme']);
    expect(github.requests.map((r) => `${r.status} ${r.path} page=${r.query.page}`).sort()).toEqual(['304 /orgs/acme/repos page=1', '304 /orgs/acme/repos page=2', '304 /orgs/acme/repos page=3']);
    expect(github.requests.every((r) => r.ifNoneMatch && r.authorization === `token ${TOKEN}`)).toBe(true);
    expect(report.locations).toMatchObject({ processed: 0, failed: 0, unchanged: report.locations.visited });
    expect(report.entities).toMatchObject({ added: 0, updated: 0, removed: 0 });
  });

  it('re-reads only a repository that was pushed to, and picks up its change', async () => {
    github.setFile('acme', name(151), 'catalog-info.yaml', docs(component('svc-151', { owner: 'team-b' })));
    github.resetRecords();
    const report = await pass(connect(github, db()), store, ['acme']);
    const fetched = github.requests.filter((r) => r.status === 200).map((r) => `${r.path} ${r.query.page ?? ''}`.trim());
    expect(fetched).toEqual(['/orgs/acme/repos 2', `/repos/acme/${name(151)}/contents/catalog-info.yaml`]);
    expect(report.entities).toMatchObject({ updated: 1, added: 0, removed: 0 });
    expect((await store.getByRef('component:default/svc-151'))?.entity.spec).toMatchObject({ owner: 'team-b' });
  });
});

describe('discovering catalog files across a GitHub organisation', () => {
  beforeEach(async () => {
    await resetCatalog(db());
    github = await startFakeGitHub();
  });

  it('removes the entities of a deleted repository and of a repository whose catalog file disappeared', async () => {
    github.addRepo('acme', 'billing', { files: { 'catalog-info.yaml': docs(component('billing')) } });
    github.addRepo('acme', 'ledger', { files: { 'catalog-info.yaml': docs(component('ledger')) } });
    github.addRepo('acme', 'search', { files: { 'catalog-info.yaml': docs(component('search')) } });
    await pass(connect(github, db()), store, ['acme']);
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger', 'component:default/search']);

    github.deleteRepo('acme', 'billing');
    github.removeFile('acme', 'ledger', 'catalog-info.yaml');
    const report = await pass(connect(github, db()), store, ['acme']);
    expect(report.entities.removed).toBe(2);
    expect(await refs(db())).toEqual(['component:default/search']);
  });

  it('keeps the last good entities of a repository whose catalog file stops parsing, names the file, and recovers when it is reverted', async () => {
    const good = docs(component('billing', { owner: 'payments' }));
    github.addRepo('acme', 'billing', { files: { 'catalog-info.yaml': good } });
    github.addRepo('acme', 'ledger', { files: { 'catalog-info.yaml': docs(component('ledger')) } });
    await pass(connect(github, db()), store, ['acme']);

    github.setFile('acme', 'billing', 'catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing\n   owner: [unclosed\n');
    const broken = await pass(connect(github, db()), store, ['acme']);
    expect(broken.errors).toEqual([expect.objectContaining({ kind: 'parse', file: blob('billing'), line: expect.any(Number), message: expect.stringContaining('is not valid YAML') })]);
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger']);
    const { rows } = await db().pool.query<{ file: string }>('SELECT file FROM processing_errors');
    expect(rows).toEqual([{ file: blob('billing') }]);

    // Reverting the commit brings back the very file (and ETag) of the last good read.
    github.setFile('acme', 'billing', 'catalog-info.yaml', good);
    const reverted = await pass(connect(github, db()), store, ['acme']);
    expect(reverted.errors).toEqual([]);
    expect((await db().pool.query('SELECT 1 FROM processing_errors')).rowCount).toBe(0);
  });

  it('finds every catalog file of a monorepo through the git trees API when the catalog path is a glob', async () => {
    github.addRepo('acme', 'platform', {
      files: {
        'catalog-info.yaml': docs(component('platform')),
        'services/api/catalog-info.yaml': docs(component('platform-api')),
        'services/worker/catalog-info.yaml': docs(component('platform-worker')),
        'services/worker/values.yaml': 'replicas: 2\n',
      },
    });
    github.addRepo('acme', 'empty');
    const report = await pass(connect(github, db()), store, ['acme'], { catalogPath: '**/catalog-info.yaml' });
    expect(report.errors).toEqual([]);
    expect(await refs(db())).toEqual(['component:default/platform', 'component:default/platform-api', 'component:default/platform-worker']);
    expect(github.requests.filter((r) => r.path.includes('/git/trees/')).map((r) => `${r.status} ${r.path}`).sort()).toEqual(['200 /repos/acme/platform/git/trees/main', '409 /repos/acme/empty/git/trees/main']);
  });

  it('includes archived repositories and forks when configured to', async () => {
    github.addRepo('acme', 'old', { archived: true, files: { 'catalog-info.yaml': docs(component('old')) } });
    github.addRepo('acme', 'copy', { fork: true, files: { 'catalog-info.yaml': docs(component('copy')) } });
    await pass(connect(github, db()), store, ['acme']);
    expect(await refs(db())).toEqual([]);
    await pass(connect(github, db(), { includeArchived: true, includeForks: true }), store, ['acme']);
    expect(await refs(db())).toEqual(['component:default/copy', 'component:default/old']);
  });

  it('removes the entities of a repository once it is archived', async () => {
    github.addRepo('acme', 'old', { files: { 'catalog-info.yaml': docs(component('old')) } });
    await pass(connect(github, db()), store, ['acme']);
    github.archiveRepo('acme', 'old');
    await pass(connect(github, db()), store, ['acme']);
    expect(await refs(db())).toEqual([]);
  });

  it('resolves $text placeholders that point into the same repository through the contents API', async () => {
    const definition = 'openapi: 3.0.0\ninfo:\n  title: Billing\n  version: 1.0.0\npaths: {}\n';
    github.addRepo('acme', 'billing', {
      files: {
        'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: billing-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: payments\n  definition:\n    $text: ./api/openapi.yaml\n',
        'api/openapi.yaml': definition,
      },
    });
    const report = await pass(connect(github, db()), store, ['acme']);
    expect(report.errors).toEqual([]);
    expect((await store.getByRef('api:default/billing-api'))?.entity.spec).toMatchObject({ definition });
  });

  it('never has more requests in flight than the configured concurrency', async () => {
    await github.close();
    github = await startFakeGitHub({ latencyMs: 5 });
    for (let i = 0; i < 60; i++) github.addRepo('acme', name(i), { files: { 'catalog-info.yaml': docs(component(`svc-${i}`)) } });
    await pass(connect(github, db(), { concurrency: 4 }), store, ['acme']);
    expect(github.maxInFlight).toBe(4);
  });

  it('reports an organisation that does not exist, and keeps what the catalog has', async () => {
    const report = await pass(connect(github, db()), store, ['ghost']);
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'read', message: `The GitHub organisation ghost was not found at ${github.web}, or the credentials cannot see it` })]);
  });

  afterEach(() => github.close());
});

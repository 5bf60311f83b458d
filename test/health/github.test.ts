import nock from 'nock';
import { PgHealthStore } from '../../src/health/PgHealthStore';
import { createGitHubIntegration } from '../../src/sources/github/integration';
import { PgGitHubCacheStore } from '../../src/sources/github/PgGitHubCacheStore';
import { CatalogFolder } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { HEALTH_CATALOG, healthOver, ingestCatalog } from './helpers';

const db = useTestDatabase();
const folder = new CatalogFolder();
const API = 'https://github.example.com/api/v3';
const TOKEN = 'ghp_health_test';
const clock = { now: new Date('2026-05-06T12:00:00Z') };

// A second service whose repository GitHub refuses to show, beside payments-api (acme/payments-api).
const CATALOG = `${HEALTH_CATALOG}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: hidden\n  annotations:\n    backstage.io/source-location: url:https://github.example.com/acme/hidden/tree/main/\nspec:\n  type: service\n  lifecycle: production\n  owner: payments\n`;

afterAll(() => folder.dispose());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

function github() {
  return nock(API, { reqheaders: { authorization: `token ${TOKEN}` } });
}

describe('GitHub facts', () => {
  it('reads README, CODEOWNERS, workflows, protection and the last commit, then revalidates an unchanged repository for free', async () => {
    const catalog = await ingestCatalog(db().pool, folder, CATALOG);
    const integration = createGitHubIntegration({ apiUrl: API, auth: { kind: 'token', token: TOKEN }, cache: PgGitHubCacheStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
    const { service } = healthOver(db().pool, catalog, clock, { github: { client: integration.client, hosts: integration.hosts } });
    const store = PgHealthStore.create({ pool: db().pool });

    github().get('/repos/acme/payments-api').reply(200, { default_branch: 'trunk', pushed_at: '2026-05-01T00:00:00Z' }, { etag: '"repo-1"' });
    github()
      .get('/repos/acme/payments-api/contents')
      .query({ ref: 'trunk' })
      .reply(200, [
        { name: 'Readme.md', type: 'file' },
        { name: '.github', type: 'dir' },
        { name: 'docs', type: 'dir' },
      ], { etag: '"root-1"' });
    github().get('/repos/acme/payments-api/contents/.github').query({ ref: 'trunk' }).reply(200, [{ name: 'workflows', type: 'dir' }], { etag: '"gh-1"' });
    github().get('/repos/acme/payments-api/contents/.github/workflows').query({ ref: 'trunk' }).reply(200, [{ name: 'ci.yaml', type: 'file' }], { etag: '"wf-1"' });
    github().get('/repos/acme/payments-api/contents/docs').query({ ref: 'trunk' }).reply(200, [{ name: 'CODEOWNERS', type: 'file' }], { etag: '"docs-1"' });
    github().get('/repos/acme/payments-api/branches/trunk').reply(200, { name: 'trunk', protected: true, commit: { commit: { committer: { date: '2026-04-26T11:00:00Z' } } } }, { etag: '"branch-1"' });
    github().get('/repos/acme/hidden').reply(403, { message: 'Resource not accessible by integration' });

    await service.collectAndScore();
    const facts = await store.currentFacts(['component:default/payments-api', 'component:default/hidden']);
    expect(facts.get('component:default/payments-api')!.facts).toMatchObject({
      'github.hasReadme': true,
      'github.hasCodeowners': true,
      'github.hasWorkflow': true,
      'github.branchProtected': true,
      'github.daysSinceLastCommit': 10,
    });
    // A repository that cannot be read leaves its facts unknown, and the evaluation goes on.
    expect(facts.get('component:default/hidden')!.facts).toMatchObject({ 'github.hasReadme': null, 'github.branchProtected': null, hasRepository: true });

    // Unchanged: the repository and its branch answer 304 to their ETags; folder listings are
    // trusted at the same pushed_at without asking.
    const notModifiedBefore = integration.client.stats.notModified;
    github().get('/repos/acme/payments-api').matchHeader('if-none-match', '"repo-1"').reply(304);
    github().get('/repos/acme/payments-api/branches/trunk').matchHeader('if-none-match', '"branch-1"').reply(304);
    github().get('/repos/acme/hidden').reply(403, { message: 'Resource not accessible by integration' });
    const again = await service.collectAndScore();
    expect(integration.client.stats.notModified - notModifiedBefore).toBe(2);
    expect(again).toMatchObject({ factChanges: 0, transitions: 0 });

    // A push moves pushed_at: the listings are asked again, conditionally.
    clock.now = new Date('2026-05-07T12:00:00Z');
    github().get('/repos/acme/payments-api').matchHeader('if-none-match', '"repo-1"').reply(200, { default_branch: 'trunk', pushed_at: '2026-05-07T09:00:00Z' }, { etag: '"repo-2"' });
    github().get('/repos/acme/payments-api/contents').query({ ref: 'trunk' }).matchHeader('if-none-match', '"root-1"').reply(200, [{ name: '.github', type: 'dir' }], { etag: '"root-2"' });
    github().get('/repos/acme/payments-api/contents/.github').query({ ref: 'trunk' }).matchHeader('if-none-match', '"gh-1"').reply(304);
    github().get('/repos/acme/payments-api/contents/.github/workflows').query({ ref: 'trunk' }).matchHeader('if-none-match', '"wf-1"').reply(304);
    github().get('/repos/acme/payments-api/branches/trunk').matchHeader('if-none-match', '"branch-1"').reply(200, { protected: false, commit: { commit: { committer: { date: '2026-05-07T09:00:00Z' } } } }, { etag: '"branch-2"' });
    github().get('/repos/acme/hidden').reply(403, { message: 'Resource not accessible by integration' });
    await service.collectAndScore();
    const after = (await store.currentFacts(['component:default/payments-api'])).get('component:default/payments-api')!.facts;
    expect(after).toMatchObject({ 'github.hasReadme': false, 'github.hasCodeowners': false, 'github.hasWorkflow': true, 'github.branchProtected': false, 'github.daysSinceLastCommit': 0 });
    const { rows } = await db().pool.query<{ changes: Record<string, unknown> }>("SELECT changes FROM health_fact_changes WHERE entity_key = 'component:default/payments-api' ORDER BY id DESC LIMIT 1");
    expect(Object.keys(rows[0]!.changes).sort()).toEqual(['github.branchProtected', 'github.daysSinceLastCommit', 'github.hasCodeowners', 'github.hasReadme']);
  });
});

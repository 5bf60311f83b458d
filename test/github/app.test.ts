import { generateKeyPairSync } from 'node:crypto';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { connect, pass, refs, resetCatalog } from './helpers';

const db = useTestDatabase();
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
let github: FakeGitHub;

beforeEach(async () => {
  await resetCatalog(db());
  // No personal token is accepted: only the App's installation tokens, each for its own organisation.
  github = await startFakeGitHub({ tokens: [], app: { id: '4242', publicKey: keys.publicKey, installations: { acme: 11, globex: 22 } } });
  github.addRepo('acme', 'billing', { files: { 'catalog-info.yaml': docs(component('billing')) } });
  github.addRepo('globex', 'radar', { files: { 'catalog-info.yaml': docs(component('radar')) } });
});
afterEach(() => github.close());

describe('authenticating as a GitHub App', () => {
  it("reads each organisation with a token of the App's installation there", async () => {
    const integration = connect(github, db(), { auth: { kind: 'app', appId: '4242', privateKey: keys.privateKey } });
    const report = await pass(integration, PgCatalogStore.create({ pool: db().pool }), ['acme', 'globex']);
    expect(report.errors).toEqual([]);
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/radar']);

    const appRequests = github.requests.filter((r) => r.path.includes('installation'));
    expect(appRequests.map((r) => `${r.method} ${r.path} ${r.status}`).sort()).toEqual([
      'GET /orgs/acme/installation 200',
      'GET /orgs/globex/installation 200',
      'POST /app/installations/11/access_tokens 201',
      'POST /app/installations/22/access_tokens 201',
    ]);
    expect(appRequests.every((r) => /^bearer [\w-]+\.[\w-]+\.[\w-]+$/i.test(r.authorization ?? ''))).toBe(true);
    const tokenOf = (org: string) => new Set(github.requests.filter((r) => r.path.startsWith(`/orgs/${org}/repos`) || r.path.startsWith(`/repos/${org}/`)).map((r) => r.authorization));
    expect([...tokenOf('acme')]).toEqual([expect.stringMatching(/^token ghs_/)]);
    expect([...tokenOf('globex')]).toEqual([expect.stringMatching(/^token ghs_/)]);
    expect(tokenOf('acme')).not.toEqual(tokenOf('globex'));
  });

  it('says so when the App is not installed on an organisation', async () => {
    github.addRepo('initech', 'tps', { files: { 'catalog-info.yaml': docs(component('tps')) } });
    const integration = connect(github, db(), { auth: { kind: 'app', appId: '4242', privateKey: keys.privateKey } });
    const report = await pass(integration, PgCatalogStore.create({ pool: db().pool }), ['initech']);
    expect(report.errors.map((problem) => problem.message)).toEqual([expect.stringContaining('The GitHub App is not installed on initech')]);
  });
});

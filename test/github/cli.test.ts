import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { refs, resetCatalog, TOKEN } from './helpers';
import { runCli, type CliRun } from '../support/cli';

const db = useTestDatabase();
let github: FakeGitHub;

beforeEach(async () => {
  await resetCatalog(db());
  github = await startFakeGitHub();
  github.addRepo('acme', 'billing', { files: { 'catalog-info.yaml': docs(component('billing')) } });
  github.addRepo('acme', 'ledger', { files: { 'catalog-info.yaml': docs(component('ledger')) } });
  github.addRepo('acme', 'website', { files: { 'index.html': '<h1>Acme</h1>' } });
});
afterEach(() => github.close());

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url, GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, ...env });
}

describe('backline catalog ingest --github-org', () => {
  it('reads every repository of the organisation, infers the one without a catalog file, and says what it found', async () => {
    const { code, stdout } = await cli(['catalog', 'ingest', '--github-org', 'acme']);
    expect(code).toBe(0);
    expect(stdout).toContain('Entities: 3 added, 0 updated, 0 unchanged, 0 removed.');
    expect(stdout).toContain('GitHub: acme: 3 repositories, 2 catalog file(s), 1 inferred from CODEOWNERS and team permissions.');
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger', 'component:default/website']);
  });

  it('reads catalog files only with --no-infer, or BACKLINE_GITHUB_INFER=false', async () => {
    const flag = await cli(['catalog', 'ingest', '--no-infer', '--github-org', 'acme']);
    expect(flag.stdout).toContain('GitHub: acme: 3 repositories, 2 catalog file(s).');
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger']);
    await resetCatalog(db());
    await cli(['catalog', 'ingest', '--github-org', 'acme'], { BACKLINE_GITHUB_INFER: 'false' });
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger']);
  });

  it('names the repository and file that stopped parsing, exits 1, and keeps its last good entities', async () => {
    await cli(['catalog', 'ingest', '--github-org', 'acme']);
    github.setFile('acme', 'ledger', 'catalog-info.yaml', 'kind: Component\nmetadata: [unclosed\n');
    const { code, stdout } = await cli(['catalog', 'ingest', '--github-org', 'acme']);
    expect(code).toBe(1);
    expect(stdout).toContain('entities from files that failed to read or parse are kept as they were');
    expect(stdout).toMatch(new RegExp(`^  ${github.web.replace(/[.]/g, '\\.')}/acme/ledger/blob/main/catalog-info\\.yaml:\\d+:\\d+: .*is not valid YAML`, 'm'));
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger', 'component:default/website']);
  });

  it('prints one JSON document with what GitHub cost: the second run is answered by 304s', async () => {
    // The listing, three catalog files, the teams, and two GraphQL queries: CODEOWNERS and team permissions.
    const cold = JSON.parse((await cli(['catalog', 'ingest', '--json', '--github-org', 'acme'])).stdout) as { github: { requests: number; notModified: number; organisations: unknown[] } };
    expect(cold.github).toMatchObject({ requests: 7, notModified: 0, organisations: [{ org: 'acme', repositories: 3, skipped: 0, catalogFiles: 2, inferred: 1 }] });
    // Unchanged: 304s for the listing and the teams, and the team permissions query (GraphQL cannot answer 304).
    const warm = JSON.parse((await cli(['catalog', 'ingest', '--json', '--github-org', 'acme'])).stdout) as { github: { requests: number; notModified: number }; locations: { unchanged: number } };
    expect(warm.github).toMatchObject({ requests: 3, notModified: 2 });
    expect(warm.locations.unchanged).toBe(5);
  });

  it('ingests BACKLINE_GITHUB_ORGS with BACKLINE_GITHUB_CATALOG_PATH when no path is given, with teams when asked', async () => {
    github.addRepo('acme', 'platform', { files: { 'services/api/catalog-info.yaml': docs(component('platform-api', { owner: 'payments' })) } });
    github.addTeam('acme', { slug: 'payments', name: 'Payments', members: ['alice'] });
    github.addUser({ login: 'alice', name: 'Alice Liddell' });
    const { code } = await cli(['catalog', 'ingest', '--github-import-teams'], { BACKLINE_GITHUB_ORGS: 'acme', BACKLINE_GITHUB_CATALOG_PATH: '**/catalog-info.yaml' });
    expect(code).toBe(0);
    expect(await refs(db())).toEqual(['component:default/billing', 'component:default/ledger', 'component:default/platform-api', 'component:default/website', 'group:default/payments', 'user:default/alice']);
    const whoowns = await cli(['whoowns', 'platform-api']);
    expect(whoowns.stdout).toContain('Members: Alice Liddell');
  });

  it('exits 2 when given nothing to ingest, or an organisation without credentials', async () => {
    const nothing = await cli(['catalog', 'ingest']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('needs files, folders or Location files, or --github-org ORG');
    const noToken = await cli(['catalog', 'ingest', '--github-org', 'acme'], { GITHUB_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('Reading GitHub needs credentials: set GITHUB_TOKEN');
    expect((await cli(['catalog', 'ingest', '--github-org', 'not/an-org'])).code).toBe(2);
  });
});

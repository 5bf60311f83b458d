import { pathToFileURL } from 'node:url';
import nock from 'nock';
import { CatalogFolder } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { BROKEN_CATALOG, DOCS_CATALOG, FIXTURE_SITES } from './helpers';
import { runCli, type CliRun } from '../support/cli';

const db = useTestDatabase();
const folder = new CatalogFolder();
const SITES = pathToFileURL(FIXTURE_SITES).toString();
const GITHUB_API = 'https://github.example.com/api/v3';

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url, TECHDOCS_BASE_URL: SITES, ...env });
}

beforeAll(async () => {
  folder.write('catalog-info.yaml', `${DOCS_CATALOG}---\n${BROKEN_CATALOG}`);
  expect((await cli(['catalog', 'ingest', folder.path('catalog-info.yaml')])).code).toBe(0);
});

afterAll(() => folder.dispose());

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('backline docs', () => {
  it('prints one JSON document: the entity, its site, build time, freshness and best pages', async () => {
    const { code, stdout } = await cli(['docs', '--json', 'payments-service', 'partial', 'refund']);
    expect(code).toBe(0);
    const site = `${SITES}/default/component/payments-service/`;
    expect(JSON.parse(stdout)).toEqual({
      entity: 'component:default/Payments-Service',
      url: `${site}index.html`,
      builtAt: '2026-11-19T06:00:00.000Z',
      stale: false,
      pages: [
        { title: 'Partial refunds', url: `${site}refunds/index.html#partial-refunds`, score: expect.any(Number) },
        { title: 'Refunds', url: `${site}refunds/index.html`, score: expect.any(Number) },
      ],
      warnings: [],
    });
  });

  it('says when an entity has no docs, in the warnings, and exits 1', async () => {
    const { code, stdout } = await cli(['docs', '--json', 'marketing-site']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      entity: 'component:default/marketing-site',
      url: null,
      builtAt: null,
      stale: null,
      pages: [],
      warnings: ['component:default/marketing-site has no docs: add the annotation backstage.io/techdocs-ref: dir:. to its catalog-info.yaml and publish its TechDocs, or a link of type docs in metadata.links.'],
    });
  });

  it('gives a missing site as a warning, not a failure', async () => {
    const { code, stdout } = await cli(['docs', '--json', 'silent']);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as { url: string; builtAt: null; warnings: string[] };
    expect(answer).toMatchObject({ url: `${SITES}/default/component/silent/index.html`, builtAt: null, stale: null });
    expect(answer.warnings).toEqual([expect.stringContaining('techdocs_metadata.json is not there')]);
  });

  it('calls the docs stale when GitHub has a commit to the docs folder after the build, and asks conditionally next time', async () => {
    const github = { GITHUB_TOKEN: 'ghp_docs_test', GITHUB_API_URL: GITHUB_API };
    nock(GITHUB_API, { reqheaders: { authorization: 'token ghp_docs_test' } })
      .get('/repos/northwind/payments-service/commits')
      .query({ path: 'docs', per_page: '1' })
      .reply(200, [{ sha: 'abc', commit: { committer: { date: '2026-11-20T09:00:00Z' } } }], { etag: '"commits-1"' });
    const first = JSON.parse((await cli(['docs', '--json', 'payments-service'], github)).stdout) as { stale: boolean };
    expect(first.stale).toBe(true);

    nock(GITHUB_API, { reqheaders: { 'if-none-match': '"commits-1"' } })
      .get('/repos/northwind/payments-service/commits')
      .query({ path: 'docs', per_page: '1' })
      .reply(304);
    const { stdout } = await cli(['docs', 'payments-service'], github);
    expect(stdout).toContain('STALE: the docs changed');
    expect(stdout).toContain('after the last build');
  });

  it('searches every cached site when the words name no entity', async () => {
    await cli(['docs', 'ledger-service']);
    const { code, stdout } = await cli(['docs', 'reconciliation']);
    expect(code).toBe(0);
    expect(stdout).toContain(`1. Reconciliation  ${SITES}/default/component/ledger-service/reconciliation/index.html`);
  });

  it('exits 2 without an entity', async () => {
    expect((await cli(['docs'])).code).toBe(2);
  });
});

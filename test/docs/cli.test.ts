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

/** The CLI wraps at 80 columns: assertions read the text with its line breaks as spaces. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
    // The entity is named Payments-Service; JSON gives its ref as Backstage's stringifyEntityRef does.
    expect(JSON.parse(stdout)).toEqual({
      entity: 'component:default/payments-service',
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
    expect(oneLine(stdout)).toMatch(/⚠️ stale: the docs changed .+, after the last build/);
  });

  it('prints the /docs card in words: the site, when it was built, and the best pages with their links', async () => {
    const { code, stdout } = await cli(['docs', 'payments-service', 'partial', 'refund']);
    expect(code).toBe(0);
    const site = `${SITES}/default/component/payments-service/`;
    const text = oneLine(stdout);
    expect(stdout).toMatch(/^Docs: Payments Service\n=+\n {2}`component:default\/Payments-Service`\n/);
    expect(text).toContain(`(${site}index.html) built `);
    expect(text).toContain(' · up to date');
    expect(text).toMatch(new RegExp(`Best pages for “partial refund” Partial refunds \\(${escape(site)}refunds/index\\.html#partial-refunds\\) .* Refunds \\(${escape(site)}refunds/index\\.html\\)`));
    // The CLI has nothing to press: the link the "Open docs" button would open is in the text.
    expect(stdout).not.toContain('Open docs');
  });

  it('prints the annotation to add when an entity has no docs, and exits 1', async () => {
    const { code, stdout } = await cli(['docs', 'marketing-site']);
    expect(code).toBe(1);
    expect(oneLine(stdout)).toContain('has no docs yet. Add this to its `catalog-info.yaml` and publish its TechDocs:');
    expect(stdout).toContain('```\nmetadata:\n  annotations:\n    backstage.io/techdocs-ref: dir:.\n```');
  });

  it('searches every cached site when the words name no entity', async () => {
    await cli(['docs', 'ledger-service']);
    const { code, stdout } = await cli(['docs', 'reconciliation']);
    expect(code).toBe(0);
    // The first page, with the site it is on.
    expect(oneLine(stdout)).toMatch(/^Best pages for “reconciliation” Reconciliation \(/);
    expect(oneLine(stdout)).toContain(`Reconciliation (${SITES}/default/component/ledger-service/reconciliation/index.html) ledger-service`);
  });

  it('exits 2 without an entity', async () => {
    expect((await cli(['docs'])).code).toBe(2);
  });
});

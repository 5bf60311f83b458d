import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/serve/server';
import { checkMessageLimits } from '../../commands/blockKit/checks';
import { CatalogFolder } from '../support/catalogFiles';
import { expectNoViolations, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { freePort } from '../support/net';
import { postSignedToSlackEndpoint, slashCommandBody } from '../support/slackSigning';
import { useTestDatabase } from '../support/testDatabase';
import { BROKEN_CATALOG, DOCS_CATALOG, FIXTURE_SITES, serveBrokenSites, type LoopbackSite } from './helpers';
import { waitUntil } from '../support/waitFor';

const SECRET = 'docs-e2e-signing-secret-0123456789';
const db = useTestDatabase();
const folder = new CatalogFolder();
let slack: FakeSlack;
let server: RunningServer;
let base: string;

async function start(env: Record<string, string>): Promise<{ server: RunningServer; base: string }> {
  const port = await freePort();
  const config = loadConfig({ DATABASE_URL: db().url, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, ...env });
  return { server: await startServer(config, { logger: silentLogger }), base: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  folder.write('catalog-info.yaml', `${DOCS_CATALOG}---\n${BROKEN_CATALOG}`);
  const report = await ingest([await rootFromPath(folder.path('catalog-info.yaml'))], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  slack = await startFakeSlack();
  ({ server, base } = await start({ BACKLINE_DOCS_DIR: FIXTURE_SITES }));
});

afterAll(async () => {
  await server.stop();
  await slack.close();
  folder.dispose();
});

afterEach(() => {
  expectNoViolations(slack);
  slack.reset();
});

const command = (url: string, name: string, text: string) => postSignedToSlackEndpoint(`${url}/slack/events`, SECRET, slashCommandBody({ command: name, text, response_url: slack.responseUrl() }));
type Reply = { response_type: string; text: string; blocks: unknown[] };

const waitFor = (condition: () => Promise<boolean> | boolean, timeoutMs = 5000) => waitUntil(condition, timeoutMs, 'the answer');

describe('serve with BACKLINE_DOCS_DIR', () => {
  it('hosts the TechDocs folder at /techdocs/, with index pages, and nothing outside it', async () => {
    const site = `${base}/techdocs/default/component/payments-service`;
    const metadata = await fetch(`${site}/techdocs_metadata.json`);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('content-type')).toBe('application/json');
    expect(await metadata.json()).toMatchObject({ site_name: 'Payments Service', etag: 'etag-payments-1' });
    expect(await (await fetch(`${site}/refunds/`)).text()).toContain('<h1>Refunds</h1>');
    const redirect = await fetch(site, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/techdocs/default/component/payments-service/']);
    expect((await fetch(`${site}/nothing.html`)).status).toBe(404);
    expect((await fetch(`${base}/techdocs/..%2f..%2fpackage.json`)).status).toBe(400);
    // fetch resolves dot segments itself, so this one asks for /package.json, which nothing serves.
    expect((await fetch(`${base}/techdocs/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers a signed /docs with the hosted site, its build time and the best page', async () => {
    const response = await command(base, '/docs', 'payments-service partial refund');
    expect(response.status).toBe(200);
    const reply = response.json as Reply;
    expect(reply.response_type).toBe('ephemeral');
    expect(checkMessageLimits(reply)).toEqual([]);
    const site = `http://localhost:${new URL(base).port}/techdocs/default/component/payments-service/`;
    expect(reply.text).toMatch(new RegExp(`^Docs of component:default/Payments-Service: ${site} \\(built \\d+ \\w+ ago\\)$`));
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain(`*<${site}|Payments Service>*\\nbuilt `);
    expect(text).toContain(`*<${site}refunds/#partial-refunds|Partial refunds>*`);
  });

  it('reads every site at start, so /whoowns shows the build age without asking the site', async () => {
    await waitFor(async () => (await db().pool.query('SELECT 1 FROM docs_sites WHERE built_at IS NOT NULL')).rowCount === 2);
    const reply = (await command(base, '/whoowns', 'ledger-service')).json as Reply;
    expect(JSON.stringify(reply.blocks)).toMatch(/\*Docs\*\\n<http:\/\/localhost:\d+\/techdocs\/default\/component\/ledger-service\/\|Ledger Service> · built \d+ \w+ ago/);
  });

  it('shows the annotation to add for an entity without docs', async () => {
    const reply = (await command(base, '/docs', 'marketing-site')).json as Reply;
    expect(reply.text).toBe('component:default/marketing-site has no docs');
    expect(JSON.stringify(reply.blocks)).toContain('backstage.io/techdocs-ref: dir:.');
  });
});

describe('a docs site that never answers', () => {
  let broken: LoopbackSite;
  let slow: { server: RunningServer; base: string };
  beforeAll(async () => {
    broken = await serveBrokenSites();
    slow = await start({ TECHDOCS_BASE_URL: broken.baseUrl, BACKLINE_DOCS_TIMEOUT_SECONDS: '2.5', BACKLINE_DOCS_REFRESH_MINUTES: '0' });
  });
  afterAll(async () => {
    await slow.server.stop();
    await broken.close();
  });

  it('gets an empty ack in time, then the answer with a warning through response_url', async () => {
    const response = await command(slow.base, '/docs', 'silent');
    // Bolt answers 404 when nothing acked within 3 s: 200 with an empty body is the early ack.
    expect([response.status, response.text]).toEqual([200, '']);
    await waitFor(() => slack.responses.length === 1);
    const reply = slack.responses[0]!.body as Reply;
    expect(reply.text).toBe(`Docs of component:default/silent: ${broken.baseUrl}/default/component/silent/`);
    expect(JSON.stringify(reply.blocks)).toContain(`:warning: The docs site ${broken.baseUrl}/default/component/silent/ could not be read: the site did not answer within 2.5 s.`);
  });
});

import yaml from 'js-yaml';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DEMO_CATALOG } from '../../src/paths';
import { runCli, type CliRun } from '../support/cli';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url, ...env });
}

beforeAll(async () => {
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
});

describe('backline search', () => {
  it('prints one JSON document: the query, its filters, ranked results with owner and why, and suggestions', async () => {
    const { code, stdout } = await cli(['search', '--json', '--limit', '3', 'is', 'there', 'an', 'api', 'for', 'refunds?', 'owner:money-movement']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { query: string; filters: unknown; results: Array<Record<string, unknown>>; suggestions: string[] };
    expect(Object.keys(json)).toEqual(['query', 'filters', 'results', 'suggestions']);
    expect(json.query).toBe('is there an api for refunds? owner:money-movement');
    expect(json.filters).toEqual({ owner: ['money-movement'] });
    expect(json.results).toHaveLength(3);
    expect(json.results[0]).toEqual({ ref: 'api:default/payments-api', kind: 'api', title: 'Payments API (v2)', owner: 'group:default/payments', score: expect.any(Number), why: expect.stringMatching(/^description: .*refunds/) });
    for (const result of json.results) expect(Object.keys(result)).toEqual(['ref', 'kind', 'title', 'owner', 'score', 'why']);
    expect(json.suggestions).toEqual([]);
  });

  it('exits 1 with the nearest words when nothing matches', async () => {
    const { code, stdout } = await cli(['search', '--json', 'chargebakc', 'kind:domain']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ query: 'chargebakc kind:domain', filters: { kind: ['domain'] }, results: [], suggestions: ['chargeback', 'chargebacks', 'charge'] });
  });

  it('prints the answer as the shell shows it, without buttons', async () => {
    const { code, stdout } = await cli(['search', 'double', 'entry']);
    expect(code).toBe(0);
    expect(stdout).toContain('Ledger Service');
    expect(stdout).toContain('component:default/ledger-service');
    expect(stdout).not.toContain('More like this');
  });

  it('refuses a limit it cannot honour, with exit 2', async () => {
    const { code, stderr } = await cli(['search', '--limit', '0', 'x']);
    expect(code).toBe(2);
    expect(stderr).toContain('--limit must be a whole number from 1 to 100; got "0"');
  });
});

describe('backline manifest', () => {
  it('lists the domains whose links unfurl from configuration, and the address Slack calls', async () => {
    const { code, stdout } = await cli(['manifest', '--url', 'https://backline.northwind.example'], { GITHUB_API_URL: 'https://github.northwind.example/api/v3', TECHDOCS_BASE_URL: 'https://docs.northwind.example/techdocs', BACKLINE_CATALOG_URL: 'https://backstage.northwind.example' });
    expect(code).toBe(0);
    const manifest = yaml.load(stdout) as { features: { unfurl_domains: string[] }; settings: { event_subscriptions: { request_url: string } } };
    expect(manifest.features.unfurl_domains).toEqual(['github.northwind.example', 'docs.northwind.example', 'backstage.northwind.example']);
    expect(manifest.settings.event_subscriptions.request_url).toBe('https://backline.northwind.example/slack/events');
    expect(stdout).toContain('# Links to these hosts unfurl into an ownership card');
  });

  it('refuses an address Slack could not call', async () => {
    const { code, stderr } = await cli(['manifest', '--url', 'http://localhost:3000']);
    expect(code).toBe(2);
    expect(stderr).toContain('--url must be an https:// address Slack can reach');
  });
});

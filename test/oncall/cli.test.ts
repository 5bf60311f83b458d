import nock from 'nock';
import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { DEMO_CATALOG } from '../../src/paths';
import { useTestDatabase } from '../support/testDatabase';
import { PAGERDUTY, PD_TOKEN, pagerDutyService } from './providerFakes';
import { runCli, type CliRun } from '../support/cli';

const db = useTestDatabase();

beforeAll(async () => {
  const report = await ingest([await rootFromPath(DEMO_CATALOG)], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
});

afterEach(() => nock.cleanAll());

function cli(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url, ...env });
}

describe('backline oncall --json', () => {
  it('evaluates a catalog Rotation at the --at instant, override included, as one JSON document', async () => {
    const { code, stdout } = await cli({}, 'oncall', '--json', '--at', '2026-12-25T12:00:00Z', 'risk');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      query: 'risk',
      target: 'group:default/risk',
      source: 'rotation',
      oncall: [{ name: 'Elena Petrova', email: 'elena.petrova@northwind.example', userRef: 'user:default/elena.petrova', slackUserId: null, level: 1, until: '2026-12-27T00:00:00.000Z' }],
      next: [{ name: 'Jonas Weber', email: 'jonas.weber@northwind.example', userRef: 'user:default/jonas.weber', slackUserId: null, level: 1, from: '2026-12-27T00:00:00.000Z', until: '2026-12-28T09:00:00.000Z' }],
      via: { ref: 'group:default/risk', relation: 'itself' },
      pageUrl: null,
      at: '2026-12-25T12:00:00.000Z',
      warnings: [],
      suggestions: [],
    });
  });

  it("follows a service to its owner's daily rotation in Lisbon", async () => {
    const { stdout } = await cli({}, 'oncall', '--json', '--at', '2026-03-03T09:59:00Z', 'kyc-service');
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ target: 'component:default/kyc-service', source: 'rotation', via: { ref: 'group:default/onboarding', relation: 'owner' } });
    expect(answer.oncall.map((person: { userRef: string; until: string }) => [person.userRef, person.until])).toEqual([['user:default/olivia.tan', '2026-03-03T10:00:00.000Z']]);
  });

  it('asks PagerDuty with the configured token and puts level 1 first', async () => {
    pagerDutyService([
      { level: 2, name: 'Marcus Webb', email: 'marcus.webb@northwind.example', start: null, end: null },
      { level: 1, name: 'Ben Okafor', email: 'ben.okafor@northwind.example', start: '2026-05-04T09:00:00Z', end: '2026-05-11T09:00:00Z' },
    ]);
    const { code, stdout } = await cli({ PAGERDUTY_TOKEN: PD_TOKEN, PAGERDUTY_API_URL: PAGERDUTY }, 'oncall', '--json', '--at', '2026-05-06T12:00:00Z', 'payments');
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer.source).toBe('pagerduty');
    expect(answer.oncall.map((person: { name: string; level: number; slackUserId: string }) => [person.name, person.level, person.slackUserId])).toEqual([
      ['Ben Okafor', 1, 'U04BOKAFOR1'],
      ['Marcus Webb', 2, 'U02MWEBB001'],
    ]);
  });

  it('exits 1 with the reason when nobody can be named, and the fix when the provider is not configured', async () => {
    const { code, stdout } = await cli({}, 'oncall', '--json', 'payments-service');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ target: 'component:default/payments-service', source: 'pagerduty', oncall: [], warnings: [expect.stringContaining('set PAGERDUTY_TOKEN')] });
  });

  it('suggests near names when nothing matches', async () => {
    const { code, stdout } = await cli({}, 'oncall', '--json', 'paymnets-servce');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ target: null, source: null, oncall: [], suggestions: expect.arrayContaining(['component:default/payments-service']) });
  });

  it('rejects an --at that is not an ISO 8601 instant as a usage error', async () => {
    const { code, stdout, stderr } = await cli({}, 'oncall', '--at', 'next tuesday', 'risk');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--at must be an ISO 8601 date-time such as 2026-03-29T09:00:00Z');
  });

  it('prints who to call in words without --json: the /oncall card, with emails for names', async () => {
    const { code, stdout } = await cli({}, 'oncall', '--at', '2026-12-25T12:00:00Z', 'risk');
    expect(code).toBe(0);
    const text = oneLine(stdout);
    expect(stdout).toMatch(/^On call for Risk\n=+\n/);
    expect(text).toContain('Rotation · Risk primary on-call `group:default/risk`');
    expect(text).toContain('Level 1 Elena Petrova <elena.petrova@northwind.example> until');
    expect(text).toContain('Next: Jonas Weber <jonas.weber@northwind.example> from');
  });

  it("prints PagerDuty's page as a link, since the CLI has no button to press", async () => {
    pagerDutyService([{ level: 1, name: 'Ben Okafor', email: 'ben.okafor@northwind.example', start: '2026-05-04T09:00:00Z', end: '2026-05-11T09:00:00Z' }]);
    const { code, stdout } = await cli({ PAGERDUTY_TOKEN: PD_TOKEN, PAGERDUTY_API_URL: PAGERDUTY }, 'oncall', '--at', '2026-05-06T12:00:00Z', 'payments');
    expect(code).toBe(0);
    const text = oneLine(stdout);
    expect(text).toContain('Level 1 Ben Okafor <ben.okafor@northwind.example> until');
    expect(text).toContain('Page in PagerDuty (https://northwind.pagerduty.com/service-directory/PQ7K2ZL)');
    expect(stdout).not.toMatch(/\[\d+\]|<@U/);
  });

  it('prints the reason nobody can be named, and exits 1', async () => {
    const { code, stdout } = await cli({}, 'oncall', 'payments-service');
    expect(code).toBe(1);
    const text = oneLine(stdout);
    expect(text).toContain('PagerDuty · pagerduty.com/service-id: PQ7K2ZL `component:default/payments-service`');
    expect(text).toContain('Nobody is on call right now.');
    expect(text).toContain('⚠️ On-call for Payments Service is in PagerDuty');
    expect(text).toContain('set PAGERDUTY_TOKEN');
  });

  it('prints near names with the ref to type when nothing matches, and exits 1', async () => {
    const { code, stdout } = await cli({}, 'oncall', 'paymnets-servce');
    expect(code).toBe(1);
    expect(stdout).toContain('Nothing in the catalog is called paymnets-servce.');
    expect(stdout).toContain('Did you mean:\n');
    expect(stdout).toContain('• Payments Service  `component:default/payments-service`');
  });
});

/** The CLI wraps at 80 columns: assertions read the text with its line breaks as spaces. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

describe('backline whoowns --json', () => {
  it("carries the owner's on-call entries in owner.oncall", async () => {
    const { stdout } = await cli({}, 'whoowns', '--json', 'risk-scoring-service');
    const answer = JSON.parse(stdout);
    expect(answer.owner.oncall).toHaveLength(1);
    expect(Object.keys(answer.owner.oncall[0])).toEqual(['name', 'email', 'userRef', 'slackUserId', 'level', 'until']);
    expect(answer.owner.oncall[0]).toMatchObject({ email: expect.stringMatching(/@northwind\.example$/), userRef: expect.stringMatching(/^user:default\//), level: 1, until: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
  });
});

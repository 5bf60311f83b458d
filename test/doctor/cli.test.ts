import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import nock from 'nock';
import { manifestScopes } from '../../src/compose/doctor';
import { component, group } from '../support/catalogFiles';
import { runCli } from '../support/cli';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { useTestDatabase } from '../support/testDatabase';
import { PAGERDUTY, PD_TOKEN } from '../oncall/providerFakes';
import { catalogOf } from './helpers';

const db = useTestDatabase();
const SITES = pathToFileURL(path.join(__dirname, '..', 'fixtures', 'techdocs')).toString();
let slack: FakeSlack | undefined;
let github: FakeGitHub;

beforeAll(async () => {
  await catalogOf(db(), group('payments', { channel: 'C0PAYMENTS' }), component('ledger-service', { owner: 'payments' }).replace('metadata:\n', 'metadata:\n  annotations:\n    backstage.io/techdocs-ref: dir:.\n'));
  github = await startFakeGitHub();
  github.addRepo('acme', 'billing');
});
afterAll(() => github.close());
afterEach(async () => {
  await slack?.close();
  slack = undefined;
  nock.cleanAll();
});

const installation = () => ({
  DATABASE_URL: db().url,
  SLACK_BOT_TOKEN: 'xoxb-doctor',
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aa11ee85a5',
  SLACK_API_URL: slack!.url,
  GITHUB_API_URL: github.url,
  GITHUB_TOKEN: 'ghp_backline_test',
  BACKLINE_GITHUB_ORGS: 'acme',
  PAGERDUTY_TOKEN: PD_TOKEN,
  PAGERDUTY_API_URL: PAGERDUTY,
  TECHDOCS_BASE_URL: SITES,
});

describe('backline doctor', () => {
  it('--json prints one document with every check, and exits 1 on a problem', async () => {
    slack = await startFakeSlack({ scopes: manifestScopes().filter((scope) => scope !== 'groups:history'), channels: [{ id: 'C0PAYMENTS', name: 'payments' }] });
    nock(PAGERDUTY).get('/oncalls').query({ limit: '1' }).reply(200, { oncalls: [] });
    const { code, stdout } = await runCli(['doctor', '--json'], installation());
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout) as { ok: boolean; checks: Array<{ name: string; status: string; message: string; fix: string | null }> };
    expect(report.ok).toBe(false);
    expect(report.checks.map(({ name, status }) => `${name} ${status}`)).toEqual([
      'config ok',
      'database ok',
      'database.migrations ok',
      'slack.token ok',
      'slack.scopes problem',
      'slack.signing-secret ok',
      'slack.app-token skipped',
      'slack.channels ok',
      'github.auth ok',
      'github.org:acme ok',
      'oncall.pagerduty ok',
      'oncall.opsgenie skipped',
      'docs.techdocs ok',
      'scaffolder.templates ok',
    ]);
    for (const check of report.checks) expect(Object.keys(check)).toEqual(['name', 'status', 'message', 'fix']);
    expect(report.checks.find((check) => check.name === 'slack.scopes')).toMatchObject({ message: 'the bot token lacks 1 scope manifest.yml asks for: groups:history', fix: expect.stringContaining('Reinstall to Workspace') });
  });

  it('prints a line per check and exits 0 when nothing is wrong', async () => {
    slack = await startFakeSlack({ channels: [{ id: 'C0PAYMENTS', name: 'payments' }] });
    nock(PAGERDUTY).get('/oncalls').query({ limit: '1' }).reply(200, { oncalls: [] });
    const { code, stdout } = await runCli(['doctor'], installation());
    expect(stdout).toMatch(/^✓ config: /);
    expect(stdout).toContain('\n✓ slack.channels: @backline is in the team channel the catalog names\n');
    expect(stdout).toContain('\n– oncall.opsgenie: not configured: OPSGENIE_API_KEY is not set\n');
    expect(stdout).toMatch(/\n\nNo problems found \(2 skipped\)\.\n$/);
    expect(code).toBe(0);
  });

  it('reports a configuration that does not load as a problem, not a usage error', async () => {
    const { code, stdout, stderr } = await runCli(['doctor'], { DATABASE_URL: db().url, PORT: '70000' });
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^✗ config: Backline's configuration is invalid \(PORT\); the other checks ran without the invalid settings\n {4}PORT: Number must be less than or equal to 65535\. The TCP port/);
  });
});

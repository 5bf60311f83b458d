import { WHERE_TO_GET } from '../../src/config';
import { reportOf, ok, problem, skipped } from '../../src/doctor/findings';
import { doctorJson, formatDoctorReport } from '../../src/doctor/report';
import { CatalogFolder } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { catalogOf, check, doctor } from './helpers';

const db = useTestDatabase();
beforeAll(() => catalogOf(db()));

describe('the configuration', () => {
  it('is valid without a backline.yaml', async () => {
    expect(check(await doctor({ DATABASE_URL: db().url }), 'config')).toEqual({ name: 'config', status: 'ok', message: 'the environment is valid; there is no backline.yaml, so the default health checks and catalog rules apply', fix: null });
  });

  it('names each invalid setting with its fix, and the other checks still run without them', async () => {
    const report = await doctor({ DATABASE_URL: db().url, PORT: 'eighty', SLACK_BOT_TOKEN: 'xoxp-a-user-token' });
    const found = check(report, 'config');
    expect(found.status).toBe('problem');
    expect(found.message).toBe("Backline's configuration is invalid (PORT, SLACK_BOT_TOKEN); the other checks ran without the invalid settings");
    expect(found.fix!.split('\n')).toEqual([`PORT: Expected number, received nan. ${WHERE_TO_GET.PORT}`, `SLACK_BOT_TOKEN: must be a bot token starting with xoxb-. ${WHERE_TO_GET.SLACK_BOT_TOKEN}`]);
    expect(check(report, 'database').status).toBe('ok');
    expect(check(report, 'slack.token')).toMatchObject({ status: 'skipped' });
  });

  it('leaves a GitHub App with half its settings out, and says which half is missing', async () => {
    const report = await doctor({ DATABASE_URL: db().url, GITHUB_APP_ID: '4242' });
    expect(check(report, 'config')).toMatchObject({ status: 'problem', fix: expect.stringMatching(/^GITHUB_APP_PRIVATE_KEY is not set, but a GitHub App needs both GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY\./) });
    expect(check(report, 'github.auth').status).toBe('skipped');
  });

  it('that does not load at all leaves every other check unchecked, by name', async () => {
    const folder = new CatalogFolder();
    try {
      const file = folder.write('backline.yaml', 'health:\n  checks: [\n');
      const report = await doctor({ DATABASE_URL: db().url, BACKLINE_CONFIG: file });
      expect(check(report, 'config')).toMatchObject({ status: 'problem', message: expect.stringContaining(`${file} is not valid YAML`) });
      expect(report.checks.slice(1).map(({ name, status, message }) => `${name} ${status} ${message}`)).toEqual(
        ['database', 'database.migrations', 'slack.token', 'slack.scopes', 'slack.signing-secret', 'slack.app-token', 'slack.channels', 'github.auth', 'github.orgs', 'oncall.pagerduty', 'oncall.opsgenie', 'docs.techdocs', 'scaffolder.templates'].map((name) => `${name} skipped not checked: the configuration does not load (see config)`),
      );
      expect(report.ok).toBe(false);
    } finally {
      folder.dispose();
    }
  });
});

describe('the report', () => {
  const report = reportOf([
    ok('database', 'PostgreSQL 16.4 answers'),
    problem('slack.scopes', 'the bot token lacks 1 scope manifest.yml asks for: groups:history', 'Add it to the app.\nThen reinstall the app.'),
    skipped('oncall.opsgenie', 'not configured: OPSGENIE_API_KEY is not set'),
  ]);

  it('prints one line per check, with a problem\'s fix indented under it, and a summary', () => {
    expect(formatDoctorReport(report)).toBe(
      [
        '✓ database: PostgreSQL 16.4 answers',
        '✗ slack.scopes: the bot token lacks 1 scope manifest.yml asks for: groups:history',
        '    Add it to the app.',
        '    Then reinstall the app.',
        '– oncall.opsgenie: not configured: OPSGENIE_API_KEY is not set',
        '',
        '1 problem found (1 skipped): fix it and run backline doctor again.',
        '',
      ].join('\n'),
    );
    expect(formatDoctorReport(reportOf([ok('config', 'valid')]))).toBe('✓ config: valid\n\nNo problems found.\n');
  });

  it('is one JSON document of a stable shape, fix null unless a problem', () => {
    expect(doctorJson(report)).toEqual({
      ok: false,
      checks: [
        { name: 'database', status: 'ok', message: 'PostgreSQL 16.4 answers', fix: null },
        { name: 'slack.scopes', status: 'problem', message: 'the bot token lacks 1 scope manifest.yml asks for: groups:history', fix: 'Add it to the app.\nThen reinstall the app.' },
        { name: 'oncall.opsgenie', status: 'skipped', message: 'not configured: OPSGENIE_API_KEY is not set', fix: null },
      ],
    });
  });

  it('keeps terminal control characters from the catalog out of the text, and secrets out of both', () => {
    const hostile = reportOf([problem('slack.channels', 'cannot post to #pay\u001b[2J\u001b]0;owned\u0007ments', 'check postgresql://backline:hunter2@db.internal/backline')]);
    const text = formatDoctorReport(hostile);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text).toContain('#pay�[2J�]0;owned�ments');
    expect(text).toContain('postgresql://backline:***@db.internal/backline');
    expect(JSON.stringify(doctorJson(hostile))).not.toContain('hunter2');
  });
});

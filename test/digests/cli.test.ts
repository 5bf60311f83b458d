import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { loadConfig } from '../../src/config';
import { openHealth } from '../../src/compose/health';
import { openBackline } from '../../src/compose/backline';
import { CatalogFolder, docs } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { runCli, type CliRun } from '../support/cli';

const db = useTestDatabase();
const folder = new CatalogFolder();

function cli(...args: string[]): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url, BACKLINE_CONFIG: folder.path('backline.yaml') });
}

const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  annotations:\n    slack.com/channel: ${name}\nspec:\n  type: team\n  children: []`;
const service = (name: string, owner: string, description?: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${description ? `  description: ${description}\n` : ''}spec:\n  type: service\n  lifecycle: production\n  owner: ${owner}`;

beforeAll(async () => {
  // One check keeps the digests short: the default scorecard is the health core's to test.
  folder.write(
    'backline.yaml',
    [
      'health:',
      '  defaultChecks: false',
      '  checks:',
      '    - id: has-description',
      '      title: Has a description',
      '      why: People read it first.',
      '      fix: { text: Add metadata.description. }',
      '      appliesTo: { kinds: [Component] }',
      '      level: bronze',
      '      rule: { all: [{ fact: hasDescription, operator: equal, value: true }] }',
    ].join('\n'),
  );
  folder.write('catalog/all.yaml', docs(group('payments'), group('quiet'), service('ledger', 'payments'), service('lamp', 'quiet', 'Lights the way.')));
  const report = await ingest([await rootFromPath(folder.path('catalog'))], { store: PgCatalogStore.create({ pool: db().pool }), maxBytes: 1024 * 1024 });
  expect(report.errors).toEqual([]);
  const backline = await openBackline(loadConfig({ DATABASE_URL: db().url, BACKLINE_CONFIG: folder.path('backline.yaml') }));
  try {
    await openHealth(backline).service.collectAndScore();
  } finally {
    await backline.close();
  }
});

afterAll(() => folder.dispose());

describe('backline digest --dry-run', () => {
  it('prints one JSON document: for each team, its channel, whether it would be sent, why, and the blocks', async () => {
    const { code, stdout } = await cli('digest', '--dry-run', '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { digests: Array<Record<string, unknown>> };
    expect(Object.keys(parsed)).toEqual(['digests']);
    expect(parsed.digests.map((digest) => Object.keys(digest))).toEqual([
      ['team', 'channel', 'send', 'reason', 'blocks'],
      ['team', 'channel', 'send', 'reason', 'blocks'],
    ]);
    expect(parsed.digests.map(({ blocks: _blocks, ...rest }) => rest)).toEqual([
      { team: 'group:default/payments', channel: 'payments', send: true, reason: '1 failing check' },
      { team: 'group:default/quiet', channel: 'quiet', send: false, reason: 'nothing fails and nothing changed since the last digest' },
    ]);
    expect(JSON.stringify(parsed.digests[0]!.blocks)).toContain('*1. Has a description*');
  });

  it('takes one team by name or ref, and records nothing', async () => {
    const { code, stdout } = await cli('digest', '--dry-run', '--team', 'quiet', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { digests: Array<{ team: string }> }).digests.map((digest) => digest.team)).toEqual(['group:default/quiet']);
    const { rows } = await db().pool.query('SELECT count(*)::int AS n FROM digests');
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('reads as text without --json', async () => {
    const { code, stdout } = await cli('digest', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toContain('group:default/payments → #payments: would send (1 failing check)');
    expect(stdout).toContain('group:default/quiet → #quiet: would not send (nothing fails and nothing changed since the last digest)');
    expect(stdout).toContain('1 of 2 team(s) would get a digest now.');
  });

  it('is a usage error without --dry-run, and exit 1 for a team not in the catalog', async () => {
    const usage = await cli('digest');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('backline digest only runs with --dry-run');
    const missing = await cli('digest', '--dry-run', '--team', 'nobody');
    expect(missing).toMatchObject({ code: 1, stdout: 'group:default/nobody is not a team in the catalog.\n' });
  });
});

describe('backline digest --dry-run on a new installation', () => {
  it('evaluates health first when none has run, so the preview shows what fails', async () => {
    await db().pool.query('TRUNCATE health_entities, health_results, health_transitions, health_team_scores, health_fact_changes');
    const { code, stdout, stderr } = await cli('digest', '--dry-run', '--team', 'payments', '--json');
    expect(code).toBe(0);
    expect(stderr).toContain('no health evaluation has run yet; evaluating every entity first');
    const [digest] = (JSON.parse(stdout) as { digests: Array<{ send: boolean; reason: string }> }).digests;
    expect(digest).toMatchObject({ send: true, reason: '1 failing check' });
    // Every entity of the catalog was evaluated: the two teams and their two services.
    const { rows } = await db().pool.query('SELECT count(*)::int AS n FROM health_entities');
    expect(rows[0]).toEqual({ n: 4 });
  });
});

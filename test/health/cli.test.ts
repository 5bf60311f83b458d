import { CatalogFolder } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { ingestCatalog } from './helpers';
import { runCli, type CliRun } from '../support/cli';

const db = useTestDatabase();
const folder = new CatalogFolder();

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url, BACKLINE_CONFIG: folder.path('backline.yaml'), ...env });
}

beforeAll(async () => {
  // A scorecard of two checks keeps the expected output short; the default one is tested elsewhere.
  folder.write(
    'backline.yaml',
    [
      'health:',
      '  defaultChecks: false',
      '  checks:',
      '    - id: has-description',
      '      title: Has a description',
      '      why: People read it first.',
      '      fix: { text: Add metadata.description., url: "https://backstage.io/docs/features/software-catalog/descriptor-format#description-optional" }',
      '      appliesTo: { kinds: [Component] }',
      '      level: bronze',
      '      rule: { all: [{ fact: hasDescription, operator: equal, value: true }] }',
      '    - id: has-readme',
      '      title: Has a README',
      '      why: Newcomers start there.',
      '      fix: { text: Add a README.md. }',
      '      appliesTo: { kinds: [Component] }',
      '      level: silver',
      '      rule: { all: [{ fact: github.hasReadme, operator: equal, value: true }] }',
    ].join('\n'),
  );
  await ingestCatalog(db().pool, folder);
});

afterAll(() => folder.dispose());

describe('backline health', () => {
  it("prints an entity's checks, why a failing one matters and how to fix it, and records the results", async () => {
    const { code, stdout } = await cli(['health', 'legacy-job']);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'legacy-job (component:default/legacy-job): score 0, level none (below bronze)',
        '  ✗ fail     Has a description [bronze, has-description]',
        '               Why: People read it first.',
        '               Fix: Add metadata.description. https://backstage.io/docs/features/software-catalog/descriptor-format#description-optional',
        '  ? unknown  Has a README [silver, has-readme]',
        '               Not known: github.hasReadme (see docs/health.md: Facts)',
        '',
      ].join('\n'),
    );
    const { rows } = await db().pool.query('SELECT check_id, status FROM health_results WHERE entity_key = $1 ORDER BY check_id', ['component:default/legacy-job']);
    expect(rows).toEqual([
      { check_id: 'has-description', status: 'fail' },
      { check_id: 'has-readme', status: 'unknown' },
    ]);
  });

  it("prints one JSON document for a team: every entity it owns, the team's score and level", async () => {
    const { code, stdout } = await cli(['health', '--json', 'group:default/payments']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ query: 'group:default/payments', match: 'group:default/payments', kind: 'team', score: 100, level: 'bronze', team: { ref: 'group:default/payments', displayName: 'Payments Team', channel: 'payments' }, suggestions: [] });
    expect(json.entities.map((entity: { ref: string }) => entity.ref)).toEqual(['component:default/payments-api', 'rotation:default/payments-primary', 'system:default/billing']);
    expect(json.entities[0]).toMatchObject({ displayName: 'Payments API', kind: 'component', type: 'service', lifecycle: 'production', score: 100, level: 'bronze' });
    expect(json.entities[0].checks).toEqual([
      { id: 'has-description', title: 'Has a description', level: 'bronze', status: 'pass', since: json.evaluatedAt, why: 'People read it first.', fix: { text: 'Add metadata.description.', url: 'https://backstage.io/docs/features/software-catalog/descriptor-format#description-optional' }, unknownFacts: [] },
      { id: 'has-readme', title: 'Has a README', level: 'silver', status: 'unknown', since: expect.any(String), why: 'Newcomers start there.', fix: { text: 'Add a README.md.', url: null }, unknownFacts: ['github.hasReadme'] },
    ]);
    expect(json.entities[0].facts).toMatchObject({ hasDescription: true, 'owner.hasMembers': true });
    const { rows } = await db().pool.query('SELECT team_ref, score, level, entities FROM health_team_scores');
    expect(rows).toEqual([{ team_ref: 'group:default/payments', score: 100, level: 'bronze', entities: 3 }]);
  });

  it('exits 1 with suggestions when nothing matches', async () => {
    const { code, stdout } = await cli(['health', '--json', 'legacy-jbo']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ match: null, kind: null, entities: [], suggestions: expect.arrayContaining(['component:default/legacy-job']) });
    expect((await cli(['health', 'legacy-jbo'])).stdout).toContain('Did you mean: component:default/legacy-job');
  });

  it('exits 2 on a usage error or an invalid backline.yaml, naming the file, check and field', async () => {
    expect((await cli(['health'])).code).toBe(2);
    const broken = folder.write('broken.yaml', 'health:\n  checks:\n    - id: has-readme\n      title: t\n      why: w\n      fix: { text: f }\n      level: platinum\n      rule: { all: [{ fact: github.readme, operator: equal, value: true }] }\n');
    const { code, stderr } = await cli(['health', 'legacy-job'], { BACKLINE_CONFIG: broken });
    expect(code).toBe(2);
    expect(stderr).toContain(`${broken} is invalid`);
    expect(stderr).toContain('check "has-readme" (health.checks[0]), field level: must be one of bronze, silver, gold');
    expect(stderr).toContain('check "has-readme" (health.checks[0]), field rule.all[0].fact: unknown fact "github.readme"; valid facts: hasDescription, lifecycle');
  });
});

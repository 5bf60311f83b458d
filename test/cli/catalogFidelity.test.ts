import { CatalogFolder, component, docs } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { runCli, type CliRun } from '../support/cli';

const db = useTestDatabase();
const folder = new CatalogFolder();
afterAll(() => folder.dispose());

function cli(...args: string[]): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: db().url });
}

interface Entry {
  file: string;
  document: number | null;
  ref: string | null;
  valid: boolean;
  errors: string[];
  warnings?: string[];
}

async function validateJson(...files: string[]): Promise<{ code: number; entities: Entry[] }> {
  const { code, stdout } = await cli('catalog', 'validate', '--json', ...files);
  return { code, entities: (JSON.parse(stdout) as { entities: Entry[] }).entities };
}

describe('backline catalog validate, as Backstage judges files', () => {
  it('accepts the same entity twice in one file, warning that the last copy is the one kept', async () => {
    const file = folder.write('twice.yaml', docs(component('billing', { owner: 'team-a' }), component('billing', { owner: 'team-b' })));
    const { code, entities } = await validateJson(file);
    expect(code).toBe(0);
    expect(entities).toEqual([
      { file, document: 1, ref: 'component:default/billing', valid: true, errors: [] },
      { file, document: 2, ref: 'component:default/billing', valid: true, errors: [], warnings: [expect.stringMatching(/defined twice .*\(documents 1 and 2\); the last one, document 2, is kept/)] },
    ]);
    const text = await cli('catalog', 'validate', file);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/warning: component:default\/billing is defined twice/);
  });

  it('accepts a Location of any type, warning when Backline cannot follow it', async () => {
    const file = folder.write('org-location.yaml', ['apiVersion: backstage.io/v1alpha1', 'kind: Location', 'metadata:', '  name: acme-org', 'spec:', '  type: github-org', '  target: https://github.com/acme'].join('\n'));
    const { code, entities } = await validateJson(file);
    expect(code).toBe(0);
    expect(entities).toEqual([{ file, document: 1, ref: 'location:default/acme-org', valid: true, errors: [], warnings: [expect.stringContaining('type "github-org"')] }]);
  });

  it('accepts an empty file and a file of comments, which hold no entities', async () => {
    const empty = folder.write('empty.yaml', '');
    const comments = folder.write('comments.yaml', '# nothing here yet\n');
    expect(await validateJson(empty, comments)).toEqual({ code: 0, entities: [] });
    const text = await cli('catalog', 'validate', empty, comments);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${empty}: no entities (the file is empty or holds only comments)`);
  });

  it('counts empty documents in the 1-based document index', async () => {
    const file = folder.write('leading-empty.yaml', `---\n# nothing here\n---\n${component('billing')}\n`);
    const { code, entities } = await validateJson(file);
    expect(code).toBe(0);
    expect(entities).toEqual([{ file, document: 2, ref: 'component:default/billing', valid: true, errors: [] }]);
  });

  it('says at which line and column a file stops parsing', async () => {
    const file = folder.write('bad-indent.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing\n   bad-indent: true\n');
    const text = await cli('catalog', 'validate', file);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^error ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+\\n`));
    const { entities } = await validateJson(file);
    expect(entities).toEqual([{ file, document: null, ref: null, valid: false, errors: [expect.stringMatching(/is not valid YAML: bad indentation of a mapping entry \(line 5, column \d+\)$/)] }]);
  });
});

describe('refs in JSON, lower-cased in kind, namespace and name as Backstage writes them', () => {
  const catalog = () =>
    docs(
      ['apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', '  name: Artist-Lookup', 'spec:', '  type: service', '  lifecycle: production', '  owner: Team-A'].join('\n'),
      ['apiVersion: backstage.io/v1alpha1', 'kind: Group', 'metadata:', '  name: Team-A', 'spec:', '  type: team', '  children: []', '  members: [Jane.Doe]'].join('\n'),
      ['apiVersion: backstage.io/v1alpha1', 'kind: User', 'metadata:', '  name: Jane.Doe', 'spec:', '  profile:', '    email: jane@example.com', '  memberOf: [Team-A]'].join('\n'),
      ['apiVersion: backline.dev/v1alpha1', 'kind: Rotation', 'metadata:', '  name: Team-A-Primary', 'spec:', '  owner: group:Team-A', '  timezone: UTC', '  handoff: { weekday: monday, time: "09:00" }', '  start: "2026-01-05"', '  members: [user:Jane.Doe]'].join('\n'),
    );

  beforeAll(async () => {
    folder.write('refs/catalog-info.yaml', catalog());
    expect((await cli('catalog', 'ingest', folder.path('refs/catalog-info.yaml'))).code).toBe(0);
  });

  it('in catalog validate', async () => {
    const { entities } = await validateJson(folder.path('refs/catalog-info.yaml'));
    expect(entities.map((entry) => entry.ref)).toEqual(['component:default/artist-lookup', 'group:default/team-a', 'user:default/jane.doe', 'rotation:default/team-a-primary']);
  });

  it('in catalog ingest', async () => {
    const copy = folder.write('refs-copy/catalog-info.yaml', docs(['apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', '  name: Artist-Lookup', 'spec:', '  type: service', '  lifecycle: production', '  owner: Team-A'].join('\n')));
    const { code, stdout } = await cli('catalog', 'ingest', '--json', folder.path('refs/catalog-info.yaml'), copy);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).errors).toEqual([expect.objectContaining({ kind: 'conflict', entityRef: 'component:default/artist-lookup' })]);
  });

  it('in whoowns', async () => {
    const { code, stdout } = await cli('whoowns', '--json', '--', 'Artist-Lookup');
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ match: 'component:default/artist-lookup', owner: { ref: 'group:default/team-a', members: ['user:default/jane.doe'] } });
    expect(answer.owner.oncall.map((person: { userRef: string }) => person.userRef)).toEqual(['user:default/jane.doe']);
    const missed = JSON.parse((await cli('whoowns', '--json', 'Artist-Lookp')).stdout);
    expect(missed.suggestions).toContain('component:default/artist-lookup');
  });

  it('in oncall', async () => {
    const { stdout } = await cli('oncall', '--json', '--at', '2026-03-03T12:00:00Z', 'Artist-Lookup');
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ target: 'component:default/artist-lookup', via: { ref: 'group:default/team-a' } });
    expect(answer.oncall.map((person: { userRef: string }) => person.userRef)).toEqual(['user:default/jane.doe']);
  });

  it('in docs', async () => {
    const { stdout } = await cli('docs', '--json', 'Artist-Lookup');
    expect(JSON.parse(stdout)).toMatchObject({ entity: 'component:default/artist-lookup' });
  });

  it('in health', async () => {
    const { stdout } = await cli('health', '--json', 'Team-A');
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ match: 'group:default/team-a', team: { ref: 'group:default/team-a' } });
    expect(answer.entities.map((entity: { ref: string }) => entity.ref)).toEqual(['component:default/artist-lookup', 'rotation:default/team-a-primary']);
  });

  it('in digest --dry-run', async () => {
    const { stdout } = await cli('digest', '--dry-run', '--json');
    expect(JSON.parse(stdout).digests.map((digest: { team: string }) => digest.team)).toEqual(['group:default/team-a']);
  });
});

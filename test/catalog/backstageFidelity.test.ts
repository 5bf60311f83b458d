import { ingest, rootFromPath, type IngestReport, type RootLocation } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { CatalogFolder, component, docs, group, location, user } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let folder: CatalogFolder;
let store: PgCatalogStore;

beforeEach(async () => {
  folder = new CatalogFolder();
  store = PgCatalogStore.create({ pool: db().pool });
  await db().pool.query('TRUNCATE locations, entities, relations, processing_errors');
});
afterEach(() => folder.dispose());

async function run(...roots: Array<string | RootLocation>): Promise<IngestReport> {
  return ingest(await Promise.all(roots.map((root) => (typeof root === 'string' ? rootFromPath(root) : root))), { store, maxBytes: 64 * 1024 });
}

async function refs(): Promise<string[]> {
  const { rows } = await db().pool.query<{ ref: string }>('SELECT ref FROM entities ORDER BY ref');
  return rows.map((row) => row.ref);
}

async function relations(refKey: string): Promise<string[]> {
  return (await store.relationsFrom(refKey)).map((r) => `${r.type} ${r.targetRef}`);
}

/** A Location with an explicit `spec.type`, its targets one a line. */
function typedLocation(name: string, type: string, targets: string[]): string {
  return ['apiVersion: backstage.io/v1alpha1', 'kind: Location', 'metadata:', `  name: ${name}`, 'spec:', `  type: ${type}`, '  targets:', ...targets.map((target) => `    - ${target}`)].join('\n');
}

function groupWithMembers(name: string, members: string[]): string {
  return ['apiVersion: backstage.io/v1alpha1', 'kind: Group', 'metadata:', `  name: ${name}`, 'spec:', '  type: team', '  children: []', `  members: [${members.join(', ')}]`].join('\n');
}

describe('the same entity twice in one file, as Backstage reads it', () => {
  it('keeps the last copy and warns, naming both documents, without calling it an error', async () => {
    // Each component() is 8 lines and each separator one, so document 3 starts on line 19.
    const file = folder.write('catalog-info.yaml', docs(component('billing', { owner: 'team-a' }), component('ledger'), component('billing', { owner: 'team-b' })));
    const report = await run(file);

    expect(await refs()).toEqual(['component:default/billing', 'component:default/ledger']);
    expect(await relations('component:default/billing')).toEqual(['ownedBy group:default/team-b']);
    expect(report.errors).toEqual([]);
    const warning = { kind: 'duplicate', file, document: 3, line: 19, entityRef: 'component:default/billing', message: expect.stringMatching(/defined twice in .*catalog-info\.yaml \(documents 1 and 3\); the last one, document 3, is kept/) };
    expect(report.warnings).toEqual([warning]);

    // The warning stays with the file while the file stays as it is.
    const again = await run(file);
    expect(again.locations).toMatchObject({ unchanged: 1 });
    expect(again.warnings).toEqual([warning]);
  });

  it('follows only the targets of the copy that is kept', async () => {
    folder.write('first.yaml', docs(component('first')));
    folder.write('second.yaml', docs(component('second')));
    const root = folder.write('catalog-info.yaml', docs(location('root', ['./first.yaml']), location('root', ['./second.yaml'])));
    const report = await run(root);
    expect(await refs()).toEqual(['component:default/second', 'location:default/root']);
    expect(report.errors).toEqual([]);
  });
});

describe('a Location of a type Backline cannot read', () => {
  it('is stored, with an error on it naming its type and the types Backline reads', async () => {
    const file = folder.write('catalog-info.yaml', docs(typedLocation('acme-org', 'github-org', ['https://github.com/acme']), component('billing')));
    const report = await run(file);

    expect(await refs()).toEqual(['component:default/billing', 'location:default/acme-org']);
    expect(report.errors).toEqual([
      expect.objectContaining({ kind: 'location', file, document: 1, line: 1, entityRef: 'location:default/acme-org', message: expect.stringMatching(/type "github-org".*"file" and "url"/) }),
    ]);
  });
});

describe('errors about Location targets', () => {
  it('name the Location file and the line that listed a target that does not exist', async () => {
    folder.write('teams.yaml', docs(group('payments')));
    // Lines: 6 `targets:`, 7 `- ./teams.yaml`, 8 `- ./missing.yaml`.
    const root = folder.write('catalog-info.yaml', docs(location('root', ['./teams.yaml', './missing.yaml'])));
    const report = await run(root);

    expect(await refs()).toEqual(['group:default/payments', 'location:default/root']);
    expect(report.errors).toEqual([
      expect.objectContaining({ kind: 'read', file: root, line: 8, entityRef: 'location:default/root', message: `${folder.path('missing.yaml')} does not exist; it is a target of location:default/root at ${root}:8` }),
    ]);
  });

  it('name the line of each target among a thousand that a Location lists', async () => {
    folder.write('teams.yaml', docs(group('payments')));
    const many = Array.from({ length: 1_000 }, (_, i) => `./absent-${i}.yaml`);
    // Lines: 7 `- ./teams.yaml`, then from 8 onwards the thousand others.
    const root = folder.write('catalog-info.yaml', docs(location('root', ['./teams.yaml', ...many])));
    const report = await run(root);

    const lineOf = (target: string) => report.errors.filter((error) => error.message.startsWith(`${folder.path(target)} does not exist`)).map((error) => error.line);
    expect(lineOf('absent-0.yaml')).toEqual([8]);
    expect(lineOf('absent-500.yaml')).toEqual([508]);
    expect(lineOf('absent-999.yaml')).toEqual([1_007]);
  });

  it('tell to configure the GitHub integration only for GitHub URLs, and say what is wrong with the others', async () => {
    const file = folder.write(
      'catalog-info.yaml',
      docs(
        typedLocation('on-github', 'url', ['https://github.com/acme/app/blob/main/catalog-info.yaml']),
        typedLocation('on-gitlab', 'url', ['https://gitlab.com/acme/app/-/raw/main/catalog-info.yaml']),
        typedLocation('relative', 'url', ['./other.yaml']),
      ),
    );
    const report = await run(file);
    const message = (ref: string) => report.errors.find((problem) => problem.entityRef === ref)?.message;

    expect(message('location:default/on-github')).toContain('configure the GitHub integration');
    expect(message('location:default/on-gitlab')).toMatch(/https:\/\/gitlab\.com\/acme\/app\/-\/raw\/main\/catalog-info\.yaml is not a GitHub URL/);
    expect(message('location:default/on-gitlab')).not.toContain('configure the GitHub integration');
    expect(message('location:default/relative')).toMatch(/"\.\/other\.yaml" is a relative path, but its type is url and .* was read from disk/);
    expect(message('location:default/relative')).not.toContain('configure the GitHub integration');
    // Each error is on the line that lists the target.
    expect(report.errors.map((problem) => [problem.entityRef, problem.line])).toEqual([
      ['location:default/on-github', 8],
      ['location:default/on-gitlab', 17],
      ['location:default/relative', 26],
    ]);
  });

  it('say a URL given to ingest is not on GitHub, rather than ask for the GitHub integration', async () => {
    const report = await run({ type: 'url', target: 'https://gitlab.com/acme/app/-/raw/main/catalog-info.yaml' });
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'read', message: expect.stringContaining('is not a GitHub URL') })]);
    expect(report.errors[0]!.message).not.toContain('configure the GitHub integration');
    const github = await run({ type: 'url', target: 'https://github.com/acme/app/blob/main/catalog-info.yaml' });
    expect(github.errors[0]!.message).toContain('configure the GitHub integration');
  });
});

describe('conflicts between files', () => {
  it('carry the line of the entity that lost', async () => {
    const first = folder.write('a.yaml', docs(component('billing')));
    const second = folder.write('b.yaml', docs(component('ledger'), component('billing')));
    const report = await run(first, second);
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'conflict', file: second, document: 2, line: 10, entityRef: 'component:default/billing' })]);
  });
});

describe('a Group naming members the catalog does not have', () => {
  it('warns, naming the people who are missing, and not those who are there', async () => {
    const file = folder.write('org.yaml', docs(groupWithMembers('payments', ['ana', 'bob', 'user:default/carol']), user('ana', [])));
    const report = await run(file);

    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      expect.objectContaining({ kind: 'membership', file, entityRef: 'group:default/payments', message: expect.stringContaining('user:default/bob, user:default/carol') }),
    ]);
    expect(report.warnings[0]!.message).not.toContain('user:default/ana');

    // Once the people are in the catalog, from whichever file, the warning goes.
    const people = folder.write('people.yaml', docs(user('bob', []), user('carol', [])));
    expect((await run(file, people)).warnings).toEqual([]);
  });
});

import { ingest, rootFromPath } from '../../src/catalog/ingest';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { CatalogFolder, component, docs, group, user } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { connect, MAX_BYTES, pass, refs, resetCatalog } from './helpers';

const db = useTestDatabase();
let github: FakeGitHub;
let store: PgCatalogStore;

beforeEach(async () => {
  await resetCatalog(db());
  github = await startFakeGitHub();
  store = PgCatalogStore.create({ pool: db().pool });
});
afterEach(() => github.close());

const blob = (org: string, repo: string, path: string) => `${github.web}/${org}/${repo}/blob/main/${path}`;
const described = (name: string, description: string) => component(name).replace('metadata:', `metadata:\n  description: ${description}`);

/** A User that claims a Slack account and a seat in the administrators' group. */
const impostor = [
  'apiVersion: backstage.io/v1alpha1',
  'kind: User',
  'metadata:',
  '  name: mallory',
  '  annotations:',
  '    slack.com/user-id: U0MALLORY',
  'spec:',
  '  memberOf: [platform-engineering]',
].join('\n');

const template = ['apiVersion: scaffolder.backstage.io/v1beta3', 'kind: Template', 'metadata:', '  name: planted', 'spec:', '  owner: platform-engineering', '  type: service', '  steps: []'].join('\n');

describe('entities from discovered repositories', () => {
  it('refuses Users, Groups and Templates from any repository by default, and keeps its Components', async () => {
    github.addRepo('acme', 'app', { files: { 'catalog-info.yaml': docs(component('app'), impostor, group('platform-engineering'), template) } });
    const report = await pass(connect(github, db()), store, ['acme']);

    expect(await refs(db())).toEqual(['component:default/app']);
    expect(report.errors.map((problem) => [problem.entityRef, problem.kind])).toEqual([
      ['user:default/mallory', 'rule'],
      ['group:default/platform-engineering', 'rule'],
      ['template:default/planted', 'rule'],
    ]);
    expect(report.errors[0]!.message).toContain('To accept it, add a rule to catalog.rules in backline.yaml, e.g. {allow: [User], locations: [{github: acme/app}]}');
  });

  it('takes Users and Groups from the one repository a rule names, and still refuses them elsewhere', async () => {
    github.addRepo('acme', 'people', { files: { 'catalog-info.yaml': docs(group('payments'), user('ana', ['payments'])) } });
    github.addRepo('acme', 'app', { files: { 'catalog-info.yaml': docs(component('app'), impostor) } });
    const rules = [{ allow: [{ kind: 'Component' }, { kind: 'API' }, { kind: 'Location' }] }, { allow: [{ kind: 'Group' }, { kind: 'User' }], locations: [{ github: 'acme/people' }] }];
    const report = await pass(connect(github, db()), store, ['acme'], { rules });

    expect(await refs(db())).toEqual(['component:default/app', 'group:default/payments', 'user:default/ana']);
    expect(report.errors.map((problem) => problem.entityRef)).toEqual(['user:default/mallory']);
  });

  it('keeps importing teams as Groups and Users, which Backline writes itself', async () => {
    github.addTeam('acme', { slug: 'payments', name: 'Payments', members: ['ana'] });
    github.addUser({ login: 'ana', name: 'Ana', email: 'ana@example.com' });
    const report = await pass(connect(github, db()), store, ['acme'], { importTeams: true });
    expect(report.errors).toEqual([]);
    expect(await refs(db())).toEqual(['group:default/payments', 'user:default/ana']);
  });
});

describe('reads across repositories', () => {
  it('never reads another organisation\'s repository for a placeholder or a Location, and asks GitHub nothing for it', async () => {
    github.addRepo('evil-org', 'secrets', { files: { 'token.txt': 'TOP-SECRET', 'catalog-info.yaml': docs(component('planted')) } });
    github.addRepo('acme', 'app', {
      files: {
        'catalog-info.yaml': docs(
          described('app', `{ $text: ${blob('evil-org', 'secrets', 'token.txt')} }`),
          described('relative', '{ $text: ../../../../evil-org/secrets/blob/main/token.txt }'),
          ['apiVersion: backstage.io/v1alpha1', 'kind: Location', 'metadata:', '  name: elsewhere', 'spec:', '  type: url', `  target: ${blob('evil-org', 'secrets', 'catalog-info.yaml')}`].join('\n'),
          component('sibling'),
        ),
      },
    });
    const report = await pass(connect(github, db()), store, ['acme']);

    expect(await refs(db())).toEqual(['component:default/sibling']);
    expect(report.errors.map((problem) => [problem.entityRef, problem.message])).toEqual([
      ['component:default/app', expect.stringContaining('is in evil-org/secrets, outside the repository acme/app; a catalog file may read other repositories only of organisations Backline reads (BACKLINE_GITHUB_ORGS)')],
      ['component:default/relative', expect.stringContaining('is in evil-org/secrets, outside the repository acme/app')],
      ['location:default/elsewhere', expect.stringContaining('is in evil-org/secrets, outside the repository acme/app')],
    ]);
    expect(github.requests.filter((request) => request.path.startsWith('/repos/evil-org/'))).toEqual([]);
  });

  it('does not let encoded slashes or dots in a URL climb out of the repository it names', async () => {
    github.addRepo('evil-org', 'secrets', { files: { 'token.txt': 'TOP-SECRET' } });
    const climb = `${github.web}/acme/app/blob/main/a%2F..%2F..%2F..%2F..%2Fevil-org%2Fsecrets%2Fcontents%2Ftoken.txt`;
    const dots = `${github.web}/acme/app/blob/main/%2e%2e/%2e%2e/%2e%2e/%2e%2e/evil-org/secrets/contents/token.txt`;
    github.addRepo('acme', 'app', { files: { 'catalog-info.yaml': docs(described('slashes', `{ $text: "${climb}" }`), described('dots', `{ $text: "${dots}" }`), component('sibling')) } });
    const report = await pass(connect(github, db()), store, ['acme']);

    expect(await refs(db())).toEqual(['component:default/sibling']);
    expect(report.errors.map((problem) => problem.entityRef)).toEqual(['component:default/slashes', 'component:default/dots']);
    expect(github.requests.filter((request) => request.path.includes('evil-org'))).toEqual([]);
  });

  it('judges a Location target by the repository it is really read from, so a rule for one repository cannot be borrowed', async () => {
    github.addRepo('acme', 'people', { files: { 'catalog-info.yaml': docs(group('payments')) } });
    const borrowed = `${github.web}/acme/people/blob/main/x%2F..%2F..%2F..%2F..%2Facme%2Fapp%2Fcontents%2Fevil.yaml`;
    github.addRepo('acme', 'app', {
      files: {
        'evil.yaml': docs(group('platform-engineering'), user('mallory', ['platform-engineering'])),
        'catalog-info.yaml': docs(['apiVersion: backstage.io/v1alpha1', 'kind: Location', 'metadata:', '  name: borrowed', 'spec:', '  type: url', `  target: "${borrowed}"`].join('\n')),
      },
    });
    const rules = [{ allow: [{ kind: 'Component' }, { kind: 'API' }, { kind: 'Location' }] }, { allow: [{ kind: 'Group' }, { kind: 'User' }], locations: [{ github: 'acme/people' }] }];
    const report = await pass(connect(github, db()), store, ['acme'], { rules });

    expect(await refs(db())).toEqual(['group:default/payments']);
    expect(report.errors.map((problem) => [problem.entityRef, problem.kind])).toEqual([['location:default/borrowed', 'location']]);
  });

  it('reads the same repository, and other repositories of a configured organisation', async () => {
    github.addRepo('acme', 'handbook', { files: { 'payments.md': 'How payments work.' } });
    github.addRepo('acme', 'app', { files: { 'README.md': 'An app.', 'catalog-info.yaml': docs(described('app', '{ $text: ./README.md }'), described('billing', `{ $text: ${blob('acme', 'handbook', 'payments.md')} }`)) } });
    const report = await pass(connect(github, db()), store, ['acme']);

    expect(report.errors).toEqual([]);
    expect((await store.getByRef('component:default/app'))?.entity.metadata.description).toBe('An app.');
    expect((await store.getByRef('component:default/billing'))?.entity.metadata.description).toBe('How payments work.');
  });
});

describe('a root Location file the operator names', () => {
  it('may list repositories of any organisation, each then confined to itself', async () => {
    github.addRepo('partner', 'sdk', { files: { 'catalog-info.yaml': docs(component('sdk'), described('sdk-docs', `{ $text: ${blob('evil-org', 'secrets', 'token.txt')} }`)) } });
    github.addRepo('evil-org', 'secrets', { files: { 'token.txt': 'TOP-SECRET' } });
    const folder = new CatalogFolder();
    try {
      const root = folder.write('all.yaml', docs(['apiVersion: backstage.io/v1alpha1', 'kind: Location', 'metadata:', '  name: partners', 'spec:', '  type: url', `  target: ${blob('partner', 'sdk', 'catalog-info.yaml')}`].join('\n')));
      const deps = connect(github, db()).ingestDependencies({ store, maxBytes: MAX_BYTES, organisations: [] });
      const report = await ingest([await rootFromPath(root)], deps);

      expect(await refs(db())).toEqual(['component:default/sdk', 'location:default/partners']);
      expect(report.errors.map((problem) => [problem.entityRef, problem.message])).toEqual([['component:default/sdk-docs', expect.stringContaining('is in evil-org/secrets, outside the repository partner/sdk')]]);

      // The same file, not named by the operator but reached as a repository's would be, may not.
      await resetCatalog(db());
      const untrusted = await ingest([{ type: 'file', target: root }], deps);
      expect(untrusted.errors.map((problem) => problem.message)).toEqual([expect.stringContaining('is in partner/sdk, outside a local folder')]);
    } finally {
      folder.dispose();
    }
  });
});

describe('one hostile repository in an organisation', () => {
  it('fails its own entities on an alias bomb or deeply nested JSON, and the rest of the organisation ingests', async () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    github.addRepo('acme', 'hostile', {
      files: {
        'bomb.yaml': bomb,
        'deep.json': `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
        'catalog-info.yaml': docs(described('bombed', '{ $yaml: ./bomb.yaml }'), described('deep', '{ $json: ./deep.json }'), component('survivor')),
      },
    });
    for (let i = 0; i < 5; i++) github.addRepo('acme', `repo-${i}`, { files: { 'catalog-info.yaml': docs(component(`svc-${i}`)) } });
    const report = await pass(connect(github, db()), store, ['acme']);

    expect(await refs(db())).toEqual(['component:default/survivor', 'component:default/svc-0', 'component:default/svc-1', 'component:default/svc-2', 'component:default/svc-3', 'component:default/svc-4']);
    expect(report.errors.map((problem) => [problem.entityRef, problem.message])).toEqual([
      ['component:default/bombed', expect.stringMatching(/expands to more than 100000 values/)],
      ['component:default/deep', expect.stringMatching(/nested more than 64 levels deep/)],
    ]);
  });
});

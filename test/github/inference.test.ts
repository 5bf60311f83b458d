import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { PgOwnershipCorrections } from '../../src/catalog/PgOwnershipCorrections';
import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { connect, pass, resetCatalog } from './helpers';

const db = useTestDatabase();
let github: FakeGitHub;
let store: PgCatalogStore;

interface Stored {
  owner: string | null;
  from: string;
  evidence: string;
  tags: string[];
  description: string | null;
}

async function inferred(name: string): Promise<Stored | undefined> {
  const { rows } = await db().pool.query<{ entity: { metadata: { annotations?: Record<string, string>; tags?: string[]; description?: string }; spec: { owner?: string } } }>(
    `SELECT body AS entity FROM entities WHERE ref_key = $1`,
    [`component:default/${name}`],
  );
  const entity = rows[0]?.entity;
  if (!entity) return undefined;
  const annotations = entity.metadata.annotations ?? {};
  return { owner: entity.spec.owner ?? null, from: annotations['backline.dev/inferred-from'] ?? 'declared', evidence: annotations['backline.dev/inferred-evidence'] ?? '', tags: entity.metadata.tags ?? [], description: entity.metadata.description ?? null };
}

/** A pass as serve makes it: with the corrections teams made and the repositories declared elsewhere. */
const infer = (options: { corrections?: PgOwnershipCorrections } = {}) => {
  const ownership = PgOwnershipCorrections.create({ pool: db().pool });
  return pass(connect(github, db(), { infer: true, declared: ownership, ...options }), store, ['acme'], { importTeams: true });
};

/**
 * An organisation with no catalog YAML to speak of: CODEOWNERS in each of GitHub's three places,
 * teams with permissions, one repository that declares itself, an archived repository and a fork.
 */
function seedOrg(): void {
  github.addTeam('acme', { slug: 'payments', name: 'Payments', members: ['ana'] });
  github.addTeam('acme', { slug: 'risk', name: 'Risk', members: ['raj'] });
  github.addTeam('acme', { slug: 'docs', members: ['dee'] });
  github.addTeam('acme', { slug: 'web', members: ['wes'] });
  for (const login of ['ana', 'raj', 'dee', 'wes']) github.addUser({ login });
  github.addRepo('acme', 'payments-api', {
    description: 'Takes payments',
    topics: ['payments', 'api'],
    language: 'TypeScript',
    files: { '.github/CODEOWNERS': '# Payments owns this\n\n* @acme/payments\n/docs/ @acme/docs\n', 'CODEOWNERS': '* @acme/web\n' },
    teams: { web: 'admin' },
  });
  github.addRepo('acme', 'risk-engine', { files: { CODEOWNERS: '*.py @acme/risk\n* @raj @ana\n' } });
  github.addRepo('acme', 'handbook', { files: { 'docs/CODEOWNERS': '* @acme/docs @acme/web # docs and web share it\n' } });
  github.addRepo('acme', 'billing', { files: { 'README.md': '# billing' }, teams: { payments: 'push', risk: 'admin' } });
  github.addRepo('acme', 'shared-infra', { teams: { payments: 'admin', risk: 'admin' } });
  github.addRepo('acme', 'orphan', { files: { 'README.md': '# nobody' } });
  github.addRepo('acme', 'ledger', { files: { 'catalog-info.yaml': docs(component('ledger', { owner: 'payments' })), CODEOWNERS: '* @acme/web\n' } });
  github.addRepo('acme', 'old-thing', { archived: true, files: { CODEOWNERS: '* @acme/web\n' } });
  github.addRepo('acme', 'someone-elses', { fork: true });
}

describe('an organisation without catalog files, inferred from GitHub', () => {
  beforeAll(async () => {
    await resetCatalog(db());
    await db().pool.query('TRUNCATE ownership_corrections');
    github = await startFakeGitHub();
    seedOrg();
  });
  beforeEach(() => {
    store = PgCatalogStore.create({ pool: db().pool });
  });
  afterAll(() => github.close());

  it('makes each repository without a catalog file a Component owned by the CODEOWNERS rule for its root, read from the first file GitHub reads', async () => {
    const report = await infer();
    expect(report.errors).toEqual([]);
    expect(await inferred('payments-api')).toEqual({
      owner: 'group:default/payments',
      from: 'codeowners',
      evidence: '.github/CODEOWNERS line 3: * @acme/payments',
      tags: ['payments', 'api', 'typescript'],
      description: 'Takes payments',
    });
  });

  it('takes the last rule that covers the root, and a person when the rule names only people', async () => {
    expect(await inferred('risk-engine')).toMatchObject({ owner: 'user:default/raj', from: 'codeowners', evidence: 'CODEOWNERS line 2: * @raj @ana' });
  });

  it('takes the first of several teams and says which others the rule names', async () => {
    expect(await inferred('handbook')).toMatchObject({ owner: 'group:default/docs', evidence: 'docs/CODEOWNERS line 1: * @acme/docs @acme/web # docs and web share it (also names @acme/web)' });
  });

  it('falls back to the one team with admin permission', async () => {
    expect(await inferred('billing')).toMatchObject({ owner: 'group:default/risk', from: 'team-permission', evidence: 'team risk has admin permission on acme/billing' });
  });

  it('names no owner when two teams administer a repository, or nothing names one, and says why', async () => {
    expect(await inferred('shared-infra')).toMatchObject({ owner: null, from: 'none', evidence: expect.stringContaining('2 teams have admin permission on acme/shared-infra (payments, risk)') });
    expect(await inferred('orphan')).toMatchObject({ owner: null, from: 'none', evidence: 'acme/orphan: it has no CODEOWNERS file, and no single team has admin or maintain permission' });
  });

  it('never infers a repository that has a catalog file, an archived repository or a fork', async () => {
    expect(await inferred('ledger')).toMatchObject({ from: 'declared', owner: 'payments' });
    expect(await inferred('old-thing')).toBeUndefined();
    expect(await inferred('someone-elses')).toBeUndefined();
  });

  it('imports the teams the inferred owners name, with their people', async () => {
    const { rows } = await db().pool.query<{ ref: string }>(`SELECT ref FROM entities WHERE kind IN ('group', 'user') ORDER BY ref`);
    expect(rows.map((row) => row.ref)).toEqual(expect.arrayContaining(['group:default/payments', 'group:default/risk', 'user:default/ana']));
  });

  it('reads nothing again for an unchanged organisation but the team permissions, in one query', async () => {
    github.resetRecords();
    const report = await infer();
    expect(report.entities.added + report.entities.updated + report.entities.removed).toBe(0);
    const graphql = github.requests.filter((request) => request.path === '/api/graphql');
    expect(graphql.map((request) => /query (\w+)/.exec(String(request.body.query))?.[1])).toEqual(['BacklineTeamRepositories']);
    expect(github.requests.filter((request) => request.status === 200 && request.path !== '/api/graphql')).toEqual([]);
  });

  it('switches a repository to declared when a catalog file appears in it', async () => {
    github.setFile('acme', 'orphan', 'catalog-info.yaml', docs(component('orphan', { owner: 'risk' })));
    await infer();
    expect(await inferred('orphan')).toMatchObject({ from: 'declared', owner: 'risk' });
    const { rows } = await db().pool.query(`SELECT key FROM locations WHERE type = 'github-inferred' AND target LIKE '%/acme/orphan'`);
    expect(rows).toEqual([]);
  });

  it('lets a catalog file elsewhere that declares the same entity win, and takes the inference back when it goes', async () => {
    github.addRepo('acme', 'platform-catalog', { files: { 'catalog-info.yaml': docs(component('billing', { owner: 'payments' })) } });
    const report = await infer();
    expect(await inferred('billing')).toMatchObject({ from: 'declared', owner: 'payments' });
    expect(report.errors).toEqual([]);
    expect(report.warnings).toContainEqual(expect.objectContaining({ kind: 'superseded', entityRef: 'component:default/billing', message: expect.stringContaining('the inferred entity gives way') }));

    github.removeFile('acme', 'platform-catalog', 'catalog-info.yaml');
    await infer();
    expect(await inferred('billing')).toMatchObject({ from: 'team-permission', owner: 'group:default/risk' });
  });

  it('passes over an owner a team said is not theirs, until nothing else is left', async () => {
    const corrections = PgOwnershipCorrections.create({ pool: db().pool });
    await corrections.reject({ repository: 'acme/handbook', rejectedOwner: 'group:default/docs', entityRef: 'component:default/handbook', rejectedBy: 'user:default/dee', evidence: 'docs/CODEOWNERS line 1' });
    await infer({ corrections });
    expect(await inferred('handbook')).toMatchObject({ owner: 'group:default/web', evidence: expect.stringContaining('@acme/docs said it is not theirs') });
  });

  it('reads hostile repository data without harm to its siblings: control characters, markup, huge and binary CODEOWNERS', async () => {
    github.addRepo('acme', 'hostile-desc', { description: 'Nul\u0000 <!channel> *bold* ${{ secrets.token }}', topics: ['<script>', 'ok-topic'], files: { CODEOWNERS: '* @acme/payments <!here>\n* @acme/risk\n' } });
    github.addRepo('acme', 'huge-owners', { files: { '.github/CODEOWNERS': `* @acme/payments\n${'# padding\n'.repeat(8_000)}` }, teams: { risk: 'admin' } });
    github.addRepo('acme', 'binary-owners', { files: { CODEOWNERS: '* @acme/payments\u0000\n' }, teams: { risk: 'maintain' } });
    const report = await infer();
    expect(report.errors).toEqual([]);
    expect(await inferred('hostile-desc')).toMatchObject({ owner: 'group:default/risk', description: 'Nul <!channel> *bold* ${{ secrets.token }}', tags: ['ok-topic'] });
    expect(await inferred('huge-owners')).toMatchObject({ owner: 'group:default/risk', evidence: 'team risk has admin permission on acme/huge-owners (its .github/CODEOWNERS was not read: 80017 bytes, over the 65536-byte limit)' });
    expect(await inferred('binary-owners')).toMatchObject({ owner: 'group:default/risk', evidence: 'team risk has maintain permission on acme/binary-owners (its CODEOWNERS was not read: it is not text)' });
    expect(await inferred('payments-api')).toMatchObject({ owner: 'group:default/payments' });
  });

  it('reads CODEOWNERS again for a repository a webhook marked, even before the listing shows the push', async () => {
    github.setFile('acme', 'payments-api', '.github/CODEOWNERS', '* @acme/risk\n', { listingLags: true });
    const integration = connect(github, db(), { infer: true });
    integration.context.stale.add('acme/payments-api');
    await pass(integration, store, ['acme'], { importTeams: true });
    expect(await inferred('payments-api')).toMatchObject({ owner: 'group:default/risk', evidence: '.github/CODEOWNERS line 1: * @acme/risk' });
    github.setFile('acme', 'payments-api', '.github/CODEOWNERS', '# Payments owns this\n\n* @acme/payments\n/docs/ @acme/docs\n');
    await infer();
  });

  it('keeps owners inferred from team permissions when the permissions cannot be read this time', async () => {
    github.refuseGraphql('BacklineTeamRepositories', 502);
    try {
      await infer();
      expect(await inferred('billing')).toMatchObject({ owner: 'group:default/risk', from: 'team-permission' });
    } finally {
      github.refuseGraphql('BacklineTeamRepositories', undefined);
    }
  });

  it('does not infer a repository that a declared entity elsewhere stands for by its slug', async () => {
    github.addRepo('acme', 'services-catalog', { files: { 'catalog-info.yaml': docs(`apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: risk-engine-service\n  annotations:\n    github.com/project-slug: acme/risk-engine\nspec:\n  type: service\n  lifecycle: production\n  owner: risk\n`) } });
    await infer();
    await infer();
    expect(await inferred('risk-engine')).toBeUndefined();
    expect(await inferred('risk-engine-service')).toMatchObject({ from: 'declared', owner: 'risk' });
    github.deleteRepo('acme', 'services-catalog');
    await infer();
    await infer();
    expect(await inferred('risk-engine')).toMatchObject({ from: 'codeowners' });
  });

  it('holds inferred Components to the catalog rules of their repository', async () => {
    const rules = [{ allow: [{ kind: 'Component' }], locations: [{ github: 'acme/pay*' }] }, { allow: [{ kind: 'Group' }, { kind: 'User' }] }];
    await resetCatalog(db());
    const report = await pass(connect(github, db(), { infer: true }), store, ['acme'], { importTeams: true, rules });
    expect(await inferred('payments-api')).toMatchObject({ owner: 'group:default/payments' });
    expect(await inferred('handbook')).toBeUndefined();
    expect(report.errors).toContainEqual(expect.objectContaining({ kind: 'rule', message: expect.stringContaining('Component entities are not allowed from') }));
    await infer();
  });

  it('infers nothing when inference is off', async () => {
    await resetCatalog(db());
    await pass(connect(github, db()), PgCatalogStore.create({ pool: db().pool }), ['acme']);
    expect(await inferred('payments-api')).toBeUndefined();
    expect(await inferred('ledger')).toMatchObject({ from: 'declared' });
  });
});

import { whoOwns } from '../../commands/whoowns';
import { PgCatalogStore } from '../../src/catalog/PgCatalogStore';
import { component, docs } from '../support/catalogFiles';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { useTestDatabase } from '../support/testDatabase';
import { connect, pass, refs, resetCatalog } from './helpers';

const db = useTestDatabase();
let github: FakeGitHub;
let store: PgCatalogStore;

beforeEach(async () => {
  await resetCatalog(db());
  store = PgCatalogStore.create({ pool: db().pool });
  github = await startFakeGitHub();
  github.addRepo('acme', 'billing', { files: { 'catalog-info.yaml': docs(component('billing', { owner: 'payments' })) } });
  github.addTeam('acme', { slug: 'engineering', name: 'Engineering' });
  github.addTeam('acme', { slug: 'payments', name: 'Payments', description: 'Money in, money out', parent: 'engineering', members: ['alice', 'bob'] });
  github.addTeam('acme', { slug: 'payments-oncall', name: 'Payments on call', parent: 'payments', members: ['carol'] });
  github.addTeam('acme', { slug: 'platform', name: 'Platform', members: ['dave'] });
  github.addUser({ login: 'alice', name: 'Alice Liddell', email: 'alice@acme.example' });
  github.addUser({ login: 'bob', name: 'Bob Marley' });
  github.addUser({ login: 'carol' });
  github.addUser({ login: 'dave', name: 'Dave Lister', email: 'dave@acme.example' });
});
afterEach(() => github.close());

const importTeams = () => pass(connect(github, db()), store, ['acme'], { importTeams: true });

describe('importing GitHub teams', () => {
  it('makes each team a Group under its parent team, and each member a User of the teams they were added to', async () => {
    const report = await importTeams();
    expect(report.errors).toEqual([]);
    expect(await refs(db(), 'group')).toEqual(['group:default/engineering', 'group:default/payments', 'group:default/payments-oncall', 'group:default/platform']);
    expect(await refs(db(), 'user')).toEqual(['user:default/alice', 'user:default/bob', 'user:default/carol', 'user:default/dave']);

    const payments = await store.getByRef('group:default/payments');
    expect(payments?.entity).toMatchObject({
      metadata: { name: 'payments', description: 'Money in, money out', annotations: { 'github.com/team-slug': 'acme/payments' } },
      spec: { type: 'team', profile: { displayName: 'Payments' }, parent: 'engineering', children: ['payments-oncall'] },
    });
    const alice = await store.getByRef('user:default/alice');
    expect(alice?.entity).toMatchObject({ metadata: { annotations: { 'github.com/user-login': 'alice' } }, spec: { profile: { displayName: 'Alice Liddell', email: 'alice@acme.example' }, memberOf: ['payments'] } });
    // GitHub lists carol among payments' members too (she is in its child team); she belongs to the child.
    expect((await store.getByRef('user:default/carol'))?.entity.spec).toMatchObject({ memberOf: ['payments-oncall'] });
    expect((await store.relationsFrom('group:default/payments', ['hasMember'])).map((r) => r.targetRef)).toEqual(['user:default/alice', 'user:default/bob']);
    expect((await store.relationsFrom('group:default/payments', ['childOf'])).map((r) => r.targetRef)).toEqual(['group:default/engineering']);
  });

  it('lets /whoowns name the people of the team that owns a service', async () => {
    await importTeams();
    const result = await whoOwns('billing', { catalog: store });
    expect(result.owner).toMatchObject({
      ref: 'group:default/payments',
      found: true,
      displayName: 'Payments',
      members: [
        { ref: 'user:default/alice', displayName: 'Alice Liddell', email: 'alice@acme.example' },
        { ref: 'user:default/bob', displayName: 'Bob Marley', email: null },
      ],
    });
    expect(result.warnings).toEqual([]);
  });

  it('costs only 304s and no writes when the teams have not changed', async () => {
    await importTeams();
    github.resetRecords();
    const report = await importTeams();
    const teamRequests = github.requests.filter((r) => r.path.includes('/teams') || r.path.startsWith('/users/'));
    expect(teamRequests.length).toBeGreaterThan(0);
    expect(teamRequests.every((r) => r.status === 304)).toBe(true);
    expect(report.locations.processed).toBe(0);
  });

  it('removes a person who leaves every team, and moves one who changes team', async () => {
    await importTeams();
    github.setTeamMembers('acme', 'platform', ['bob']);
    github.setTeamMembers('acme', 'payments', ['alice']);
    const report = await importTeams();
    expect(report.errors).toEqual([]);
    expect(await refs(db(), 'user')).toEqual(['user:default/alice', 'user:default/bob', 'user:default/carol']);
    expect((await store.getByRef('user:default/bob'))?.entity.spec).toMatchObject({ memberOf: ['platform'] });
  });
});

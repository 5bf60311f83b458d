import { CatalogFolder } from '../support/catalogFiles';
import { useTestDatabase } from '../support/testDatabase';
import { HEALTH_CATALOG, healthOver, ingestCatalog } from './helpers';

const db = useTestDatabase();
const folder = new CatalogFolder();
const clock = { now: new Date('2026-05-06T12:00:00Z') };
const later = (hours: number) => new Date(Date.parse('2026-05-06T12:00:00Z') + hours * 3_600_000);

afterAll(() => folder.dispose());

const statusesOf = (results: Array<{ checkId: string; status: string }>) => Object.fromEntries(results.map((result) => [result.checkId, result.status]));

describe('collecting facts and scoring the whole catalog', () => {
  it('records catalog and on-call facts for every entity, and keeps history only of what changed', async () => {
    const catalog = await ingestCatalog(db().pool, folder);
    const { service, store, reader } = healthOver(db().pool, catalog, clock);

    const first = await service.collectAndScore();
    // Two groups, a system, four components and a rotation; users are not evaluated.
    expect(first).toMatchObject({ entities: 8, factChanges: 8 });
    const facts = await store.currentFacts(['component:default/payments-api', 'component:default/legacy-job', 'component:default/orphan', 'component:default/solo']);
    expect(facts.get('component:default/payments-api')!.facts).toEqual({
      declaredInCatalog: true,
      hasDescription: true,
      lifecycle: 'production',
      hasSystem: true,
      hasTechDocs: true,
      hasRepository: true,
      'owner.exists': true,
      'owner.isGroup': true,
      'owner.hasMembers': true,
      'owner.hasSlackChannel': true,
      'oncall.configured': true,
      'oncall.hasPersonNow': true,
      'docs.built': null,
      'docs.stale': null,
      'docs.ageDays': null,
      'github.hasReadme': null,
      'github.hasCodeowners': null,
      'github.hasWorkflow': null,
      'github.branchProtected': null,
      'github.daysSinceLastCommit': null,
    });
    expect(facts.get('component:default/legacy-job')!.facts).toMatchObject({ hasDescription: false, hasSystem: false, 'owner.exists': true, 'owner.hasMembers': false, 'owner.hasSlackChannel': false, 'oncall.configured': false, 'oncall.hasPersonNow': false });
    expect(facts.get('component:default/orphan')!.facts).toMatchObject({ 'owner.exists': false, 'owner.isGroup': false });
    expect(facts.get('component:default/solo')!.facts).toMatchObject({ 'owner.exists': true, 'owner.isGroup': false, 'oncall.configured': false });

    const legacy = statusesOf(await store.currentResults(['component:default/legacy-job']));
    expect(legacy).toMatchObject({ 'owned-by-a-team': 'pass', 'has-description': 'fail', 'team-has-members': 'fail', 'has-readme': 'unknown' });
    // has-oncall applies to production components only; legacy-job is experimental.
    expect(legacy['has-oncall']).toBeUndefined();

    clock.now = later(1);
    const unchanged = await service.collectAndScore();
    expect(unchanged).toMatchObject({ entities: 8, factChanges: 0, transitions: 0 });
    const { rows } = await db().pool.query<{ n: number }>('SELECT count(*)::int AS n FROM health_fact_changes');
    expect(rows[0]!.n).toBe(8);
    // The evaluation time moves; `since` stays at the first evaluation.
    const [result] = await store.currentResults(['component:default/legacy-job']);
    expect(result!.evaluatedAt).toEqual(later(1));
    expect(result!.since).toEqual(new Date('2026-05-06T12:00:00Z'));

    clock.now = later(2);
    await ingestCatalog(db().pool, folder, HEALTH_CATALOG.replace('  name: legacy-job\n', '  name: legacy-job\n  description: Nightly export.\n'));
    const changed = await service.collectAndScore();
    expect(changed).toMatchObject({ factChanges: 1, transitions: 1 });
    const { rows: history } = await db().pool.query<{ entity_key: string; changes: unknown }>('SELECT entity_key, changes FROM health_fact_changes WHERE at = $1', [later(2)]);
    expect(history).toEqual([{ entity_key: 'component:default/legacy-job', changes: { hasDescription: { from: false, to: true } } }]);
    expect(await reader.transitions({ since: later(1) })).toEqual([{ entityRef: 'component:default/legacy-job', checkId: 'has-description', from: 'fail', to: 'pass', at: later(2) }]);
    const now = statusesOf(await store.currentResults(['component:default/legacy-job']));
    expect(now['has-description']).toBe('pass');
  });

  it("gives a team its entities' results, a score over their counted checks and its weakest entity's level", async () => {
    const catalog = await ingestCatalog(db().pool, folder);
    const { service, reader } = healthOver(db().pool, catalog, clock);
    clock.now = later(3);
    await service.collectAndScore();
    const team = (await reader.teamHealth('group:default/payments'))!;
    expect(team).toMatchObject({ team: 'group:default/payments', displayName: 'Payments Team', channel: 'payments', evaluatedAt: later(3) });
    expect(team.entities.map((entity) => entity.ref)).toEqual(['component:default/payments-api', 'rotation:default/payments-primary', 'system:default/billing']);
    const api = team.entities[0]!;
    // Catalog, ownership and on-call checks pass; GitHub and docs facts are unknown without GitHub or TechDocs.
    expect(statusesOf(api.results)).toEqual({
      'declared-in-catalog': 'pass',
      'owned-by-a-team': 'pass',
      'has-description': 'pass',
      'has-lifecycle': 'pass',
      'team-has-members': 'pass',
      'team-has-slack-channel': 'pass',
      'part-of-a-system': 'pass',
      'has-readme': 'unknown',
      'has-codeowners': 'unknown',
      'has-oncall': 'pass',
      'has-techdocs': 'pass',
      'has-ci-workflow': 'unknown',
      'default-branch-protected': 'unknown',
      'docs-fresh': 'unknown',
      'recently-maintained': 'unknown',
    });
    expect(api).toMatchObject({ score: 100, level: 'silver', displayName: 'Payments API', kind: 'component', type: 'service', lifecycle: 'production' });
    // The rotation has no checks: it neither adds to the score nor sets the level.
    expect(team.entities[1]).toMatchObject({ results: [], score: null, level: null });
    expect(team).toMatchObject({ score: 100, level: 'silver' });

    const ghosts = (await reader.teamHealth('group:default/ghosts'))!;
    expect(ghosts.entities[0]).toMatchObject({ ref: 'component:default/legacy-job', level: null });
    expect(ghosts.level).toBeNull();
    expect(ghosts.score).toBeLessThan(50);

    expect(await reader.teamHealth('group:default/nobody')).toBeUndefined();
    const history = await reader.scoreHistory('group:default/payments', later(3));
    expect(history).toEqual([{ at: later(3), score: 100, level: 'silver' }]);
    expect((await reader.owningTeams()).map((team) => team.team).sort()).toEqual(['group:default/ghosts', 'group:default/payments']);
    expect(await reader.owningTeams()).toContainEqual({ team: 'group:default/payments', displayName: 'Payments Team', channel: 'payments' });
  });

  it('honours not-applicable waivers in force, while snoozes leave the status as it is', async () => {
    const catalog = await ingestCatalog(db().pool, folder);
    const { service, store, reader } = healthOver(db().pool, catalog, clock);
    clock.now = later(4);
    const [waiver] = await reader.addWaivers({ entityRefs: ['component:default/orphan'], checkId: 'owned-by-a-team', kind: 'not_applicable', reason: 'Being deleted this week', createdBy: 'U123', expiresAt: later(6) });
    expect(waiver).toMatchObject({ entityRef: 'component:default/orphan', checkId: 'owned-by-a-team', kind: 'not_applicable', reason: 'Being deleted this week', createdBy: 'U123', createdAt: later(4), expiresAt: later(6) });
    await reader.addWaivers({ entityRefs: ['component:default/orphan'], checkId: 'team-has-members', kind: 'snooze', reason: null, createdBy: 'U123', expiresAt: later(6) });
    await expect(reader.addWaivers({ entityRefs: ['component:default/orphan'], checkId: 'has-description', kind: 'not_applicable', reason: ' ', createdBy: 'U123', expiresAt: null })).rejects.toThrow('needs a reason');
    await expect(reader.addWaivers({ entityRefs: ['component:default/orphan'], checkId: 'no-such-check', kind: 'snooze', reason: null, createdBy: 'U123', expiresAt: null })).rejects.toThrow('There is no check "no-such-check"');

    await service.collectAndScore();
    const during = statusesOf(await store.currentResults(['component:default/orphan']));
    expect(during['owned-by-a-team']).toBe('not_applicable');
    expect(during['team-has-members']).toBe('fail');
    expect((await reader.activeWaivers({ entityRefs: ['COMPONENT:default/orphan'] })).map((w) => w.kind)).toEqual(['not_applicable', 'snooze']);

    clock.now = later(7);
    expect(await reader.activeWaivers()).toEqual([]);
    await service.collectAndScore();
    expect(statusesOf(await store.currentResults(['component:default/orphan']))['owned-by-a-team']).toBe('fail');
    const changes = await reader.transitions({ since: later(3), entityRefs: ['component:default/orphan'] });
    expect(changes.map(({ checkId, from, to }) => ({ checkId, from, to }))).toEqual([
      { checkId: 'owned-by-a-team', from: 'fail', to: 'not_applicable' },
      { checkId: 'owned-by-a-team', from: 'not_applicable', to: 'fail' },
    ]);
    // As it stood during the waiver, rebuilt from the transitions.
    const then = (await reader.teamHealth('group:default/payments', { at: later(5) }))!;
    expect(then.evaluatedAt).toEqual(later(5));
  });

  it('records the same whether it reads the catalog a few entities at a time or all at once', async () => {
    const catalog = await ingestCatalog(db().pool, folder);
    clock.now = later(8);
    const recorded = async (pageSize: number) => {
      await db().pool.query('TRUNCATE health_entities, health_results, health_transitions, health_fact_changes, health_team_scores');
      const { at, timings, ...report } = await healthOver(db().pool, catalog, clock, { pageSize }).service.collectAndScore();
      const rows = async (sql: string) => (await db().pool.query(sql)).rows;
      return {
        report,
        entities: await rows('SELECT entity_ref, facts FROM health_entities ORDER BY entity_key'),
        results: await rows('SELECT entity_ref, check_id, status FROM health_results ORDER BY entity_key, check_id'),
        transitions: await rows('SELECT entity_ref, check_id, from_status, to_status FROM health_transitions ORDER BY entity_key, check_id'),
        teams: await rows('SELECT team_ref, score, level, entities FROM health_team_scores ORDER BY team_key'),
      };
    };
    // Two at a time: the teams, their member, their rotation and what they own fall on different pages.
    const paged = await recorded(2);
    expect(paged.report).toMatchObject({ entities: 8, teams: 2 });
    expect(paged).toEqual(await recorded(1_000));
  });
});

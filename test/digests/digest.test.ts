import { composeDigest, type DigestInput, type DigestSnapshot } from '../../src/health/digest';
import type { Waiver } from '../../src/health/model';
import { CHECKS, entity, T0, team } from './fakes';

const NOW = new Date('2026-11-23T09:30:00Z');
const LAST_WEEK = new Date('2026-11-16T09:30:00Z');

function input(overrides: Partial<DigestInput>): DigestInput {
  return { health: team('payments', []), scorecard: { checks: CHECKS }, last: null, transitions: [], waivers: [], history: [], catalogProblems: [], staleOwners: [], now: NOW, ...overrides };
}

function snapshot(failing: Array<[string, string]>, score: number | null = 100): DigestSnapshot {
  return { slot: LAST_WEEK, sentAt: LAST_WEEK, score, level: null, failing: failing.map(([name, checkId]) => ({ entityRef: `component:default/${name}`, checkId })) };
}

const waiver = (name: string, checkId: string, kind: Waiver['kind'], expiresAt: Date | null = new Date('2026-12-07T00:00:00Z')): Waiver => ({
  id: `${name}-${checkId}`,
  entityRef: `component:default/${name}`,
  checkId,
  kind,
  reason: kind === 'not_applicable' ? 'a batch job with no users' : null,
  createdBy: 'U0ANA',
  createdAt: T0,
  expiresAt,
});

describe('composing a team digest', () => {
  it('sends nothing to a team whose checks all pass and whose results did not change', () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'pass', 'has-runbook': 'pass' })]);
    const digest = composeDigest(input({ health, last: snapshot([], 100) }));
    expect(digest).toMatchObject({ send: false, reason: 'nothing fails and nothing changed since the last digest', regressions: [], improvements: [], actions: [] });
  });

  it('sends nothing before the first digest when everything passes', () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'pass' })]);
    expect(composeDigest(input({ health })).send).toBe(false);
  });

  it('lists what started failing and what was fixed since the last digest', () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'fail', 'has-runbook': 'pass' }, { title: 'Ledger' }), entity('vault', { 'has-description': 'pass' }, { title: 'Card Vault' })]);
    const digest = composeDigest(input({ health, last: snapshot([['ledger', 'has-runbook'], ['vault', 'has-description']], 50) }));
    expect(digest.send).toBe(true);
    expect(digest.regressions).toEqual([{ entityRef: 'component:default/ledger', displayName: 'Ledger', checkId: 'has-description', title: 'Has a description' }]);
    expect(digest.improvements).toEqual([
      { entityRef: 'component:default/vault', displayName: 'Card Vault', checkId: 'has-description', title: 'Has a description' },
      { entityRef: 'component:default/ledger', displayName: 'Ledger', checkId: 'has-runbook', title: 'Has a runbook' },
    ]);
  });

  it('before the first digest, dates changes from the transitions of the past week', () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'fail', 'has-runbook': 'pass', 'has-oncall': 'fail' })]);
    const transitions = [
      { entityRef: 'component:default/ledger', checkId: 'has-description', from: 'pass' as const, to: 'fail' as const, at: new Date('2026-11-20T10:00:00Z') },
      { entityRef: 'component:default/ledger', checkId: 'has-runbook', from: 'fail' as const, to: 'pass' as const, at: new Date('2026-11-21T10:00:00Z') },
    ];
    const digest = composeDigest(input({ health, transitions }));
    expect(digest.regressions.map((change) => change.checkId)).toEqual(['has-description']);
    expect(digest.improvements.map((change) => change.checkId)).toEqual(['has-runbook']);
  });

  it('sends an all-passing digest once when results improved, then nothing while nothing changes', () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'pass' })]);
    const improved = composeDigest(input({ health, last: snapshot([['ledger', 'has-description']], 0) }));
    expect(improved).toMatchObject({ send: true, reason: 'nothing fails, and results changed since the last digest' });
    const after = composeDigest(input({ health, last: snapshot([], 100) }));
    expect(after.send).toBe(false);
  });

  it('ranks actions: lower level first, then more entities, then production, and shows the top three', () => {
    const health = team('payments', [
      entity('a', { 'docs-fresh': 'fail', 'has-runbook': 'fail', 'has-oncall': 'fail' }, { lifecycle: 'experimental' }),
      entity('b', { 'docs-fresh': 'fail', 'has-runbook': 'fail', 'has-description': 'fail' }, { lifecycle: 'experimental' }),
      entity('c', { 'docs-fresh': 'fail', 'has-oncall': 'fail' }, { lifecycle: 'production' }),
      entity('d', { 'has-owner': 'fail' }, { lifecycle: 'production' }),
    ]);
    const digest = composeDigest(input({ health }));
    // Bronze: has-owner (1 entity, production) before has-description (1 entity, experimental); then
    // silver, two entities each, where on-call touches production and the runbook does not; gold last
    // although it fails on three.
    expect(digest.actions.map((action) => action.checkId)).toEqual(['has-owner', 'has-description', 'has-oncall', 'has-runbook', 'docs-fresh']);
    expect(digest.actions[0]).toEqual({
      checkId: 'has-owner',
      title: 'Owned by a team',
      why: 'Someone must answer.',
      fix: { text: 'Set spec.owner.' },
      level: 'bronze',
      entities: [{ ref: 'component:default/d', displayName: 'd', production: true }],
    });
  });

  it('leaves snoozed and waived checks out of the actions, and lists them apart', () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'fail', 'has-runbook': 'fail', 'has-oncall': 'fail' })]);
    const digest = composeDigest(input({ health, last: snapshot([['ledger', 'has-description'], ['ledger', 'has-runbook'], ['ledger', 'has-oncall']]), waivers: [waiver('ledger', 'has-runbook', 'snooze'), waiver('ledger', 'has-oncall', 'not_applicable', null)] }));
    expect(digest.actions.map((action) => action.checkId)).toEqual(['has-description']);
    expect(digest.waived.map(({ waiver: w, title }) => [w.kind, title])).toEqual([
      ['snooze', 'Has a runbook'],
      ['not_applicable', 'Has an on-call rotation'],
    ]);
    // The snapshot keeps every failure, so a snooze running out is not mistaken for a regression.
    expect(digest.failing).toHaveLength(3);
  });

  it('sends nothing when every failure is snoozed and nothing changed', () => {
    const health = team('payments', [entity('ledger', { 'has-runbook': 'fail' })], { score: 0 });
    const digest = composeDigest(input({ health, last: snapshot([['ledger', 'has-runbook']], 0), waivers: [waiver('ledger', 'has-runbook', 'snooze')] }));
    expect(digest).toMatchObject({ send: false, reason: 'nothing fails and nothing changed since the last digest' });
  });

  it("counts the team's broken catalog files and members who left as reasons to send", () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'pass' })]);
    const digest = composeDigest(input({
      health,
      last: snapshot([], 100),
      catalogProblems: [{ file: 'catalog-info.yaml', line: 3, message: 'bad indentation' }],
      staleOwners: [{ ref: 'user:default/tomas', displayName: 'Tomáš', reason: 'left-slack' }],
    }));
    expect(digest).toMatchObject({ send: true, reason: '1 catalog problem, 1 member who left' });
  });

  it('does not send to a team without a channel, and says how to fix that', () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'fail' })], { channel: null });
    expect(composeDigest(input({ health }))).toMatchObject({ send: false, reason: 'the team has no Slack channel: add slack.com/channel to its Group' });
  });

  it('compares the score with the last digest and shows a weekly trend', () => {
    const health = team('payments', [entity('ledger', { 'has-description': 'fail', 'has-runbook': 'pass' })], { score: 80 });
    const history = [
      { at: new Date('2026-10-30T00:00:00Z'), score: 60 },
      { at: new Date('2026-11-05T00:00:00Z'), score: 65 },
      { at: new Date('2026-11-12T00:00:00Z'), score: 70 },
      { at: new Date('2026-11-14T00:00:00Z'), score: 72 },
    ];
    const digest = composeDigest(input({ health, last: snapshot([['ledger', 'has-description']], 72), history }));
    expect(digest.previous).toEqual({ score: 72, level: null, at: LAST_WEEK });
    expect(digest.trend).toEqual([60, 65, 72, 80]);
  });
});

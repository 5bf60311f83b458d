/**
 * An in-memory HealthReader over fixed team health, transitions and waivers, for the cores' tests:
 * each test sets exactly which check changed when. The end-to-end and CLI tests use the real one.
 */
import type { CheckDefinition, CheckStatus, CheckTransition, EntityHealth, HealthReader, Level, NewWaiver, TeamHealth, Waiver } from '../../src/health/model';

export const CHECKS: CheckDefinition[] = [
  { id: 'has-description', title: 'Has a description', why: 'People read it first.', fix: { text: 'Add metadata.description.' }, appliesTo: {}, rule: { all: [] }, level: 'bronze' },
  { id: 'has-owner', title: 'Owned by a team', why: 'Someone must answer.', fix: { text: 'Set spec.owner.' }, appliesTo: {}, rule: { all: [] }, level: 'bronze' },
  { id: 'has-runbook', title: 'Has a runbook', why: 'On-call needs it at 3 am.', fix: { text: 'Link a runbook in metadata.links.', url: 'https://example.com/runbooks' }, appliesTo: {}, rule: { all: [] }, level: 'silver' },
  { id: 'has-oncall', title: 'Has an on-call rotation', why: 'Production needs someone to page.', fix: { text: 'Add pagerduty.com/service-id.' }, appliesTo: {}, rule: { all: [] }, level: 'silver' },
  { id: 'docs-fresh', title: 'Docs built in the last 90 days', why: 'Stale docs mislead.', fix: { text: 'Rebuild the TechDocs site.' }, appliesTo: {}, rule: { all: [] }, level: 'gold' },
];

export const T0 = new Date('2026-11-16T08:00:00Z');

export function entity(name: string, statuses: Record<string, CheckStatus>, options: { lifecycle?: string; title?: string } = {}): EntityHealth {
  const results = Object.entries(statuses).map(([checkId, status]) => ({ entityRef: `component:default/${name}`, checkId, status, since: T0, evaluatedAt: T0 }));
  const counted = results.filter((result) => result.status === 'pass' || result.status === 'fail');
  const score = counted.length ? (100 * counted.filter((result) => result.status === 'pass').length) / counted.length : null;
  return { ref: `component:default/${name}`, displayName: options.title ?? name, kind: 'component', type: 'service', lifecycle: options.lifecycle ?? 'production', results, score, level: null };
}

export function team(name: string, entities: EntityHealth[], options: { channel?: string | null; level?: Level | null; score?: number | null; displayName?: string } = {}): TeamHealth {
  const scores = entities.map((e) => e.score).filter((score): score is number => score !== null);
  return {
    team: `group:default/${name}`,
    displayName: options.displayName ?? name[0]!.toUpperCase() + name.slice(1),
    channel: options.channel === undefined ? name : options.channel,
    entities,
    score: options.score !== undefined ? options.score : scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    level: options.level ?? null,
    evaluatedAt: T0,
  };
}

export interface MemoryHealth extends HealthReader {
  teams: TeamHealth[];
  transitionLog: CheckTransition[];
  waivers: Waiver[];
  history: Map<string, Array<{ at: Date; score: number | null; level: Level | null }>>;
  /** Changes one check's status, logging the transition at `at`. */
  setStatus(entityRef: string, checkId: string, status: CheckStatus, at: Date): void;
}

export function memoryHealth(teams: TeamHealth[], options: { now?: () => Date } = {}): MemoryHealth {
  const now = options.now ?? (() => T0);
  let nextId = 1;
  const health: MemoryHealth = {
    teams,
    transitionLog: [],
    waivers: [],
    history: new Map(),
    scorecard: () => ({ checks: CHECKS }),
    async teamHealth(ref) {
      return health.teams.find((candidate) => candidate.team.toLowerCase() === ref.toLowerCase());
    },
    async owningTeams() {
      return health.teams.map(({ team: ref, displayName, channel }) => ({ team: ref, displayName, channel }));
    },
    async scoreHistory(ref, since) {
      return (health.history.get(ref) ?? []).filter((point) => point.at >= since);
    },
    async transitions({ since, until, entityRefs }) {
      const wanted = entityRefs && new Set(entityRefs.map((ref) => ref.toLowerCase()));
      return health.transitionLog.filter((t) => t.at > since && (!until || t.at <= until) && (!wanted || wanted.has(t.entityRef.toLowerCase())));
    },
    async activeWaivers({ at = now(), entityRefs } = {}) {
      const wanted = entityRefs && new Set(entityRefs.map((ref) => ref.toLowerCase()));
      return health.waivers.filter((w) => w.createdAt <= at && (!w.expiresAt || w.expiresAt > at) && (!wanted || wanted.has(w.entityRef.toLowerCase())));
    },
    async addWaivers(waiver: NewWaiver) {
      const added = waiver.entityRefs.map((entityRef) => ({ id: String(nextId++), entityRef, checkId: waiver.checkId, kind: waiver.kind, reason: waiver.reason, createdBy: waiver.createdBy, createdAt: now(), expiresAt: waiver.expiresAt }));
      health.waivers.push(...added);
      return added;
    },
    setStatus(entityRef, checkId, status, at) {
      for (const t of health.teams) {
        for (const e of t.entities) {
          if (e.ref !== entityRef) continue;
          const result = e.results.find((r) => r.checkId === checkId);
          const from = result?.status ?? null;
          if (result) Object.assign(result, { status, since: at, evaluatedAt: at });
          else e.results.push({ entityRef, checkId, status, since: at, evaluatedAt: at });
          health.transitionLog.push({ entityRef, checkId, from, to: status, at });
        }
      }
    },
  };
  return health;
}

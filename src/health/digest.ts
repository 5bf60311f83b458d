import { LEVELS, type CheckDefinition, type CheckStatus, type CheckTransition, type Level, type Scorecard, type TeamHealth, type Waiver } from './model';

/**
 * A team's digest, composed from what the health core knows now, what the team was last sent, and
 * the team's catalog problems and stale members. Pure: no SQL, no Slack, no clock.
 */

/** One failing check on one entity. */
export interface FailingPair {
  entityRef: string;
  checkId: string;
}

/** What a team was last sent: the digest after it is compared with this. */
export interface DigestSnapshot {
  slot: Date;
  sentAt: Date;
  score: number | null;
  level: Level | null;
  /** Every check failing at the time, snoozed and waived ones included. */
  failing: FailingPair[];
}

/** A problem in one of the team's catalog files (it did not parse, or an entity in it is invalid). */
export interface CatalogFileProblem {
  file: string;
  line?: number;
  message: string;
}

/** A member listed in the team who is gone: no User entity (left the organisation), or a deactivated Slack account. */
export interface StaleOwner {
  ref: string;
  displayName: string;
  reason: 'left-org' | 'left-slack';
}

export interface DigestInput {
  health: TeamHealth;
  scorecard: Scorecard;
  /** The last digest sent to this team, or null before the first. */
  last: DigestSnapshot | null;
  /** Status changes since the last digest (or a week, before the first), oldest first. */
  transitions: CheckTransition[];
  /** Waivers in force now on the team's entities. */
  waivers: Waiver[];
  /** Score at each evaluation over the last weeks, oldest first. */
  history: Array<{ at: Date; score: number | null }>;
  catalogProblems: CatalogFileProblem[];
  staleOwners: StaleOwner[];
  now: Date;
}

export interface AffectedEntity {
  ref: string;
  displayName: string;
  production: boolean;
}

/** One failing check across the team's entities, with how to fix it: what the buttons act on. */
export interface DigestAction {
  checkId: string;
  title: string;
  why: string;
  fix: CheckDefinition['fix'];
  level: Level | null;
  entities: AffectedEntity[];
}

export interface DigestChange {
  entityRef: string;
  displayName: string;
  checkId: string;
  title: string;
}

export interface WaivedCheck {
  waiver: Waiver;
  displayName: string;
  title: string;
}

export interface TeamDigest {
  team: string;
  displayName: string;
  channel: string | null;
  send: boolean;
  /** Why it is sent or not, in words an operator reads in `backline digest --dry-run`. */
  reason: string;
  score: number | null;
  level: Level | null;
  previous: { score: number | null; level: Level | null; at: Date } | null;
  /** A few scores from the last weeks, oldest first, ending with the current one. */
  trend: number[];
  regressions: DigestChange[];
  improvements: DigestChange[];
  /** Every open (neither snoozed nor waived) failing check, most urgent first; the digest shows three. */
  actions: DigestAction[];
  waived: WaivedCheck[];
  catalogProblems: CatalogFileProblem[];
  staleOwners: StaleOwner[];
  /** The snapshot to record when this digest is sent. */
  failing: FailingPair[];
  evaluatedAt: Date;
}

export const TOP_ACTIONS = 3;
const WEEK = 7 * 86_400_000;
const TREND_WEEKS = 4;

export function composeDigest(input: DigestInput): TeamDigest {
  const { health, now } = input;
  const checks = new Map(input.scorecard.checks.map((check) => [check.id, check]));
  const entities = new Map(health.entities.map((entity) => [entity.ref.toLowerCase(), entity]));
  const status = new Map<string, CheckStatus>();
  for (const entity of health.entities) for (const result of entity.results) status.set(pairKey(entity.ref, result.checkId), result.status);

  const waiverOf = new Map<string, Waiver>();
  for (const waiver of input.waivers) {
    if (waiver.expiresAt && waiver.expiresAt <= now) continue;
    waiverOf.set(pairKey(waiver.entityRef, waiver.checkId), waiver);
  }

  const failing: FailingPair[] = [];
  for (const entity of health.entities) {
    for (const result of entity.results) if (result.status === 'fail') failing.push({ entityRef: entity.ref, checkId: result.checkId });
  }
  const open = failing.filter((pair) => !waiverOf.has(pairKey(pair.entityRef, pair.checkId)));

  const failedBefore = failingBefore(input, status);
  const describe = (pair: FailingPair): DigestChange => ({
    entityRef: pair.entityRef,
    displayName: entities.get(pair.entityRef.toLowerCase())?.displayName ?? pair.entityRef,
    checkId: pair.checkId,
    title: checks.get(pair.checkId)?.title ?? pair.checkId,
  });
  const regressions = open.filter((pair) => !failedBefore(pair)).map(describe);
  const improvements = health.entities
    .flatMap((entity) => entity.results.filter((result) => result.status === 'pass').map((result) => ({ entityRef: entity.ref, checkId: result.checkId })))
    .filter(failedBefore)
    .map(describe)
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.title.localeCompare(b.title));

  const actions = rankActions(open, checks, entities);
  const waived = failing
    .filter((pair) => waiverOf.has(pairKey(pair.entityRef, pair.checkId)))
    .map((pair) => ({ waiver: waiverOf.get(pairKey(pair.entityRef, pair.checkId))!, displayName: describe(pair).displayName, title: describe(pair).title }));

  const previous = input.last && { score: input.last.score, level: input.last.level, at: input.last.sentAt };
  const changed = regressions.length > 0 || improvements.length > 0 || (previous !== null && (rounded(previous.score) !== rounded(health.score) || previous.level !== health.level));
  const problems = actions.length + input.catalogProblems.length + input.staleOwners.length;
  const { send, reason } = decide({ channel: health.channel, actions: actions.length, catalogProblems: input.catalogProblems.length, staleOwners: input.staleOwners.length, problems, changed });

  return {
    team: health.team,
    displayName: health.displayName,
    channel: health.channel,
    send,
    reason,
    score: health.score,
    level: health.level,
    previous,
    trend: trendOf(input.history, health.score, now),
    regressions,
    improvements,
    actions,
    waived,
    catalogProblems: input.catalogProblems,
    staleOwners: input.staleOwners,
    failing,
    evaluatedAt: health.evaluatedAt,
  };
}

function decide(facts: { channel: string | null; actions: number; catalogProblems: number; staleOwners: number; problems: number; changed: boolean }): { send: boolean; reason: string } {
  if (!facts.channel) return { send: false, reason: 'the team has no Slack channel: add slack.com/channel to its Group' };
  if (facts.problems > 0) {
    const parts = [
      facts.actions && `${facts.actions} failing check${facts.actions === 1 ? '' : 's'}`,
      facts.catalogProblems && `${facts.catalogProblems} catalog problem${facts.catalogProblems === 1 ? '' : 's'}`,
      facts.staleOwners && `${facts.staleOwners} member${facts.staleOwners === 1 ? '' : 's'} who left`,
    ].filter(Boolean);
    return { send: true, reason: parts.join(', ') };
  }
  if (facts.changed) return { send: true, reason: 'nothing fails, and results changed since the last digest' };
  return { send: false, reason: 'nothing fails and nothing changed since the last digest' };
}

/**
 * Whether a check was failing when the team was last told: from the snapshot when there is one;
 * before the first digest, from the status before the window's first transition (or, without
 * transitions, the status now).
 */
function failingBefore(input: DigestInput, status: Map<string, CheckStatus>): (pair: FailingPair) => boolean {
  if (input.last) {
    const before = new Set(input.last.failing.map((pair) => pairKey(pair.entityRef, pair.checkId)));
    return (pair) => before.has(pairKey(pair.entityRef, pair.checkId));
  }
  const first = new Map<string, CheckTransition>();
  for (const transition of input.transitions) {
    const key = pairKey(transition.entityRef, transition.checkId);
    if (!first.has(key)) first.set(key, transition);
  }
  return (pair) => {
    const key = pairKey(pair.entityRef, pair.checkId);
    const transition = first.get(key);
    return transition ? transition.from === 'fail' : status.get(key) === 'fail';
  };
}

/**
 * The most urgent first: the lowest level (bronze before gold, since a team climbs from the bottom),
 * then the check failing on more entities, then one touching production, then by title.
 */
export function rankActions(open: FailingPair[], checks: Map<string, CheckDefinition>, entities: Map<string, { ref: string; displayName: string; lifecycle: string | null }>): DigestAction[] {
  const byCheck = new Map<string, DigestAction>();
  for (const pair of open) {
    const check = checks.get(pair.checkId);
    let action = byCheck.get(pair.checkId);
    if (!action) {
      action = { checkId: pair.checkId, title: check?.title ?? pair.checkId, why: check?.why ?? '', fix: check?.fix ?? { text: '' }, level: check?.level ?? null, entities: [] };
      byCheck.set(pair.checkId, action);
    }
    const entity = entities.get(pair.entityRef.toLowerCase());
    action.entities.push({ ref: pair.entityRef, displayName: entity?.displayName ?? pair.entityRef, production: isProduction(entity?.lifecycle) });
  }
  const levelRank = (level: Level | null) => (level ? LEVELS.indexOf(level) : LEVELS.length);
  const production = (action: DigestAction) => action.entities.filter((entity) => entity.production).length;
  for (const action of byCheck.values()) action.entities.sort((a, b) => Number(b.production) - Number(a.production) || a.displayName.localeCompare(b.displayName));
  return [...byCheck.values()].sort(
    (a, b) => levelRank(a.level) - levelRank(b.level) || b.entities.length - a.entities.length || production(b) - production(a) || a.title.localeCompare(b.title),
  );
}

export function isProduction(lifecycle: string | null | undefined): boolean {
  return (lifecycle ?? '').toLowerCase() === 'production';
}

/** The score at the end of each of the last weeks that has one, then now: "62 → 70 → 75". */
function trendOf(history: DigestInput['history'], current: number | null, now: Date): number[] {
  const points: number[] = [];
  for (let weeksAgo = TREND_WEEKS; weeksAgo >= 1; weeksAgo -= 1) {
    const end = now.getTime() - weeksAgo * WEEK;
    const last = [...history].reverse().find((point) => point.at.getTime() <= end && point.at.getTime() > end - WEEK && point.score !== null);
    if (last) points.push(Math.round(last.score!));
  }
  if (current !== null) points.push(Math.round(current));
  return points;
}

function rounded(score: number | null): number | null {
  return score === null ? null : Math.round(score);
}

export function pairKey(entityRef: string, checkId: string): string {
  return `${entityRef.toLowerCase()} ${checkId}`;
}

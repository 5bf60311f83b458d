/**
 * The words of health: facts about entities, checks over those facts grouped into levels, results
 * with history, and waivers. Collection and scoring (src/health/) produce these; digests, nudges, the
 * App Home tab and the CLI read them through HealthReader.
 */

/**
 * What is known about one entity, by fact name (`hasDescription`, `github.hasReadme`,
 * `docs.ageDays` …). null means the fact could not be learned (its source is not configured, or it
 * failed this time): a check over it is `unknown`, neither passing nor failing.
 */
export type FactValue = boolean | number | string | null;
export type Facts = Record<string, FactValue>;

export type Operator = 'equal' | 'notEqual' | 'lessThan' | 'lessThanInclusive' | 'greaterThan' | 'greaterThanInclusive' | 'in' | 'notIn' | 'exists';

export interface FactCondition {
  fact: string;
  operator: Operator;
  /** Absent only for `exists`; a list for `in` and `notIn`. */
  value?: FactValue | FactValue[];
}

/** All (or any) of its conditions; conditions may nest. */
export type Rule = { all: Array<FactCondition | Rule> } | { any: Array<FactCondition | Rule> };

export const LEVELS = ['bronze', 'silver', 'gold'] as const;
export type Level = (typeof LEVELS)[number];

/** Which entities a check applies to; an absent field matches everything. Values compare case-insensitively. */
export interface Applicability {
  kinds?: string[];
  types?: string[];
  lifecycles?: string[];
  /** The entity has at least one of these tags. */
  tags?: string[];
}

export interface CheckDefinition {
  /** Stable identifier, used in waivers and history: lowercase words joined by hyphens. */
  id: string;
  title: string;
  /** Why the check matters, in a sentence owners will read. */
  why: string;
  fix: { text: string; url?: string };
  appliesTo: Applicability;
  rule: Rule;
  level: Level;
}

export interface Scorecard {
  checks: CheckDefinition[];
}

/**
 * pass/fail: the rule held or not. unknown: a fact it needs is missing. not_applicable: a waiver says
 * the check does not apply to this entity (it leaves the score). Snoozes do not change a status: they
 * only keep a failing check out of digests and nudges for a while.
 */
export type CheckStatus = 'pass' | 'fail' | 'unknown' | 'not_applicable';

export interface CheckResult {
  entityRef: string;
  checkId: string;
  status: CheckStatus;
  /** When the status last changed. */
  since: Date;
  evaluatedAt: Date;
}

/** One status change of one check on one entity. */
export interface CheckTransition {
  entityRef: string;
  checkId: string;
  from: CheckStatus | null;
  to: CheckStatus;
  at: Date;
}

export type WaiverKind = 'snooze' | 'not_applicable';

export interface Waiver {
  id: string;
  entityRef: string;
  checkId: string;
  kind: WaiverKind;
  /** Required for not_applicable; optional for snoozes. */
  reason: string | null;
  /** Who asked: a Slack user id (U…) or, from the CLI, a name. */
  createdBy: string;
  createdAt: Date;
  /** Null: until someone removes it. */
  expiresAt: Date | null;
}

export interface NewWaiver {
  entityRefs: string[];
  checkId: string;
  kind: WaiverKind;
  reason: string | null;
  createdBy: string;
  expiresAt: Date | null;
}

export interface EntityHealth {
  ref: string;
  /** metadata.title, else metadata.name. */
  displayName: string;
  kind: string;
  type: string | null;
  lifecycle: string | null;
  results: CheckResult[];
  /** Passing checks as a share of the checks that count (pass or fail), 0–100; null when none count. */
  score: number | null;
  /** The highest level whose checks, and every lower level's, all pass; null below bronze. */
  level: Level | null;
}

export interface TeamHealth {
  /** The owning Group's ref, e.g. group:default/payments. */
  team: string;
  displayName: string;
  /** Its Slack channel (slack.com/channel, else slack.com/bot-notify), as written in the catalog. */
  channel: string | null;
  entities: EntityHealth[];
  score: number | null;
  level: Level | null;
  evaluatedAt: Date;
}

/**
 * What digests, nudges, App Home and the CLI read. Implemented over the health tables by the health
 * core; waivers are written here too, because the Slack buttons create them.
 */
export interface HealthReader {
  /** The checks in force (the configured scorecard, else the default one). */
  scorecard(): Scorecard;
  /** A team's entities with their current results, score and level; undefined when the team is not in the catalog. */
  teamHealth(teamRef: string, options?: { at?: Date }): Promise<TeamHealth | undefined>;
  /** Every Group that owns at least one entity, with its channel. */
  owningTeams(): Promise<Array<{ team: string; displayName: string; channel: string | null }>>;
  /** A team's score and level as they were at each evaluation in the window, oldest first. */
  scoreHistory(teamRef: string, since: Date): Promise<Array<{ at: Date; score: number | null; level: Level | null }>>;
  /** Status changes of the given entities' checks in (since, until], oldest first. */
  transitions(options: { since: Date; until?: Date; entityRefs?: string[] }): Promise<CheckTransition[]>;
  /** Waivers in force at `at` (default now), optionally only for these entities. */
  activeWaivers(options?: { at?: Date; entityRefs?: string[] }): Promise<Waiver[]>;
  addWaivers(waiver: NewWaiver): Promise<Waiver[]>;
}

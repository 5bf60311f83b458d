import { LEVELS, type Applicability, type CheckDefinition, type CheckStatus, type FactCondition, type FactValue, type Facts, type Level, type Rule } from './model';

/**
 * Rule evaluation, pure: three-valued, because a fact Backline could not learn (null) must neither
 * pass nor fail a check. `all` fails as soon as one part fails, and is unknown when none fails but
 * one is unknown; `any` passes as soon as one part passes, and is unknown when none passes but one is.
 */
export type Outcome = 'pass' | 'fail' | 'unknown';

export function evaluateRule(rule: Rule | FactCondition, facts: Facts): Outcome {
  if ('all' in rule) {
    const outcomes = rule.all.map((part) => evaluateRule(part, facts));
    if (outcomes.includes('fail')) return 'fail';
    return outcomes.includes('unknown') ? 'unknown' : 'pass';
  }
  if ('any' in rule) {
    const outcomes = rule.any.map((part) => evaluateRule(part, facts));
    if (outcomes.includes('pass')) return 'pass';
    return outcomes.includes('unknown') ? 'unknown' : 'fail';
  }
  return evaluateCondition(rule, facts);
}

/**
 * One condition. `exists` is the one operator that answers for null: it asks whether the fact has
 * a value (with `value: false`, whether it has none). Every other operator over null is unknown.
 */
export function evaluateCondition(condition: FactCondition, facts: Facts): Outcome {
  const actual: FactValue = facts[condition.fact] ?? null;
  const expected = condition.value;
  if (condition.operator === 'exists') return (actual !== null) === (expected !== false) ? 'pass' : 'fail';
  if (actual === null) return 'unknown';
  const holds = (() => {
    switch (condition.operator) {
      case 'equal':
        return actual === expected;
      case 'notEqual':
        return actual !== expected;
      case 'in':
        return Array.isArray(expected) && expected.includes(actual);
      case 'notIn':
        return Array.isArray(expected) && !expected.includes(actual);
      case 'lessThan':
        return typeof actual === 'number' && typeof expected === 'number' && actual < expected;
      case 'lessThanInclusive':
        return typeof actual === 'number' && typeof expected === 'number' && actual <= expected;
      case 'greaterThan':
        return typeof actual === 'number' && typeof expected === 'number' && actual > expected;
      case 'greaterThanInclusive':
        return typeof actual === 'number' && typeof expected === 'number' && actual >= expected;
    }
  })();
  return holds ? 'pass' : 'fail';
}

/** What applicability looks at: the entity's kind, spec.type, spec.lifecycle and tags. */
export interface EntityTraits {
  kind: string;
  type: string | null;
  lifecycle: string | null;
  tags: string[];
}

/** Absent fields match everything; values compare case-insensitively; tags match when one is shared. */
export function appliesTo(applicability: Applicability, entity: EntityTraits): boolean {
  const has = (allowed: string[] | undefined, value: string | null) => !allowed || (value !== null && allowed.some((item) => item.toLowerCase() === value.toLowerCase()));
  if (!has(applicability.kinds, entity.kind)) return false;
  if (!has(applicability.types, entity.type)) return false;
  if (!has(applicability.lifecycles, entity.lifecycle)) return false;
  if (applicability.tags) {
    const tags = new Set(entity.tags.map((tag) => tag.toLowerCase()));
    if (!applicability.tags.some((tag) => tags.has(tag.toLowerCase()))) return false;
  }
  return true;
}

/**
 * The status of every check that applies to an entity: the rule's outcome, or not_applicable when
 * a not_applicable waiver for that check is in force. Checks that do not apply are left out.
 */
export function evaluateChecks(checks: CheckDefinition[], entity: EntityTraits, facts: Facts, notApplicable: ReadonlySet<string>): Array<{ check: CheckDefinition; status: CheckStatus }> {
  return checks.filter((check) => appliesTo(check.appliesTo, entity)).map((check) => ({ check, status: notApplicable.has(check.id) ? 'not_applicable' : evaluateRule(check.rule, facts) }));
}

/** Passing checks as a share of those that count (pass or fail), 0–100 with one decimal; null when none count. */
export function scoreOf(statuses: CheckStatus[]): number | null {
  return shareOf(statuses.filter((status) => status === 'pass').length, statuses.filter((status) => status === 'pass' || status === 'fail').length);
}

/** `passed` of `counted` checks as a score, 0–100 with one decimal; null when none count. */
export function shareOf(passed: number, counted: number): number | null {
  return counted === 0 ? null : Math.round((passed / counted) * 1000) / 10;
}

/**
 * The highest level whose checks, and every lower level's, all pass; null below bronze. Only
 * counted checks decide: an unknown or not-applicable check neither holds a level back nor earns
 * one, and a level none of whose checks counts is not reached by passing the levels below it (a
 * Resource with only bronze checks is bronze, not gold).
 */
export function levelOf(results: Array<{ level: Level; status: CheckStatus }>): Level | null {
  const counted = results.filter((result) => result.status === 'pass' || result.status === 'fail');
  if (counted.length === 0) return null;
  let reached: Level | null = null;
  for (const level of LEVELS) {
    const atLevel = counted.filter((result) => result.level === level);
    if (atLevel.some((result) => result.status === 'fail')) break;
    if (atLevel.length) reached = level;
  }
  return reached;
}

/**
 * A team's level: the lowest among its entities that have counted checks (a team is as good as its
 * weakest service); null when one of them is below bronze, or none has counted checks.
 */
export function teamLevelOf(entityLevels: Array<{ level: Level | null; counted: boolean }>): Level | null {
  const counted = entityLevels.filter((entity) => entity.counted);
  if (counted.length === 0) return null;
  let lowest: Level | null = LEVELS[LEVELS.length - 1]!;
  for (const { level } of counted) {
    if (level === null) return null;
    if (LEVELS.indexOf(level) < LEVELS.indexOf(lowest!)) lowest = level;
  }
  return lowest;
}

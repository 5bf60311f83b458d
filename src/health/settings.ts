import { z } from 'zod';
import { CATALOG_KINDS as KINDS } from '../catalog/rules';
import { DEFAULT_CHECKS } from './defaultScorecard';
import { FACT_NAMES, FACT_TYPES } from './facts/names';
import { LEVELS, type CheckDefinition, type Scorecard } from './model';

/**
 * backline.yaml's `health:` section: the language teams write their own checks in (facts,
 * operators, nested all/any rules, levels), validated so that every error names the check and the
 * field and says what would be valid.
 */

/** When `serve` collects health facts and scores, unless backline.yaml says otherwise: hourly. */
export const DEFAULT_HEALTH_SCHEDULE = '0 * * * *';

export interface HealthConfig {
  /** The backline.yaml read, or null when there is none. */
  configFile: string | null;
  scorecard: Scorecard;
  schedule: string;
}

const OPERATORS = ['equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn', 'exists'] as const;
const COMPARISONS: readonly string[] = ['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];
const scalar = z.union([z.boolean(), z.number(), z.string(), z.null()]);
const words = z.array(z.string().trim().min(1)).min(1, 'must list at least one value (or leave the field out to match everything)');

const ConditionSchema = z
  .object({ fact: z.string(), operator: z.string(), value: z.union([scalar, z.array(scalar)]).optional() })
  .strict()
  .superRefine((condition, context) => {
    const problem = (path: string, message: string) => context.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    const type = FACT_TYPES.get(condition.fact);
    if (!type) return problem('fact', `unknown fact "${condition.fact}"; valid facts: ${FACT_NAMES.join(', ')}`);
    if (!(OPERATORS as readonly string[]).includes(condition.operator)) return problem('operator', `unknown operator "${condition.operator}"; valid operators: ${OPERATORS.join(', ')}`);
    const { operator, value } = condition;
    if (operator === 'exists') {
      if (value !== undefined && typeof value !== 'boolean') problem('value', 'with exists, value must be true (the default: the fact has a value) or false');
    } else if (operator === 'in' || operator === 'notIn') {
      if (!Array.isArray(value)) problem('value', `with ${operator}, value must be a list, e.g. [production, experimental]`);
      else if (value.some((item) => item !== null && typeof item !== type)) problem('value', `${condition.fact} is a ${type}: every value in the list must be a ${type}`);
    } else if (COMPARISONS.includes(operator)) {
      if (type !== 'number') problem('operator', `${operator} compares numbers, and ${condition.fact} is a ${type}; use equal, notEqual, in, notIn or exists`);
      else if (typeof value !== 'number') problem('value', `with ${operator}, value must be a number`);
    } else if (value === undefined || Array.isArray(value) || (value !== null && typeof value !== type)) {
      problem('value', `${condition.fact} is a ${type}: value must be a ${type}${type === 'boolean' ? ' (true or false)' : ''}`);
    }
  });

type RuleInput = { all: Array<RuleInput | z.infer<typeof ConditionSchema>> } | { any: Array<RuleInput | z.infer<typeof ConditionSchema>> };
const RuleSchema: z.ZodType<RuleInput> = z.lazy(() => {
  const part = z.union([ConditionSchema, RuleSchema], { errorMap: () => ({ message: 'each item must be a condition {fact, operator, value} or a nested {all: […]} / {any: […]}' }) });
  return z.union([z.object({ all: z.array(part).min(1) }).strict(), z.object({ any: z.array(part).min(1) }).strict()], {
    errorMap: () => ({ message: 'must be {all: [conditions]} or {any: [conditions]}, each condition {fact, operator, value}' }),
  });
});

const CheckSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by hyphens, e.g. has-readme'),
    title: z.string().trim().min(1, 'must say what the check asks, e.g. "Has a README"'),
    why: z.string().trim().min(1, 'must say why the check matters, in a sentence owners will read'),
    fix: z.object({ text: z.string().trim().min(1, 'must say how to fix it'), url: z.string().url('must be a URL, e.g. https://backstage.io/docs/…').optional() }).strict(),
    appliesTo: z
      .object({
        kinds: words.refine((kinds) => kinds.every((kind) => KINDS.some((known) => known.toLowerCase() === kind.toLowerCase())), `must be catalog kinds: ${KINDS.join(', ')}`).optional(),
        types: words.optional(),
        lifecycles: words.optional(),
        tags: words.optional(),
      })
      .strict()
      .default({}),
    rule: RuleSchema,
    level: z.enum(LEVELS, { errorMap: () => ({ message: `must be one of ${LEVELS.join(', ')}` }) }),
  })
  .strict();

/** The `health:` section of backline.yaml. */
export const HealthSectionSchema = z
  .object({
    /** Start from Backline's default scorecard (true) or only from the checks listed here. */
    defaultChecks: z.boolean().default(true),
    disable: z.array(z.string()).default([]),
    /** When `serve` collects facts and scores, as a cron expression. */
    schedule: z.string().trim().refine((value) => /^(\S+\s+){4,5}\S+$/.test(value), 'must be a cron expression of 5 or 6 fields, e.g. "0 * * * *" (hourly)').default(DEFAULT_HEALTH_SCHEDULE),
    checks: z.array(CheckSchema).default([]),
  })
  .strict();

/**
 * The scorecard a section asks for: the default checks (unless `defaultChecks: false`), minus
 * `disable`, with `checks` added (a check with a default check's id replaces it).
 */
export function scorecardOf(health: z.infer<typeof HealthSectionSchema>): { ok: true; scorecard: Scorecard } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const check of health.checks) {
    if (seen.has(check.id)) problems.push(`check "${check.id}": the id is used twice in health.checks; give each check its own id.`);
    seen.add(check.id);
  }
  const base = health.defaultChecks ? DEFAULT_CHECKS : [];
  const known = new Set([...base.map((check) => check.id), ...seen]);
  for (const id of health.disable) if (!known.has(id)) problems.push(`health.disable: there is no check "${id}"; checks: ${[...known].join(', ')}.`);
  if (problems.length) return { ok: false, problems };
  const added = new Map(health.checks.map((check) => [check.id, check as CheckDefinition]));
  const checks = [...base.map((check) => added.get(check.id) ?? check), ...health.checks.filter((check) => !base.some((b) => b.id === check.id)).map((check) => check as CheckDefinition)].filter(
    (check) => !health.disable.includes(check.id),
  );
  return { ok: true, scorecard: { checks } };
}

/** `check "has-readme" (health.checks[2]), field rule.all[0].fact`: where in the section, by the check's id when it has one. */
export function describeHealthIssuePath(section: unknown, issuePath: Array<string | number>): string {
  if (issuePath[0] === 'checks' && typeof issuePath[1] === 'number') {
    const id = (section as { checks?: Array<{ id?: unknown }> } | undefined)?.checks?.[issuePath[1]]?.id;
    const rest = pathText(issuePath.slice(2));
    return `check ${typeof id === 'string' ? `"${id}"` : `#${issuePath[1] + 1}`} (health.checks[${issuePath[1]}])${rest ? `, field ${rest}` : ''}`;
  }
  return pathText(['health', ...issuePath]);
}

export function pathText(parts: Array<string | number>): string {
  return parts.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${part}`)).join('');
}

import { z } from 'zod';

/**
 * Building blocks that mirror Backstage's JSON-Schema vocabulary in zod, and the one place where zod
 * issues become the messages people read. Every object schema passes unknown keys through, because
 * Backstage's schemas never forbid extra fields below the root.
 */

/** JSON Schema `{ type: string, minLength: 1 }`. */
export const nonEmptyString = z.string().min(1);

/** JSON Schema `{ type: array, items: { type: string, minLength: 1 } }`. */
export const nonEmptyStringList = z.array(nonEmptyString);

/** JSON Schema `{ type: object }`: any object, but not an array or null. */
export const anyObject = z.object({}).passthrough();

/** JSON Schema `{ type: [string, boolean] }`. */
export const stringOrBoolean = z.union([z.string(), z.boolean()], {
  errorMap: (issue, ctx) => (issue.code === 'invalid_union' ? { message: `must be a string or a boolean (got ${typeName(ctx.data)})` } : { message: ctx.defaultError }),
});

/**
 * A JSON Schema `oneOf` whose branches have different JSON types (object vs array). Unlike
 * `z.union`, which reports only "invalid input" once a branch fails inside, this picks the branch by
 * the value's type and reports that branch's own issues.
 */
export function oneOfByType(branches: { object?: z.ZodTypeAny; array?: z.ZodTypeAny }, expectation: string): z.ZodTypeAny {
  return z.unknown().superRefine((value, ctx) => {
    const branch = Array.isArray(value) ? branches.array : isPlainObject(value) ? branches.object : undefined;
    if (!branch) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${expectation} (got ${typeName(value)})` });
      return;
    }
    const result = branch.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue(issue as z.IssueData);
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type of a value as a message names it: `string`, `number`, `array`, `null`, `object`... */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return typeof value;
}

/** `spec.providesApis[0]`, `metadata.annotations["backstage.io/techdocs-ref"]`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return 'entity';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

const ARTICLES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

export interface DescribeOptions {
  /** Prepended to every issue path, e.g. `['spec']` when the spec alone was parsed. */
  prefix?: ReadonlyArray<string | number>;
  /** Names the kind in "is required for kind X" messages. */
  kind?: string;
}

/** Turns zod issues into sentences that name the field, what was expected, and what was found. */
export function describeIssues(issues: readonly z.ZodIssue[], options: DescribeOptions = {}): string[] {
  return issues.flatMap((issue) => describeIssue(issue, options));
}

function describeIssue(issue: z.ZodIssue, { prefix = [], kind }: DescribeOptions): string[] {
  const path = formatPath([...prefix, ...issue.path]);
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type: {
      if (issue.received === 'undefined') return [`${path} is required${kind ? ` for kind ${kind}` : ''}`];
      const expected = ARTICLES[issue.expected] ?? issue.expected;
      // YAML 1.1 loaders turn unquoted dates into timestamps; say how to get the string back.
      const hint = issue.received === 'date' ? '; quote the date in YAML so it stays a string' : '';
      return [`${path} must be ${expected} (got ${issue.received}${hint})`];
    }
    case z.ZodIssueCode.too_small:
      if (issue.minimum === 1 && (issue.type === 'string' || issue.type === 'array')) return [`${path} must not be empty`];
      return [`${path} must have at least ${String(issue.minimum)} ${issue.type === 'array' ? 'items' : 'characters'}`];
    case z.ZodIssueCode.invalid_enum_value:
      return [`${path} must be one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')} (got ${JSON.stringify(issue.received)})`];
    case z.ZodIssueCode.unrecognized_keys:
      return issue.keys.map((key) =>
        path === 'entity'
          ? `unknown root field ${JSON.stringify(key)}; an entity may only have apiVersion, kind, metadata and spec`
          : `${path} has an unknown field ${JSON.stringify(key)}`,
      );
    default:
      return [`${path} ${issue.message}`];
  }
}

/** A refinement that adds `"<value>" is not valid; expected <what>` when the check fails. */
export function formatCheck(check: (value: string) => boolean, expectation: string) {
  return (value: string, ctx: z.RefinementCtx): void => {
    if (!check(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} is not valid; expected ${expectation}` });
  };
}

import type { FieldSchema } from './template';

/**
 * Conditional form pages, resolved the way Backstage's scaffolder form (react-jsonschema-form) does
 * before it draws a page: `allOf` items are merged in, `if` picks `then` or `else` by validating the
 * values, `dependencies` add required fields (property dependencies) or fields (schema dependencies,
 * with `oneOf` choosing the branch whose copy of the controlling property the value matches), and a
 * page-level `oneOf`/`anyOf` becomes a choice the person makes, each option titled as rjsf titles it.
 */

/** What a resolved page shows, in order: a field, or the selector of a `oneOf`/`anyOf`. */
export type PageItem = { kind: 'field'; name: string; schema: FieldSchema } | { kind: 'choice'; id: string; titles: string[]; chosen: number };

export interface ResolvedPage {
  items: PageItem[];
  required: string[];
  /** Fields whose value decides what else the page shows: their inputs ask Slack to tell at once. */
  triggers: string[];
}

/** The option chosen in each `oneOf`/`anyOf` selector, by the selector's id (its path in the page). */
export type Choices = Record<string, number>;

/** The most nesting followed: a template is data from anywhere, and a deep one must not exhaust the stack. */
const MAX_DEPTH = 16;

export function resolvePage(schema: Record<string, unknown>, values: Record<string, unknown>, choices: Choices = {}): ResolvedPage {
  const out = { items: [] as PageItem[], required: new Set<string>(), triggers: new Set<string>() };
  resolveInto(schema, values, choices, '', out, 0);
  return { items: out.items, required: [...out.required], triggers: [...out.triggers] };
}

/** The fields of a resolved page. */
export function fieldsOf(page: ResolvedPage): Array<[name: string, schema: FieldSchema]> {
  return page.items.flatMap((item) => (item.kind === 'field' ? [[item.name, item.schema] as [string, FieldSchema]] : []));
}

/** Every field any branch of the page could show, with the schema it first appears with. */
export function everyField(schema: Record<string, unknown>, depth = 0, found = new Map<string, FieldSchema>()): Map<string, FieldSchema> {
  if (depth > MAX_DEPTH) return found;
  for (const [name, field] of Object.entries(record(schema.properties))) if (isRecord(field) && !found.has(name)) found.set(name, field);
  const subschemas = [...list(schema.allOf), ...list(schema.oneOf), ...list(schema.anyOf), schema.then, schema.else];
  for (const dependency of Object.values(record(schema.dependencies))) if (isRecord(dependency)) subschemas.push(dependency);
  for (const sub of subschemas) if (isRecord(sub)) everyField(sub, depth + 1, found);
  return found;
}

interface Collected {
  items: PageItem[];
  required: Set<string>;
  triggers: Set<string>;
}

function resolveInto(schema: Record<string, unknown>, values: Record<string, unknown>, choices: Choices, path: string, out: Collected, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const [name, field] of Object.entries(record(schema.properties))) if (isRecord(field)) addField(out, name, field);
  for (const name of list(schema.required)) if (typeof name === 'string') out.required.add(name);
  list(schema.allOf).forEach((sub, i) => isRecord(sub) && resolveInto(sub, values, choices, `${path}allOf.${i}.`, out, depth + 1));
  if (isRecord(schema.if)) {
    for (const name of namesIn(schema.if)) out.triggers.add(name);
    const holds = matches(schema.if, values);
    const branch = holds ? schema.then : schema.else;
    if (isRecord(branch)) resolveInto(branch, values, choices, `${path}${holds ? 'then' : 'else'}.`, out, depth + 1);
  }
  for (const [key, dependency] of Object.entries(record(schema.dependencies))) {
    out.triggers.add(key);
    if (!isPresent(values[key])) continue;
    if (Array.isArray(dependency)) {
      for (const name of dependency) if (typeof name === 'string') out.required.add(name);
      continue;
    }
    if (!isRecord(dependency)) continue;
    const { oneOf, ...rest } = dependency;
    resolveInto(rest, values, choices, `${path}dependencies.${key}.`, out, depth + 1);
    // rjsf takes the first branch whose copy of the controlling property accepts its value, and
    // leaves that copy out (the property is drawn once, where the page first lists it).
    const branch = list(oneOf).find((sub) => isRecord(sub) && isRecord(record(sub.properties)[key]) && matches(record(sub.properties)[key], values[key]));
    if (isRecord(branch)) {
      const { [key]: _controlling, ...properties } = record(branch.properties);
      resolveInto({ ...branch, properties }, values, choices, `${path}dependencies.${key}.oneOf.`, out, depth + 1);
    }
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const options = list(schema[keyword]).filter(isRecord);
    if (options.length === 0) continue;
    const id = `${path}${keyword}`;
    const given = choices[id];
    const chosen = typeof given === 'number' && given >= 0 && given < options.length ? given : matchingOption(options, values);
    out.items.push({ kind: 'choice', id, titles: options.map((option, i) => (typeof option.title === 'string' && option.title ? option.title : `Option ${i + 1}`)), chosen });
    resolveInto(options[chosen]!, values, choices, `${id}.${chosen}.`, out, depth + 1);
  }
}

/** A field named again (a branch narrowing it) keeps its place, with the later keywords winning. */
function addField(out: Collected, name: string, schema: FieldSchema): void {
  const existing = out.items.findIndex((item) => item.kind === 'field' && item.name === name);
  if (existing === -1) out.items.push({ kind: 'field', name, schema });
  else out.items[existing] = { kind: 'field', name, schema: { ...(out.items[existing] as { schema: FieldSchema }).schema, ...schema } };
}

/** rjsf's getMatchingOption: the first option the values satisfy that names one of the values given, else the first. */
function matchingOption(options: Array<Record<string, unknown>>, values: Record<string, unknown>): number {
  const found = options.findIndex((option) => matches(option, values) && Object.keys(record(option.properties)).some((name) => isPresent(values[name])));
  return found === -1 ? 0 : found;
}

/** The properties an `if` looks at: their fields decide the branch. */
function namesIn(schema: Record<string, unknown>): string[] {
  const names = [...Object.keys(record(schema.properties)), ...list(schema.required).filter((name): name is string => typeof name === 'string')];
  for (const sub of [...list(schema.allOf), ...list(schema.anyOf), ...list(schema.oneOf), schema.not]) if (isRecord(sub)) names.push(...namesIn(sub));
  return names;
}

export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

/**
 * Whether a value satisfies a JSON Schema, for the keywords conditions use: const, enum, type,
 * lengths, pattern, bounds, required, properties, items, not, allOf, anyOf, oneOf. As in JSON
 * Schema, `properties` only constrains the properties present, so `if` usually lists `required`.
 */
export function matches(schema: unknown, value: unknown, depth = 0): boolean {
  if (schema === false) return false;
  if (!isRecord(schema) || depth > MAX_DEPTH) return true;
  if ('const' in schema && !sameValue(schema.const, value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => sameValue(allowed, value))) return false;
  if (schema.type !== undefined && !(Array.isArray(schema.type) ? schema.type : [schema.type]).some((type) => hasType(value, type))) return false;
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
    if (typeof schema.pattern === 'string' && !safePattern(schema.pattern)?.test(value)) return false;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return false;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return false;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return false;
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return false;
    if (isRecord(schema.items) && !value.every((item) => matches(schema.items, item, depth + 1))) return false;
    if (schema.contains !== undefined && !value.some((item) => matches(schema.contains, item, depth + 1))) return false;
  }
  if (isRecord(value)) {
    if (list(schema.required).some((name) => typeof name === 'string' && value[name] === undefined)) return false;
    for (const [name, sub] of Object.entries(record(schema.properties))) if (value[name] !== undefined && !matches(sub, value[name], depth + 1)) return false;
  }
  if (schema.not !== undefined && matches(schema.not, value, depth + 1)) return false;
  if (list(schema.allOf).some((sub) => !matches(sub, value, depth + 1))) return false;
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((sub) => matches(sub, value, depth + 1))) return false;
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((sub) => matches(sub, value, depth + 1)).length !== 1) return false;
  return true;
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number';
    case 'integer': return Number.isInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'array': return Array.isArray(value);
    case 'object': return isRecord(value);
    case 'null': return value === null;
    default: return true;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function safePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

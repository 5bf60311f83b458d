/**
 * The values and functions of test/support/goTemplate.ts: Go's truth, printing and comparison rules,
 * and the functions of Go's templates, Sprig and Helm that the chart uses.
 */
import { createHash } from 'node:crypto';
import yaml from 'js-yaml';

/** An integer as Go's templates have it (literals, `int`), apart from YAML's float64 numbers. */
export class GoInt {
  constructor(readonly value: number) {}
}

/** What `fail` and `required` raise: Helm's "execution error", the message meant for the person installing. */
export class TemplateFailure extends Error {}

export const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof GoInt);
const plain = (value: unknown): unknown => (value instanceof GoInt ? value.value : value);

export function truthy(value: unknown): boolean {
  const v = plain(value);
  if (v == null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** As Go prints a value with %v: float64 of a million or more in e-notation (1e+06), nil as nothing. */
export function printed(value: unknown): string {
  if (value == null) return '';
  if (value instanceof GoInt) return String(value.value);
  if (typeof value === 'number') {
    const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
    if (exponent < -4 || exponent >= 6) return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
    return String(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  throw new Error(`printing a ${Array.isArray(value) ? 'list' : 'map'} gives Go's map[…] syntax: pipe it through toYaml`);
}

function compare(name: string, a: unknown, b: unknown): number {
  if (a == null || b == null || typeof plain(a) !== typeof plain(b) || (typeof plain(a) === 'number' && a instanceof GoInt !== b instanceof GoInt)) {
    throw new Error(`error calling ${name}: incompatible types for comparison (${printed(a)}, ${printed(b)}): numbers from values are float64, use int`);
  }
  const [x, y] = [plain(a) as number | string | boolean, plain(b) as number | string | boolean];
  return x === y ? 0 : x < y ? -1 : 1;
}

function goFormat(format: string, args: unknown[]): string {
  let next = 0;
  return format.replace(/%([%sdvq])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const value = args[next++];
    return verb === 'q' ? JSON.stringify(printed(value)) : printed(value);
  });
}

export const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  // Go's and/or return the first argument that decides the answer, not a boolean.
  and: (...args) => deciding(args, false),
  or: (...args) => deciding(args, true),
  not: (value) => !truthy(value),
  eq: (a, b) => compare('eq', a, b) === 0,
  ne: (a, b) => compare('ne', a, b) !== 0,
  gt: (a, b) => compare('gt', a, b) > 0,
  lt: (a, b) => compare('lt', a, b) < 0,
  int: (value) => new GoInt(Math.trunc(Number(plain(value)) || 0)),
  empty: (value) => !truthy(value),
  default: (fallback, value) => (truthy(value) ? value : fallback),
  required: (message, value) => {
    if (value == null || value === '') throw new TemplateFailure(String(message));
    return value;
  },
  fail: (message) => {
    throw new TemplateFailure(String(message));
  },
  quote: (...values) => values.filter((value) => value != null).map((value) => JSON.stringify(printed(value))).join(' '),
  print: (...values) => values.map((value, i) => (i > 0 && typeof values[i - 1] !== 'string' && typeof value !== 'string' ? ' ' : '') + printed(value)).join(''),
  printf: (format, ...args) => goFormat(String(format), args),
  contains: (part, text) => String(text).includes(String(part)),
  trunc: (length, text) => {
    const [n, s] = [plain(length) as number, String(text)];
    return n < 0 ? s.slice(Math.max(0, s.length + n)) : s.slice(0, n);
  },
  trimSuffix: (suffix, text) => (String(text).endsWith(String(suffix)) ? String(text).slice(0, String(text).length - String(suffix).length) : String(text)),
  sha256sum: (text) => createHash('sha256').update(String(text)).digest('hex'),
  toYaml: (value) => (value == null ? 'null' : yaml.dump(value, { sortKeys: true, lineWidth: -1, noRefs: true }).replace(/\n$/, '')),
  indent: (spaces, text) => indentLines(plain(spaces) as number, String(text)),
  nindent: (spaces, text) => `\n${indentLines(plain(spaces) as number, String(text))}`,
};

function deciding(args: unknown[], decidesWhen: boolean): unknown {
  const index = args.findIndex((arg) => truthy(arg) === decidesWhen);
  return args[index === -1 ? args.length - 1 : index];
}

export function callFunction(name: string, args: unknown[]): unknown {
  const fn = FUNCTIONS[name];
  if (!fn) throw new Error(`function "${name}" is outside the supported template subset`);
  return fn(...args);
}

function indentLines(spaces: number, text: string): string {
  const pad = ' '.repeat(spaces);
  return pad + text.replace(/\n/g, `\n${pad}`);
}

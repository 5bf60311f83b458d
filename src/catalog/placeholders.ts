import { readTextFile } from './files';
import { confineLocalPath, confineRealFile, confineUrl, type ReadPolicy, type ReadScope } from './confinement';
import { unreadableUrl } from './remoteUrls';
import { DEFAULT_YAML_LIMITS, measure, parseYamlDocuments } from './yaml';

/** Reads what a placeholder URL points at; the GitHub source provides one. */
export interface UrlReader {
  /** True when this reader can read the URL at all (for example, a host it is configured for). */
  canRead(url: string): boolean;
  /** The repository a URL points into, so reads can be kept inside the source they came from. */
  repositoryOf(url: string): { owner: string; repo: string } | undefined;
  /**
   * Reads the URL. With the etag of an earlier read, the reader may ask conditionally and answer
   * `notModified` instead of the text.
   */
  read(url: string, options?: { etag?: string }): Promise<{ notModified: true } | { notModified?: false; text: string; etag?: string | null }>;
}

export interface PlaceholderContext {
  /** The catalog file the placeholder appears in: relative targets resolve against its folder. */
  file: string;
  maxBytes: number;
  urlReader?: UrlReader;
  /** Where reads may go: the source the catalog file came from. */
  scope: ReadScope;
  policy: ReadPolicy;
  /** What is left of the bytes the file's location may still pull in through placeholders; spent by each read. */
  budget: PlaceholderBudget;
  /** Lets the event loop answer others between reads. */
  takeTurn?: () => Promise<void>;
}

/**
 * What one location may pull in through placeholders, shared by its entities: bytes
 * (BACKLINE_MAX_PLACEHOLDER_BYTES), and reads, failed ones included, since each may be a request to
 * GitHub that a file of thousands of placeholders to missing paths would otherwise repeat.
 */
export interface PlaceholderBudget {
  remaining: number;
  readonly limit: number;
  readsLeft: number;
}

/** Placeholders one catalog file may resolve: far more than a monorepo's API definitions need. */
export const MAX_PLACEHOLDER_READS = 500;

export function placeholderBudget(limit: number): PlaceholderBudget {
  return { remaining: limit, limit, readsLeft: MAX_PLACEHOLDER_READS };
}

export interface PlaceholderResult {
  value: unknown;
  errors: string[];
  /** Files read, with their hashes, so an unchanged location can be recognised without parsing. */
  dependencies: Array<{ file: string; hash: string }>;
}

const KNOWN = new Set(['$text', '$json', '$yaml']);
export const isUrl = (target: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(target);

/**
 * Replaces Backstage's `$text`, `$json` and `$yaml` placeholders with what they point at. A
 * placeholder that cannot be resolved is an error for the entity that holds it, and nothing else.
 */
export async function resolvePlaceholders(value: unknown, context: PlaceholderContext): Promise<PlaceholderResult> {
  const errors: string[] = [];
  const dependencies: PlaceholderResult['dependencies'] = [];

  const visit = async (node: unknown, at: string): Promise<unknown> => {
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const [i, item] of node.entries()) out.push(await visit(item, `${at}[${i}]`));
      return out;
    }
    if (node === null || typeof node !== 'object') return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0]!.startsWith('$')) {
      const name = keys[0]!;
      const target = (node as Record<string, unknown>)[name];
      if (!KNOWN.has(name)) {
        errors.push(`${at}: unknown placeholder ${name} (Backstage knows $text, $json and $yaml)`);
        return node;
      }
      if (typeof target !== 'string' || target.trim() === '') {
        errors.push(`${at}: placeholder ${name} needs a string target, a relative path or a URL`);
        return node;
      }
      await context.takeTurn?.();
      const read = await readTarget(target, context, dependencies);
      if (!read.ok) {
        errors.push(`${at}: could not resolve ${name} ${target}: ${read.message}`);
        return node;
      }
      const parsed = parsePlaceholder(name, read.text);
      if (!parsed.ok) {
        errors.push(`${at}: ${name} ${target} ${parsed.message}`);
        return node;
      }
      return parsed.value;
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = await visit((node as Record<string, unknown>)[key], at ? `${at}.${key}` : key);
    return out;
  };

  const resolved = await visit(value, '');
  return { value: resolved, errors, dependencies };
}

/**
 * A placeholder file's text as a value, under the limits of a catalog file (aliases, depth, nodes):
 * a file behind a placeholder is written by the same hands as the catalog file itself. Parse
 * errors say where, never what the file holds.
 */
function parsePlaceholder(name: string, text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (name === '$text') return { ok: true, value: text };
  let value: unknown;
  if (name === '$json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message)?.[1];
      return { ok: false, message: `is not valid JSON${position ? ` (at character ${position})` : ''}` };
    }
  } else {
    const parsed = parseYamlDocuments(text, DEFAULT_YAML_LIMITS);
    if (!parsed.ok) return { ok: false, message: `is not valid YAML${parsed.problem.line ? ` (line ${parsed.problem.line})` : ''}: ${parsed.problem.message}` };
    if (parsed.documents.length > 1) return { ok: false, message: `holds ${parsed.documents.length} YAML documents; a $yaml placeholder takes one` };
    value = parsed.documents[0]?.value ?? null;
  }
  const excess = measure(value, DEFAULT_YAML_LIMITS);
  return excess ? { ok: false, message: excess } : { ok: true, value };
}

async function readTarget(target: string, context: PlaceholderContext, dependencies: PlaceholderResult['dependencies']): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const spent = () => ({ ok: false as const, message: `this catalog file's placeholders pull in more than ${context.budget.limit} bytes in all (BACKLINE_MAX_PLACEHOLDER_BYTES); split the file or raise the limit` });
  // Once the budget is spent, nothing more is read at all.
  if (context.budget.remaining <= 0) return spent();
  if (context.budget.readsLeft <= 0) return { ok: false, message: `this catalog file has more than ${MAX_PLACEHOLDER_READS} placeholders ($text, $json, $yaml); split it into several files` };
  context.budget.readsLeft--;
  const read = await readConfined(target, context, dependencies);
  if (!read.ok) return read;
  const bytes = Buffer.byteLength(read.text);
  if (bytes > context.budget.remaining) {
    context.budget.remaining = 0;
    return spent();
  }
  context.budget.remaining -= bytes;
  return read;
}

async function readConfined(target: string, context: PlaceholderContext, dependencies: PlaceholderResult['dependencies']): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  // Relative to a file read from a URL, a relative target is another URL beside it.
  const url = isUrl(target) ? target : isUrl(context.file) ? new URL(target, context.file).toString() : undefined;
  if (url) {
    if (!context.urlReader?.canRead(url)) return { ok: false, message: unreadableUrl(url, context.urlReader !== undefined) };
    const confined = confineUrl(url, context.scope, context.policy);
    if (!confined.ok) return confined;
    try {
      const answer = await context.urlReader.read(url);
      if (answer.notModified) return { ok: false, message: 'the server answered "not modified" to an unconditional read' };
      return { ok: true, text: answer.text };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }
  const local = confineLocalPath(target, context.file, context.scope);
  if (!local.ok) return local;
  const real = confineRealFile(local.target, context.scope);
  if (!real.ok) return real;
  const read = await readTextFile(local.target, context.maxBytes);
  if (!read.ok) return read;
  dependencies.push({ file: local.target, hash: read.hash });
  return { ok: true, text: read.text };
}

/** True when a value still holds placeholders, so a quick scan can skip resolution entirely. */
export function containsPlaceholder(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsPlaceholder);
  if (value === null || typeof value !== 'object') return false;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0]!.startsWith('$')) return true;
  return keys.some((key) => containsPlaceholder((value as Record<string, unknown>)[key]));
}

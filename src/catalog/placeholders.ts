import path from 'node:path';
import yaml from 'js-yaml';
import { readTextFile } from '../sources/files';

/** Reads what a placeholder URL points at; the GitHub source provides one. */
export interface UrlReader {
  /** True when this reader can read the URL at all (for example, a host it is configured for). */
  canRead(url: string): boolean;
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
      const read = await readTarget(target, context, dependencies);
      if (!read.ok) {
        errors.push(`${at}: could not resolve ${name} ${target}: ${read.message}`);
        return node;
      }
      try {
        if (name === '$json') return JSON.parse(read.text);
        if (name === '$yaml') return yaml.load(read.text, { schema: yaml.CORE_SCHEMA });
        return read.text;
      } catch (error) {
        errors.push(`${at}: ${name} ${target} is not valid ${name === '$json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
        return node;
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = await visit((node as Record<string, unknown>)[key], at ? `${at}.${key}` : key);
    return out;
  };

  const resolved = await visit(value, '');
  return { value: resolved, errors, dependencies };
}

async function readTarget(target: string, context: PlaceholderContext, dependencies: PlaceholderResult['dependencies']): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  // Relative to a file read from a URL, a relative target is another URL beside it.
  const url = isUrl(target) ? target : isUrl(context.file) ? new URL(target, context.file).toString() : undefined;
  if (url) {
    if (!context.urlReader?.canRead(url)) return { ok: false, message: 'no reader is configured for this URL (configure the GitHub integration to read GitHub URLs)' };
    try {
      const answer = await context.urlReader.read(url);
      if (answer.notModified) return { ok: false, message: 'the server answered "not modified" to an unconditional read' };
      return { ok: true, text: answer.text };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }
  const file = path.resolve(path.dirname(context.file), target);
  const read = await readTextFile(file, context.maxBytes);
  if (!read.ok) return read;
  dependencies.push({ file, hash: read.hash });
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

import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Prng } from '../../../bench/lib/prng';

/**
 * Inputs for holding a direct check to its zod schema: Backstage's example catalog, and seeded
 * mutations of valid documents that put values on either side of each rule.
 */
const CORPUS = path.resolve(__dirname, '../../../../shared/conformance/backstage-catalog');

export function corpusDocuments(): unknown[] {
  const documents: unknown[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ya?ml$/.test(entry.name)) documents.push(...yaml.loadAll(fs.readFileSync(file, 'utf8'), undefined, { schema: yaml.CORE_SCHEMA }).filter(Boolean));
    }
  };
  walk(CORPUS);
  return documents;
}

// Values that sit on either side of some rule: empty and blank strings, wrong types, too long,
// bad prefixes, URLs and not-URLs, upper case where a DNS label is wanted.
export const AWKWARD: unknown[] = [
  '', ' ', 'ok', 'OK', 'a-b', '-a', 'a-', 'a.b', 'a_b', 'x'.repeat(63), 'x'.repeat(64), 'example.com/key', 'Example.com/key', 'a/b/c', '/key', 'key/',
  'https://example.com', 'not a url', 'http://', 'c++', 'go 1.15', 'backstage.io/v1alpha1', 'v1', 'Component', '1Component', 0, 1.5, true, false, null, [], ['ok'], [''], [1], {}, { a: 'b' },
  { url: 'https://example.com' }, { url: 'nope' }, { url: 'https://example.com', title: ' ' }, { url: 'https://example.com', type: '' },
];
export const ENVELOPE_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'status', 'relations', 'name', 'namespace', 'uid', 'etag', 'title', 'description', 'labels', 'annotations', 'tags', 'links', 'url', 'icon', 'type', 'example.com/x', 'Bad Key'];

/** A deep copy with one value somewhere inside replaced, removed, or added. */
export function mutate(value: unknown, rng: Prng, keys: readonly string[] = ENVELOPE_KEYS, awkward: readonly unknown[] = AWKWARD): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node: unknown = copy;
  for (let depth = 0; depth < 4; depth++) {
    const children = node && typeof node === 'object' ? Object.keys(node as object) : [];
    if (children.length === 0 || rng.chance(0.3)) break;
    const key = rng.pick(children);
    const child = (node as Record<string, unknown>)[key];
    if (!child || typeof child !== 'object' || rng.chance(0.25)) {
      const action = rng.int(0, 2);
      if (action === 0) (node as Record<string, unknown>)[key] = structuredClone(rng.pick(awkward));
      else if (action === 1 && !Array.isArray(node)) delete (node as Record<string, unknown>)[key];
      else if (!Array.isArray(node)) (node as Record<string, unknown>)[rng.pick(keys)] = structuredClone(rng.pick(awkward));
      return copy;
    }
    node = child;
  }
  if (node && typeof node === 'object' && !Array.isArray(node)) (node as Record<string, unknown>)[rng.pick(keys)] = structuredClone(rng.pick(awkward));
  return copy;
}
